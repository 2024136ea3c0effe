"""A voiding statement is always stored; the evidence made from the voided statement is voided
only for a client of the same district; any other voids nothing and its note says so."""

from __future__ import annotations

import pytest

from masterypath.evidence.models import Evidence, EvidenceSource
from masterypath.interop.xapi.models import MappingState, Statement
from masterypath.interop.xapi.services import xapi_client_create
from tests.conftest import World, user_of
from tests.interop.xapi.conftest import Lrs, new_id, statement

pytestmark = pytest.mark.django_db

VOIDED = {"id": "http://adlnet.gov/expapi/verbs/voided"}


def _mapped_statement(lrs: Lrs, world: World) -> str:
    """A statement of the owned client that became evidence; returns its id."""
    statement_id = new_id()
    account = {"homePage": "https://sis.example.org", "name": world.students["s1"].local_id}
    response = lrs.post(
        statement(
            id=statement_id,
            actor={"account": account},
            object={"id": "https://t.org/4.NF.2"},
            result={"success": True},
        )
    )
    assert response.status_code == 200
    assert Evidence.objects.get(source_id=statement_id).is_voided is False
    return statement_id


def _void(client: Lrs, statement_id: str) -> tuple[int, Statement]:
    voider = new_id()
    response = client.post(
        statement(id=voider, verb=VOIDED, object={"objectType": "StatementRef", "id": statement_id})
    )
    return response.status_code, Statement.objects.get(statement_id=voider)


def test_an_owner_less_client_voids_its_own_statement(lrs: Lrs) -> None:
    """A client with no owner voids what it sent (no evidence was made from it)."""
    owner_less = Lrs(xapi_client_create(actor=None, name="Unowned tool", owner=None))
    statement_id = new_id()
    assert owner_less.post(statement(id=statement_id)).status_code == 200
    status, voider = _void(owner_less, statement_id)
    assert status == 200
    assert Statement.objects.get(statement_id=statement_id).is_voided
    assert voider.mapping_state == MappingState.NOT_APPLICABLE
    assert voider.mapping_note == ""


@pytest.mark.parametrize("owner", [None, "admin_d2"])
def test_a_client_outside_the_district_voids_nothing_and_the_note_says_so(
    lrs: Lrs, world: World, owner: str | None
) -> None:
    """A client with no owner, or owned in another district, stores its voiding statement
    (200) but voids neither the statement nor its evidence; the voiding statement's note says
    nothing was voided."""
    statement_id = _mapped_statement(lrs, world)
    other = Lrs(
        xapi_client_create(actor=None, name="Other", owner=user_of(world, owner) if owner else None)
    )
    status, voider = _void(other, statement_id)
    assert status == 200
    assert Statement.objects.get(statement_id=statement_id).is_voided is False
    evidence = Evidence.objects.get(source=EvidenceSource.XAPI, source_id=statement_id)
    assert evidence.is_voided is False
    assert "nothing voided" in voider.mapping_note


def test_the_owner_voids_the_evidence_and_the_note_stays_empty(lrs: Lrs, world: World) -> None:
    """The client's own owner voids statement and evidence together, as before."""
    statement_id = _mapped_statement(lrs, world)
    status, voider = _void(lrs, statement_id)
    assert status == 200
    assert Evidence.objects.get(source_id=statement_id).is_voided
    assert voider.mapping_note == ""
