"""Goal progress follows mastery through the evidence events, not page loads."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from masterypath.evidence.services.many import EvidenceRow, evidence_record_many
from masterypath.plans.models import GoalKind, GoalStatus, LearningPlan, PlanEventKind
from masterypath.plans.services import goal_add, plan_approve
from tests import factories as f
from tests.conftest import World, user_of
from tests.plans.conftest import TODAY


def _record(world: World, student_id: int, target_id: int, score: int) -> None:
    evidence_record_many(
        actor=user_of(world, "teacher_a"),
        rows=[
            EvidenceRow(
                student_id=student_id,
                target_id=target_id,
                score=Decimal(score),
                observed_at=timezone.now() - timedelta(hours=1),
            )
        ],
    )


def test_a_goal_shows_its_current_level_from_mastery_when_added(
    world: World, plan: LearningPlan
) -> None:
    """s1 has evidence 2 then 3 on 4.NF.1: the goal starts with a level, not met."""
    goal = goal_add(
        actor=plan.student.user,
        plan=plan,
        kind=GoalKind.ACADEMIC,
        title="Fractions",
        measure="",
        target_on=date(2026, 11, 1),
        targets=[world.targets[0], world.targets[1]],
        today=TODAY,
    )
    assert goal.current_level is not None
    assert goal.baseline_level == goal.current_level
    assert goal.targets_total == 2
    assert goal.status == GoalStatus.OPEN


def test_batch_evidence_marks_the_goal_met_and_moves_the_trend(
    world: World, plan: LearningPlan, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    student = plan.student
    target = world.targets[2]
    goal = goal_add(
        actor=student.user,
        plan=plan,
        kind=GoalKind.ACADEMIC,
        title="Decimals",
        measure="",
        target_on=date(2026, 11, 1),
        targets=[target],
        today=TODAY,
    )
    plan_approve(actor=user_of(world, "teacher_a"), plan=plan)
    assert goal.current_level is None
    with django_capture_on_commit_callbacks(execute=True):
        _record(world, student.pk, target.pk, 2)
    goal.refresh_from_db()
    assert goal.current_level == 2.0
    assert goal.status == GoalStatus.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _record(world, student.pk, target.pk, 4)
    goal.refresh_from_db()
    assert goal.current_level is not None
    assert goal.current_level >= 3.0
    assert goal.trend is not None
    assert goal.trend > 0
    assert goal.status == GoalStatus.MET
    assert goal.met_at is not None
    assert plan.events.filter(kind=PlanEventKind.GOAL_MET, goal=goal).count() == 1


def test_evidence_for_another_student_leaves_the_goal_alone(
    world: World, plan: LearningPlan, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    target = world.targets[2]
    goal = goal_add(
        actor=plan.student.user,
        plan=plan,
        kind=GoalKind.ACADEMIC,
        title="Decimals",
        measure="",
        target_on=date(2026, 11, 1),
        targets=[target],
        today=TODAY,
    )
    with django_capture_on_commit_callbacks(execute=True):
        _record(world, world.students["s2"].pk, target.pk, 4)
    goal.refresh_from_db()
    assert goal.current_level is None
    assert goal.progress_at is None


def test_refresh_of_many_goals_takes_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from masterypath.plans.services import goal_progress_refresh, plan_create

    school = world.students["s1"].school
    goal_ids = []
    for _ in range(12):
        student = f.StudentFactory(school=school)
        plan = plan_create(
            actor=student.user,
            student=student,
            title="P",
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 12, 1),
            today=TODAY,
        )
        goal = goal_add(
            actor=student.user,
            plan=plan,
            kind=GoalKind.ACADEMIC,
            title="G",
            measure="",
            target_on=date(2026, 11, 1),
            targets=world.targets,
            today=TODAY,
        )
        f.add_evidence(student, world.targets[0], 3)
        goal_ids.append(goal.pk)
    with django_assert_max_num_queries(8):
        assert goal_progress_refresh(goal_ids=goal_ids) == 12
