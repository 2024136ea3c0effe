"""xAPI reads of students' data leave one audit entry per request naming the students."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from masterypath.common.models import AuditAction, AuditEntry
from masterypath.interop.xapi.services import xapi_client_create
from tests.conftest import World, user_of
from tests.interop.xapi.conftest import VERSION, Lrs, new_id, statement

pytestmark = pytest.mark.django_db

ACTIVITY = "https://tool.example.org/activities/q1"


def _account(world: World, key: str) -> dict[str, object]:
    return {
        "account": {"homePage": "https://sis.example.org", "name": world.students[key].local_id}
    }


def _entries_since(last: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=last).order_by("id"))


def _last() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _get(lrs: Lrs, path: str, **params: str):  # type: ignore[no-untyped-def]
    return lrs.http.get(f"/xapi/{path}?{urlencode(params)}", HTTP_AUTHORIZATION=lrs.auth, **VERSION)


def test_a_query_returning_two_students_statements_leaves_one_entry_naming_both(
    lrs: Lrs, world: World
) -> None:
    lrs.post(
        [
            statement(actor=_account(world, "s1")),
            statement(actor=_account(world, "s2")),
            statement(actor=_account(world, "s1")),
            statement(),  # an actor who is no student
        ]
    )
    last = _last()
    response = lrs.get()
    assert response.status_code == 200
    assert len(response.json()["statements"]) == 4
    (entry,) = _entries_since(last)
    assert entry.action == AuditAction.VIEW
    assert entry.detail["students"] == sorted(world.students[k].pk for k in ("s1", "s2"))
    assert entry.detail["page"] == "xapi-statements"
    assert entry.detail["client"] == lrs.new.client.username
    assert entry.actor == user_of(world, "admin_d1")
    assert entry.student_id is None
    assert "no-store" in response["Cache-Control"]


def test_a_statement_by_id_names_its_student_and_a_group_names_its_members(
    lrs: Lrs, world: World
) -> None:
    one, group = new_id(), new_id()
    members = [{"objectType": "Agent", **_account(world, k)} for k in ("s2", "s3")]
    lrs.post(
        [
            statement(id=one, actor=_account(world, "s1")),
            statement(
                id=group,
                actor={"objectType": "Group", "name": "Team", "member": members},
            ),
        ]
    )
    last = _last()
    assert lrs.get(statementId=one).status_code == 200
    (entry,) = _entries_since(last)
    assert entry.student_id == world.students["s1"].pk
    assert entry.detail["students"] == [world.students["s1"].pk]
    last = _last()
    assert lrs.get(statementId=group).status_code == 200
    (entry,) = _entries_since(last)
    assert entry.detail["students"] == sorted(world.students[k].pk for k in ("s2", "s3"))


def test_an_agent_object_and_a_sub_statement_actor_count(lrs: Lrs, world: World) -> None:
    lrs.post(
        [
            statement(object={"objectType": "Agent", **_account(world, "s2")}),
            statement(
                object={
                    "objectType": "SubStatement",
                    "actor": _account(world, "s3"),
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                    "object": {"id": ACTIVITY},
                }
            ),
        ]
    )
    last = _last()
    assert lrs.get().status_code == 200
    (entry,) = _entries_since(last)
    assert entry.detail["students"] == sorted(world.students[k].pk for k in ("s2", "s3"))


def test_a_query_about_no_student_leaves_no_entry(lrs: Lrs, world: World) -> None:
    """Nothing returned, or only statements of actors who are no student: no entry."""
    last = _last()
    empty = lrs.get()
    assert empty.json()["statements"] == []
    assert "no-store" not in empty.get("Cache-Control", "")
    lrs.post([statement(), statement(actor={"mbox": "mailto:someone@example.org"})])
    assert len(lrs.get().json()["statements"]) == 2
    assert (
        lrs.http.head("/xapi/statements", HTTP_AUTHORIZATION=lrs.auth, **VERSION).status_code == 200
    )
    assert _entries_since(last) == []


def test_a_head_request_returns_no_data_and_leaves_no_entry(lrs: Lrs, world: World) -> None:
    lrs.post([statement(actor=_account(world, "s1"))])
    last = _last()
    assert (
        lrs.http.head("/xapi/statements", HTTP_AUTHORIZATION=lrs.auth, **VERSION).status_code == 200
    )
    assert _entries_since(last) == []


def test_another_districts_student_is_not_mapped_by_this_districts_client(
    lrs: Lrs, world: World
) -> None:
    """s5 is in district two: to district one's client the actor is no student."""
    lrs.post([statement(actor=_account(world, "s5"))])
    last = _last()
    assert len(lrs.get().json()["statements"]) == 1
    assert _entries_since(last) == []
    other = Lrs(xapi_client_create(actor=None, name="Other", owner=user_of(world, "admin_d2")))
    other.post([statement(actor=_account(world, "s5"))])
    last = _last()
    assert len(other.get().json()["statements"]) == 1
    (entry,) = _entries_since(last)
    assert entry.detail["students"] == [world.students["s5"].pk]
    assert entry.actor == user_of(world, "admin_d2")


@pytest.mark.parametrize(
    ("path", "id_name", "extra"),
    [
        ("activities/state", "stateId", {"activityId": ACTIVITY}),
        ("agents/profile", "profileId", {}),
    ],
)
def test_a_student_document_read_and_listing_leave_one_entry_each(
    lrs: Lrs, world: World, path: str, id_name: str, extra: dict[str, str]
) -> None:
    agent = json.dumps({"objectType": "Agent", **_account(world, "s1")})
    params = {**extra, "agent": agent}
    put = lrs.http.put(
        f"/xapi/{path}?{urlencode({**params, id_name: 'bookmark'})}",
        data=json.dumps({"page": 3}),
        content_type="application/json",
        HTTP_AUTHORIZATION=lrs.auth,
        HTTP_IF_NONE_MATCH="*",
        **VERSION,
    )
    assert put.status_code == 204
    last = _last()
    assert _get(lrs, path, **params, **{id_name: "bookmark"}).json() == {"page": 3}
    (entry,) = _entries_since(last)
    assert entry.student_id == world.students["s1"].pk
    assert entry.detail["page"] in {"xapi-state", "xapi-agent-profile"}
    last = _last()
    assert _get(lrs, path, **params).json() == ["bookmark"]
    assert [e.student_id for e in _entries_since(last)] == [world.students["s1"].pk]
    # a document that is not there shows nothing: no entry
    last = _last()
    assert _get(lrs, path, **params, **{id_name: "missing"}).status_code == 404
    assert _entries_since(last) == []


def test_a_document_of_an_agent_who_is_no_student_leaves_no_entry(lrs: Lrs) -> None:
    agent = json.dumps({"objectType": "Agent", "mbox": "mailto:ana@example.org"})
    last = _last()
    assert _get(lrs, "agents/profile", agent=agent).json() == []
    assert _entries_since(last) == []


def test_auditing_a_page_of_student_statements_costs_one_insert(
    lrs: Lrs, world: World, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """200 statements of three students: the page's read and the one entry (directory warm)."""
    keys = ("s1", "s2", "s3")
    lrs.post([statement(actor=_account(world, keys[i % 3])) for i in range(200)])
    lrs.get(limit="1")  # credentials and the owner's directory cached
    last = _last()
    with django_assert_max_num_queries(2):
        assert len(lrs.get(limit="200").json()["statements"]) == 200
    (entry,) = _entries_since(last)
    assert entry.detail["count"] == 3
