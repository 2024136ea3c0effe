"""District isolation of the xAPI resource, through HTTP, with two districts.

A client reads and voids only statements of its own district (the district of its owner); a
client with no owner reads and voids only what it sent itself. Voiding a statement that became
evidence voids that evidence. Hand-mapping accepts only the district's own students and targets.
"""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client

from masterypath.evidence.models import Evidence, EvidenceSource
from masterypath.interop.xapi.models import MappingState, Statement
from masterypath.interop.xapi.services import xapi_client_create
from tests import factories as f
from tests.conftest import World, user_of
from tests.factories import PASSWORD
from tests.interop.xapi.conftest import Lrs, new_id, statement

pytestmark = pytest.mark.django_db

VOIDED = {"id": "http://adlnet.gov/expapi/verbs/voided"}


@pytest.fixture
def lrs_d2(world: World) -> Lrs:
    return Lrs(xapi_client_create(actor=None, name="Tool two", owner=user_of(world, "admin_d2")))


def _mapped(lrs: Lrs, world: World, key: str = "s1") -> str:
    """A statement about student `key` on 4.NF.2 that becomes evidence; returns its id."""
    statement_id = new_id()
    account = {"homePage": "https://sis.example.org", "name": world.students[key].local_id}
    response = lrs.post(
        statement(
            id=statement_id,
            actor={"account": account},
            object={"id": "https://t.org/4.NF.2"},
            result={"success": True},
        )
    )
    assert response.status_code == 200
    return statement_id


