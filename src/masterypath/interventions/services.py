"""Writes of the interventions app: validate, save, audit.

Every function is keyword-only and atomic; bad input raises `InterventionError` with a code,
the field at fault and a sentence that says what to fix. Dates are checked against ``today``
(the caller's local date unless given), so a goal in the past or an end before the start is
refused. No event is published: nothing subscribes to interventions yet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from masterypath.accounts.actors import Actor, SystemActor
from masterypath.accounts.models import User
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.continuum.models import Domain, LearningTarget
from masterypath.interventions.errors import InterventionError, InterventionErrorCode
from masterypath.interventions.models import (
    CauseCategory,
    CycleMeasure,
    ImprovementCycle,
    Intervention,
    InterventionSettings,
    InterventionStatus,
    Outcome,
    Participant,
    ProgressCheck,
    RootCause,
    RootCauseScope,
    SessionLog,
    Strategy,
    Tier,
    TierRecord,
)
from masterypath.mastery.models import Placement
from masterypath.roster.models import Section, Staff, Student
from masterypath.schools.models import District, School

Code = InterventionErrorCode


def _user(actor: Actor | SystemActor | None) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _today(today: date | None) -> date:
    return today if today is not None else timezone.localdate()


def intervention_settings_for(*, district: District) -> InterventionSettings:
    """The district's settings (defaults when none are stored)."""
    found = InterventionSettings.objects.filter(district=district).first()
    return found if found is not None else InterventionSettings(district=district)


@transaction.atomic
def intervention_settings_set(
    *, actor: Actor | SystemActor, district: District, requires_root_cause_for_tier_3: bool
) -> InterventionSettings:
    settings, _ = InterventionSettings.objects.update_or_create(
        district=district,
        defaults={"requires_root_cause_for_tier_3": requires_root_cause_for_tier_3},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        subject=settings,
        detail={"requires_root_cause_for_tier_3": requires_root_cause_for_tier_3},
    )
    return settings


@transaction.atomic
def strategy_create(
    *,
    actor: Actor | SystemActor,
    district: District,
    name: str,
    tier: int,
    description: str = "",
    domains: Sequence[Domain] = (),
    targets: Sequence[LearningTarget] = (),
    sessions_per_week: int = 3,
    session_minutes: int = 30,
    duration_weeks: int = 8,
    evidence_base: str = "",
    delivered_by: str = "",
    cost_per_student: Decimal | None = None,
) -> Strategy:
    """Add a strategy to a district's catalogue."""
    name = name.strip()
    if not name:
        raise InterventionError(Code.INVALID, "A strategy needs a name.", field="name")
    if tier not in Tier.values:
        raise InterventionError(Code.INVALID, "The tier must be 1, 2 or 3.", field="tier")
    for field, value in (
        ("sessions_per_week", sessions_per_week),
        ("session_minutes", session_minutes),
        ("duration_weeks", duration_weeks),
    ):
        if value < 1:
            raise InterventionError(Code.INVALID, f"{field} must be at least 1.", field=field)
    if cost_per_student is not None and cost_per_student < 0:
        raise InterventionError(
            Code.INVALID, "A cost can not be negative.", field="cost_per_student"
        )
    if Strategy.objects.filter(district=district, name=name).exists():
        raise InterventionError(
            Code.DUPLICATE_NAME,
            f"The catalogue already has a strategy named {name!r}.",
            field="name",
        )
    strategy = Strategy.objects.create(
        district=district,
        name=name,
        tier=tier,
        description=description,
        sessions_per_week=sessions_per_week,
        session_minutes=session_minutes,
        duration_weeks=duration_weeks,
        evidence_base=evidence_base,
        delivered_by=delivered_by,
        cost_per_student=cost_per_student,
    )
    strategy.domains.set(domains)
    strategy.targets.set(targets)
    audit_record(actor=actor, action=AuditAction.CREATE, subject=strategy)
    return strategy


