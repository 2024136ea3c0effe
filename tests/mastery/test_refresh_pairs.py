"""A batch of evidence: its pairs recomputed as one frame, placements refreshed in bulk."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from masterypath.evidence.models import Evidence, EvidenceSource
from masterypath.evidence.services import EvidenceRow, evidence_record_many, evidence_void_many
from masterypath.mastery.models import MasteryEstimate, MasteryOverride, MasteryPolicy, Placement
from masterypath.mastery.services import (
    mastery_refresh_pair,
    mastery_refresh_pairs,
    placement_refresh,
)
from tests import factories as f
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db

FIELDS = ("value", "status", "evidence_count", "method", "state_value", "state_weight")


def _stored(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[Any, ...]]:
    return {
        (e.student_id, e.target_id): tuple(getattr(e, name) for name in FIELDS)
        for e in MasteryEstimate.objects.all()
        if (e.student_id, e.target_id) in pairs
    }


def _scores(world: World) -> list[tuple[int, int]]:
    """More evidence straight into the table (no event): s1, s2 and s4 on all three targets."""
    now = timezone.now()
    for n, key in enumerate(("s1", "s2", "s4")):
        for index, target in enumerate(world.targets):
            for day in range(3):
                Evidence.objects.create(
                    student=world.students[key],
                    target=target,
                    score=Decimal(1 + (n + index + day) % 4),
                    observed_at=now - timedelta(days=5 - day, hours=n),
                    kind="formative",
                )
    return [(world.students[k].pk, t.pk) for k in ("s1", "s2", "s4") for t in world.targets]


@pytest.mark.parametrize("method", ["decaying_average", "mean", "power_law", "n_mastery"])
def test_the_batch_gives_what_refreshing_each_pair_gives(world: World, method: str) -> None:
    """One frame through the engine for every pair equals the pair-by-pair recompute."""
    MasteryPolicy.objects.create(district=world.students["s1"].district, method=method)
    pairs = _scores(world)
    mastery_refresh_pairs(pairs=pairs, on=timezone.localdate())
    batch = _stored(pairs)
    for student_id, target_id in pairs:
        mastery_refresh_pair(student_id=student_id, target_id=target_id)
    single = _stored(pairs)
    assert batch.keys() == single.keys() == set(pairs)
    for pair, values in batch.items():
        assert values == pytest.approx(single[pair]), pair


def test_a_teacher_judgement_newer_than_the_evidence_holds(world: World) -> None:
    s1, target = world.students["s1"], world.targets[0]
    MasteryOverride.objects.create(
        student=s1, target=target, value=Decimal(4), set_at=timezone.now(), reason="Seen it."
    )
    mastery_refresh_pairs(pairs=[(s1.pk, target.pk)], on=timezone.localdate())
    estimate = MasteryEstimate.objects.get(student=s1, target=target)
    assert (estimate.value, estimate.status) == (4.0, "override")


def test_placements_of_the_batch_equal_one_by_one(world: World) -> None:
    """Today's placement of each student touched, in each domain touched, as
    placement_refresh computes it one at a time."""
    pairs = _scores(world)
    today = timezone.localdate()
    mastery_refresh_pairs(pairs=pairs, on=today)
    touched = [world.students[key].pk for key in ("s1", "s2", "s4")]
    batch = set(
        Placement.objects.filter(placed_on=today, student__in=touched).values_list(
            "student", "domain", "level"
        )
    )
    assert len(batch) == 3
    domain = world.targets[0].competency.domain_id
    single = set()
    for key in ("s1", "s2", "s4"):
        stored = placement_refresh(student_id=world.students[key].pk, domain_id=domain, on=today)
        assert stored is not None
        single.add((stored.student_id, stored.domain_id, stored.level))
    assert batch == single


def test_an_import_batch_brings_mastery_up_to_date(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """evidence_record_many's event recomputes the pairs it touched after commit."""
    s2, target = world.students["s2"], world.targets[2]
    rows = [
        EvidenceRow(
            student_id=s2.pk,
            target_id=target.pk,
            score=Decimal(score),
            observed_at=timezone.now() - timedelta(days=days),
            source=EvidenceSource.IMPORT,
        )
        for score, days in ((2, 3), (4, 1))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        evidence_record_many(actor=user_of(world, "teacher_a"), rows=rows)
    estimate = MasteryEstimate.objects.get(student=s2, target=target)
    assert estimate.value == pytest.approx(0.35 * 2 + 0.65 * 4)
    assert estimate.evidence_count == 2
    assert Placement.objects.filter(student=s2, placed_on=timezone.localdate()).exists()


def test_voiding_a_batch_drops_estimates_left_without_evidence(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    s3, target = world.students["s3"], world.targets[1]
    ids = list(Evidence.objects.filter(student=s3, target=target).values_list("pk", flat=True))
    assert MasteryEstimate.objects.filter(student=s3, target=target).exists()
    with django_capture_on_commit_callbacks(execute=True):
        evidence_void_many(actor=user_of(world, "admin_d1"), evidence_ids=ids, reason="Wrong.")
    assert not MasteryEstimate.objects.filter(student=s3, target=target).exists()
    assert not Placement.objects.filter(student=s3, placed_on=timezone.localdate()).exists()


@pytest.mark.parametrize("students", [2, 20])
def test_queries_do_not_grow_with_the_pairs(
    world: World, students: int, django_assert_max_num_queries: Any
) -> None:
    """Students, targets and scales, policies, evidence, judgements, stored estimates, the
    writes and the placements: the same queries for 6 pairs as for 60."""
    school = world.students["s1"].school
    people = [f.StudentFactory(school=school) for _ in range(students)]
    for student in people:
        for target in world.targets:
            f.add_evidence(student, target, 3)
    pairs = [(s.pk, t.pk) for s in people for t in world.targets]
    with django_assert_max_num_queries(18):
        done = mastery_refresh_pairs(pairs=pairs, on=timezone.localdate())
    assert done.estimates == len(pairs)
