"""Statements resource rules found by the ADL conformance suite: objects where strings belong
are 400s (never 500s), headers on every answer, interaction, authority and duration rules,
formats, statements that target voided ones, and the alternate request syntax."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.interop.xapi.conftest import VERSION, Lrs, new_id, statement

pytestmark = pytest.mark.django_db

VOIDED = {"id": "http://adlnet.gov/expapi/verbs/voided"}


def _activity(**definition: Any) -> dict[str, Any]:
    return {"id": "https://tool.example.org/activities/q1", "definition": definition}


@pytest.mark.parametrize(
    "sent",
    [
        statement(object={"objectType": {"x": 1}, "id": "https://t.org/a"}),
        statement(object=_activity(interactionType={"x": 1})),
        statement(
            object={
                "objectType": "SubStatement",
                "actor": {"mbox": "mailto:a@example.org"},
                "verb": {"id": "https://t.org/v"},
                "object": {"objectType": {"x": 1}, "id": "https://t.org/a"},
            }
        ),
        statement(actor={"objectType": {"x": 1}, "mbox": "mailto:a@example.org"}),
    ],
    ids=["object", "interactionType", "substatement-object", "actor"],
)
def test_an_object_where_a_string_belongs_is_a_400(lrs: Lrs, sent: dict[str, Any]) -> None:
    """objectType or interactionType sent as an object answers 400 naming it, not a 500."""
    response = lrs.post(sent)
    assert response.status_code == 400
    assert "objectType" in response.json()["error"] or "interactionType" in response.json()["error"]


def test_every_answer_has_the_consistent_through_header(lrs: Lrs) -> None:
    """Errors (400, 401, 404) carry X-Experience-API-Consistent-Through as well as 200s."""
    answers = [
        lrs.post(statement(verb={"id": "not an iri"})),
        lrs.get(statementId=new_id()),
        lrs.http.get("/xapi/statements", **VERSION),
        lrs.post(statement()),
    ]
    assert [a.status_code for a in answers] == [400, 404, 401, 200]
    for answer in answers:
        assert answer["X-Experience-API-Consistent-Through"]
        assert answer["X-Experience-API-Version"] == "1.0.3"


def test_null_extension_values_are_accepted(lrs: Lrs) -> None:
    """An extension's value may be any JSON, null included; null elsewhere is still refused."""
    assert lrs.post(statement(result={"extensions": {"https://x.org/e": None}})).status_code == 200
    assert lrs.post(statement(result={"response": None})).status_code == 400


