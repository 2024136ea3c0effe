"""Mastery estimates follow evidence: O(1) updates, recomputes, overrides, policies."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from masterypath.engine import mastery as engine
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.evidence.services import evidence_record, evidence_void
from masterypath.mastery.errors import MasteryError
from masterypath.mastery.models import MasteryEstimate, MasteryPolicy, Placement
from masterypath.mastery.services import (
    mastery_override_set,
    mastery_recompute,
    mastery_refresh_pair,
    mastery_update_for_evidence,
)
from tests.conftest import World, build_world, user_of
from tests.factories import add_evidence


def _estimate(world: World, student: str, target_index: int) -> MasteryEstimate:
    return MasteryEstimate.objects.get(
        student=world.students[student], target=world.targets[target_index]
    )


def test_world_evidence_gives_the_decaying_average(world: World) -> None:
    """s1 scored 2 then 3 on target 0: 0.35 * 2 + 0.65 * 3 = 2.65."""
    estimate = _estimate(world, "s1", 0)
    assert estimate.value == pytest.approx(2.65)
    assert estimate.evidence_count == 2
    assert estimate.method == "decaying_average"


@pytest.mark.django_db(transaction=True)
def test_recording_evidence_updates_mastery_through_the_event() -> None:
    world = build_world()
    evidence_record(
        actor=user_of(world, "teacher_a"),
        student=world.students["s1"],
        target=world.targets[0],
        score=Decimal(4),
        observed_at=timezone.now(),
        kind=EvidenceKind.SUMMATIVE,
    )
    expected = engine.calculate("decaying_average", [2, 3, 4])
    assert _estimate(world, "s1", 0).value == pytest.approx(expected)
    assert Placement.objects.filter(student=world.students["s1"]).exists()


@pytest.mark.django_db(transaction=True)
def test_voiding_evidence_recomputes_without_it() -> None:
    world = build_world()
    latest = Evidence.objects.filter(student=world.students["s1"]).order_by("observed_at").last()
    assert latest is not None
    evidence_void(actor=user_of(world, "teacher_a"), evidence=latest, reason="wrong student")
    estimate = _estimate(world, "s1", 0)
    assert estimate.value == pytest.approx(2.0)
    assert estimate.evidence_count == 1


def test_incremental_update_equals_full_recompute(world: World) -> None:
    """Many in-order additions through the O(1) path give the batch value."""
    student, target = world.students["s2"], world.targets[2]
    scores = [1, 3, 2, 4, 4, 3, 2, 3]
    for days_ago, score in zip(range(30, 30 - len(scores), -1), scores, strict=True):
        add_evidence(student, target, score, days_ago=days_ago)
    incremental = MasteryEstimate.objects.get(student=student, target=target).value
    recomputed = mastery_refresh_pair(student_id=student.pk, target_id=target.pk).value
    assert incremental == pytest.approx(recomputed)
    assert incremental == pytest.approx(engine.calculate("decaying_average", scores))


def test_older_evidence_arriving_late_is_placed_in_time_order(world: World) -> None:
    student, target = world.students["s2"], world.targets[1]
    add_evidence(student, target, 4, days_ago=1)
    add_evidence(student, target, 1, days_ago=20)  # older, recorded later
    estimate = MasteryEstimate.objects.get(student=student, target=target)
    assert estimate.value == pytest.approx(engine.calculate("decaying_average", [1, 4]))


def test_district_policy_changes_the_method(world: World) -> None:
    district = world.students["s1"].district
    MasteryPolicy.objects.create(district=district, method="highest")
    assert (
        mastery_refresh_pair(
            student_id=world.students["s1"].pk, target_id=world.targets[0].pk
        ).value
        == 3.0
    )


def test_target_policy_wins_over_framework_and_district(world: World) -> None:
    district = world.students["s1"].district
    target = world.targets[0]
    framework = target.competency.domain.framework
    MasteryPolicy.objects.create(district=district, method="highest")
    MasteryPolicy.objects.create(district=district, framework=framework, method="mean")
    MasteryPolicy.objects.create(district=district, target=target, method="most_recent")
    estimate = mastery_refresh_pair(student_id=world.students["s1"].pk, target_id=target.pk)
    assert estimate.method == "most_recent"
    assert estimate.value == 3.0
    other = mastery_refresh_pair(student_id=world.students["s3"].pk, target_id=world.targets[1].pk)
    assert other.method == "mean"


def test_min_evidence_reports_insufficient_evidence(world: World) -> None:
    MasteryPolicy.objects.create(district=world.students["s1"].district, min_evidence=3)
    estimate = mastery_refresh_pair(
        student_id=world.students["s1"].pk, target_id=world.targets[0].pk
    )
    assert estimate.value is None
    assert estimate.status == "insufficient_evidence"


def test_override_holds_until_newer_evidence(world: World) -> None:
    student, target = world.students["s1"], world.targets[0]
    estimate = mastery_override_set(
        actor=user_of(world, "teacher_a"),
        student=student,
        target=target,
        value=Decimal(4),
        reason="Portfolio review",
    )
    assert estimate.value == 4.0
    assert estimate.status == "override"
    add_evidence(student, target, 2, days_ago=0)
    estimate.refresh_from_db()
    assert estimate.status == "estimated"
    assert estimate.value == pytest.approx(engine.calculate("decaying_average", [2, 3, 2]))


def test_override_needs_a_teacher_of_the_student_and_a_reason(world: World) -> None:
    student, target = world.students["s1"], world.targets[0]
    with pytest.raises(MasteryError):
        mastery_override_set(
            actor=user_of(world, "teacher_a2"),
            student=student,
            target=target,
            value=Decimal(4),
            reason="x",
        )
    with pytest.raises(MasteryError):
        mastery_override_set(
            actor=user_of(world, "teacher_a"),
            student=student,
            target=target,
            value=Decimal(4),
            reason=" ",
        )
    with pytest.raises(MasteryError):
        mastery_override_set(
            actor=user_of(world, "teacher_a"),
            student=student,
            target=target,
            value=Decimal(7),
            reason="too high",
        )


def test_bulk_recompute_equals_pairwise_refresh(world: World) -> None:
    """The batch engine path and the per-pair path give the same numbers."""
    student, target = world.students["s2"], world.targets[2]
    for days_ago, score in [(40, 2), (30, 3), (20, 4)]:
        add_evidence(student, target, score, days_ago=days_ago)
    before = {(e.student_id, e.target_id): e.value for e in MasteryEstimate.objects.all()}
    counts = mastery_recompute(district=student.district, as_of=timezone.localdate())
    after = {(e.student_id, e.target_id): e.value for e in MasteryEstimate.objects.all()}
    assert counts["estimates"] == len(before)
    assert after.keys() == before.keys()
    for key, value in before.items():
        assert after[key] == pytest.approx(value)


def test_recompute_builds_a_monthly_placement_history(world: World) -> None:
    student, target = world.students["s2"], world.targets[2]
    add_evidence(student, target, 4, days_ago=70)
    mastery_recompute(district=student.district, as_of=timezone.localdate())
    days = list(Placement.objects.filter(student=student).values_list("placed_on", flat=True))
    assert len(days) >= 3
    assert days == sorted(days)
    assert days[-1] == timezone.localdate()


def test_placement_counts_every_target_of_the_level(world: World) -> None:
    """Two of three level-4 targets proficient (2/3 < 80%): 3 + 1 * (2/3) / 0.8 = 3.83."""
    student = world.students["s2"]
    add_evidence(student, world.targets[0], 4, days_ago=3)
    add_evidence(student, world.targets[1], 3, days_ago=2)
    placement = Placement.objects.get(student=student, placed_on=timezone.localdate())
    assert placement.completed == 3.0
    assert placement.level == pytest.approx(3 + (2 / 3) / 0.8)
    add_evidence(student, world.targets[2], 4, days_ago=1)
    placement.refresh_from_db()
    assert placement.level == pytest.approx(4.0)


def test_update_for_unknown_evidence_fails_loudly(world: World) -> None:
    with pytest.raises(Evidence.DoesNotExist):
        mastery_update_for_evidence(evidence_id=10**9)


def test_future_evidence_is_left_out_of_a_past_recompute(world: World) -> None:
    student = world.students["s1"]
    counts = mastery_recompute(
        district=student.district, as_of=timezone.localdate() - timedelta(days=5)
    )
    # s1's 2-day-old score is after as_of: only the 10-day-old 2 counts
    assert counts["evidence"] == 1
    assert _estimate(world, "s1", 0).value == 2.0


def test_evidence_already_counted_is_not_folded_twice(world: World) -> None:
    """A recompute that saw the row, then the row's own event: the count stays right."""
    student, target = world.students["s2"], world.targets[1]
    evidence = Evidence.objects.create(
        student=student,
        target=target,
        score=Decimal(3),
        observed_at=timezone.now(),
        kind=EvidenceKind.QUIZ,
    )
    mastery_refresh_pair(student_id=student.pk, target_id=target.pk)
    estimate = mastery_update_for_evidence(evidence_id=evidence.pk)
    assert estimate.evidence_count == 1
    assert estimate.value == 3.0


def test_self_assessment_is_kept_apart_from_mastery(world: World) -> None:
    student, target = world.students["s1"], world.targets[0]
    before = _estimate(world, "s1", 0).value
    add_evidence(student, target, 4, days_ago=0, kind=EvidenceKind.SELF_ASSESSMENT)
    assert _estimate(world, "s1", 0).value == before
    assert mastery_refresh_pair(student_id=student.pk, target_id=target.pk).value == pytest.approx(
        before
    )