@transaction.atomic
def root_cause_record(
    *,
    actor: Actor | SystemActor,
    school: School,
    scope: RootCauseScope,
    problem: str,
    whys: Sequence[str],
    causes: Mapping[str, Sequence[str]],
    root_cause: str,
    held_on: date,
    students: Sequence[Student] = (),
    data_consulted: str = "",
    participants: str = "",
    today: date | None = None,
) -> RootCause:
    """Record a root-cause analysis: the problem, the 5 Whys chain, the fishbone causes per
    category, the cause to act on, the data consulted, who took part and the date."""
    chain = [why.strip() for why in whys if why.strip()]
    if not problem.strip():
        raise InterventionError(Code.INVALID, "Describe the problem first.", field="problem")
    if not chain:
        raise InterventionError(Code.INVALID, "Write at least one answer to 'why?'.", field="whys")
    unknown = sorted(set(causes) - set(CauseCategory.values))
    if unknown:
        raise InterventionError(
            Code.INVALID, f"Unknown fishbone category: {', '.join(unknown)}.", field="causes"
        )
    if not root_cause.strip():
        raise InterventionError(
            Code.INVALID, "Name the root cause the team will act on.", field="root_cause"
        )
    if held_on > _today(today):
        raise InterventionError(
            Code.DATE_IN_FUTURE, "The analysis date is in the future.", field="held_on"
        )
    if scope != RootCauseScope.SCHOOL and not students:
        raise InterventionError(
            Code.NO_STUDENTS, "Name the students this analysis is about.", field="students"
        )
    if any(s.district_id != school.district_id for s in students):
        raise InterventionError(
            Code.OTHER_DISTRICT, "A student belongs to another district.", field="students"
        )
    # Categories are stored in the fishbone's order, school-side causes first.
    ordered = {
        c: [text.strip() for text in causes[c] if text.strip()]
        for c in CauseCategory.values
        if c in causes and any(text.strip() for text in causes[c])
    }
    record = RootCause.objects.create(
        district_id=school.district_id,
        school=school,
        scope=scope,
        problem=problem.strip(),
        whys=chain,
        causes=ordered,
        root_cause=root_cause.strip(),
        data_consulted=data_consulted,
        participants=participants,
        held_on=held_on,
        recorded_by=_user(actor),
    )
    record.students.set(students)
    audit_record(actor=actor, action=AuditAction.CREATE, subject=record)
    return record


def _latest_levels(students: Sequence[Student], domain: Domain, on: date) -> dict[int, float]:
    rows = (
        Placement.objects.filter(student__in=students, domain=domain, placed_on__lte=on)
        .order_by("student_id", "placed_on")
        .values_list("student_id", "level")
    )
    # Ordered by date, so a later placement overwrites an earlier one.
    return dict(rows)


def _weeks(starts_on: date, ends_on: date) -> int:
    return max(1, math.ceil(((ends_on - starts_on).days + 1) / 7))


