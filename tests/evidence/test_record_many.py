"""Many evidence rows at once: validated per row, written in bulk, audited and published once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from masterypath.accounts.actors import SystemActor
from masterypath.common import events
from masterypath.common.event_types import EvidenceRecordedMany, EvidenceVoidedMany
from masterypath.common.models import AuditEntry
from masterypath.evidence.models import Evidence, EvidenceSource
from masterypath.evidence.services import (
    EvidenceBatchError,
    EvidenceRow,
    RowError,
    evidence_record_many,
    evidence_void_many,
)
from tests import factories as f
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def _when(days_ago: int = 1) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def _row(world: World, student: str = "s1", target: int = 0, **fields: Any) -> EvidenceRow:
    values: dict[str, Any] = {
        "student_id": world.students[student].pk,
        "target_id": world.targets[target].pk,
        "score": Decimal(3),
        "observed_at": _when(),
        "source": EvidenceSource.IMPORT,
    }
    values.update(fields)
    return EvidenceRow(**values)


def _refused(call: Callable[[], object]) -> list[RowError]:
    before = Evidence.objects.count()
    with pytest.raises(EvidenceBatchError) as caught:
        call()
    assert Evidence.objects.count() == before
    return list(caught.value.errors)


def test_rows_are_written_and_the_batch_audited_once(world: World) -> None:
    """Every row becomes evidence recorded by the actor; one audit entry sums up the batch."""
    teacher = user_of(world, "teacher_a")
    rows = [_row(world, s, t, source_id=f"x-{s}-{t}") for s in ("s1", "s2") for t in (0, 1)]
    audits = AuditEntry.objects.count()
    outcome = evidence_record_many(actor=teacher, rows=rows)
    assert (outcome.created, outcome.updated, outcome.skipped) == (4, 0, 0)
    stored = Evidence.objects.filter(source=EvidenceSource.IMPORT)
    assert stored.count() == 4
    assert {e.recorded_by_id for e in stored} == {teacher.pk}
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.actor_id == teacher.pk
    assert entry.detail["created"] == 4
    assert entry.detail["source"] == "import"
    assert entry.detail["student_ids"] == sorted(world.students[s].pk for s in ("s1", "s2"))


def test_one_refused_row_refuses_the_batch_with_row_field_and_message(world: World) -> None:
    """An off-scale score, a future date, a bad DOK and a NUL byte are each reported on their
    row and field, and nothing is written."""
    teacher = user_of(world, "teacher_a")
    rows = [
        _row(world),
        _row(world, score=Decimal("4.5")),
        _row(world, observed_at=_when(-3)),
        _row(world, dok=7),
        _row(world, comment="a\x00b"),
    ]
    errors = _refused(lambda: evidence_record_many(actor=teacher, rows=rows))
    assert [(e.index, e.field) for e in errors] == [
        (1, "score"),
        (2, "observed_at"),
        (3, "dok"),
        (4, "comment"),
    ]
    assert "off the scale of 4.NF.1 (1.00-4.00)" in errors[0].message


def test_students_out_of_reach_are_refused(world: World) -> None:
    """A teacher records only for their own students; a counselor for nobody."""
    errors = _refused(
        lambda: evidence_record_many(actor=user_of(world, "teacher_a"), rows=[_row(world, "s3")])
    )
    assert [(e.index, e.field) for e in errors] == [(0, "student")]
    errors = _refused(
        lambda: evidence_record_many(actor=user_of(world, "counselor_a"), rows=[_row(world)])
    )
    assert [e.field for e in errors] == ["student"]


def test_a_target_of_another_district_is_refused(world: World) -> None:
    """Evidence goes only on shared targets or the student's own district's."""
    other = world.students["s5"].district
    private = f.TargetFactory(
        competency=f.CompetencyFactory(domain__framework__district=other), code="P.1"
    )
    errors = _refused(
        lambda: evidence_record_many(
            actor=user_of(world, "admin_d1"), rows=[_row(world, target_id=private.pk)]
        )
    )
    assert [(e.index, e.field, e.message) for e in errors] == [
        (0, "target", "No such learning target.")
    ]


def test_a_system_actor_records_for_its_own_district_only(world: World) -> None:
    """An import without a person acts for one district: its students, no one else's;
    its rows record nobody and its audit entry names it."""
    district = world.students["s1"].district
    actor = SystemActor(district_id=district.pk, name="test import")
    outcome = evidence_record_many(actor=actor, rows=[_row(world, "s4")])
    assert outcome.created == 1
    assert Evidence.objects.filter(source=EvidenceSource.IMPORT).get().recorded_by_id is None
    assert AuditEntry.objects.latest("id").detail["system"] == "test import"
    errors = _refused(lambda: evidence_record_many(actor=actor, rows=[_row(world, "s5")]))
    assert [e.field for e in errors] == ["student"]


def test_resent_rows_are_skipped_or_updated_never_duplicated(world: World) -> None:
    """The same source id again: unchanged rows are skipped, a changed score is updated in
    place, and one naming another student is refused."""
    admin = user_of(world, "admin_d1")
    rows = [_row(world, source_id="r-1"), _row(world, target=1, source_id="r-2")]
    evidence_record_many(actor=admin, rows=rows)
    again = [rows[0], _row(world, target=1, source_id="r-2", score=Decimal(2))]
    outcome = evidence_record_many(actor=admin, rows=again)
    assert (outcome.created, outcome.updated, outcome.skipped) == (0, 1, 1)
    stored = Evidence.objects.filter(source=EvidenceSource.IMPORT).order_by("source_id")
    assert [(e.source_id, e.score) for e in stored] == [
        ("r-1", Decimal("3.00")),
        ("r-2", Decimal("2.00")),
    ]
    errors = _refused(
        lambda: evidence_record_many(actor=admin, rows=[_row(world, "s2", source_id="r-1")])
    )
    assert [(e.index, e.field) for e in errors] == [(0, "source_id")]


def test_a_source_id_twice_in_one_batch_is_refused(world: World) -> None:
    admin = user_of(world, "admin_d1")
    rows = [_row(world, source_id="dup"), _row(world, target=1, source_id="dup")]
    errors = _refused(lambda: evidence_record_many(actor=admin, rows=rows))
    assert [(e.index, e.field, e.message) for e in errors] == [
        (1, "source_id", "Repeats the source id of row 1.")
    ]


@pytest.mark.django_db(transaction=True)
def test_one_batch_event_names_each_pair_once_after_commit() -> None:
    from tests.conftest import build_world

    world = build_world()
    seen: list[EvidenceRecordedMany] = []
    events.subscribe(EvidenceRecordedMany, seen.append)
    try:
        rows = [_row(world, "s1", 0), _row(world, "s1", 0, score=Decimal(2)), _row(world, "s2", 1)]
        evidence_record_many(actor=user_of(world, "teacher_a"), rows=rows)
    finally:
        events.unsubscribe(EvidenceRecordedMany, seen.append)
    [event] = seen
    s1, s2 = world.students["s1"].pk, world.students["s2"].pk
    assert event.pairs == ((s1, world.targets[0].pk), (s2, world.targets[1].pk))
    assert (event.count, event.source) == (3, "import")


@pytest.mark.parametrize("size", [10, 200])
def test_queries_do_not_grow_with_the_batch(
    world: World, size: int, django_assert_max_num_queries: Any
) -> None:
    """Students, targets, scales, stored source ids, the insert and the audit entry: the
    same handful of queries for 10 rows as for 200."""
    students = [f.StudentFactory(school=world.students["s1"].school) for _ in range(size // 10)]
    admin = user_of(world, "admin_d1")
    rows = [
        EvidenceRow(
            student_id=students[n % len(students)].pk,
            target_id=world.targets[n % 3].pk,
            score=Decimal(1 + n % 4),
            observed_at=_when(1 + n),
            source=EvidenceSource.IMPORT,
            source_id=f"q-{n}",
        )
        for n in range(size)
    ]
    with django_assert_max_num_queries(8):
        outcome = evidence_record_many(actor=admin, rows=rows)
    assert outcome.created == size


def test_void_many_voids_every_entry_or_none(world: World) -> None:
    """Entries the actor may change are voided with one audit entry; one out of reach
    refuses the batch."""
    admin = user_of(world, "admin_d1")
    evidence_record_many(actor=admin, rows=[_row(world, "s1"), _row(world, "s3", target=1)])
    ids = list(Evidence.objects.filter(source=EvidenceSource.IMPORT).values_list("pk", flat=True))
    teacher = user_of(world, "teacher_a")
    with pytest.raises(EvidenceBatchError) as caught:
        evidence_void_many(actor=teacher, evidence_ids=ids, reason="Wrong file.")
    assert [e.field for e in caught.value.errors] == ["evidence"]
    assert not Evidence.objects.filter(pk__in=ids, is_voided=True).exists()
    assert evidence_void_many(actor=admin, evidence_ids=ids, reason="Wrong file.") == 2
    assert Evidence.objects.filter(pk__in=ids, is_voided=True).count() == 2
    assert AuditEntry.objects.latest("id").detail["voided"] == 2
    with pytest.raises(EvidenceBatchError):
        evidence_void_many(actor=admin, evidence_ids=ids[:1], reason="Again.")


@pytest.mark.django_db(transaction=True)
def test_void_many_publishes_one_event_after_commit() -> None:
    from tests.conftest import build_world

    world = build_world()
    admin = user_of(world, "admin_d1")
    evidence_record_many(actor=admin, rows=[_row(world, "s1"), _row(world, "s2")])
    ids = list(Evidence.objects.filter(source=EvidenceSource.IMPORT).values_list("pk", flat=True))
    seen: list[EvidenceVoidedMany] = []
    events.subscribe(EvidenceVoidedMany, seen.append)
    try:
        evidence_void_many(actor=admin, evidence_ids=ids, reason="Wrong file.")
    finally:
        events.unsubscribe(EvidenceVoidedMany, seen.append)
    [event] = seen
    assert event.count == 2
    assert {student for student, _ in event.pairs} == {
        world.students["s1"].pk,
        world.students["s2"].pk,
    }
