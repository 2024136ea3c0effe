"""Who sees which intervention: per role, with two districts; hidden ones answer 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from masterypath.interventions.access import (
    access_intervention_by_id,
    access_intervention_for_change,
    access_root_cause_by_id,
    access_strategy_by_id,
    access_student_for_intervention,
    participants_visible_to,
)
from masterypath.interventions.models import Intervention, RootCauseScope, Strategy
from masterypath.interventions.services import root_cause_record
from tests.conftest import World, user_of

# The intervention holds s1 and s2 of school A, section S1 (teacher_a).
SEES = ["teacher_a", "counselor_a", "principal_a", "admin_d1", "g1", "s1"]
HIDDEN = ["teacher_a2", "principal_b", "admin_d2", "g2", "s3", "s5"]


@pytest.mark.parametrize("who", SEES)
def test_these_people_see_the_intervention(
    world: World, intervention: Intervention, who: str
) -> None:
    """The teacher of its students, the school's counselor and principal, the district's
    admin, a participant's guardian and a participant."""
    assert access_intervention_by_id(user_of(world, who), intervention.pk) == intervention


@pytest.mark.parametrize("who", HIDDEN)
def test_these_people_get_404(world: World, intervention: Intervention, who: str) -> None:
    """Another teacher, another school's principal, another district, another family."""
    with pytest.raises(Http404):
        access_intervention_by_id(user_of(world, who), intervention.pk)


def test_a_guardian_sees_only_their_own_child_in_a_group(
    world: World, intervention: Intervention
) -> None:
    """In a group of two, s1's guardian sees s1's participation, not s2's."""
    seen = participants_visible_to(user_of(world, "g1")).filter(intervention=intervention)
    assert [p.student.given_name for p in seen] == ["Ana"]


@pytest.mark.parametrize("who", ["g1", "s1"])
def test_families_and_students_can_not_change_it(
    world: World, intervention: Intervention, who: str
) -> None:
    """Logging and closing is for staff: a guardian or student gets 404."""
    with pytest.raises(Http404):
        access_intervention_for_change(user_of(world, who), intervention.pk)
    with pytest.raises(Http404):
        access_student_for_intervention(user_of(world, who), world.students["s1"].pk)


def test_staff_start_only_for_students_they_see(world: World) -> None:
    """teacher_a may start one for s1, not for s3 (another teacher's) or s5."""
    teacher = user_of(world, "teacher_a")
    assert access_student_for_intervention(teacher, world.students["s1"].pk).pk > 0
    for key in ("s3", "s5"):
        with pytest.raises(Http404):
            access_student_for_intervention(teacher, world.students[key].pk)


def test_the_catalogue_is_the_districts(world: World, strategy: Strategy) -> None:
    """District one's staff see its strategy; district two's admin and a guardian do not."""
    assert access_strategy_by_id(user_of(world, "teacher_a"), strategy.pk) == strategy
    for who in ("admin_d2", "g1"):
        with pytest.raises(Http404):
            access_strategy_by_id(user_of(world, who), strategy.pk)


def test_root_causes_are_for_staff_who_see_the_students(world: World) -> None:
    """A root cause about s1 is seen by s1's teacher and school leaders, not by the family,
    another teacher or another district."""
    cause = root_cause_record(
        actor=user_of(world, "counselor_a"),
        school=world.students["s1"].school,
        scope=RootCauseScope.STUDENT,
        students=[world.students["s1"]],
        problem="p",
        whys=["w"],
        causes={},
        root_cause="r",
        held_on=date(2026, 9, 30),
        today=date(2026, 10, 1),
    )
    for who in ("teacher_a", "counselor_a", "principal_a", "admin_d1"):
        assert access_root_cause_by_id(user_of(world, who), cause.pk) == cause
    for who in ("g1", "s1", "teacher_a2", "principal_b", "admin_d2"):
        with pytest.raises(Http404):
            access_root_cause_by_id(user_of(world, who), cause.pk)
