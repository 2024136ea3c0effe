"""The demo's plans and library: a good share of students with profiles and plans (active,
in review, draft; goals met and overdue), an approved library with usage, the demo student's
draft plan with daily steps for the advisor (the demo teacher) to review."""

from __future__ import annotations

from datetime import date

import pytest

from masterypath.accounts.models import Role
from masterypath.demo.seed import DEMO_LOGINS, seed_demo
from masterypath.plans.access import access_plan_by_id
from masterypath.plans.models import (
    ActionStep,
    Goal,
    GoalStatus,
    LearnerProfile,
    LearningPlan,
    PlanState,
)
from masterypath.plans.selectors import advisee_rows
from masterypath.resources.models import Resource, ReviewStatus
from masterypath.roster.models import Staff, Student

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 20)


@pytest.fixture
def demo(db: None) -> None:
    seed_demo(seed=7, students=60, as_of=AS_OF)


def test_a_good_share_of_students_have_profiles_and_plans(demo: None) -> None:
    students = Student.objects.count()
    assert LearnerProfile.objects.count() >= students * 0.4
    assert LearningPlan.objects.count() >= students * 0.4
    states = set(LearningPlan.objects.values_list("state", flat=True))
    assert {PlanState.ACTIVE, PlanState.IN_REVIEW, PlanState.DRAFT} <= states
    assert Goal.objects.filter(status=GoalStatus.MET).exists()
    overdue = ActionStep.objects.filter(due_on__lt=AS_OF, done_at__isnull=True)
    assert overdue.exists()
    assert ActionStep.objects.filter(done_at__isnull=False).exists()
    assert ActionStep.objects.filter(is_daily=True, due_on=AS_OF).exists()


def test_the_demo_student_has_a_draft_for_the_demo_teacher_to_review(demo: None) -> None:
    student = Student.objects.get(user__username=DEMO_LOGINS[Role.STUDENT])
    plan = LearningPlan.objects.get(student=student)
    assert plan.state == PlanState.DRAFT
    assert plan.goals.filter(steps__is_daily=True).exists()
    teacher = Staff.objects.get(user__username=DEMO_LOGINS[Role.TEACHER])
    assert access_plan_by_id(teacher.user, plan.pk, write=True) == plan
    rows = advisee_rows(advisor=teacher, on=AS_OF)
    assert student.pk in [row.student.pk for row in rows]


def test_the_library_is_curated_and_used(demo: None) -> None:
    statuses = set(Resource.objects.values_list("status", flat=True))
    assert statuses == {ReviewStatus.APPROVED, ReviewStatus.SUBMITTED, ReviewStatus.REJECTED}
    assert Resource.objects.filter(language="es", status=ReviewStatus.APPROVED).exists()
    assert all(r.targets.exists() for r in Resource.objects.all())
