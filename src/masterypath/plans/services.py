"""Writes of the plans app: learner profiles, plans, goals, steps, notes, templates, progress.

Every function is keyword-only and atomic; it validates (a `PlanError` names the form field),
saves, writes the audit log, and adds the plan's history row (who did what). Callers have
already passed the guard in `access.py` (`write=True`); role rules that depend on what is done
(only staff approve, only the student reflects) are checked here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masterypath.accounts.models import Role, User
from masterypath.common.audit import audit_record
from masterypath.common.bulk import concrete_field, db_column, db_datetimes
from masterypath.common.event_types import Pair
from masterypath.continuum.access import targets_visible_in_district
from masterypath.continuum.models import LearningTarget
from masterypath.engine.goals import goal_progress
from masterypath.mastery.models import MasteryEstimate
from masterypath.plans.access import is_plan_reviewer
from masterypath.plans.errors import PlanError, PlanErrorCode
from masterypath.plans.models import (
    PROFILE_FIELDS,
    PROFILE_LIST_FIELDS,
    PROFILE_TEXT_FIELDS,
    ActionStep,
    Advising,
    Goal,
    GoalKind,
    GoalStatus,
    GroupPreference,
    LearnerProfile,
    LearnerProfileVersion,
    LearningPlan,
    ModePreference,
    NoteKind,
    PlanEvent,
    PlanEventKind,
    PlanNote,
    PlanState,
    PlanTemplate,
    ProposalStatus,
)
from masterypath.roster.models import Staff, Student
from masterypath.schools.models import AcademicSession, School

TEXT_LIMIT = 2000
TITLE_LIMIT = 300
# The goal fields a proposal may change.
PROPOSABLE_FIELDS = ("title", "measure", "target_on")


def _today(today: date | None) -> date:
    return today if today is not None else timezone.localdate()


def _clean_text(value: str, *, field_name: str, limit: int = TEXT_LIMIT, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise PlanError(PlanErrorCode.EMPTY_TEXT, _("This field is required."), field=field_name)
    if len(text) > limit:
        raise PlanError(
            PlanErrorCode.EMPTY_TEXT,
            _("Keep it under %(limit)d characters.") % {"limit": limit},
            field=field_name,
        )
    return text


def _log(
    *,
    plan: LearningPlan,
    kind: PlanEventKind,
    actor: User | None,
    goal: Goal | None = None,
    **detail: Any,
) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        goal=goal,
        kind=kind,
        actor=actor,
        actor_role=actor.role if actor is not None else "",
        detail=detail,
        at=timezone.now(),
    )


# ---------------------------------------------------------------- learner profiles


@dataclass(frozen=True, slots=True)
class ProfileInput:
    """What a learner profile says; every field may be left empty."""

    strengths: str = ""
    interests: str = ""
    aspirations: str = ""
    languages: str = ""
    supports: str = ""
    group_preferences: Sequence[str] = field(default_factory=tuple)
    mode_preferences: Sequence[str] = field(default_factory=tuple)


def _profile_data(profile: LearnerProfile) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in PROFILE_FIELDS}


def _clean_choices(values: Sequence[str], *, allowed: Iterable[str], field_name: str) -> list[str]:
    allowed_set = set(allowed)
    cleaned = []
    for value in values:
        if value not in allowed_set:
            raise PlanError(
                PlanErrorCode.BAD_CHOICE,
                _("“%(value)s” is not one of the choices.") % {"value": value},
                field=field_name,
            )
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


@transaction.atomic
def learner_profile_update(
    *, actor: User, student: Student, values: ProfileInput
) -> LearnerProfile:
    """Save the profile's new state as its next version; nothing is saved when nothing changed."""
    data: dict[str, Any] = {
        "strengths": _clean_text(values.strengths, field_name="strengths", required=False),
        "interests": _clean_text(values.interests, field_name="interests", required=False),
        "aspirations": _clean_text(values.aspirations, field_name="aspirations", required=False),
        "languages": _clean_text(values.languages, field_name="languages", required=False),
        "supports": _clean_text(values.supports, field_name="supports", required=False),
        "group_preferences": _clean_choices(
            values.group_preferences, allowed=GroupPreference.values, field_name="group_preferences"
        ),
        "mode_preferences": _clean_choices(
            values.mode_preferences, allowed=ModePreference.values, field_name="mode_preferences"
        ),
    }
    profile, _created = LearnerProfile.objects.select_for_update().get_or_create(student=student)
    before = _profile_data(profile)
    changed = [name for name in PROFILE_FIELDS if before[name] != data[name]]
    if not changed:
        return profile
    for name, value in data.items():
        setattr(profile, name, value)
    profile.version += 1
    profile.updated_by = actor
    profile.save()
    LearnerProfileVersion.objects.create(
        profile=profile,
        version=profile.version,
        data=data,
        changed_fields=changed,
        changed_by=actor,
        changed_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="update",
        subject=profile,
        student_id=student.pk,
        detail={"fields": changed, "version": profile.version},
    )
    return profile


