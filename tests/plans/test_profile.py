"""Learner profiles: versions with who and when; who may read and change them."""

from __future__ import annotations

import pytest
from django.http import Http404

from masterypath.plans.access import access_plan_student_by_id
from masterypath.plans.errors import PlanError, PlanErrorCode
from masterypath.plans.selectors import learner_profile_get, learner_profile_history
from masterypath.plans.services import ProfileInput, learner_profile_update
from tests.conftest import World, user_of


def test_each_change_is_a_version_with_who_and_which_fields(world: World) -> None:
    """The student writes, then the teacher adds supports: two versions, newest first."""
    student = world.students["s1"]
    learner_profile_update(
        actor=student.user,
        student=student,
        values=ProfileInput(strengths="Drawing", group_preferences=["pairs"]),
    )
    teacher = user_of(world, "teacher_a")
    learner_profile_update(
        actor=teacher,
        student=student,
        values=ProfileInput(
            strengths="Drawing", group_preferences=["pairs"], supports="Extra time"
        ),
    )
    history = list(learner_profile_history(student=student))
    assert [v.version for v in history] == [2, 1]
    assert history[0].changed_by == teacher
    assert history[0].changed_fields == ["supports"]
    assert history[1].changed_by == student.user
    assert set(history[1].changed_fields) == {"strengths", "group_preferences"}
    assert history[1].data["supports"] == ""
    profile = learner_profile_get(student=student)
    assert profile is not None
    assert profile.supports == "Extra time"
    assert profile.version == 2


def test_saving_the_same_values_makes_no_version(world: World) -> None:
    student = world.students["s1"]
    values = ProfileInput(interests="Soccer")
    learner_profile_update(actor=student.user, student=student, values=values)
    learner_profile_update(actor=student.user, student=student, values=values)
    assert learner_profile_history(student=student).count() == 1


def test_unknown_preference_is_refused_with_its_field(world: World) -> None:
    student = world.students["s1"]
    with pytest.raises(PlanError) as caught:
        learner_profile_update(
            actor=student.user, student=student, values=ProfileInput(mode_preferences=["singing"])
        )
    assert caught.value.code == PlanErrorCode.BAD_CHOICE
    assert caught.value.field == "mode_preferences"


@pytest.mark.parametrize(
    ("who", "student", "write", "allowed"),
    [
        ("s1", "s1", True, True),
        ("s1", "s2", False, False),
        ("g1", "s1", False, True),
        ("g1", "s1", True, False),
        ("g1", "s3", False, False),
        ("teacher_a", "s1", True, True),
        ("teacher_a", "s3", False, False),
        ("teacher_a2", "s3", True, True),
        ("principal_a", "s3", True, True),
        ("principal_a", "s4", False, False),
        ("admin_d1", "s4", True, True),
        ("admin_d2", "s1", False, False),
        ("admin_d1", "s5", False, False),
    ],
)
def test_who_reads_and_changes_a_students_profile(
    world: World, who: str, student: str, write: bool, allowed: bool
) -> None:
    """Own for students, read-only children for guardians, taught students for teachers, the
    school for principals, the district for admins; nothing across districts."""
    target = world.students[student]
    if allowed:
        assert access_plan_student_by_id(user_of(world, who), target.pk, write=write) == target
    else:
        with pytest.raises(Http404):
            access_plan_student_by_id(user_of(world, who), target.pk, write=write)
