"""Odd input to every xAPI resource answers 4xx with JSON, never a server error."""

from __future__ import annotations

import pytest

from tests.interop.xapi.conftest import VERSION, Lrs

pytestmark = pytest.mark.django_db

ODD = [
    ("get", "/xapi/activities/state?activityId=https://t.org/a&agent=%7B&stateId=x", b""),
    ("get", "/xapi/activities/state?activityId=https://t.org/a&agent=[]", b""),
    ("get", "/xapi/activities/state?activityId=https://t.org/a&agent=%7B%7D&since=yesterday", b""),
    ("put", "/xapi/activities/profile?activityId=https://t.org/a", b"{}"),
    ("delete", "/xapi/agents/profile?agent=%7B%22mbox%22:%22mailto:a@b.c%22%7D", b""),
    ("get", "/xapi/agents?agent=%7B%22mbox%22:5%7D", b""),
    ("post", "/xapi/activities", b""),
    ("get", "/xapi/activities?activityId=%00", b""),
    ("post", "/xapi/statements?method=BREW", b""),
    ("post", "/xapi/statements?method=GET&limit=1", b""),
    ("get", "/xapi/statements?attachments=maybe", b""),
    ("get", "/xapi/statements?format=ids&statementId=nope", b""),
    ("put", "/xapi/activities/state?activityId=https://t.org/a&agent=%7B%7D&stateId=a%00b", b"{}"),
    (
        "put",
        "/xapi/activities/state?activityId=https://t.org/a"
        "&agent=%7B%22mbox%22:%22mailto:a@b.c%22%7D&stateId=a%00b",
        b"{}",
    ),
]


@pytest.mark.parametrize(("method", "url", "body"), ODD)
def test_odd_requests_get_a_json_4xx(lrs: Lrs, method: str, url: str, body: bytes) -> None:
    response = getattr(lrs.http, method)(
        url,
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=lrs.auth,
        **VERSION,
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:200])
    assert response.json()["error"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/mixed", b"--x\r\n\r\n{}\r\n--x--"),
        ("multipart/mixed; boundary=x", b"garbage"),
        ("multipart/mixed; boundary=x", b"--x\r\nContent-Type: text/plain\r\n\r\n{}\r\n--x--"),
        (
            "multipart/mixed; boundary=x",
            b"--x\r\nContent-Type: application/json\r\n\r\n[1]\r\n--x--",
        ),
        ("multipart/mixed; boundary=x", b"--x\r\nContent-Type: application/json\r\n\r\n{}"),
        ("text/plain", b"{}"),
    ],
)
def test_odd_multipart_bodies_get_a_400(lrs: Lrs, content_type: str, body: bytes) -> None:
    response = lrs.http.post(
        "/xapi/statements",
        data=body,
        content_type=content_type,
        HTTP_AUTHORIZATION=lrs.auth,
        **VERSION,
    )
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"]