@transaction.atomic
def intervention_start(
    *,
    actor: Actor | SystemActor,
    strategy: Strategy,
    students: Sequence[Student],
    staff: Staff,
    domain: Domain,
    starts_on: date,
    ends_on: date,
    goal_on: date,
    goal_gain: float,
    root_cause: RootCause | None = None,
    section: Section | None = None,
    today: date | None = None,
) -> Intervention:
    """Start `strategy` for `students` (one or a group), delivered by `staff`, from `starts_on`
    to `ends_on`. Each participant's goal is their latest placement in `domain` plus
    `goal_gain` levels by `goal_on`. Scheduled sessions: the strategy's sessions per week times
    the weeks of the period. Each participant's tier in the domain becomes the strategy's."""
    today = _today(today)
    if not students:
        raise InterventionError(Code.NO_STUDENTS, "Choose at least one student.", field="students")
    district_id = strategy.district_id
    if any(s.district_id != district_id for s in students) or staff.district_id != district_id:
        raise InterventionError(
            Code.OTHER_DISTRICT,
            "The strategy, the students and the staff member must be of one district.",
            field="students",
        )
    if ends_on < starts_on:
        raise InterventionError(
            Code.END_BEFORE_START,
            f"The end ({ends_on:%d %B %Y}) is before the start ({starts_on:%d %B %Y}).",
            field="ends_on",
        )
    if goal_on < today:
        raise InterventionError(
            Code.GOAL_IN_PAST,
            f"The goal date ({goal_on:%d %B %Y}) is in the past.",
            field="goal_on",
        )
    if not starts_on <= goal_on <= ends_on:
        raise InterventionError(
            Code.GOAL_OUTSIDE_PERIOD,
            "The goal date must fall between the start and the end.",
            field="goal_on",
        )
    if not math.isfinite(goal_gain) or goal_gain <= 0:
        raise InterventionError(
            Code.INVALID, "The goal must be a gain of more than 0 levels.", field="goal_gain"
        )
    addressed = list(strategy.domains.values_list("pk", flat=True))
    if addressed and domain.pk not in addressed:
        raise InterventionError(
            Code.DOMAIN_NOT_ADDRESSED,
            f"{strategy.name} does not address {domain.title}.",
            field="domain",
        )
    settings = intervention_settings_for(district=strategy.district)
    if (
        strategy.tier == Tier.INTENSIVE
        and settings.requires_root_cause_for_tier_3
        and root_cause is None
    ):
        raise InterventionError(
            Code.ROOT_CAUSE_REQUIRED,
            "This district asks for a root-cause analysis before a tier-3 intervention.",
            field="root_cause",
        )
    if root_cause is not None and root_cause.district_id != district_id:
        raise InterventionError(
            Code.OTHER_DISTRICT, "The root cause belongs to another district.", field="root_cause"
        )
    intervention = Intervention.objects.create(
        district_id=district_id,
        school_id=students[0].school_id,
        strategy=strategy,
        domain=domain,
        staff=staff,
        section=section,
        root_cause=root_cause,
        tier=strategy.tier,
        starts_on=starts_on,
        ends_on=ends_on,
        goal_on=goal_on,
        sessions_scheduled=strategy.sessions_per_week * _weeks(starts_on, ends_on),
        started_by=_user(actor),
    )
    levels = _latest_levels(students, domain, starts_on)
    Participant.objects.bulk_create(
        Participant(
            intervention=intervention,
            student=s,
            baseline_level=levels.get(s.pk),
            goal_level=round(levels.get(s.pk, 0.0) + goal_gain, 2),
        )
        for s in students
    )
    for s in students:
        _tier_change(
            actor=actor,
            student=s,
            domain=domain,
            tier=strategy.tier,
            on=starts_on,
            reason=strategy.name,
            intervention=intervention,
        )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        subject=intervention,
        student_id=students[0].pk if len(students) == 1 else None,
        detail={"students": [s.pk for s in students]},
    )
    return intervention


def _tier_change(
    *,
    actor: Actor | SystemActor,
    student: Student,
    domain: Domain,
    tier: int,
    on: date,
    reason: str,
    intervention: Intervention | None = None,
) -> TierRecord | None:
    current = (
        TierRecord.objects.filter(student=student, domain=domain, until_on__isnull=True)
        .order_by("-since_on", "-id")
        .first()
    )
    if current is not None and current.tier == tier:
        return None
    if current is not None:
        current.until_on = on
        current.save(update_fields=["until_on"])
    return TierRecord.objects.create(
        student=student,
        domain=domain,
        tier=tier,
        since_on=on,
        reason=reason,
        intervention=intervention,
        recorded_by=_user(actor),
    )


@transaction.atomic
def tier_set(
    *,
    actor: Actor | SystemActor,
    student: Student,
    domain: Domain,
    tier: int,
    on: date,
    reason: str,
    today: date | None = None,
) -> TierRecord | None:
    """Move a student to `tier` in `domain` from `on`; the previous tier ends that day. None
    when the student is already in that tier."""
    if tier not in Tier.values:
        raise InterventionError(Code.INVALID, "The tier must be 1, 2 or 3.", field="tier")
    if on > _today(today):
        raise InterventionError(Code.DATE_IN_FUTURE, "The date is in the future.", field="on")
    if not reason.strip():
        raise InterventionError(Code.REASON_REQUIRED, "Say why the tier changes.", field="reason")
    record = _tier_change(
        actor=actor, student=student, domain=domain, tier=tier, on=on, reason=reason.strip()
    )
    if record is not None:
        audit_record(actor=actor, action=AuditAction.CREATE, subject=record, student_id=student.pk)
    return record


