"""The learning plan block that other pages show first: the student's home, their profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from masterypath.plans.models import ActionStep, Goal, GoalStatus, LearnerProfile, LearningPlan
from masterypath.plans.selectors import (
    learner_profile_get,
    plan_current_for_student,
    steps_for_today,
)
from masterypath.roster.models import Student


@dataclass(frozen=True, slots=True)
class PlanSlot:
    student: Student
    plan: LearningPlan | None
    goals: list[Goal]
    today_steps: list[ActionStep]
    today: date
    profile: LearnerProfile | None = None


def plan_slot(*, student: Student, on: date, with_profile: bool = False) -> PlanSlot:
    """The student's current plan, its live goals and the steps due today or overdue (four
    queries: the plan, its goals, their targets and steps); `with_profile` adds the learner
    profile that staff read next to the data."""
    plan = plan_current_for_student(student=student, on=on)
    profile = learner_profile_get(student=student) if with_profile else None
    if plan is None:
        return PlanSlot(
            student=student, plan=None, goals=[], today_steps=[], today=on, profile=profile
        )
    goals = [goal for goal in plan.goals.all() if goal.status != GoalStatus.DROPPED]
    return PlanSlot(
        student=student,
        plan=plan,
        goals=goals,
        today_steps=steps_for_today(plan=plan, on=on),
        today=on,
        profile=profile,
    )
