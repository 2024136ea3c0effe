"""Recording and voiding evidence through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from masterypath.common import events
from masterypath.common.event_types import EvidenceRecorded
from masterypath.common.models import AuditAction, AuditEntry
from masterypath.evidence.errors import EvidenceError, EvidenceErrorCode
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.evidence.services import evidence_record, evidence_void
from tests.conftest import World, user_of


def _record(world: World, person: str = "teacher_a", student: str = "s2", **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "actor": user_of(world, person),
        "student": world.students[student],
        "target": world.targets[1],
        "score": Decimal(3),
        "observed_at": timezone.now() - timedelta(hours=1),
        "kind": EvidenceKind.FORMATIVE,
    }
    fields.update(overrides)
    return evidence_record(**fields)


def test_teacher_records_evidence_for_own_student_with_audit(world: World) -> None:
    evidence = _record(world)
    assert Evidence.objects.get(pk=evidence.pk).score == Decimal(3)
    assert evidence.is_voided is False
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, subject_id=evidence.pk)
    assert entry.student_id == world.students["s2"].pk


@pytest.mark.django_db(transaction=True)
def test_recorded_evidence_is_published_after_commit() -> None:
    from tests.conftest import build_world

    world = build_world()
    seen: list[int] = []

    def handler(event: EvidenceRecorded) -> None:
        seen.append(event.evidence_id)

    events.subscribe(EvidenceRecorded, handler)
    try:
        evidence = _record(world)
    finally:
        events.unsubscribe(EvidenceRecorded, handler)
    assert seen == [evidence.pk]


@pytest.mark.parametrize("score", [Decimal("0.5"), Decimal("4.5"), Decimal(-1)])
def test_off_scale_score_is_refused_and_nothing_is_written(world: World, score: Decimal) -> None:
    before = Evidence.objects.count()
    with pytest.raises(EvidenceError) as error:
        _record(world, score=score)
    assert error.value.code is EvidenceErrorCode.SCORE_OFF_SCALE
    assert "off the scale" in str(error.value)
    assert Evidence.objects.count() == before


def test_future_date_is_refused(world: World) -> None:
    with pytest.raises(EvidenceError) as error:
        _record(world, observed_at=timezone.now() + timedelta(days=2))
    assert error.value.code is EvidenceErrorCode.FUTURE_DATE


def test_teacher_cannot_record_for_a_student_of_another_section(world: World) -> None:
    with pytest.raises(EvidenceError) as error:
        _record(world, student="s3")
    assert error.value.code is EvidenceErrorCode.NOT_ALLOWED


@pytest.mark.parametrize("person", ["s1", "g1", "counselor_a"])
def test_non_teaching_roles_cannot_record(world: World, person: str) -> None:
    with pytest.raises(EvidenceError):
        _record(world, person=person, student="s1")


def test_void_keeps_the_row_with_reason_and_who(world: World) -> None:
    evidence = _record(world)
    evidence_void(actor=user_of(world, "teacher_a"), evidence=evidence, reason="Wrong student")
    evidence.refresh_from_db()
    assert evidence.is_voided
    assert evidence.voided_reason == "Wrong student"
    assert evidence.voided_by == user_of(world, "teacher_a")
    assert AuditEntry.objects.filter(action=AuditAction.VOID, subject_id=evidence.pk).exists()


def test_void_needs_a_reason_and_happens_once(world: World) -> None:
    evidence = _record(world)
    actor = user_of(world, "teacher_a")
    with pytest.raises(EvidenceError) as error:
        evidence_void(actor=actor, evidence=evidence, reason="  ")
    assert error.value.code is EvidenceErrorCode.REASON_REQUIRED
    evidence_void(actor=actor, evidence=evidence, reason="typo")
    with pytest.raises(EvidenceError) as error:
        evidence_void(actor=actor, evidence=evidence, reason="again")
    assert error.value.code is EvidenceErrorCode.ALREADY_VOIDED


def test_void_by_someone_who_does_not_serve_the_student_is_refused(world: World) -> None:
    evidence = _record(world)
    with pytest.raises(EvidenceError):
        evidence_void(actor=user_of(world, "teacher_a2"), evidence=evidence, reason="x")


def test_voided_evidence_drops_out_of_progress(world: World) -> None:
    from masterypath.evidence.selectors import target_progress_for_student

    student = world.students["s1"]
    latest = Evidence.objects.filter(student=student).order_by("-observed_at").first()
    assert latest is not None
    evidence_void(actor=user_of(world, "teacher_a"), evidence=latest, reason="wrong")
    [row] = target_progress_for_student(student=student)
    assert row.latest_score == Decimal(2)
    assert row.evidence_count == 1