def _check_open(intervention: Intervention) -> None:
    if intervention.status == InterventionStatus.CLOSED:
        raise InterventionError(Code.ALREADY_CLOSED, "This intervention is closed.")


def _check_in_period(intervention: Intervention, on: date, today: date, field: str) -> None:
    if on > today:
        raise InterventionError(Code.DATE_IN_FUTURE, "The date is in the future.", field=field)
    if not intervention.starts_on <= on <= intervention.ends_on:
        raise InterventionError(
            Code.DATE_OUTSIDE_PERIOD,
            f"The date must fall between {intervention.starts_on:%d %B %Y} and "
            f"{intervention.ends_on:%d %B %Y}.",
            field=field,
        )


@transaction.atomic
def session_log(
    *,
    actor: Actor | SystemActor,
    intervention: Intervention,
    held_on: date,
    minutes: int,
    was_delivered: bool = True,
    note: str = "",
    today: date | None = None,
) -> SessionLog:
    """Log a session: delivered (with its minutes) or missed (with a note why)."""
    _check_open(intervention)
    _check_in_period(intervention, held_on, _today(today), "held_on")
    if was_delivered and minutes < 1:
        raise InterventionError(
            Code.INVALID, "A delivered session lasts at least a minute.", field="minutes"
        )
    if not was_delivered and not note.strip():
        raise InterventionError(
            Code.REASON_REQUIRED, "Say why the session was missed.", field="note"
        )
    entry = SessionLog.objects.create(
        intervention=intervention,
        held_on=held_on,
        minutes=minutes if was_delivered else 0,
        was_delivered=was_delivered,
        note=note,
        recorded_by=_user(actor),
    )
    audit_record(actor=actor, action=AuditAction.CREATE, subject=entry)
    return entry


@transaction.atomic
def progress_check_record(
    *,
    actor: Actor | SystemActor,
    participant: Participant,
    checked_on: date,
    level: float,
    note: str = "",
    today: date | None = None,
) -> ProgressCheck:
    """Record a probe score for one participant, on the continuum's level scale."""
    intervention = participant.intervention
    _check_open(intervention)
    _check_in_period(intervention, checked_on, _today(today), "checked_on")
    if not math.isfinite(level) or not -1 <= level <= 13:
        raise InterventionError(Code.INVALID, "The level must be between -1 and 13.", field="level")
    check = ProgressCheck.objects.create(
        participant=participant,
        checked_on=checked_on,
        level=level,
        note=note,
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, subject=check, student_id=participant.student_id
    )
    return check


@transaction.atomic
def participant_close(
    *,
    actor: Actor | SystemActor,
    participant: Participant,
    outcome: Outcome,
    closed_on: date,
    reason: str = "",
    final_level: float | None = None,
    today: date | None = None,
) -> Participant:
    """Close one participant with an outcome (a discontinued one needs a reason). The
    intervention closes when its last participant does."""
    intervention = participant.intervention
    if participant.outcome:
        raise InterventionError(Code.ALREADY_CLOSED, "This participant is already closed.")
    if outcome not in Outcome.values:
        raise InterventionError(Code.INVALID, "Unknown outcome.", field="outcome")
    if outcome == Outcome.DISCONTINUED and not reason.strip():
        raise InterventionError(
            Code.REASON_REQUIRED, "Say why the intervention was discontinued.", field="reason"
        )
    if closed_on > _today(today):
        raise InterventionError(
            Code.DATE_IN_FUTURE, "The date is in the future.", field="closed_on"
        )
    if closed_on < intervention.starts_on:
        raise InterventionError(
            Code.END_BEFORE_START, "The close date is before the start.", field="closed_on"
        )
    if final_level is None:
        latest = _latest_levels([participant.student], intervention.domain, closed_on)
        final_level = latest.get(participant.student_id)
    participant.outcome = outcome
    participant.outcome_reason = reason.strip()
    participant.closed_on = closed_on
    participant.final_level = final_level
    participant.save(update_fields=["outcome", "outcome_reason", "closed_on", "final_level"])
    if not intervention.participants.filter(outcome="").exists():
        intervention.status = InterventionStatus.CLOSED
        intervention.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        subject=participant,
        student_id=participant.student_id,
        detail={"outcome": str(outcome)},
    )
    return participant


