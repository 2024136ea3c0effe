"""Attachments sent as multipart/mixed (sha2 checked, data returned with attachments=true) and
signed statements (JWS structure, algorithm and payload checked)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from masterypath.interop.xapi.attachments import SIGNATURE, boundary_of, parts_of
from tests.interop.xapi.conftest import VERSION, Lrs, new_id, statement

pytestmark = pytest.mark.django_db

BOUNDARY = "----test-boundary-42"


def _meta(data: bytes, **fields: Any) -> dict[str, Any]:
    return {
        "usageType": "https://t.org/usage/evidence",
        "display": {"en-US": "work"},
        "contentType": "text/plain",
        "length": len(data),
        "sha2": hashlib.sha256(data).hexdigest(),
        **fields,
    }


def _body(statements: Any, parts: list[tuple[dict[str, str], bytes]]) -> bytes:
    chunks = [
        f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(statements).encode(),
    ]
    for headers, data in parts:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        chunks.append(f"\r\n--{BOUNDARY}\r\n{head}\r\n".encode())
        chunks.append(data)
    chunks.append(f"\r\n--{BOUNDARY}--".encode())
    return b"".join(chunks)


def _part(data: bytes, digest: str | None = None, **extra: str) -> tuple[dict[str, str], bytes]:
    headers = {
        "Content-Type": "text/plain",
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": digest or hashlib.sha256(data).hexdigest(),
        **extra,
    }
    return headers, data


def _post(lrs: Lrs, body: bytes):  # type: ignore[no-untyped-def]
    return lrs.http.post(
        "/xapi/statements",
        data=body,
        content_type=f"multipart/mixed; boundary={BOUNDARY}",
        HTTP_AUTHORIZATION=lrs.auth,
        **VERSION,
    )


def test_an_attachment_is_stored_and_returned_with_attachments_true(lrs: Lrs) -> None:
    """The statement and its data round trip; without attachments=true the answer is JSON."""
    data = b"my essay\r\n--not-a-boundary\r\n"
    statement_id = new_id()
    sent = statement(id=statement_id, attachments=[_meta(data)])
    assert _post(lrs, _body(sent, [_part(data)])).status_code == 200
    plain = lrs.get(statementId=statement_id)
    assert plain["Content-Type"] == "application/json"
    multipart = lrs.get(statementId=statement_id, attachments="true")
    assert multipart["Content-Type"].startswith("multipart/mixed")
    parts = parts_of(multipart.content, boundary_of(multipart["Content-Type"]))
    assert json.loads(parts[0].content)["id"] == statement_id
    assert parts[1].content == data
    assert parts[1].headers["x-experience-api-hash"] == hashlib.sha256(data).hexdigest()
    listed = lrs.get(attachments="true")
    assert listed["Content-Type"].startswith("multipart/mixed")


@pytest.mark.parametrize(
    "case",
    ["wrong hash", "no hash header", "no transfer encoding", "missing part", "extra part"],
)
def test_multipart_refusals(lrs: Lrs, case: str) -> None:
    """A part whose data does not match its hash, lacks its headers, is missing or belongs to
    no attachment answers 400 and stores nothing."""
    data = b"abc"
    sent = statement(attachments=[_meta(data)])
    parts = [_part(data)]
    if case == "wrong hash":
        parts = [_part(b"abd", digest=hashlib.sha256(data).hexdigest())]
    elif case == "no hash header":
        parts = [({"Content-Type": "text/plain", "Content-Transfer-Encoding": "binary"}, data)]
    elif case == "no transfer encoding":
        parts = [
            ({"Content-Type": "text/plain", "X-Experience-API-Hash": _meta(data)["sha2"]}, data)
        ]
    elif case == "missing part":
        parts = []
    else:
        parts = [_part(data), _part(b"other")]
    response = _post(lrs, _body(sent, parts))
    assert response.status_code == 400
    assert lrs.get().json()["statements"] == []


def test_json_request_with_an_attachment_without_file_url_is_refused(lrs: Lrs) -> None:
    """application/json cannot carry the data: an attachment needs a fileUrl there."""
    assert lrs.post(statement(attachments=[_meta(b"abc")])).status_code == 400
    with_url = _meta(b"abc", fileUrl="https://t.org/abc.txt")
    assert lrs.post(statement(attachments=[with_url])).status_code == 200


def _b64(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).decode().rstrip("=")


def _signed(alg: str = "RS256", *, payload: Any = None, content_type: str = "") -> bytes:
    body = statement(id=new_id())
    jws_payload = json.dumps(body if payload is None else payload).encode()
    jws = ".".join(
        [_b64(json.dumps({"alg": alg}).encode()), _b64(jws_payload), _b64(b"\x01" * 256)]
    ).encode()
    meta = _meta(jws, usageType=SIGNATURE, contentType=content_type or "application/octet-stream")
    return _body(
        {**body, "attachments": [meta]}, [_part(jws, **{"Content-Type": meta["contentType"]})]
    )


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_a_signed_statement_with_an_rsa_algorithm_is_accepted(lrs: Lrs, alg: str) -> None:
    assert _post(lrs, _signed(alg)).status_code == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {"alg": "HS256"},
        {"payload": {"actor": {"mbox": "mailto:someone-else@example.org"}}},
        {"content_type": "text/plain"},
    ],
    ids=["algorithm", "payload differs", "content type"],
)
def test_a_malformed_signature_is_refused(lrs: Lrs, kwargs: dict[str, Any]) -> None:
    """Another algorithm, a payload that is not the statement, or a signature that is not
    application/octet-stream answers 400."""
    assert _post(lrs, _signed(**kwargs)).status_code == 400