@pytest.mark.parametrize(
    ("definition", "status"),
    [
        ({"interactionType": "choice", "choices": [{"id": "a"}, {"id": "b"}]}, 200),
        ({"interactionType": "likert", "scale": [{"id": "1"}]}, 200),
        ({"correctResponsesPattern": ["a"]}, 400),
        ({"choices": [{"id": "a"}]}, 400),
        ({"interactionType": "likert", "choices": [{"id": "a"}]}, 400),
        ({"interactionType": "choice", "scale": [{"id": "a"}]}, 400),
        ({"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}, 400),
        ({"interactionType": "matching", "source": [{"id": "a"}], "target": [{"id": "b"}]}, 200),
    ],
)
def test_interaction_components_follow_the_interaction_type(
    lrs: Lrs, definition: dict[str, Any], status: int
) -> None:
    """Components need an interactionType they belong to, and unique ids."""
    assert lrs.post(statement(object=_activity(**definition))).status_code == status


OAUTH = {"account": {"homePage": "https://oauth.example.org/token", "name": "consumer"}}
USER = {"mbox": "mailto:user@example.org"}


@pytest.mark.parametrize(
    ("authority", "status"),
    [
        ({"mbox": "mailto:boss@example.org"}, 200),
        ({"objectType": "Group", "member": [OAUTH, USER]}, 200),
        ({"objectType": "Group", "member": [OAUTH, USER, {"mbox": "mailto:c@example.org"}]}, 400),
        ({"objectType": "Group", "mbox": "mailto:g@example.org", "member": [OAUTH, USER]}, 400),
        ({"objectType": "Group", "member": [USER, {"mbox": "mailto:c@example.org"}]}, 400),
    ],
)
def test_authority_is_an_agent_or_an_oauth_pair(
    lrs: Lrs, authority: dict[str, Any], status: int
) -> None:
    """A Group as authority is anonymous with two Agents, one of them an OAuth account."""
    assert lrs.post(statement(authority=authority)).status_code == status


def test_a_single_context_activity_is_returned_as_an_array(lrs: Lrs) -> None:
    """contextActivities.parent sent as an object comes back as an array of one."""
    parent = {"id": "https://t.org/unit1"}
    statement_id = new_id()
    lrs.post(statement(id=statement_id, context={"contextActivities": {"parent": parent}}))
    got = lrs.get(statementId=statement_id).json()
    assert got["context"]["contextActivities"]["parent"] == [parent]


@pytest.mark.parametrize(
    ("duration", "status"),
    [("PT4H35M59.14S", 200), ("P3Y1M29DT4H35M59.14S", 200), ("P4W", 200), ("P4W1D", 400)],
)
def test_durations_follow_iso_8601(lrs: Lrs, duration: str, status: int) -> None:
    """Weeks stand alone; the other parts combine."""
    assert lrs.post(statement(result={"duration": duration})).status_code == status


def _rich(statement_id: str) -> dict[str, Any]:
    return statement(
        id=statement_id,
        actor={"objectType": "Agent", "name": "Ana", "mbox": "mailto:ana@example.org"},
        verb={"id": "https://t.org/v", "display": {"en-US": "did", "en-GB": "did (GB)"}},
        object={
            "objectType": "Activity",
            "id": "https://t.org/a",
            "definition": {"name": {"en-US": "Quiz", "es": "Prueba"}, "type": "https://t.org/t"},
        },
    )


def test_format_ids_keeps_only_identifiers(lrs: Lrs) -> None:
    """format=ids drops names, displays and definitions."""
    statement_id = new_id()
    lrs.post(_rich(statement_id))
    got = lrs.get(statementId=statement_id, format="ids").json()
    assert got["actor"] == {"objectType": "Agent", "mbox": "mailto:ana@example.org"}
    assert got["verb"] == {"id": "https://t.org/v"}
    assert got["object"] == {"id": "https://t.org/a"}
    listed = lrs.get(format="ids").json()["statements"]
    assert listed[0]["verb"] == {"id": "https://t.org/v"}


def test_format_canonical_keeps_the_accepted_language(lrs: Lrs) -> None:
    """format=canonical keeps one language per map, chosen by Accept-Language; exact keeps all."""
    statement_id = new_id()
    lrs.post(_rich(statement_id))
    got = lrs.http.get(
        "/xapi/statements",
        {"statementId": statement_id, "format": "canonical"},
        HTTP_AUTHORIZATION=lrs.auth,
        HTTP_ACCEPT_LANGUAGE="en-GB, es;q=0.5",
        **VERSION,
    ).json()
    assert got["verb"]["display"] == {"en-GB": "did (GB)"}
    assert got["object"]["definition"]["name"] == {"es": "Prueba"}
    exact = lrs.get(statementId=statement_id).json()
    assert set(exact["verb"]["display"]) == {"en-US", "en-GB"}
    assert lrs.get(format="bogus").status_code == 400


def test_queries_return_statements_that_target_a_matching_voided_statement(lrs: Lrs) -> None:
    """Filtering by the voided statement's verb returns the voiding statement and another that
    references it, but not the voided statement."""
    verb = {"id": "https://t.org/verbs/special"}
    voided, voiding, referring = new_id(), new_id(), new_id()
    lrs.post(statement(id=voided, verb=verb))
    lrs.post(
        statement(id=voiding, verb=VOIDED, object={"objectType": "StatementRef", "id": voided})
    )
    lrs.post(
        statement(id=referring, verb=verb, object={"objectType": "StatementRef", "id": voided})
    )
    lrs.post(statement())
    ids = [s["id"] for s in lrs.get(verb=verb["id"]).json()["statements"]]
    assert sorted(ids) == sorted([voiding, referring])


def _alternate(lrs: Lrs, method: str, form: dict[str, str], **query: str):  # type: ignore[no-untyped-def]
    return lrs.http.post(
        "/xapi/statements?" + urlencode({"method": method, **query}),
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )


def test_alternate_syntax_put_and_get(lrs: Lrs) -> None:
    """A POST ?method=PUT with headers and content in the form stores; ?method=GET reads."""
    statement_id = new_id()
    headers = {"Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3"}
    put = _alternate(
        lrs,
        "PUT",
        {**headers, "statementId": statement_id, "content": json.dumps(statement())},
    )
    assert put.status_code == 204, put.content
    got = _alternate(lrs, "GET", {**headers, "statementId": statement_id})
    assert got.status_code == 200
    assert got.json()["id"] == statement_id


def test_alternate_syntax_refusals(lrs: Lrs) -> None:
    """Other query parameters beside method, a bad version in the form, or no credentials."""
    headers = {"Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3"}
    assert _alternate(lrs, "GET", headers, limit="1").status_code == 400
    assert _alternate(lrs, "GET", {**headers, "X-Experience-API-Version": "0.8"}).status_code == 400
    assert _alternate(lrs, "GET", {"X-Experience-API-Version": "1.0.3"}).status_code == 401
    assert _alternate(lrs, "GET", {**headers, "limit": "1"}).status_code == 200


def test_alternate_syntax_takes_real_headers_too(lrs: Lrs) -> None:
    """Credentials and version sent as real headers count when the form does not repeat them."""
    response = lrs.http.post(
        "/xapi/statements?method=GET",
        data=urlencode({"limit": "1"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=lrs.auth,
        **VERSION,
    )
    assert response.status_code == 200
    assert response.json()["statements"] == []


def test_attachment_descriptions_are_language_maps(lrs: Lrs) -> None:
    """An attachment's description with a bad language tag is refused."""
    attachment = {
        "usageType": "https://t.org/usage",
        "display": {"en-US": "file"},
        "description": {"bad tag!": "x"},
        "contentType": "text/plain",
        "length": 1,
        "sha2": "0" * 64,
        "fileUrl": "https://t.org/f.txt",
    }
    assert lrs.post(statement(attachments=[attachment])).status_code == 400


@pytest.mark.parametrize(
    ("field", "value"),
    [("contentType", 5), ("contentType", "no slash"), ("sha2", "xyz"), ("fileUrl", "not iri")],
)
def test_attachment_fields_are_checked(lrs: Lrs, field: str, value: object) -> None:
    """contentType is a media type, sha2 a hexadecimal SHA-2 digest, fileUrl an IRL."""
    attachment = {
        "usageType": "https://t.org/usage",
        "display": {"en-US": "file"},
        "contentType": "text/plain",
        "length": 1,
        "sha2": "a" * 64,
        "fileUrl": "https://t.org/f.txt",
    }
    assert lrs.post(statement(attachments=[attachment])).status_code == 200
    assert lrs.post(statement(attachments=[{**attachment, field: value}])).status_code == 400