def session_logs_create_many(*, sessions: list[SessionLog]) -> list[SessionLog]:
    """Save sessions already held in bulk (the demo seed's history)."""
    return SessionLog.objects.bulk_create(sessions, batch_size=1000)


def progress_checks_create_many(*, checks: list[ProgressCheck]) -> list[ProgressCheck]:
    """Save probe results already taken in bulk (the demo seed's history)."""
    return ProgressCheck.objects.bulk_create(checks, batch_size=1000)


@transaction.atomic
def improvement_cycle_create(
    *,
    actor: Actor | SystemActor,
    school: School,
    title: str,
    question: str,
    hypothesis: str,
    change: str,
    domain: Domain,
    starts_on: date,
    ends_on: date,
    students: Sequence[Student] = (),
    sections: Sequence[Section] = (),
    measures: Sequence[str] = (CycleMeasure.MASTERY_GROWTH,),
    team: str = "",
    root_cause: RootCause | None = None,
) -> ImprovementCycle:
    """Plan an improvement cycle: the question, the hypothesis, the change to test, who is
    involved (students and/or sections), the measures and the dates."""
    for field, value in (
        ("title", title),
        ("question", question),
        ("hypothesis", hypothesis),
        ("change", change),
    ):
        if not value.strip():
            raise InterventionError(Code.INVALID, f"The cycle needs a {field}.", field=field)
    if ends_on < starts_on:
        raise InterventionError(
            Code.END_BEFORE_START,
            f"The end ({ends_on:%d %B %Y}) is before the start ({starts_on:%d %B %Y}).",
            field="ends_on",
        )
    if not students and not sections:
        raise InterventionError(
            Code.NO_STUDENTS, "Name the students or sections involved.", field="students"
        )
    unknown = sorted(set(measures) - set(CycleMeasure.values))
    if unknown or not measures:
        raise InterventionError(
            Code.INVALID,
            f"Unknown measure: {', '.join(unknown) or 'none chosen'}.",
            field="measures",
        )
    if any(s.district_id != school.district_id for s in students) or any(
        s.school.district_id != school.district_id for s in sections
    ):
        raise InterventionError(
            Code.OTHER_DISTRICT,
            "A student or section belongs to another district.",
            field="students",
        )
    cycle = ImprovementCycle.objects.create(
        district_id=school.district_id,
        school=school,
        title=title.strip(),
        question=question.strip(),
        hypothesis=hypothesis.strip(),
        change=change.strip(),
        domain=domain,
        measures=list(measures),
        starts_on=starts_on,
        ends_on=ends_on,
        team=team,
        root_cause=root_cause,
        created_by=_user(actor),
    )
    cycle.students.set(students)
    cycle.sections.set(sections)
    audit_record(actor=actor, action=AuditAction.CREATE, subject=cycle)
    return cycle


@transaction.atomic
def improvement_cycle_record_learnings(
    *, actor: Actor | SystemActor, cycle: ImprovementCycle, learnings: str, next_steps: str = ""
) -> ImprovementCycle:
    """The team's study and act: what it learned and what it changes next."""
    if not learnings.strip():
        raise InterventionError(Code.INVALID, "Write what the team learned.", field="learnings")
    cycle.learnings = learnings.strip()
    cycle.next_steps = next_steps.strip()
    cycle.save(update_fields=["learnings", "next_steps", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, subject=cycle)
    return cycle


def interventions_text_erase(*, student: Student) -> int:
    """Blank what staff wrote about one student in interventions (a student's erasure): the
    outcome reasons, their progress checks' notes and the reasons of their tier changes. The
    rows, levels and dates stay, so what-works figures do not move. How many rows changed.
    Runs in the caller's transaction."""
    participants = Participant.objects.filter(student=student)
    changed = participants.exclude(outcome_reason="").update(outcome_reason="")
    changed += (
        ProgressCheck.objects.filter(participant__in=participants).exclude(note="").update(note="")
    )
    changed += TierRecord.objects.filter(student=student).exclude(reason="").update(reason="")
    return changed
