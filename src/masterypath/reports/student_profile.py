"""The student profile staff read: a student's whole body of work across years and domains.

Placements per domain over time, the evidence timeline, work samples, observations and exit
tickets, one school year at a time; a fixed number of queries whatever the size of the record.
Plans and interventions add their sections when they exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Min

from masterypath.evidence.models import Artifact, Evidence, EvidenceKind, Observation
from masterypath.reports.student_dashboard import (
    EVIDENCE_FIELDS,
    DomainGroup,
    EvidenceRow,
    evidence_rows,
    group_targets,
    target_statuses_for_student,
)
from masterypath.reports.student_words import (
    DomainPosition,
    SchoolYear,
    day_range,
    domain_positions,
    placement_history,
    school_year_around,
)
from masterypath.roster.models import Student
from masterypath.schools.models import AcademicSession, SessionType

EXIT_TICKET_KINDS = frozenset({EvidenceKind.EXIT_TICKET, EvidenceKind.SELF_ASSESSMENT})
# The page lists the latest scores of the year; the CSV export has every one.
TIMELINE_SHOWN = 100


@dataclass(frozen=True)
class ProfileYear:
    """One school year of the record (`end_year` names it, as school years are named)."""

    year: SchoolYear
    end_year: int
    evidence_count: int = 0


@dataclass(frozen=True)
class YearRecord:
    year: ProfileYear
    evidence: list[EvidenceRow]  # the whole year, newest first, voided entries marked
    observations: list[Observation]
    work_samples: list[Artifact]

    @property
    def timeline(self) -> list[EvidenceRow]:
        """The latest `TIMELINE_SHOWN` rows, for the page."""
        return self.evidence[:TIMELINE_SHOWN]

    @property
    def hidden_count(self) -> int:
        return max(len(self.evidence) - TIMELINE_SHOWN, 0)

    @property
    def exit_tickets(self) -> list[EvidenceRow]:
        return [row for row in self.evidence if row.kind in EXIT_TICKET_KINDS]

    @property
    def live_count(self) -> int:
        return sum(1 for row in self.evidence if not row.is_voided)


@dataclass(frozen=True)
class StudentProfile:
    student: Student
    as_of: date
    positions: list[DomainPosition]
    targets: list[DomainGroup]
    years: list[ProfileYear]  # newest first, each with a record
    record: YearRecord | None  # the chosen year


def _school_years(student: Student, as_of: date) -> list[ProfileYear]:
    """The district's school years that hold any of the student's evidence, newest first
    (two queries); years without a session on file run July to June."""
    span = Evidence.objects.filter(student=student).aggregate(
        first=Min("observed_at"), last=Max("observed_at")
    )
    sessions = list(
        AcademicSession.objects.filter(
            district_id=student.district_id, session_type=SessionType.SCHOOL_YEAR
        )
        .order_by("-starts_on")
        .values_list("starts_on", "ends_on", "school_year")
    )
    first, last = span["first"], span["last"]
    if first is None or last is None:
        current = school_year_around(as_of)
        return [ProfileYear(current, current.ends_on.year)]
    low, high = first.date(), max(last.date(), as_of)
    years: list[ProfileYear] = []
    for start, end, end_year in sessions:  # one per school year, the longest first on file
        if start <= high and end >= low and all(y.end_year != end_year for y in years):
            years.append(ProfileYear(SchoolYear(start, end), end_year))
    if not years:  # no school year on file: July to June
        year = school_year_around(low)
        while year.starts_on <= high:
            years.append(ProfileYear(year, year.ends_on.year))
            year = school_year_around(year.ends_on + timedelta(days=1))
    years.sort(key=lambda y: y.year.starts_on, reverse=True)
    return years


def _year_record(student: Student, year: ProfileYear) -> YearRecord:
    start, end = year.year.starts_on, year.year.ends_on
    evidence = evidence_rows(
        Evidence.objects.filter(day_range("observed_at", start, end), student=student)
        .order_by("-observed_at", "-id")
        .values_list(*EVIDENCE_FIELDS)
    )
    observations = list(
        Observation.objects.filter(day_range("observed_at", start, end), student=student)
        .select_related("author", "section")
        .prefetch_related("targets")
        .order_by("-observed_at", "-id")
    )
    work = list(
        Artifact.objects.filter(day_range("created_at", start, end), student=student)
        .select_related("uploaded_by")
        .prefetch_related("targets", "evidence__target")
        .order_by("-created_at", "-id")
    )
    return YearRecord(year=year, evidence=evidence, observations=observations, work_samples=work)


def student_profile(
    *, student: Student, as_of: date, end_year: int | None = None
) -> StudentProfile:
    """The profile with the record of the school year ending in `end_year` (default: the
    latest year with a record); an unknown year shows no record."""
    history, domains = placement_history(student_ids=[student.pk], until=as_of)
    positions = domain_positions(
        student=student, history=history.get(student.pk, {}), domains=domains, as_of=as_of
    )
    years = _school_years(student, as_of)
    chosen = next((y for y in years if end_year is None or y.end_year == end_year), None)
    return StudentProfile(
        student=student,
        as_of=as_of,
        positions=positions,
        targets=group_targets(target_statuses_for_student(student=student)),
        years=years,
        record=_year_record(student, chosen) if chosen is not None else None,
    )


def evidence_timeline_rows(*, student: Student) -> list[EvidenceRow]:
    """The whole evidence timeline, oldest first, voided entries included (for CSV)."""
    return evidence_rows(
        Evidence.objects.filter(student=student)
        .order_by("observed_at", "id")
        .values_list(*EVIDENCE_FIELDS)
    )
