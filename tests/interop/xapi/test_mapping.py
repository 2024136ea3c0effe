"""Statements become evidence for known students on named targets; the rest wait for an admin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import HttpRequest
from django.test import Client

from masterypath.evidence.models import Evidence, EvidenceSource
from masterypath.interop.xapi.models import MappingState, Statement
from tests.conftest import World, user_of
from tests.factories import PASSWORD
from tests.interop.xapi.conftest import Lrs, new_id, statement

pytestmark = pytest.mark.django_db


def _account(world: World, key: str = "s1") -> dict[str, object]:
    return {
        "account": {"homePage": "https://sis.example.org", "name": world.students[key].local_id}
    }


def _xapi_evidence() -> list[Evidence]:
    return list(Evidence.objects.filter(source=EvidenceSource.XAPI))


@pytest.mark.parametrize(
    ("result", "score"),
    [
        ({"score": {"scaled": 0.8}}, "3.40"),
        ({"score": {"scaled": -0.5}}, "1.00"),
        ({"score": {"raw": 7, "min": 0, "max": 10}}, "3.10"),
        ({"success": True}, "3.00"),
        ({"success": False}, "2.00"),
    ],
)
def test_known_student_on_target_code_becomes_evidence(
    lrs: Lrs, world: World, result: dict[str, object], score: str
) -> None:
    """account.name = local id and an object IRI ending in a target code record evidence on the
    1-4 scale by the documented rule."""
    statement_id = new_id()
    lrs.post(
        statement(
            id=statement_id,
            actor=_account(world),
            object={"id": "https://tool.example.org/targets/4.NF.1"},
            result=result,
        )
    )
    (evidence,) = _xapi_evidence()
    assert evidence.student == world.students["s1"]
    assert evidence.target == world.targets[0]
    assert evidence.score == Decimal(score)
    assert evidence.source_id == statement_id
    assert Statement.objects.get().mapping_state == MappingState.MAPPED


def test_mbox_of_the_students_login_and_case_uuid_in_context(lrs: Lrs, world: World) -> None:
    """mbox = the student's email and a context activity carrying the CASE UUID map too."""
    user = user_of(world, "s2")
    user.email = "Ben@School.example.org"
    user.save()
    target = world.targets[2]
    target.case_uuid = "5e8a1f4c-0d6b-11e7-b2f3-0242ac110002"
    target.save()
    lrs.post(
        statement(
            actor={"mbox": "mailto:ben@school.example.org"},
            result={"score": {"scaled": 1}},
            context={
                "contextActivities": {
                    "category": [{"id": f"https://case.example.org/uri/{target.case_uuid}"}]
                }
            },
        )
    )
    (evidence,) = _xapi_evidence()
    assert (evidence.student, evidence.target, evidence.score) == (
        world.students["s2"],
        target,
        Decimal("4.00"),
    )


def test_statements_that_cannot_map_are_kept_with_the_reason(lrs: Lrs, world: World) -> None:
    """Unknown actors, unnamed targets, missing scores and students of another district wait."""
    lrs.post(
        [
            statement(result={"score": {"scaled": 1}}),
            statement(actor=_account(world), result={"score": {"scaled": 1}}),
            statement(actor=_account(world), object={"id": "https://t.org/4.NF.1"}),
            statement(
                actor=_account(world, "s5"),
                object={"id": "https://t.org/4.NF.1"},
                result={"score": {"scaled": 1}},
            ),
        ]
    )
    notes = list(Statement.objects.order_by("id").values_list("mapping_state", "mapping_note"))
    assert all(state == MappingState.UNMAPPED for state, _ in notes)
    assert [note.split()[1] for _, note in notes] == ["actor", "the", "result", "actor"]
    assert _xapi_evidence() == []


def test_voiding_a_mapped_statement_voids_its_evidence(lrs: Lrs, world: World) -> None:
    """The evidence made from a statement is voided with it."""
    statement_id = new_id()
    lrs.post(
        statement(
            id=statement_id,
            actor=_account(world),
            object={"id": "https://t.org/4.NF.2"},
            result={"success": True},
        )
    )
    lrs.post(
        statement(
            verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
            object={"objectType": "StatementRef", "id": statement_id},
        )
    )
    (evidence,) = _xapi_evidence()
    assert evidence.is_voided


def test_future_timestamp_is_stored_but_not_evidence(lrs: Lrs, world: World) -> None:
    """When the evidence service refuses (a date in the future) the statement still stands."""
    response = lrs.post(
        statement(
            actor=_account(world),
            object={"id": "https://t.org/4.NF.1"},
            result={"success": True},
            timestamp="2099-01-01T00:00:00Z",
        )
    )
    assert response.status_code == 200
    row = Statement.objects.get()
    assert row.mapping_state == MappingState.UNMAPPED
    assert "future" in row.mapping_note


def _signed_in(world: World, key: str) -> Client:
    client = Client()
    assert client.login(
        request=HttpRequest(), username=user_of(world, key).username, password=PASSWORD
    )
    return client


def test_district_admin_maps_a_waiting_statement(lrs: Lrs, world: World) -> None:
    """The admin page lists the waiting statement; mapping it records evidence."""
    lrs.post(statement(result={"score": {"scaled": 0.5}}))
    admin = _signed_in(world, "admin_d1")
    page = admin.get("/xapi/unmapped/")
    assert page.status_code == 200
    assert "mbox:mailto:learner@example.org" in page.content.decode()
    row = Statement.objects.get()
    response = admin.post(
        f"/xapi/unmapped/{row.pk}/",
        {
            "student": world.students["s3"].local_id,
            "target": "4.NF.3",
            "score": "2.5",
            "action": "map",
        },
    )
    assert response.status_code == 302
    (evidence,) = _xapi_evidence()
    assert (evidence.student, evidence.score) == (world.students["s3"], Decimal("2.5"))
    assert "No statement is waiting" in admin.get("/xapi/unmapped/").content.decode()


def test_admin_may_ignore_a_statement(lrs: Lrs, world: World) -> None:
    """Ignoring takes the statement off the list without evidence."""
    lrs.post(statement())
    admin = _signed_in(world, "admin_d1")
    admin.post(f"/xapi/unmapped/{Statement.objects.get().pk}/", {"action": "ignore"})
    assert Statement.objects.get().mapping_state == MappingState.IGNORED


@pytest.mark.parametrize("key", ["teacher_a", "principal_a", "s1", "g1"])
def test_other_roles_do_not_see_the_mapping_page(lrs: Lrs, world: World, key: str) -> None:
    """Only district administrators map statements: others get 404."""
    lrs.post(statement())
    client = _signed_in(world, key)
    assert client.get("/xapi/unmapped/").status_code == 404
    assert (
        client.post(
            f"/xapi/unmapped/{Statement.objects.get().pk}/", {"action": "ignore"}
        ).status_code
        == 404
    )


def test_another_districts_admin_sees_none_of_these(lrs: Lrs, world: World) -> None:
    """Statements from district one's clients are not listed for district two."""
    lrs.post(statement())
    client = _signed_in(world, "admin_d2")
    assert "No statement is waiting" in client.get("/xapi/unmapped/").content.decode()
    assert (
        client.post(
            f"/xapi/unmapped/{Statement.objects.get().pk}/", {"action": "ignore"}
        ).status_code
        == 404
    )