# ---------------------------------------------------------------- advising


@transaction.atomic
def advising_assign(*, actor: User, advisor: Staff, students: Iterable[Student]) -> int:
    """Make `advisor` the advisor of `students` (of the advisor's district); returns how many
    new links were made."""
    made = 0
    for student in students:
        if student.district_id != advisor.district_id:
            raise PlanError(
                PlanErrorCode.NOT_ALLOWED, _("The student is in another district."), field="student"
            )
        _advising, created = Advising.objects.get_or_create(advisor=advisor, student=student)
        if created:
            audit_record(actor=actor, action="create", subject=_advising, student_id=student.pk)
            made += 1
    return made


# ---------------------------------------------------------------- plans


def _check_period(*, starts_on: date, ends_on: date, today: date) -> None:
    if ends_on < starts_on:
        raise PlanError(
            PlanErrorCode.BAD_PERIOD, _("The end comes before the start."), field="ends_on"
        )
    if ends_on < today:
        raise PlanError(
            PlanErrorCode.DATE_IN_PAST, _("The plan would end in the past."), field="ends_on"
        )


@transaction.atomic
def plan_create(
    *,
    actor: User,
    student: Student,
    title: str,
    starts_on: date,
    ends_on: date,
    session: AcademicSession | None = None,
    today: date | None = None,
) -> LearningPlan:
    """A new draft plan for `student` for a period."""
    title = _clean_text(title, field_name="title", limit=200, required=True)
    _check_period(starts_on=starts_on, ends_on=ends_on, today=_today(today))
    if session is not None and session.district_id != student.district_id:
        raise PlanError(PlanErrorCode.BAD_PERIOD, _("No such period."), field="session")
    open_plans = LearningPlan.objects.filter(student=student).exclude(state=PlanState.COMPLETE)
    if open_plans.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise PlanError(
            PlanErrorCode.DUPLICATE_PLAN,
            _("There is already an open plan for this period."),
            field="starts_on",
        )
    plan = LearningPlan.objects.create(
        student=student,
        session=session,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    _log(plan=plan, kind=PlanEventKind.CREATED, actor=actor)
    audit_record(actor=actor, action="create", subject=plan, student_id=student.pk)
    return plan


def _check_editable(plan: LearningPlan) -> None:
    if plan.state == PlanState.COMPLETE:
        raise PlanError(PlanErrorCode.NOT_EDITABLE, _("This plan is complete."), field="plan")


def _check_goal_date(*, plan: LearningPlan, target_on: date, today: date) -> None:
    if target_on < today:
        raise PlanError(
            PlanErrorCode.DATE_IN_PAST, _("Pick a date that has not passed."), field="target_on"
        )
    if target_on > plan.ends_on:
        raise PlanError(
            PlanErrorCode.DATE_OUTSIDE_PLAN,
            _("Pick a date before the plan ends (%(ends)s).") % {"ends": plan.ends_on.isoformat()},
            field="target_on",
        )


def _proficient_level(target: LearningTarget) -> float:
    return float(target.competency.domain.framework.scale.proficient_value)


@transaction.atomic
def goal_add(
    *,
    actor: User,
    plan: LearningPlan,
    kind: GoalKind | str,
    title: str,
    measure: str,
    target_on: date,
    targets: Sequence[LearningTarget] = (),
    target_level: float | None = None,
    today: date | None = None,
) -> Goal:
    """Add a goal. An academic goal names at least one target of the student's district; its
    level to reach defaults to the scale's proficient level."""
    _check_editable(plan)
    if kind not in GoalKind.values:
        raise PlanError(PlanErrorCode.BAD_CHOICE, _("Pick a kind of goal."), field="kind")
    title = title.strip() if title else ""
    if not title:
        raise PlanError(PlanErrorCode.EMPTY_GOAL, _("Write what the goal is."), field="title")
    title = _clean_text(title, field_name="title", limit=TITLE_LIMIT, required=True)
    measure = _clean_text(measure, field_name="measure", required=False)
    _check_goal_date(plan=plan, target_on=target_on, today=_today(today))
    target_list = list(targets)
    if kind == GoalKind.ACADEMIC:
        if not target_list:
            raise PlanError(
                PlanErrorCode.ACADEMIC_NEEDS_TARGET,
                _("An academic goal names at least one learning target."),
                field="targets",
            )
        visible = set(
            targets_visible_in_district(plan.student.district_id)
            .filter(pk__in=[t.pk for t in target_list])
            .values_list("pk", flat=True)
        )
        if any(t.pk not in visible for t in target_list):
            raise PlanError(
                PlanErrorCode.TARGET_NOT_VISIBLE, _("No such learning target."), field="targets"
            )
        if target_level is None:
            target_level = _proficient_level(target_list[0])
    goal = Goal.objects.create(
        plan=plan,
        kind=kind,
        title=title,
        measure=measure,
        target_on=target_on,
        target_level=target_level,
        position=plan.goals.count(),
        targets_total=len(target_list),
    )
    if target_list:
        goal.targets.set(target_list)
        goal_progress_refresh(goal_ids=[goal.pk])
        goal.refresh_from_db()
    _log(plan=plan, kind=PlanEventKind.GOAL_ADDED, actor=actor, goal=goal, title=title)
    audit_record(actor=actor, action="create", subject=goal, student_id=plan.student_id)
    return goal


@transaction.atomic
def goal_update(
    *,
    actor: User,
    goal: Goal,
    title: str,
    measure: str,
    target_on: date,
    today: date | None = None,
) -> Goal:
    """Change a goal's words or date; the history keeps what it said before."""
    plan = goal.plan
    _check_editable(plan)
    title = title.strip() if title else ""
    if not title:
        raise PlanError(PlanErrorCode.EMPTY_GOAL, _("Write what the goal is."), field="title")
    title = _clean_text(title, field_name="title", limit=TITLE_LIMIT, required=True)
    measure = _clean_text(measure, field_name="measure", required=False)
    if target_on != goal.target_on:
        _check_goal_date(plan=plan, target_on=target_on, today=_today(today))
    before = {"title": goal.title, "measure": goal.measure, "target_on": goal.target_on.isoformat()}
    goal.title, goal.measure, goal.target_on = title, measure, target_on
    after = {"title": goal.title, "measure": goal.measure, "target_on": goal.target_on.isoformat()}
    changed = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if not changed:
        return goal
    goal.save()
    _log(plan=plan, kind=PlanEventKind.GOAL_CHANGED, actor=actor, goal=goal, changes=changed)
    audit_record(actor=actor, action="update", subject=goal, student_id=plan.student_id)
    return goal


@transaction.atomic
def goal_drop(*, actor: User, goal: Goal, reason: str) -> Goal:
    """Drop a goal; a reason is required and kept."""
    _check_editable(goal.plan)
    reason = (reason or "").strip()
    if not reason:
        raise PlanError(
            PlanErrorCode.REASON_REQUIRED, _("Say why the goal is dropped."), field="reason"
        )
    goal.status = GoalStatus.DROPPED
    goal.dropped_reason = _clean_text(reason, field_name="reason", required=True)
    goal.save(update_fields=["status", "dropped_reason", "updated_at"])
    _log(plan=goal.plan, kind=PlanEventKind.GOAL_DROPPED, actor=actor, goal=goal, reason=reason)
    audit_record(actor=actor, action="update", subject=goal, student_id=goal.plan.student_id)
    return goal


@transaction.atomic
def step_add(
    *,
    actor: User,
    goal: Goal,
    what: str,
    due_on: date,
    is_daily: bool = False,
    today: date | None = None,
) -> ActionStep:
    """Add an action step (what, by when) to a goal; a daily step is due the day it names."""
    plan = goal.plan
    _check_editable(plan)
    what = _clean_text(what, field_name="what", limit=TITLE_LIMIT, required=True)
    if due_on < _today(today):
        raise PlanError(
            PlanErrorCode.DATE_IN_PAST, _("Pick a date that has not passed."), field="due_on"
        )
    if due_on > plan.ends_on:
        raise PlanError(
            PlanErrorCode.DATE_OUTSIDE_PLAN, _("Pick a date before the plan ends."), field="due_on"
        )
    step = ActionStep.objects.create(goal=goal, what=what, due_on=due_on, is_daily=is_daily)
    _log(plan=plan, kind=PlanEventKind.STEP_ADDED, actor=actor, goal=goal, what=what)
    audit_record(actor=actor, action="create", subject=step, student_id=plan.student_id)
    return step


@transaction.atomic
def step_set_done(
    *, actor: User, step: ActionStep, done: bool, at: datetime | None = None
) -> ActionStep:
    """Tick a step done (or reopen it); `at` is when it was done (now by default)."""
    plan = step.goal.plan
    _check_editable(plan)
    if done == step.is_done:
        return step
    step.done_at = (at or timezone.now()) if done else None
    step.done_by = actor if done else None
    step.save(update_fields=["done_at", "done_by", "updated_at"])
    kind = PlanEventKind.STEP_DONE if done else PlanEventKind.STEP_UNDONE
    _log(plan=plan, kind=kind, actor=actor, goal=step.goal, what=step.what)
    audit_record(actor=actor, action="update", subject=step, student_id=plan.student_id)
    return step


def _transition(
    *, actor: User, plan: LearningPlan, to: PlanState, allowed_from: set[str], kind: PlanEventKind
) -> LearningPlan:
    if plan.state not in allowed_from:
        raise PlanError(
            PlanErrorCode.BAD_TRANSITION,
            _("A plan that is %(state)s cannot do that.")
            % {"state": PlanState(plan.state).label.lower()},
            field="state",
        )
    previous = plan.state
    plan.state = to
    fields = ["state", "updated_at"]
    if to == PlanState.ACTIVE and previous != PlanState.ACTIVE:
        plan.approved_by, plan.approved_at = actor, timezone.now()
        fields += ["approved_by", "approved_at"]
    plan.save(update_fields=fields)
    _log(plan=plan, kind=kind, actor=actor, previous=previous, to=str(to))
    audit_record(
        actor=actor, action="update", subject=plan, student_id=plan.student_id, detail={"to": to}
    )
    return plan


def _live_goal_count(plan: LearningPlan) -> int:
    return plan.goals.exclude(status=GoalStatus.DROPPED).count()


@transaction.atomic
def plan_submit(*, actor: User, plan: LearningPlan) -> LearningPlan:
    """The student (or their teacher) sends a draft for review; it needs at least one goal."""
    if plan.state == PlanState.DRAFT and _live_goal_count(plan) == 0:
        raise PlanError(PlanErrorCode.NO_GOALS, _("Add at least one goal first."), field="goals")
    return _transition(
        actor=actor,
        plan=plan,
        to=PlanState.IN_REVIEW,
        allowed_from={PlanState.DRAFT},
        kind=PlanEventKind.SUBMITTED,
    )


def _require_reviewer(actor: User) -> None:
    if not is_plan_reviewer(actor):
        raise PlanError(
            PlanErrorCode.NOT_ALLOWED, _("Only a teacher or advisor can do that."), field="state"
        )


@transaction.atomic
def plan_return(*, actor: User, plan: LearningPlan, comment: str = "") -> LearningPlan:
    """The reviewer sends the plan back to draft, with an optional comment."""
    _require_reviewer(actor)
    plan = _transition(
        actor=actor,
        plan=plan,
        to=PlanState.DRAFT,
        allowed_from={PlanState.IN_REVIEW},
        kind=PlanEventKind.RETURNED,
    )
    if comment.strip():
        note_add(actor=actor, plan=plan, kind=NoteKind.COMMENT, body=comment)
    return plan


@transaction.atomic
def plan_approve(*, actor: User, plan: LearningPlan) -> LearningPlan:
    """A teacher or advisor approves the plan: it becomes active."""
    _require_reviewer(actor)
    if _live_goal_count(plan) == 0:
        raise PlanError(PlanErrorCode.NO_GOALS, _("Add at least one goal first."), field="goals")
    return _transition(
        actor=actor,
        plan=plan,
        to=PlanState.ACTIVE,
        allowed_from={PlanState.DRAFT, PlanState.IN_REVIEW},
        kind=PlanEventKind.APPROVED,
    )


@transaction.atomic
def plan_complete(*, actor: User, plan: LearningPlan) -> LearningPlan:
    """Close an active plan at the end of its period."""
    _require_reviewer(actor)
    return _transition(
        actor=actor,
        plan=plan,
        to=PlanState.COMPLETE,
        allowed_from={PlanState.ACTIVE},
        kind=PlanEventKind.COMPLETED,
    )


# ---------------------------------------------------------------- notes and proposals


@transaction.atomic
def note_add(
    *,
    actor: User,
    plan: LearningPlan,
    kind: NoteKind | str,
    body: str,
    goal: Goal | None = None,
    step: ActionStep | None = None,
    change: dict[str, str] | None = None,
) -> PlanNote:
    """A comment (anyone who edits the plan), a reflection (the student), feedback (staff), or
    a proposal to change one field of a goal (anyone who edits; the other side accepts)."""
    if kind not in NoteKind.values:
        raise PlanError(PlanErrorCode.BAD_CHOICE, _("Pick a kind of note."), field="kind")
    body = _clean_text(body, field_name="body", required=True)
    if goal is not None and goal.plan_id != plan.pk:
        raise PlanError(PlanErrorCode.BAD_CHOICE, _("No such goal."), field="goal")
    if step is not None and (goal is None or step.goal_id != goal.pk):
        raise PlanError(PlanErrorCode.BAD_CHOICE, _("No such step."), field="step")
    if kind == NoteKind.REFLECTION and actor.role != Role.STUDENT:
        raise PlanError(
            PlanErrorCode.NOT_ALLOWED, _("Reflections are written by the student."), field="kind"
        )
    if kind == NoteKind.FEEDBACK:
        _require_reviewer(actor)
    stored_change: dict[str, str] = {}
    status = ""
    if kind == NoteKind.PROPOSAL:
        _check_editable(plan)
        if goal is None or not change or change.get("field") not in PROPOSABLE_FIELDS:
            raise PlanError(
                PlanErrorCode.BAD_CHOICE,
                _("Say which part of which goal to change."),
                field="change",
            )
        value = str(change.get("value", "")).strip()
        if not value:
            raise PlanError(PlanErrorCode.EMPTY_TEXT, _("Write the new value."), field="change")
        if change["field"] == "target_on":
            try:
                date.fromisoformat(value)
            except ValueError:
                raise PlanError(
                    PlanErrorCode.BAD_CHOICE, _("Write the date as YYYY-MM-DD."), field="change"
                ) from None
        stored_change = {"field": change["field"], "value": value}
        status = ProposalStatus.OPEN
    note = PlanNote.objects.create(
        plan=plan,
        goal=goal,
        step=step,
        kind=kind,
        body=body,
        change=stored_change,
        proposal_status=status,
        author=actor,
    )
    _log(plan=plan, kind=PlanEventKind.NOTE, actor=actor, goal=goal, note=str(kind))
    audit_record(actor=actor, action="create", subject=note, student_id=plan.student_id)
    return note


@transaction.atomic
def proposal_resolve(
    *, actor: User, note: PlanNote, accept: bool, today: date | None = None
) -> PlanNote:
    """Accept (apply the change to the goal) or decline an open proposal. Its author does not
    resolve their own proposal: the other side does."""
    if note.kind != NoteKind.PROPOSAL or note.proposal_status != ProposalStatus.OPEN:
        raise PlanError(
            PlanErrorCode.PROPOSAL_CLOSED, _("This proposal is already closed."), field="note"
        )
    if note.author_id == actor.pk:
        raise PlanError(
            PlanErrorCode.NOT_ALLOWED,
            _("The other side accepts or declines a proposal."),
            field="note",
        )
    goal = note.goal
    if goal is None:  # note_add never stores a proposal without its goal
        raise PlanError(PlanErrorCode.BAD_CHOICE, _("No such goal."), field="goal")
    if accept:
        name, value = note.change["field"], note.change["value"]
        goal_update(
            actor=actor,
            goal=goal,
            title=value if name == "title" else goal.title,
            measure=value if name == "measure" else goal.measure,
            target_on=date.fromisoformat(value) if name == "target_on" else goal.target_on,
            today=today,
        )
    note.proposal_status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    note.save(update_fields=["proposal_status", "updated_at"])
    kind = PlanEventKind.PROPOSAL_ACCEPTED if accept else PlanEventKind.PROPOSAL_DECLINED
    _log(plan=note.plan, kind=kind, actor=actor, goal=goal, change=note.change)
    audit_record(actor=actor, action="update", subject=note, student_id=note.plan.student_id)
    return note


# ---------------------------------------------------------------- templates


@dataclass(frozen=True, slots=True)
class TemplateGoal:
    """One goal a template starts a plan with; `days` after the plan starts is its date."""

    kind: str
    title: str
    measure: str = ""
    target_codes: Sequence[str] = ()
    days: int = 60


@transaction.atomic
def plan_template_create(
    *,
    actor: User,
    school: School,
    title: str,
    goals: Sequence[TemplateGoal],
    grade_level: int | None = None,
    program: str = "",
) -> PlanTemplate:
    """A school's starting set of goals for a grade or a program."""
    title = _clean_text(title, field_name="title", limit=200, required=True)
    if not goals:
        raise PlanError(PlanErrorCode.NO_GOALS, _("Add at least one goal."), field="goals")
    codes = {code for goal in goals for code in goal.target_codes}
    known = set(
        targets_visible_in_district(school.district_id)
        .filter(code__in=codes)
        .values_list("code", flat=True)
    )
    for index, goal in enumerate(goals, 1):
        if goal.kind not in GoalKind.values:
            raise PlanError(PlanErrorCode.BAD_CHOICE, _("Goal %(n)d: pick a kind.") % {"n": index})
        if not goal.title.strip():
            raise PlanError(PlanErrorCode.EMPTY_GOAL, _("Goal %(n)d has no title.") % {"n": index})
        missing = sorted(set(goal.target_codes) - known)
        if missing:
            raise PlanError(
                PlanErrorCode.TARGET_NOT_VISIBLE,
                _("Goal %(n)d: no such target %(codes)s.")
                % {"n": index, "codes": ", ".join(missing)},
            )
    template = PlanTemplate.objects.create(
        school=school,
        title=title,
        grade_level=grade_level,
        program=program.strip(),
        goals=[asdict(goal) | {"target_codes": list(goal.target_codes)} for goal in goals],
    )
    audit_record(actor=actor, action="create", subject=template)
    return template


@transaction.atomic
def plan_create_from_template(
    *,
    actor: User,
    student: Student,
    template: PlanTemplate,
    title: str,
    starts_on: date,
    ends_on: date,
    today: date | None = None,
) -> LearningPlan:
    """A draft plan holding the template's goals, dated from the plan's start."""
    if template.school.district_id != student.district_id:
        raise PlanError(PlanErrorCode.BAD_CHOICE, _("No such template."), field="template")
    plan = plan_create(
        actor=actor,
        student=student,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        today=today,
    )
    floor = max(_today(today), starts_on)
    for item in template.goals:
        codes = item.get("target_codes") or []
        targets = list(
            targets_visible_in_district(student.district_id)
            .filter(code__in=codes)
            .select_related("competency__domain__framework__scale")
        )
        target_on = min(max(starts_on + timedelta(days=int(item.get("days", 60))), floor), ends_on)
        goal_add(
            actor=actor,
            plan=plan,
            kind=item["kind"],
            title=item["title"],
            measure=item.get("measure", ""),
            target_on=target_on,
            targets=targets,
            today=today,
        )
    return plan


# ---------------------------------------------------------------- progress from mastery


def _progress_frame(goal_ids: Sequence[int]) -> pl.DataFrame:
    """One row per (goal, target) with the student's current estimate: one query each for the
    links and the estimates."""
    links = list(
        Goal.targets.through.objects.filter(goal_id__in=goal_ids).values_list(
            "goal_id", "learningtarget_id", "goal__plan__student_id", "goal__target_level"
        )
    )
    if not links:
        return pl.DataFrame(
            schema={
                "goal_id": pl.Int64,
                "target_id": pl.Int64,
                "value": pl.Float64,
                "target_level": pl.Float64,
            }
        )
    students = {row[2] for row in links}
    targets = {row[1] for row in links}
    estimates = {
        (student, target): value
        for student, target, value in MasteryEstimate.objects.filter(
            student_id__in=students, target_id__in=targets
        ).values_list("student_id", "target_id", "value")
    }
    return pl.DataFrame(
        {
            "goal_id": [row[0] for row in links],
            "target_id": [row[1] for row in links],
            "value": [estimates.get((row[2], row[1])) for row in links],
            "target_level": [row[3] for row in links],
        },
        schema={
            "goal_id": pl.Int64,
            "target_id": pl.Int64,
            "value": pl.Float64,
            "target_level": pl.Float64,
        },
    )


@transaction.atomic
def goal_progress_refresh(*, goal_ids: Sequence[int]) -> int:
    """Recompute the progress of these goals from the current estimates and save it in bulk;
    a goal whose targets all reach their level becomes met. Returns how many goals changed."""
    if not goal_ids:
        return 0
    progress = goal_progress(_progress_frame(goal_ids))
    by_goal = {row[0]: row[1:] for row in progress.iter_rows()}
    now = timezone.now()
    stored = (
        Goal.objects.filter(pk__in=goal_ids)
        .exclude(status=GoalStatus.DROPPED)
        .values_list(
            "pk",
            "plan_id",
            "current_level",
            "baseline_level",
            "targets_met",
            "targets_total",
            "status",
            "met_at",
        )
    )
    changed: list[tuple[Any, ...]] = []
    met: list[tuple[int, int]] = []
    for pk, plan_id, level, baseline, n_met_before, n_total_before, status, met_at in stored:
        found = by_goal.get(pk)
        if found is None:
            continue
        current, n_met, n_total, is_met = found
        new_status, new_met_at = status, met_at
        if is_met and status == GoalStatus.OPEN:
            new_status, new_met_at = GoalStatus.MET, now
            met.append((pk, plan_id))
        elif not is_met and status == GoalStatus.MET:
            # Newer evidence moved a target back below its level: the goal is open again.
            new_status, new_met_at = GoalStatus.OPEN, None
        if (level, n_met_before, n_total_before, status) != (current, n_met, n_total, new_status):
            changed.append(
                (
                    current,
                    current if baseline is None else baseline,
                    n_met,
                    n_total,
                    str(new_status),
                    new_met_at,
                    now,
                    pk,
                )
            )
    _goal_progress_save(changed)
    PlanEvent.objects.bulk_create(
        [
            PlanEvent(plan_id=plan_id, goal_id=pk, kind=PlanEventKind.GOAL_MET, detail={}, at=now)
            for pk, plan_id in met
        ]
    )
    return len(changed)


def _goal_progress_save(rows: Sequence[tuple[Any, ...]]) -> None:
    """One UPDATE by id per goal (rows in `_PROGRESS_FIELDS` order, then the id), sent as one
    executemany: Django's bulk_update builds a CASE per column whose cost grows with the
    square of the batch on SQLite."""
    if not rows:
        return
    table = Goal._meta.db_table
    columns = [db_column(concrete_field(Goal, name)) for name in _PROGRESS_FIELDS]
    assignments = ", ".join(f"{column} = %s" for column in columns)
    met_at = db_datetimes([row[5] for row in rows])
    progress_at = db_datetimes([row[6] for row in rows])
    params = [
        (*row[:5], met_at[index], progress_at[index], row[7]) for index, row in enumerate(rows)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", params)  # noqa: S608


_PROGRESS_FIELDS = (
    "current_level",
    "baseline_level",
    "targets_met",
    "targets_total",
    "status",
    "met_at",
    "progress_at",
)


def goal_ids_for_pairs(pairs: Iterable[Pair]) -> list[int]:
    """Goals of open (draft, in review, active) plans that name one of these (student,
    target) pairs."""
    pair_set = set(pairs)
    if not pair_set:
        return []
    students = {student for student, _ in pair_set}
    targets = {target for _, target in pair_set}
    rows = Goal.targets.through.objects.filter(
        learningtarget_id__in=targets,
        goal__plan__student_id__in=students,
        goal__status__in=[GoalStatus.OPEN, GoalStatus.MET],
    ).exclude(goal__plan__state=PlanState.COMPLETE)
    return sorted(
        {
            goal_id
            for goal_id, target_id, student_id in rows.values_list(
                "goal_id", "learningtarget_id", "goal__plan__student_id"
            )
            if (student_id, target_id) in pair_set
        }
    )


def goal_progress_refresh_for_pairs(*, pairs: Iterable[Pair]) -> int:
    """Refresh the goals that new evidence on these pairs touches."""
    return goal_progress_refresh(goal_ids=goal_ids_for_pairs(pairs))


def goal_progress_refresh_for_district(*, district_id: int) -> int:
    """Refresh every goal of the district's open plans (after a full recompute)."""
    goal_ids = list(
        Goal.objects.filter(
            plan__student__district_id=district_id,
            status__in=[GoalStatus.OPEN, GoalStatus.MET],
            targets_total__gt=0,
        )
        .exclude(plan__state=PlanState.COMPLETE)
        .values_list("pk", flat=True)
    )
    return goal_progress_refresh(goal_ids=goal_ids)


def learner_profile_erase(*, student: Student) -> bool:
    """Blank every field of the student's learner profile and drop its saved versions (a
    student's erasure); whether there was a profile. Runs in the caller's transaction."""
    profile = LearnerProfile.objects.filter(student=student).first()
    if profile is None:
        return False
    LearnerProfileVersion.objects.filter(profile=profile).delete()
    for name in PROFILE_TEXT_FIELDS:
        setattr(profile, name, "")
    for name in PROFILE_LIST_FIELDS:
        setattr(profile, name, [])
    profile.updated_by = None
    profile.save()
    return True


def plans_text_erase(*, student: Student) -> int:
    """Blank what the student's learning plans say in words (a student's erasure): titles
    become neutral, measures, reasons, notes and history details empty; goals, steps and their
    progress stay, so counts do not move. How many plans were blanked. Caller's transaction."""
    plans = LearningPlan.objects.filter(student=student)
    count = plans.update(title="Erased plan")
    Goal.objects.filter(plan__in=plans).update(title="Erased goal", measure="", dropped_reason="")
    ActionStep.objects.filter(goal__plan__in=plans).update(what="Erased step")
    PlanNote.objects.filter(plan__in=plans).update(body="", change={})
    PlanEvent.objects.filter(plan__in=plans).update(detail={})
    return count
