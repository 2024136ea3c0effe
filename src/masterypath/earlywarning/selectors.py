"""Reads for the exception rules: each student's working positions per domain (from
evidence), the district's thresholds, and the stored hits for the pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from masterypath.accounts.actors import Actor
from masterypath.accounts.models import User
from masterypath.continuum.models import Domain, LearningTarget
from masterypath.earlywarning.models import (
    Alert,
    AttendanceDay,
    AttendanceStatus,
    EarlyWarningSettings,
    ExceptionHit,
    ExceptionRun,
    Incident,
)
from masterypath.engine.exceptions import (
    DomainRecord,
    StudentRecord,
    TargetSpot,
    Thresholds,
    continuum_positions,
)
from masterypath.engine.school_year import FIRST_MONTH
from masterypath.mastery.selectors import counted_evidence
from masterypath.roster.models import Student
from masterypath.schools.models import District


def thresholds_for_district(*, district: District) -> Thresholds:
    stored = EarlyWarningSettings.objects.filter(district=district).first()
    return Thresholds.from_mapping(stored.thresholds if stored else {})


def continuum_positions_for(domain_ids: Iterable[int]) -> tuple[dict[int, float], dict[int, int]]:
    """Each target's position on its domain's continuum (a sub-target takes its parent's),
    and each target's domain."""
    rows = list(
        LearningTarget.objects.filter(competency__domain_id__in=list(domain_ids)).values_list(
            "pk", "parent_id", "competency__domain_id", "level", "level_high", "position"
        )
    )
    positions = continuum_positions(
        TargetSpot(target_id=pk, domain_id=domain, level=level, level_high=high, position=order)
        for pk, parent, domain, level, high, order in rows
        if parent is None
    )
    for pk, parent, *_ in rows:
        if parent is not None and parent in positions:
            positions[pk] = positions[parent]
    return positions, {pk: domain for pk, _, domain, *_ in rows}


def student_records_for_district(*, district: District, as_of: date) -> list[StudentRecord]:
    """Every active student's working positions per domain up to ``as_of``: the mean position
    of the targets assessed each day. One query for the evidence, a few small ones."""
    students = list(
        Student.objects.filter(district=district, is_active=True)
        .order_by("pk")
        .values_list("pk", "grade_level", "school_id")
    )
    until = timezone.make_aware(datetime.combine(as_of, time.max))
    rows = list(
        counted_evidence()
        .filter(student__district=district, student__is_active=True, observed_at__lte=until)
        .annotate(day=TruncDate("observed_at"))
        .values_list("student_id", "target__competency__domain_id", "target_id", "day")
    )
    domain_ids = sorted({domain_id for _, domain_id, _, _ in rows})
    positions, domain_of = continuum_positions_for(domain_ids)
    days: dict[tuple[int, int], dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    for student_id, domain_id, target_id, day in rows:
        position = positions.get(target_id)
        if position is not None:
            days[(student_id, domain_id)][day].append(position)
    top_of: dict[int, float] = defaultdict(float)
    for target_id, position in positions.items():
        top_of[domain_of[target_id]] = max(top_of[domain_of[target_id]], position)
    highest: dict[tuple[int, int], float] = {}
    for student_id, domain_id, target_id, _ in rows:
        position = positions.get(target_id)
        if position is not None:
            key = (student_id, domain_id)
            highest[key] = max(highest.get(key, position), position)
    domains = {domain.pk: domain for domain in Domain.objects.filter(pk__in=domain_ids)}
    by_student: dict[int, list[int]] = defaultdict(list)
    for student_id, domain_id in sorted(days):
        by_student[student_id].append(domain_id)
    attendance = attendance_summary_for_district(district=district, as_of=as_of)
    return [
        StudentRecord(
            student_id=student_id,
            grade_level=grade,
            school_id=school_id,
            **attendance.get(student_id, {}),
            domains=tuple(
                DomainRecord(
                    domain_id=domain_id,
                    domain=domains[domain_id].title,
                    positions=tuple(
                        (day, sum(values) / len(values))
                        for day, values in sorted(days[(student_id, domain_id)].items())
                    ),
                    is_academic=domains[domain_id].is_academic,
                    reached_top=highest[(student_id, domain_id)] >= top_of[domain_id] - 1e-9,
                )
                for domain_id in by_student[student_id]
            ),
        )
        for student_id, grade, school_id in students
    ]


def attendance_summary_for_district(
    *, district: District, as_of: date
) -> dict[int, dict[str, int]]:
    """Per student, this school year up to ``as_of``: days with attendance taken, days
    present (tardy counts) and days with an incident. Two queries."""
    year = as_of.year if as_of.month >= FIRST_MONTH else as_of.year - 1
    since = date(year, FIRST_MONTH, 1)
    summary: dict[int, dict[str, int]] = defaultdict(
        lambda: {"school_days": 0, "present_days": 0, "incident_days": 0}
    )
    for student_id, status, count in (
        AttendanceDay.objects.filter(student__district=district, on__gte=since, on__lte=as_of)
        .values("student_id", "status")
        .annotate(count=Count("pk"))
        .values_list("student_id", "status", "count")
    ):
        summary[student_id]["school_days"] += count
        if status in {AttendanceStatus.PRESENT, AttendanceStatus.TARDY}:
            summary[student_id]["present_days"] += count
    for student_id, count in (
        Incident.objects.filter(
            student__district=district, occurred_on__gte=since, occurred_on__lte=as_of
        )
        .values("student_id")
        .annotate(count=Count("occurred_on", distinct=True))
        .values_list("student_id", "count")
    ):
        summary[student_id]["incident_days"] = count
    return dict(summary)


def exception_run_for_district(*, district: District) -> ExceptionRun | None:
    return ExceptionRun.objects.filter(district=district).first()


def exception_hits(*, district: District) -> QuerySet[ExceptionHit]:
    return (
        ExceptionHit.objects.filter(district=district)
        .select_related("student", "school", "domain")
        .order_by("rule", "-need", "student__family_name", "student__given_name", "pk")
    )


def exceptions_default_as_of(*, district: District, today: date) -> date:
    """The day the lists describe: the district's latest evidence day, today at the latest
    (a demo or an archived district keeps the date of its data)."""
    latest = (
        counted_evidence()
        .filter(student__district=district)
        .order_by("-observed_at")
        .values_list("observed_at", flat=True)
        .first()
    )
    return min(timezone.localdate(latest), today) if latest else today


def alerts_for_recipient(*, recipient: Actor) -> QuerySet[Alert]:
    if not isinstance(recipient, User):
        return Alert.objects.none()
    return (
        Alert.objects.filter(recipient=recipient)
        .select_related("student")
        .order_by("-found_on", "read_at", "rule", "student__family_name", "pk")
    )
