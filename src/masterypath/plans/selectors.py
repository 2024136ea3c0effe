"""Reads of the plans app, with related rows fetched up front (a fixed number of queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from masterypath.plans.models import (
    ActionStep,
    Advising,
    Goal,
    GoalStatus,
    LearnerProfile,
    LearnerProfileVersion,
    LearningPlan,
    PlanEvent,
    PlanNote,
    PlanState,
    PlanTemplate,
)
from masterypath.roster.models import Staff, Student
from masterypath.schools.models import School

OPEN_STATES = (PlanState.DRAFT, PlanState.IN_REVIEW, PlanState.ACTIVE)


def learner_profile_get(*, student: Student) -> LearnerProfile | None:
    return LearnerProfile.objects.filter(student=student).select_related("updated_by").first()


def learner_profile_history(*, student: Student) -> QuerySet[LearnerProfileVersion]:
    """Every saved version of the student's profile, newest first, with who changed it."""
    return LearnerProfileVersion.objects.filter(profile__student=student).select_related(
        "changed_by"
    )


def _goals_prefetch() -> Prefetch[Literal["goals"], QuerySet[Goal], str]:
    return Prefetch(
        "goals",
        queryset=Goal.objects.prefetch_related(
            "targets", Prefetch("steps", queryset=ActionStep.objects.order_by("due_on", "id"))
        ),
    )


def plan_list_for_student(*, student: Student) -> QuerySet[LearningPlan]:
    """The student's plans, newest first, each with its goals, targets and steps."""
    return LearningPlan.objects.filter(student=student).prefetch_related(_goals_prefetch())


def plan_detail_get(*, plan_id: int) -> LearningPlan:
    """One plan with goals, targets, steps, notes (and their authors) and history."""
    return (
        LearningPlan.objects.select_related("student", "approved_by", "created_by")
        .prefetch_related(
            _goals_prefetch(),
            Prefetch("notes", queryset=PlanNote.objects.select_related("author", "goal")),
            Prefetch("events", queryset=PlanEvent.objects.select_related("actor", "goal")),
        )
        .get(pk=plan_id)
    )


def plan_current_for_student(*, student: Student, on: date) -> LearningPlan | None:
    """The open plan whose period holds `on` (else the newest open plan), with its goals,
    targets and steps: one query when the student has no open plan, four when they do."""
    plans = list(LearningPlan.objects.filter(student=student, state__in=OPEN_STATES))
    current = next((p for p in plans if p.starts_on <= on <= p.ends_on), None)
    chosen = current or (plans[0] if plans else None)
    if chosen is not None:
        prefetch_related_objects([chosen], _goals_prefetch())
    return chosen


def steps_for_today(*, plan: LearningPlan, on: date) -> list[ActionStep]:
    """Steps not yet done that are due on or before `on` (daily steps of today, then anything
    overdue), from the plan's prefetched goals."""
    steps = [
        step
        for goal in plan.goals.all()
        if goal.status != GoalStatus.DROPPED
        for step in goal.steps.all()
        if step.done_at is None and step.due_on <= on
    ]
    return sorted(steps, key=lambda step: (step.due_on != on, step.due_on, step.pk))


def plan_templates_for_school(*, school: School) -> QuerySet[PlanTemplate]:
    return PlanTemplate.objects.filter(school=school)


@dataclass(frozen=True, slots=True)
class AdviseeRow:
    """One advisee on the advisor's page: their open plan and what needs a look."""

    student: Student
    plan: LearningPlan | None
    goals_open: int
    goals_met: int
    due_this_week: list[ActionStep]
    overdue: list[ActionStep]
    goals_overdue: list[Goal]
    needs_review: bool


def advisee_rows(*, advisor: Staff, on: date) -> list[AdviseeRow]:
    """Each advisee of `advisor` with their open plan: steps due in the next 7 days, overdue
    steps and goals, whether the plan waits for review. Four queries, whatever the count."""
    students = list(
        Student.objects.filter(advisings__advisor=advisor, district_id=advisor.district_id)
        .select_related("school")
        .order_by("family_name", "given_name", "pk")
    )
    plans = (
        LearningPlan.objects.filter(student__in=students, state__in=OPEN_STATES)
        .order_by("student_id", "-starts_on", "-pk")
        .prefetch_related(_goals_prefetch())
    )
    plan_of: dict[int, LearningPlan] = {}
    for found in plans:
        plan_of.setdefault(found.student_id, found)
    week_end = on + timedelta(days=7)
    rows = []
    for student in students:
        plan = plan_of.get(student.pk)
        goals = [g for g in plan.goals.all() if g.status != GoalStatus.DROPPED] if plan else []
        steps = [step for goal in goals for step in goal.steps.all() if step.done_at is None]
        rows.append(
            AdviseeRow(
                student=student,
                plan=plan,
                goals_open=sum(goal.status == GoalStatus.OPEN for goal in goals),
                goals_met=sum(goal.status == GoalStatus.MET for goal in goals),
                due_this_week=[step for step in steps if on <= step.due_on <= week_end],
                overdue=[step for step in steps if step.due_on < on],
                goals_overdue=[
                    goal for goal in goals if goal.status == GoalStatus.OPEN and goal.target_on < on
                ],
                needs_review=plan is not None and plan.state == PlanState.IN_REVIEW,
            )
        )
    return rows


def advisees_of(*, advisor: Staff) -> QuerySet[Advising]:
    return Advising.objects.filter(advisor=advisor).select_related("student")
