"""The fast ingestion path keeps the rules: one query per unmapped single POST, repeats
accepted, conflicts refused with nothing written, look-ups cached with a short lifetime, mapped
batches recorded (and audited) through the evidence service."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masterypath.common.models import AuditEntry
from masterypath.evidence.models import Evidence, EvidenceSource
from masterypath.interop.xapi import mapping
from masterypath.interop.xapi.models import MappingState, Statement
from tests import factories as f
from tests.conftest import World
from tests.interop.xapi.conftest import Lrs, new_id, statement

pytestmark = pytest.mark.django_db


def _on_target(
    world: World, key: str = "s1", code: str = "4.NF.1", scaled: float = 0.8
) -> dict[str, object]:
    return statement(
        id=new_id(),
        actor={
            "account": {"homePage": "https://sis.example.org", "name": world.students[key].local_id}
        },
        object={"id": f"https://tool.example.org/targets/{code}"},
        result={"score": {"scaled": scaled}},
    )


def test_unmapped_single_post_is_one_insert(lrs: Lrs) -> None:
    """With credentials and look-ups cached, a statement that maps to nothing costs one
    query: the INSERT, committed on its own."""
    lrs.post(statement())
    with CaptureQueriesContext(connection) as queries:
        assert lrs.post(statement(id=new_id())).status_code == 200
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    assert "ON CONFLICT" in queries.captured_queries[0]["sql"]


def test_single_repeat_is_accepted_and_single_conflict_is_409(lrs: Lrs) -> None:
    """The same statement again answers 200 and stores nothing; another one under its id
    answers 409 and stores nothing."""
    sent = statement(id=new_id())
    assert lrs.post(sent).status_code == 200
    assert lrs.post(sent).status_code == 200
    other = {**sent, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    response = lrs.post(other)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert lrs.put(other, sent["id"]).status_code == 409
    assert Statement.objects.count() == 1


def test_batch_with_repeats_stores_only_the_new_ones(lrs: Lrs) -> None:
    """A batch re-sent with one new statement added stores just the new one, in order."""
    first = [statement(id=new_id()) for _ in range(3)]
    assert lrs.post(first).status_code == 200
    again = [*first, statement(id=new_id())]
    response = lrs.post(again)
    assert response.status_code == 200
    assert response.json() == [s["id"] for s in again]
    assert Statement.objects.count() == 4


def test_batch_is_a_fixed_number_of_queries(lrs: Lrs) -> None:
    """100 unmapped statements: the transaction and one bulk write (COPY or executemany)."""
    lrs.post(statement())
    with CaptureQueriesContext(connection) as queries:
        assert lrs.post([statement(id=new_id()) for _ in range(100)]).status_code == 200
    assert len(queries) <= 3
    assert Statement.objects.count() == 101


def test_lookups_are_cached_for_the_owner(lrs: Lrs, world: World) -> None:
    """A second statement on the same student and target needs no student or target query;
    it still becomes evidence."""
    lrs.post(_on_target(world))
    with CaptureQueriesContext(connection) as queries:
        assert lrs.post(_on_target(world, scaled=0.5)).status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "LOWER(" not in sql.upper()  # the student look-up by login email
    assert '"case_uri" IN' not in sql  # the target look-up
    assert Evidence.objects.filter(source=EvidenceSource.XAPI).count() == 2


def test_a_new_student_is_seen_once_the_cache_expires(
    lrs: Lrs, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown actor is remembered as unknown; once the entry expires a student added
    meanwhile is found."""
    newcomer = {"account": {"homePage": "https://sis.example.org", "name": "NEW-1"}}
    body = {**_on_target(world), "actor": newcomer}
    lrs.post(body)
    assert Statement.objects.get().mapping_state == MappingState.UNMAPPED
    f.StudentFactory(school=world.students["s1"].school, local_id="NEW-1")
    lrs.post({**body, "id": new_id()})
    assert Evidence.objects.filter(source=EvidenceSource.XAPI).count() == 0
    monkeypatch.setattr(mapping, "CACHE_SECONDS", -1.0)
    mapping.cache_clear()
    lrs.post({**body, "id": new_id()})
    (evidence,) = Evidence.objects.filter(source=EvidenceSource.XAPI)
    assert evidence.student.local_id == "NEW-1"


def test_mapped_batch_records_evidence_audited_once(lrs: Lrs, world: World) -> None:
    """A batch of mapped statements becomes one evidence row each, through the evidence
    service, in the same transaction as the statements; one audit entry sums up the batch."""
    batch = [_on_target(world, key, code) for key in ("s1", "s2") for code in ("4.NF.1", "4.NF.2")]
    assert lrs.post(batch).status_code == 200
    evidence = Evidence.objects.filter(source=EvidenceSource.XAPI)
    assert {e.source_id for e in evidence} == {s["id"] for s in batch}
    [audited] = AuditEntry.objects.filter(subject_type="evidence.evidence", subject_id=None)
    assert audited.detail["created"] == 4
    assert audited.detail["source"] == "xapi"
    assert audited.detail["student_ids"] == sorted(world.students[key].pk for key in ("s1", "s2"))
    assert set(Statement.objects.values_list("mapping_state", flat=True)) == {MappingState.MAPPED}


def test_conflict_in_a_mapped_batch_writes_nothing(lrs: Lrs, world: World) -> None:
    """A batch whose last statement conflicts with a stored one is refused whole: no
    statement and no evidence of it stays."""
    stored = _on_target(world)
    lrs.post(stored)
    changed = {**stored, "result": {"score": {"scaled": 0.1}}}
    response = lrs.post([_on_target(world, "s2"), changed])
    assert response.status_code == 409
    assert Statement.objects.count() == 1
    assert Evidence.objects.filter(source=EvidenceSource.XAPI).count() == 1