def _ids(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return [s["id"] for s in response.json()["statements"]]


def test_query_returns_only_the_calling_clients_district(
    lrs: Lrs, lrs_d2: Lrs, world: World
) -> None:
    """District two's client does not see district one's statements, and the reverse; a second
    client of district one sees them."""
    one = _mapped(lrs, world, "s1")
    two = _mapped(lrs_d2, world, "s5")
    assert _ids(lrs.get()) == [one]
    assert _ids(lrs_d2.get()) == [two]
    same_district = Lrs(
        xapi_client_create(actor=None, name="Tool one b", owner=user_of(world, "admin_d1"))
    )
    assert _ids(same_district.get()) == [one]


def test_statement_id_of_another_district_is_not_found(lrs: Lrs, lrs_d2: Lrs, world: World) -> None:
    """GET ?statementId= (and voidedStatementId) of another district's statement answers 404."""
    one = _mapped(lrs, world, "s1")
    assert lrs.get(statementId=one).status_code == 200
    assert lrs_d2.get(statementId=one).status_code == 404
    assert (
        lrs.post(
            statement(verb=VOIDED, object={"objectType": "StatementRef", "id": one})
        ).status_code
        == 200
    )
    assert lrs.get(voidedStatementId=one).status_code == 200
    assert lrs_d2.get(voidedStatementId=one).status_code == 404


def test_a_client_without_owner_reads_only_what_it_sent(lrs: Lrs, world: World) -> None:
    """An owner-less client sees its own statements only, and district clients don't see its."""
    _mapped(lrs, world, "s1")
    loose = Lrs(xapi_client_create(actor=None, name="Loose tool", owner=None))
    other_loose = Lrs(xapi_client_create(actor=None, name="Loose two", owner=None))
    mine = new_id()
    assert loose.post(statement(id=mine)).status_code == 200
    assert _ids(loose.get()) == [mine]
    assert _ids(other_loose.get()) == []
    assert mine not in _ids(lrs.get())
    assert other_loose.get(statementId=mine).status_code == 404


def test_a_client_voids_only_its_own_districts_statements(
    lrs: Lrs, lrs_d2: Lrs, world: World
) -> None:
    """District two's voiding statement is stored but voids neither the statement of district
    one nor its evidence."""
    one = _mapped(lrs, world, "s1")
    response = lrs_d2.post(statement(verb=VOIDED, object={"objectType": "StatementRef", "id": one}))
    assert response.status_code == 200
    assert Statement.objects.get(statement_id=one).is_voided is False
    assert Evidence.objects.get(source=EvidenceSource.XAPI, source_id=one).is_voided is False
    assert lrs.get(statementId=one).status_code == 200


def test_an_owner_less_client_cannot_void_a_districts_statement(lrs: Lrs, world: World) -> None:
    """A client with no owner voids nothing it did not send."""
    one = _mapped(lrs, world, "s1")
    loose = Lrs(xapi_client_create(actor=None, name="Loose tool", owner=None))
    loose.post(statement(verb=VOIDED, object={"objectType": "StatementRef", "id": one}))
    assert Statement.objects.get(statement_id=one).is_voided is False


def test_voiding_a_statement_voids_its_evidence(lrs: Lrs, world: World) -> None:
    """The evidence made from a voided statement is voided through the evidence services, with
    the reason, and no longer counts."""
    one = _mapped(lrs, world, "s1")
    evidence = Evidence.objects.get(source=EvidenceSource.XAPI, source_id=one)
    assert evidence.is_voided is False
    response = lrs.post(statement(verb=VOIDED, object={"objectType": "StatementRef", "id": one}))
    assert response.status_code == 200
    evidence.refresh_from_db()
    assert evidence.is_voided is True
    assert "xAPI" in evidence.voided_reason


def _unmapped(lrs: Lrs) -> Statement:
    statement_id = new_id()
    lrs.post(statement(id=statement_id, result={"score": {"scaled": 0.5}}))
    row = Statement.objects.get(statement_id=statement_id)
    assert row.mapping_state == MappingState.UNMAPPED
    return row


def _admin(world: World, key: str) -> Client:
    http = Client()
    assert http.login(
        request=HttpRequest(), username=user_of(world, key).username, password=PASSWORD
    )
    return http


def test_hand_mapping_refuses_another_districts_student(lrs: Lrs, world: World) -> None:
    """District one's admin cannot map a waiting statement to district two's student."""
    row = _unmapped(lrs)
    http = _admin(world, "admin_d1")
    http.post(
        f"/xapi/unmapped/{row.pk}/",
        {"student": world.students["s5"].local_id, "target": "4.NF.1", "score": "3"},
    )
    assert not Evidence.objects.filter(source_id=str(row.statement_id)).exists()
    row.refresh_from_db()
    assert row.mapping_state == MappingState.UNMAPPED


def test_hand_mapping_refuses_another_districts_private_target(lrs: Lrs, world: World) -> None:
    """A target of district two's own framework cannot carry district one's evidence, even when
    its code is the only one of that name."""
    district_two = world.students["s5"].school.district
    framework = f.FrameworkFactory(district=district_two)
    competency = f.CompetencyFactory(domain=f.DomainFactory(framework=framework))
    f.TargetFactory(competency=competency, code="D2.PRIVATE.1", level=4)
    row = _unmapped(lrs)
    http = _admin(world, "admin_d1")
    http.post(
        f"/xapi/unmapped/{row.pk}/",
        {"student": world.students["s1"].local_id, "target": "D2.PRIVATE.1", "score": "3"},
    )
    assert not Evidence.objects.filter(source_id=str(row.statement_id)).exists()


def test_another_districts_admin_cannot_map_or_see_the_statement(lrs: Lrs, world: World) -> None:
    """District two's admin gets 404 on district one's waiting statement."""
    row = _unmapped(lrs)
    http = _admin(world, "admin_d2")
    response = http.post(
        f"/xapi/unmapped/{row.pk}/",
        {"student": world.students["s5"].local_id, "target": "4.NF.1", "score": "3"},
    )
    assert response.status_code == 404
    assert (
        world.students["s1"].local_id
        not in _admin(world, "admin_d2").get("/xapi/unmapped/").content.decode()
    )


def test_hand_mapping_within_the_district_records_evidence(lrs: Lrs, world: World) -> None:
    """The positive case: own student, shared target."""
    row = _unmapped(lrs)
    _admin(world, "admin_d1").post(
        f"/xapi/unmapped/{row.pk}/",
        {"student": world.students["s1"].local_id, "target": "4.NF.1", "score": "3"},
    )
    assert Evidence.objects.get(source_id=str(row.statement_id)).student == world.students["s1"]


def test_an_operator_cannot_map_a_statement_to_another_districts_student(
    lrs: Lrs, world: World
) -> None:
    """The operator (a superuser who sees every student) still cannot record district one's
    statement as evidence of district two's student: the service checks the statement's
    district."""
    row = _unmapped(lrs)
    f.UserFactory(username="operator", is_superuser=True, is_staff=True)
    http = Client()
    assert http.login(request=HttpRequest(), username="operator", password=PASSWORD)
    response = http.post(
        f"/xapi/unmapped/{row.pk}/",
        {"student": world.students["s5"].local_id, "target": "4.NF.1", "score": "3"},
        follow=True,
    )
    assert not Evidence.objects.filter(source_id=str(row.statement_id)).exists()
    assert "not in the district of this statement" in response.content.decode()


def test_a_body_over_the_documented_limit_gets_a_json_413(lrs: Lrs) -> None:
    """Bodies between Django's form limit (2.5 MiB) and the xAPI limit are accepted; above the
    xAPI limit the answer is a JSON 413, not Django's HTML 400."""
    from masterypath.interop.xapi.views import MAX_BODY_BYTES

    padding = "x" * (3 * 1024 * 1024)
    big = statement(result={"extensions": {"https://x.org/pad": padding}})
    accepted = lrs.post(big)
    assert accepted.status_code == 200, accepted.content[:200]
    too_big = statement(result={"extensions": {"https://x.org/pad": "x" * MAX_BODY_BYTES}})
    refused = lrs.post(too_big)
    assert refused.status_code == 413
    assert refused["Content-Type"] == "application/json"
    assert "10 MiB" in refused.json()["error"]
