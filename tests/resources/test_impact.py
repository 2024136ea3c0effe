"""The resource impact report on synthetic data: it recovers a planted effect within its
interval, finds none where there is none, and suppresses small groups."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.resources.impact import resource_impact
from masterypath.resources.models import Resource, ResourceUse, ReviewStatus
from tests import factories as f
from tests.conftest import World


def _plant(world: World, *, effect: float, users: int = 30, others: int = 40) -> Resource:
    """Users are picked among the students further behind (selection), then gain `effect`
    more than the others on the resource's target."""
    rng = random.Random(7)
    school = world.students["s1"].school
    target = world.targets[1]
    resource = Resource.objects.create(
        district=school.district,
        title="R",
        kind="video",
        minutes=10,
        url="https://example.org",
        status=ReviewStatus.APPROVED,
    )
    resource.targets.set([target])
    now = timezone.now()
    use_at = now - timedelta(days=40)
    evidence = []
    uses = []
    for n in range(users + others):
        used = n < users
        student = f.StudentFactory(school=school, grade_level=4 + n % 2)
        prior = rng.uniform(1.0, 2.0) if used else rng.uniform(1.2, 2.6)
        # Everyone gains with time, the further behind a little more; users gain `effect` more.
        gain = 0.4 + 0.2 * (2.5 - prior) + (effect if used else 0.0) + rng.gauss(0, 0.15)
        evidence.append(
            Evidence(
                student=student,
                target=target,
                score=Decimal(f"{prior:.2f}"),
                observed_at=use_at - timedelta(days=20),
                kind=EvidenceKind.FORMATIVE,
            )
        )
        evidence.append(
            Evidence(
                student=student,
                target=target,
                score=Decimal(f"{min(prior + gain, 4.0):.2f}"),
                observed_at=use_at + timedelta(days=20),
                kind=EvidenceKind.FORMATIVE,
            )
        )
        if used:
            uses.append(
                ResourceUse(
                    resource=resource,
                    student=student,
                    action="opened",
                    at=use_at + timedelta(hours=n % 5),
                )
            )
    Evidence.objects.bulk_create(evidence)
    ResourceUse.objects.bulk_create(uses)
    return resource


def test_a_planted_effect_is_recovered_within_its_interval(world: World) -> None:
    report = resource_impact(resource=_plant(world, effect=0.8))
    estimate = report.estimate
    assert not estimate.suppressed
    assert estimate.low is not None
    assert estimate.high is not None
    assert estimate.low <= 0.8 <= estimate.high
    assert estimate.low > 0
    assert estimate.n_treated == 30
    assert report.n_users == 30


def test_no_effect_gives_an_interval_around_zero(world: World) -> None:
    estimate = resource_impact(resource=_plant(world, effect=0.0)).estimate
    assert estimate.low is not None
    assert estimate.high is not None
    assert estimate.low <= 0.0 <= estimate.high


def test_small_groups_are_suppressed(world: World) -> None:
    estimate = resource_impact(resource=_plant(world, effect=0.8, users=6, others=6)).estimate
    assert estimate.suppressed
    assert estimate.effect is None


def test_a_resource_nobody_used_reports_nothing(world: World) -> None:
    resource = _plant(world, effect=0.5, users=0, others=12)
    report = resource_impact(resource=resource)
    assert report.estimate.suppressed
    assert report.n_users == 0
