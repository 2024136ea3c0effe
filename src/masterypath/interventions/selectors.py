"""Reads for the intervention pages: a student's supports, one intervention with each
participant's progress against the aim line, a staff member's caseload. A fixed number of
queries each, whatever the number of interventions (tests count them)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from masterypath.accounts.actors import Actor
from masterypath.engine.progress import Decision, aim_value, progress_decision
from masterypath.interventions.access import participants_visible_to
from masterypath.interventions.models import (
    Intervention,
    InterventionStatus,
    Participant,
    ProgressCheck,
    RootCause,
    SessionLog,
    Strategy,
    TierRecord,
)
from masterypath.mastery.models import Placement
from masterypath.roster.models import Staff, Student

CHECK_EVERY_DAYS = 7
DECISION_WINDOW_DAYS = 7


@dataclass(frozen=True)
class ProgressPoint:
    on: date
    level: float
    source: str  # "check" (a probe score) or "placement" (from evidence)


@dataclass(frozen=True)
class ParticipantProgress:
    participant: Participant
    student: Student
    points: list[ProgressPoint]
    baseline: float
    goal: float
    latest: float | None
    aim_today: float
    decision: Decision

    @property
    def is_below_aim(self) -> bool:
        return self.latest is not None and self.latest < self.aim_today


@dataclass(frozen=True)
class InterventionView:
    intervention: Intervention
    participants: list[ParticipantProgress]
    delivered: int
    missed: int
    scheduled_to_date: int

    @property
    def fidelity(self) -> float | None:
        """Delivered sessions over those scheduled so far (None before the first week)."""
        if self.scheduled_to_date == 0:
            return None
        return min(1.0, self.delivered / self.scheduled_to_date)

    @property
    def fidelity_percent(self) -> int | None:
        fidelity = self.fidelity
        return None if fidelity is None else round(100 * fidelity)


def scheduled_by(intervention: Intervention, on: date) -> int:
    """Sessions scheduled from the start up to ``on`` (whole weeks begun), at most all."""
    if on < intervention.starts_on:
        return 0
    end = min(on, intervention.ends_on)
    weeks = math.ceil(((end - intervention.starts_on).days + 1) / 7)
    return min(intervention.sessions_scheduled, weeks * intervention.strategy.sessions_per_week)


def _placements(
    pairs: Iterable[tuple[int, int]], since: date, until: date
) -> dict[tuple[int, int], list[tuple[date, float]]]:
    pairs = set(pairs)
    if not pairs:
        return {}
    students = {s for s, _ in pairs}
    domains = {d for _, d in pairs}
    rows = Placement.objects.filter(
        student_id__in=students, domain_id__in=domains, placed_on__gte=since, placed_on__lte=until
    ).values_list("student_id", "domain_id", "placed_on", "level")
    out: dict[tuple[int, int], list[tuple[date, float]]] = defaultdict(list)
    for student_id, domain_id, placed_on, level in rows:
        if (student_id, domain_id) in pairs:
            out[(student_id, domain_id)].append((placed_on, level))
    return out


def _progress(
    intervention: Intervention,
    participant: Participant,
    placements: Sequence[tuple[date, float]],
    as_of: date,
) -> ParticipantProgress:
    until = min(as_of, participant.closed_on or as_of, intervention.ends_on)
    points = [
        ProgressPoint(on=c.checked_on, level=c.level, source="check")
        for c in participant.checks.all()
    ] + [
        ProgressPoint(on=on, level=level, source="placement")
        for on, level in placements
        if intervention.starts_on < on <= until
    ]
    points.sort(key=lambda p: (p.on, p.source))
    baseline = participant.baseline_level if participant.baseline_level is not None else 0.0
    aim = {
        "start": intervention.starts_on,
        "baseline": baseline,
        "goal_on": intervention.goal_on,
        "goal": participant.goal_level,
    }
    return ParticipantProgress(
        participant=participant,
        student=participant.student,
        points=points,
        baseline=baseline,
        goal=participant.goal_level,
        latest=points[-1].level if points else None,
        aim_today=aim_value(on=min(as_of, intervention.goal_on), **aim),  # type: ignore[arg-type]
        decision=progress_decision(
            [(p.on, p.level) for p in points],
            **aim,  # type: ignore[arg-type]
        ),
    )


def _with_related(interventions: QuerySet[Intervention], actor: Actor | None) -> list[Intervention]:
    visible = (
        participants_visible_to(actor)
        .select_related("student")
        .prefetch_related(
            Prefetch("checks", queryset=ProgressCheck.objects.order_by("checked_on", "id"))
        )
    )
    return list(
        interventions.select_related("strategy", "domain", "staff", "school", "root_cause")
        .annotate(
            delivered=Count("sessions", filter=Q(sessions__was_delivered=True), distinct=True),
            missed=Count("sessions", filter=Q(sessions__was_delivered=False), distinct=True),
        )
        .prefetch_related(Prefetch("participants", queryset=visible, to_attr="visible"))
    )


def _views(items: list[Intervention], as_of: date) -> list[InterventionView]:
    pairs = [(p.student_id, i.domain_id) for i in items for p in i.visible]  # type: ignore[attr-defined]
    since = min((i.starts_on for i in items), default=as_of)
    placements = _placements(pairs, since, as_of)
    return [
        InterventionView(
            intervention=i,
            participants=[
                _progress(i, p, placements.get((p.student_id, i.domain_id), []), as_of)
                for p in i.visible  # type: ignore[attr-defined]
            ],
            delivered=i.delivered,  # type: ignore[attr-defined]
            missed=i.missed,  # type: ignore[attr-defined]
            scheduled_to_date=scheduled_by(i, as_of),
        )
        for i in items
    ]


def intervention_view(
    *, actor: Actor | None, intervention: Intervention, as_of: date
) -> InterventionView:
    """One intervention (already through its access guard) with the participants `actor` sees."""
    items = _with_related(Intervention.objects.filter(pk=intervention.pk), actor)
    return _views(items, as_of)[0]


def interventions_for_student(
    *, actor: Actor | None, student: Student, as_of: date
) -> list[InterventionView]:
    """A student's interventions, newest first, each with only this student's progress."""
    items = _with_related(
        Intervention.objects.filter(participants__student=student).distinct(), actor
    )
    for item in items:
        item.visible = [p for p in item.visible if p.student_id == student.pk]  # type: ignore[attr-defined]
    return _views(items, as_of)


def interventions_for_students(
    *, actor: Actor | None, students: Sequence[Student], as_of: date
) -> dict[int, list[InterventionView]]:
    """`interventions_for_student` for several students in one go (a family's children):
    student id -> their interventions, each holding only that student's progress."""
    items = _with_related(
        Intervention.objects.filter(participants__student__in=students).distinct(), actor
    )
    out: dict[int, list[InterventionView]] = {s.pk: [] for s in students}
    for view in _views(items, as_of):
        for progress in view.participants:
            if progress.student.pk in out:
                out[progress.student.pk].append(
                    InterventionView(
                        intervention=view.intervention,
                        participants=[progress],
                        delivered=view.delivered,
                        missed=view.missed,
                        scheduled_to_date=view.scheduled_to_date,
                    )
                )
    return out


def intervention_sessions(*, intervention: Intervention) -> list[SessionLog]:
    return list(intervention.sessions.order_by("-held_on", "-id"))


def tier_history_for_student(*, student: Student) -> list[TierRecord]:
    return list(
        TierRecord.objects.filter(student=student)
        .select_related("domain")
        .order_by("domain__title", "-since_on", "-id")
    )


@dataclass(frozen=True)
class CaseloadRow:
    view: InterventionView
    sessions_this_week: int
    sessions_due: int
    last_check_on: date | None
    is_check_due: bool
    decision_reason: str  # "" when no decision is due

    @property
    def needs_attention(self) -> bool:
        return bool(self.sessions_due or self.is_check_due or self.decision_reason)


def caseload_for_staff(*, actor: Actor | None, staff: Staff, as_of: date) -> list[CaseloadRow]:
    """The active interventions `staff` delivers, with what is due in the week of `as_of`
    (Monday to Sunday): sessions still to hold this week, a progress check when none was
    recorded in the last 7 days, and a decision when the goal date is within 7 days (or
    past) or the four-point rule says change or raise the goal."""
    week_start = as_of - timedelta(days=as_of.weekday())
    items = _with_related(
        Intervention.objects.filter(staff=staff, status=InterventionStatus.ACTIVE)
        .annotate(
            this_week=Count(
                "sessions",
                filter=Q(sessions__held_on__gte=week_start, sessions__was_delivered=True),
                distinct=True,
            ),
            last_check=Max("participants__checks__checked_on"),
        )
        .order_by("goal_on", "pk"),
        actor,
    )
    rows = []
    for view in _views(items, as_of):
        i = view.intervention
        this_week: int = i.this_week  # type: ignore[attr-defined]
        last_check: date | None = i.last_check  # type: ignore[attr-defined]
        due = max(0, i.strategy.sessions_per_week - this_week) if as_of <= i.ends_on else 0
        reason = ""
        if i.goal_on <= as_of + timedelta(days=DECISION_WINDOW_DAYS):
            reason = "goal_date"
        elif any(p.decision == Decision.CHANGE for p in view.participants):
            reason = "below_aim"
        elif any(p.decision == Decision.RAISE_GOAL for p in view.participants):
            reason = "above_aim"
        rows.append(
            CaseloadRow(
                view=view,
                sessions_this_week=this_week,
                sessions_due=due,
                last_check_on=last_check,
                is_check_due=last_check is None or (as_of - last_check).days >= CHECK_EVERY_DAYS,
                decision_reason=reason,
            )
        )
    return rows


def strategies_for_district(*, district_id: int) -> QuerySet[Strategy]:
    return Strategy.objects.filter(district_id=district_id, is_active=True).prefetch_related(
        "domains"
    )


def root_causes_for_students(*, students: Sequence[Student]) -> QuerySet[RootCause]:
    return RootCause.objects.filter(students__in=students).distinct().order_by("-held_on")
