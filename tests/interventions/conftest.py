"""Interventions on the shared two-district world: a catalogue in district one."""

from __future__ import annotations

from datetime import date

import pytest

from masterypath.continuum.models import Domain
from masterypath.interventions.models import Intervention, Strategy
from masterypath.interventions.services import intervention_start, strategy_create
from masterypath.mastery.models import Placement
from tests.conftest import World

TODAY = date(2026, 10, 1)


@pytest.fixture
def domain(world: World) -> Domain:
    domain: Domain = world.targets[0].competency.domain
    return domain


@pytest.fixture
def strategy(world: World, domain: Domain) -> Strategy:
    return strategy_create(
        actor=world.staff["admin_d1"].user,
        district=world.students["s1"].district,
        name="Small-group fractions",
        tier=2,
        domains=[domain],
        sessions_per_week=3,
        duration_weeks=8,
        cost_per_student=None,
    )


@pytest.fixture
def intensive(world: World, domain: Domain) -> Strategy:
    return strategy_create(
        actor=world.staff["admin_d1"].user,
        district=world.students["s1"].district,
        name="One-to-one tutoring",
        tier=3,
        domains=[domain],
        sessions_per_week=5,
    )


@pytest.fixture
def intervention(world: World, strategy: Strategy, domain: Domain) -> Intervention:
    """s1 and s2 (teacher_a's section S1) in small-group fractions, run by counselor_a."""
    Placement.objects.create(
        student=world.students["s1"],
        domain=domain,
        placed_on=date(2026, 9, 1),
        completed=2.0,
        level=2.4,
    )
    return intervention_start(
        actor=world.staff["counselor_a"].user,
        strategy=strategy,
        students=[world.students["s1"], world.students["s2"]],
        staff=world.staff["counselor_a"],
        domain=domain,
        starts_on=date(2026, 9, 14),
        ends_on=date(2026, 11, 6),
        goal_on=date(2026, 11, 6),
        goal_gain=0.5,
        today=date(2026, 9, 14),
    )
