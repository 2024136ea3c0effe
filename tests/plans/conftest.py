"""A plan world: the shared two-district world plus a fixed 'today' inside the plan period."""

from __future__ import annotations

from datetime import date

import pytest

from masterypath.plans.models import LearningPlan
from masterypath.plans.services import plan_create
from tests.conftest import World

TODAY = date(2026, 10, 1)


@pytest.fixture
def plan(world: World) -> LearningPlan:
    student = world.students["s1"]
    return plan_create(
        actor=student.user,
        student=student,
        title="Fall term",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 18),
        today=TODAY,
    )
