"""The Statements resource through HTTP: auth, version header, POST/PUT/GET, voiding, filters."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from masterypath.interop.xapi.models import Statement
from tests.interop.xapi.conftest import VERSION, Lrs, basic, new_id, statement

pytestmark = pytest.mark.django_db


def test_about_names_the_version_without_credentials() -> None:
    """GET /xapi/about needs no credentials and lists 1.0.3."""
    response = Client().get("/xapi/about")
    assert response.status_code == 200
    assert "1.0.3" in response.json()["version"]
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_missing_version_header_is_refused(lrs: Lrs) -> None:
    """Without X-Experience-API-Version the request fails with 400 naming the header."""
    response = lrs.http.post(
        "/xapi/statements",
        data=json.dumps(statement()),
        content_type="application/json",
        HTTP_AUTHORIZATION=lrs.auth,
    )
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["error"]


@pytest.mark.parametrize("auth", ["", "Basic bm9wZQ==", "Bearer x"])
def test_bad_credentials_get_401(lrs: Lrs, auth: str) -> None:
    """Missing, malformed or wrong credentials get 401 with a Basic challenge."""
    response = lrs.http.post(
        "/xapi/statements",
        data=json.dumps(statement()),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
        **VERSION,
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")


def test_wrong_password_gets_401(lrs: Lrs) -> None:
    """The right username with another password is refused."""
    response = lrs.http.post(
        "/xapi/statements",
        data=json.dumps(statement()),
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(lrs.new.client.username, "guess"),
        **VERSION,
    )
    assert response.status_code == 401


def test_post_single_returns_its_new_id_and_get_returns_it_unchanged(lrs: Lrs) -> None:
    """A statement without id gets one; GET by id returns it with stored and authority."""
    sent = statement(result={"score": {"scaled": 0.5}, "extensions": {"https://x.org/e": 1.50}})
    response = lrs.post(sent)
    assert response.status_code == 200
    (statement_id,) = response.json()
    got = lrs.get(statementId=statement_id)
    assert got.status_code == 200
    body = got.json()
    assert body["id"] == statement_id
    assert body["actor"] == sent["actor"]
    assert body["result"] == sent["result"]
    assert body["authority"]["account"]["name"] == lrs.new.client.username
    assert "stored" in body
    assert "timestamp" in body
    assert got["X-Experience-API-Consistent-Through"]


def test_post_batch_stores_all_in_order(lrs: Lrs) -> None:
    """A batch returns the ids in the order sent."""
    ids = [new_id() for _ in range(3)]
    response = lrs.post([statement(id=i) for i in ids])
    assert response.status_code == 200
    assert response.json() == ids
    assert Statement.objects.count() == 3


def test_batch_with_one_invalid_statement_stores_nothing(lrs: Lrs) -> None:
    """The whole batch is refused and the message names the bad statement's index."""
    batch = [statement(), statement(verb={"id": "not an iri"})]
    response = lrs.post(batch)
    assert response.status_code == 400
    assert response.json()["error"].startswith("statements[1].verb.id")
    assert Statement.objects.count() == 0


def test_same_id_same_content_is_accepted_again_without_a_copy(lrs: Lrs) -> None:
    """Re-sending a stored statement succeeds and stores nothing new."""
    sent = statement(id=new_id())
    assert lrs.post(sent).status_code == 200
    assert lrs.post(sent).status_code == 200
    assert Statement.objects.count() == 1


