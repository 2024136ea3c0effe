"""Learning plans: goals, steps, states, notes, proposals, templates; bad input."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from masterypath.plans.access import access_plan_by_id
from masterypath.plans.errors import PlanError, PlanErrorCode
from masterypath.plans.models import (
    GoalKind,
    GoalStatus,
    LearningPlan,
    NoteKind,
    PlanEventKind,
    PlanState,
    ProposalStatus,
)
from masterypath.plans.selectors import plan_detail_get, steps_for_today
from masterypath.plans.services import (
    TemplateGoal,
    goal_add,
    goal_drop,
    note_add,
    plan_approve,
    plan_complete,
    plan_create,
    plan_create_from_template,
    plan_return,
    plan_submit,
    plan_template_create,
    proposal_resolve,
    step_add,
    step_set_done,
)
from tests.conftest import World, user_of
from tests.plans.conftest import TODAY


def _goal(world: World, plan: LearningPlan, **extra: object):  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {
        "kind": GoalKind.ACADEMIC,
        "title": "Reach proficient on fractions",
        "measure": "A 3 on the unit check",
        "target_on": date(2026, 11, 30),
        "targets": [world.targets[0]],
        "today": TODAY,
    }
    fields.update(extra)
    return goal_add(actor=plan.student.user, plan=plan, **fields)  # type: ignore[arg-type]


def test_student_drafts_advisor_approves_and_history_says_who(
    world: World, plan: LearningPlan
) -> None:
    """Draft -> in review -> active, each step in the history with its actor and role."""
    goal = _goal(world, plan)
    step_add(
        actor=plan.student.user,
        goal=goal,
        what="Practice set B",
        due_on=TODAY,
        is_daily=True,
        today=TODAY,
    )
    plan_submit(actor=plan.student.user, plan=plan)
    teacher = user_of(world, "teacher_a")
    plan_approve(actor=teacher, plan=plan)
    plan.refresh_from_db()
    assert plan.state == PlanState.ACTIVE
    assert plan.approved_by == teacher
    events = [(e.kind, e.actor_role) for e in plan_detail_get(plan_id=plan.pk).events.all()]
    assert events == [
        (PlanEventKind.CREATED, "student"),
        (PlanEventKind.GOAL_ADDED, "student"),
        (PlanEventKind.STEP_ADDED, "student"),
        (PlanEventKind.SUBMITTED, "student"),
        (PlanEventKind.APPROVED, "teacher"),
    ]


def test_academic_goal_defaults_to_the_proficient_level(world: World, plan: LearningPlan) -> None:
    goal = _goal(world, plan)
    assert goal.target_level == 3.0
    assert goal.targets_total == 1


def test_student_cannot_approve_their_own_plan(world: World, plan: LearningPlan) -> None:
    _goal(world, plan)
    plan_submit(actor=plan.student.user, plan=plan)
    with pytest.raises(PlanError) as caught:
        plan_approve(actor=plan.student.user, plan=plan)
    assert caught.value.code == PlanErrorCode.NOT_ALLOWED


def test_a_plan_without_goals_cannot_be_submitted(plan: LearningPlan) -> None:
    with pytest.raises(PlanError) as caught:
        plan_submit(actor=plan.student.user, plan=plan)
    assert caught.value.code == PlanErrorCode.NO_GOALS


def test_reviewer_sends_back_with_a_comment_then_completes(
    world: World, plan: LearningPlan
) -> None:
    _goal(world, plan)
    teacher = user_of(world, "teacher_a")
    plan_submit(actor=plan.student.user, plan=plan)
    plan_return(actor=teacher, plan=plan, comment="Add a daily step")
    assert plan.state == PlanState.DRAFT
    assert plan.notes.get().body == "Add a daily step"
    plan_approve(actor=teacher, plan=plan)
    plan_complete(actor=teacher, plan=plan)
    assert plan.state == PlanState.COMPLETE
    with pytest.raises(PlanError) as caught:
        _goal(world, plan)
    assert caught.value.code == PlanErrorCode.NOT_EDITABLE


def test_cannot_complete_a_draft(world: World, plan: LearningPlan) -> None:
    with pytest.raises(PlanError) as caught:
        plan_complete(actor=user_of(world, "teacher_a"), plan=plan)
    assert caught.value.code == PlanErrorCode.BAD_TRANSITION


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"title": "   "}, PlanErrorCode.EMPTY_GOAL, "title"),
        ({"target_on": date(2026, 9, 15)}, PlanErrorCode.DATE_IN_PAST, "target_on"),
        ({"target_on": date(2027, 2, 1)}, PlanErrorCode.DATE_OUTSIDE_PLAN, "target_on"),
        ({"targets": []}, PlanErrorCode.ACADEMIC_NEEDS_TARGET, "targets"),
        ({"kind": "hobby"}, PlanErrorCode.BAD_CHOICE, "kind"),
    ],
)
def test_bad_goal_input_names_its_field(
    world: World, plan: LearningPlan, extra: dict[str, object], code: PlanErrorCode, field: str
) -> None:
    with pytest.raises(PlanError) as caught:
        _goal(world, plan, **extra)
    assert caught.value.code == code
    assert caught.value.field == field
    assert str(caught.value)


def test_a_target_of_another_district_is_refused(world: World, plan: LearningPlan) -> None:
    from tests import factories as f

    private = f.FrameworkFactory(district=world.students["s5"].district)
    foreign = f.TargetFactory(competency__domain__framework=private)
    with pytest.raises(PlanError) as caught:
        _goal(world, plan, targets=[foreign])
    assert caught.value.code == PlanErrorCode.TARGET_NOT_VISIBLE


def test_plan_ending_in_the_past_and_overlapping_plans_are_refused(
    world: World, plan: LearningPlan
) -> None:
    student = plan.student
    with pytest.raises(PlanError) as past:
        plan_create(
            actor=student.user,
            student=student,
            title="Old",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 6, 1),
            today=TODAY,
        )
    assert past.value.code == PlanErrorCode.DATE_IN_PAST
    with pytest.raises(PlanError) as overlap:
        plan_create(
            actor=student.user,
            student=student,
            title="Again",
            starts_on=date(2026, 10, 1),
            ends_on=date(2027, 1, 30),
            today=TODAY,
        )
    assert overlap.value.code == PlanErrorCode.DUPLICATE_PLAN


def test_dropping_a_goal_needs_a_reason(world: World, plan: LearningPlan) -> None:
    goal = _goal(world, plan, kind=GoalKind.PERSONAL, targets=[])
    with pytest.raises(PlanError) as caught:
        goal_drop(actor=plan.student.user, goal=goal, reason=" ")
    assert caught.value.code == PlanErrorCode.REASON_REQUIRED
    goal_drop(actor=plan.student.user, goal=goal, reason="Changed clubs")
    goal.refresh_from_db()
    assert (goal.status, goal.dropped_reason) == (GoalStatus.DROPPED, "Changed clubs")


def test_today_lists_todays_steps_then_overdue_not_done(world: World, plan: LearningPlan) -> None:
    goal = _goal(world, plan, kind=GoalKind.HABITS, targets=[])
    later = step_add(
        actor=plan.student.user, goal=goal, what="Later", due_on=date(2026, 10, 9), today=TODAY
    )
    early = step_add(
        actor=plan.student.user, goal=goal, what="Early", due_on=date(2026, 10, 2), today=TODAY
    )
    today = step_add(
        actor=plan.student.user,
        goal=goal,
        what="Today",
        due_on=date(2026, 10, 5),
        is_daily=True,
        today=TODAY,
    )
    done = step_add(
        actor=plan.student.user, goal=goal, what="Done", due_on=date(2026, 10, 3), today=TODAY
    )
    step_set_done(actor=plan.student.user, step=done, done=True)
    listed = steps_for_today(plan=plan_detail_get(plan_id=plan.pk), on=date(2026, 10, 5))
    assert [s.pk for s in listed] == [today.pk, early.pk]
    assert later.pk not in [s.pk for s in listed]


def test_step_in_the_past_is_refused(world: World, plan: LearningPlan) -> None:
    goal = _goal(world, plan, kind=GoalKind.HABITS, targets=[])
    with pytest.raises(PlanError) as caught:
        step_add(actor=plan.student.user, goal=goal, what="x", due_on=date(2026, 9, 2), today=TODAY)
    assert (caught.value.code, caught.value.field) == (PlanErrorCode.DATE_IN_PAST, "due_on")


def test_reflections_are_the_students_and_feedback_the_teachers(
    world: World, plan: LearningPlan
) -> None:
    goal = _goal(world, plan)
    teacher = user_of(world, "teacher_a")
    note_add(
        actor=plan.student.user, plan=plan, goal=goal, kind=NoteKind.REFLECTION, body="Hard week"
    )
    note_add(actor=teacher, plan=plan, goal=goal, kind=NoteKind.FEEDBACK, body="Keep going")
    with pytest.raises(PlanError):
        note_add(actor=teacher, plan=plan, kind=NoteKind.REFLECTION, body="x")
    with pytest.raises(PlanError):
        note_add(actor=plan.student.user, plan=plan, kind=NoteKind.FEEDBACK, body="x")
    assert [n.kind for n in plan.notes.all()] == [NoteKind.REFLECTION, NoteKind.FEEDBACK]


def test_teacher_proposes_a_new_date_and_the_student_accepts(
    world: World, plan: LearningPlan
) -> None:
    goal = _goal(world, plan)
    teacher = user_of(world, "teacher_a")
    proposal = note_add(
        actor=teacher,
        plan=plan,
        goal=goal,
        kind=NoteKind.PROPOSAL,
        body="More time",
        change={"field": "target_on", "value": "2026-12-10"},
    )
    with pytest.raises(PlanError) as own:
        proposal_resolve(actor=teacher, note=proposal, accept=True, today=TODAY)
    assert own.value.code == PlanErrorCode.NOT_ALLOWED
    proposal_resolve(actor=plan.student.user, note=proposal, accept=True, today=TODAY)
    goal.refresh_from_db()
    assert goal.target_on == date(2026, 12, 10)
    assert proposal.proposal_status == ProposalStatus.ACCEPTED
    kinds = [e.kind for e in plan.events.all()]
    assert PlanEventKind.GOAL_CHANGED in kinds
    assert kinds[-1] == PlanEventKind.PROPOSAL_ACCEPTED
    with pytest.raises(PlanError) as closed:
        proposal_resolve(actor=plan.student.user, note=proposal, accept=False)
    assert closed.value.code == PlanErrorCode.PROPOSAL_CLOSED


def test_template_starts_a_plan_with_its_goals(world: World) -> None:
    student = world.students["s2"]
    teacher = user_of(world, "teacher_a")
    template = plan_template_create(
        actor=teacher,
        school=student.school,
        title="Grade 4 start",
        grade_level=4,
        goals=[
            TemplateGoal(kind="academic", title="Fractions", target_codes=["4.NF.1"], days=30),
            TemplateGoal(kind="habits", title="Hand work in on time"),
        ],
    )
    plan = plan_create_from_template(
        actor=teacher,
        student=student,
        template=template,
        title="Fall",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 18),
        today=TODAY,
    )
    goals = list(plan.goals.order_by("position"))
    assert [g.title for g in goals] == ["Fractions", "Hand work in on time"]
    assert [t.code for t in goals[0].targets.all()] == ["4.NF.1"]
    assert goals[0].target_on == TODAY  # 30 days after the start is past: today at the earliest


def test_template_with_unknown_target_is_refused(world: World) -> None:
    with pytest.raises(PlanError) as caught:
        plan_template_create(
            actor=user_of(world, "teacher_a"),
            school=world.students["s1"].school,
            title="T",
            goals=[TemplateGoal(kind="academic", title="x", target_codes=["NOPE"])],
        )
    assert caught.value.code == PlanErrorCode.TARGET_NOT_VISIBLE
    assert "NOPE" in str(caught.value)


@pytest.mark.parametrize(
    ("who", "write", "allowed"),
    [
        ("s1", True, True),
        ("s2", False, False),
        ("g1", False, True),
        ("g1", True, False),
        ("g2", False, False),
        ("teacher_a", True, True),
        ("teacher_a2", False, False),
        ("admin_d2", False, False),
    ],
)
def test_who_reads_and_edits_a_plan(
    world: World, plan: LearningPlan, who: str, write: bool, allowed: bool
) -> None:
    actor = user_of(world, who)
    if allowed:
        assert access_plan_by_id(actor, plan.pk, write=write) == plan
    else:
        with pytest.raises(Http404):
            access_plan_by_id(actor, plan.pk, write=write)


def test_an_advisor_edits_advisees_plans_in_their_district_only(
    world: World, plan: LearningPlan
) -> None:
    """teacher_a2 does not teach s1; advising makes the plan theirs to co-build."""
    from masterypath.plans.services import advising_assign

    advisor = world.staff["teacher_a2"]
    with pytest.raises(Http404):
        access_plan_by_id(advisor.user, plan.pk, write=True)
    advising_assign(actor=advisor.user, advisor=advisor, students=[plan.student])
    assert access_plan_by_id(advisor.user, plan.pk, write=True) == plan
    with pytest.raises(PlanError):
        advising_assign(actor=advisor.user, advisor=advisor, students=[world.students["s5"]])