def test_same_id_different_content_conflicts(lrs: Lrs) -> None:
    """Another statement under a stored id gets 409; nothing of the request is stored."""
    statement_id = new_id()
    lrs.post(statement(id=statement_id))
    other = statement(id=statement_id, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    response = lrs.post([statement(), other])
    assert response.status_code == 409
    assert Statement.objects.count() == 1


def test_duplicate_ids_within_a_batch_are_invalid(lrs: Lrs) -> None:
    """Two statements with one id in a request get 400."""
    statement_id = new_id()
    response = lrs.post([statement(id=statement_id), statement(id=statement_id)])
    assert response.status_code == 400
    assert "appears twice" in response.json()["error"]


def test_put_stores_under_the_given_id(lrs: Lrs) -> None:
    """PUT ?statementId= answers 204 and the statement is found by that id."""
    statement_id = new_id()
    assert lrs.put(statement(), statement_id).status_code == 204
    assert lrs.get(statementId=statement_id).json()["id"] == statement_id


def test_put_needs_a_statement_id_matching_the_body(lrs: Lrs) -> None:
    """PUT without statementId, or with a different id in the body, gets 400."""
    assert (
        lrs.http.put(
            "/xapi/statements",
            data=json.dumps(statement()),
            content_type="application/json",
            HTTP_AUTHORIZATION=lrs.auth,
            **VERSION,
        ).status_code
        == 400
    )
    assert lrs.put(statement(id=new_id()), new_id()).status_code == 400


def test_unknown_statement_is_404(lrs: Lrs) -> None:
    """GET by an id never stored answers 404."""
    assert lrs.get(statementId=new_id()).status_code == 404


def test_voiding_hides_the_statement_and_voiding_a_voider_is_refused(lrs: Lrs) -> None:
    """A voided statement is found only by voidedStatementId; a voiding statement can't be
    voided."""
    target = new_id()
    lrs.post(statement(id=target))
    voider = new_id()
    voiding = statement(
        id=voider,
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": target},
    )
    assert lrs.post(voiding).status_code == 200
    assert lrs.get(statementId=target).status_code == 404
    assert lrs.get(voidedStatementId=target).json()["id"] == target
    assert [s["id"] for s in lrs.get().json()["statements"]] == [voider]
    again = statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": voider},
    )
    response = lrs.post(again)
    assert response.status_code == 400
    assert "cannot itself be voided" in response.json()["error"]


def test_filters_by_agent_verb_activity_registration(lrs: Lrs) -> None:
    """Each filter narrows the result to the matching statements."""
    registration = new_id()
    ana = {"mbox": "mailto:ana@example.org"}
    lrs.post(
        [
            statement(actor=ana, context={"registration": registration}),
            statement(verb={"id": "http://adlnet.gov/expapi/verbs/passed"}),
            statement(
                object={"id": "https://tool.example.org/activities/q2"},
                context={"contextActivities": {"parent": [{"id": "https://t.org/unit1"}]}},
            ),
        ]
    )

    def count(**params: str) -> int:
        return len(lrs.get(**params).json()["statements"])

    assert count() == 3
    assert count(agent=json.dumps(ana)) == 1
    assert count(verb="http://adlnet.gov/expapi/verbs/passed") == 1
    assert count(activity="https://tool.example.org/activities/q2") == 1
    assert count(activity="https://t.org/unit1") == 0
    assert count(activity="https://t.org/unit1", related_activities="true") == 1
    assert count(registration=registration) == 1


def test_since_until_limit_more_and_ascending(lrs: Lrs) -> None:
    """`limit` pages through `more` links; `ascending` reverses; since/until bound `stored`."""
    ids = [new_id() for _ in range(5)]
    for statement_id in ids:
        lrs.post(statement(id=statement_id))
    first = lrs.get(limit="2").json()
    assert [s["id"] for s in first["statements"]] == ids[::-1][:2]
    second = lrs.http.get(first["more"], HTTP_AUTHORIZATION=lrs.auth, **VERSION).json()
    assert [s["id"] for s in second["statements"]] == ids[::-1][2:4]
    ascending = lrs.get(limit="10", ascending="true").json()
    assert [s["id"] for s in ascending["statements"]] == ids
    assert ascending["more"] == ""
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert lrs.get(since=later).json()["statements"] == []
    assert len(lrs.get(until=later).json()["statements"]) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "-1"}, "limit"),
        ({"since": "yesterday"}, "since"),
        ({"agent": "{}"}, "agent"),
        ({"colour": "red"}, "colour"),
        ({"registration": "x"}, "registration"),
    ],
)
def test_bad_query_parameters_get_400(lrs: Lrs, params: dict[str, str], message: str) -> None:
    """Malformed filters answer 400 naming the parameter."""
    response = lrs.get(**params)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)


def test_command_creates_a_client_whose_credentials_work(
    capsys: pytest.CaptureFixture[str], world: object
) -> None:
    """`masterypath xapi-client create NAME` prints a username and password that authenticate."""
    call_command("xapi-client", "create", "Reading app")
    out = capsys.readouterr().out
    username = out.split("username: ")[1].split()[0]
    password = out.split("password: ")[1].split()[0]
    response = Client().post(
        "/xapi/statements",
        data=json.dumps(statement()),
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(username, password),
        **VERSION,
    )
    assert response.status_code == 200


def test_nul_characters_are_refused_on_both_databases(lrs: Lrs) -> None:
    """A NUL in a statement or a filter answers 400 (PostgreSQL text cannot store it)."""
    response = lrs.post(
        statement(actor={"account": {"homePage": "https://x.org", "name": "a\u0000b"}})
    )
    assert response.status_code == 400
    assert lrs.get(verb="https://x.org/\u0000").status_code == 400
