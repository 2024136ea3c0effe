"""A school's students with where they stand in one area, to sort, filter and page through.

Reads the standings summary (one row per student and domain) beside the roster, so that a
school of hundreds of students pages in two queries (a count and one page), and every filter
says in words what it keeps.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import F, FilteredRelation, Q, QuerySet

from masterypath.continuum.models import Domain
from masterypath.engine.wording import PaceWords, PlacementWords, pace_words, placement_words
from masterypath.reports.models import StandingSummary
from masterypath.reports.tables import Cell, ReportTable
from masterypath.roster.models import Student
from masterypath.schools.models import School

PLACEMENT_FILTERS = {
    "": ("Any placement", Q()),
    "two_below": ("2 or more grades below", Q(gap__lte=-2)),
    "one_below": ("1 grade below", Q(gap=-1)),
    "below": ("Below grade level", Q(gap__lt=0)),
    "on": ("On grade level", Q(gap=0)),
    "ahead": ("Ahead of grade level", Q(gap__gt=0)),
    "on_or_above": ("On or above grade level", Q(gap__gte=0)),
}
# pace_words rounds to one decimal: a pace reads "below the expected 1.0" exactly when < 0.95.
PACE_FILTERS = {
    "": ("Any pace", Q()),
    "below": ("Slower than expected", Q(pace__lt=0.95)),
    "on_or_above": ("As expected or faster", Q(pace__gte=0.95)),
    "unknown": ("Not enough evidence over time", Q(pace__isnull=True, gap__isnull=False)),
}
EVIDENCE_FILTERS = {
    "": ("Any amount of evidence", Q()),
    "few": ("Too little recent evidence", Q(has_few_evidence=True)),
}
SORTS = {
    "name": ("Name", ["family_name", "given_name", "pk"]),
    "grade": ("Grade", ["grade_level", "family_name", "given_name", "pk"]),
    "placement": ("Placement", ["gap", "level", "family_name", "pk"]),
    "pace": ("Pace", ["pace", "family_name", "pk"]),
    "evidence": ("Recent evidence", ["evidence_recent", "family_name", "pk"]),
}


@dataclass(frozen=True)
class StudentFilters:
    """What the list keeps and how it is ordered; unknown values fall back to the defaults."""

    domain_id: int | None = None
    grade: int | None = None
    placement: str = ""
    pace: str = ""
    evidence: str = ""
    query: str = ""
    sort: str = "name"
    descending: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, str], *, domains: list[Domain]) -> StudentFilters:
        def whole(name: str) -> int | None:
            value = params.get(name, "").strip()
            # ASCII digits only: str.isdigit() accepts "²", which int() refuses.
            return int(value) if re.fullmatch(r"-?[0-9]{1,9}", value) else None

        domain_ids = [d.pk for d in domains]
        domain_id = whole("domain")
        return cls(
            domain_id=domain_id
            if domain_id in domain_ids
            else (domain_ids[0] if domain_ids else None),
            grade=whole("grade"),
            placement=_known(params.get("placement", ""), PLACEMENT_FILTERS),
            pace=_known(params.get("pace", ""), PACE_FILTERS),
            evidence=_known(params.get("evidence", ""), EVIDENCE_FILTERS),
            query=params.get("q", "").replace("\x00", "").strip()[:100],
            sort=_known(params.get("sort", "name"), SORTS) or "name",
            descending=params.get("order", "") == "desc",
        )

    def as_params(self, **changes: object) -> dict[str, str]:
        """These filters as query parameters (with ``changes``), for links and forms."""
        chosen = replace(self, **changes)  # type: ignore[arg-type]
        params = {
            "domain": "" if chosen.domain_id is None else str(chosen.domain_id),
            "grade": "" if chosen.grade is None else str(chosen.grade),
            "placement": chosen.placement,
            "pace": chosen.pace,
            "evidence": chosen.evidence,
            "q": chosen.query,
            "sort": chosen.sort,
            "order": "desc" if chosen.descending else "",
        }
        return {key: value for key, value in params.items() if value}

    def description(self) -> str:
        """The filters in words: 'grade 3, 2 or more grades below, slower than expected'."""
        parts = []
        if self.grade is not None:
            parts.append("kindergarten" if self.grade == 0 else f"grade {self.grade}")
        for value, table in (
            (self.placement, PLACEMENT_FILTERS),
            (self.pace, PACE_FILTERS),
            (self.evidence, EVIDENCE_FILTERS),
        ):
            if value:
                parts.append(table[value][0].lower())
        if self.query:
            parts.append(f"matching \u201c{self.query}\u201d")
        return ", ".join(parts)


def _known(value: str, table: Mapping[str, object]) -> str:
    return value if value in table else ""


def domains_placed_at(*, school: School) -> list[Domain]:
    """The domains in which some student of the school has a standing, in framework order."""
    placed = StandingSummary.objects.filter(school=school).values("domain_id")
    return list(Domain.objects.filter(pk__in=placed).select_related("framework"))


def grades_at(*, school: School) -> list[int]:
    """The grades of the school's active students, lowest first."""
    return list(
        Student.objects.filter(school=school, is_active=True)
        .order_by("grade_level")
        .values_list("grade_level", flat=True)
        .distinct()
    )


def student_standing_list(*, school: School, filters: StudentFilters) -> QuerySet[Student]:
    """The school's active students with their standing in the filters' domain (placement,
    pace, recent evidence as annotations; None before any placement), filtered and ordered."""
    students = Student.objects.filter(school=school, is_active=True).annotate(
        standing=FilteredRelation(
            "standing_summaries",
            condition=Q(standing_summaries__domain_id=filters.domain_id),
        ),
        level=F("standing__level"),
        gap=F("standing__gap"),
        pace=F("standing__pace"),
        evidence_recent=F("standing__evidence_recent"),
        last_evidence_on=F("standing__last_evidence_on"),
        has_few_evidence=F("standing__has_few_evidence"),
    )
    if filters.grade is not None:
        students = students.filter(grade_level=filters.grade)
    if filters.query:
        students = students.filter(
            Q(given_name__icontains=filters.query)
            | Q(family_name__icontains=filters.query)
            | Q(preferred_name__icontains=filters.query)
            | Q(local_id__icontains=filters.query)
        )
    students = students.filter(
        PLACEMENT_FILTERS[filters.placement][1],
        PACE_FILTERS[filters.pace][1],
        EVIDENCE_FILTERS[filters.evidence][1],
    )
    order = []
    for name in SORTS[filters.sort][1]:
        expression = F(name)
        if filters.descending:
            order.append(expression.desc(nulls_last=True))
        else:
            order.append(expression.asc(nulls_last=True))
    return students.order_by(*order)


@dataclass(frozen=True)
class StudentRow:
    """One student of the list, with their standing in words."""

    student: Student
    placement: PlacementWords | None
    pace: PaceWords | None
    evidence_recent: int | None
    last_evidence_on: date | None
    has_few_evidence: bool


def student_rows(students: list[Student], *, domain: Domain | None) -> list[StudentRow]:
    """The page's students in words (engine.wording), from the list's annotations."""
    rows = []
    for student in students:
        level = getattr(student, "level", None)
        placement = (
            placement_words(
                level, grade_level=student.grade_level, domain=domain.title if domain else ""
            )
            if level is not None
            else None
        )
        rows.append(
            StudentRow(
                student=student,
                placement=placement,
                pace=pace_words(getattr(student, "pace", None)) if level is not None else None,
                evidence_recent=getattr(student, "evidence_recent", None),
                last_evidence_on=getattr(student, "last_evidence_on", None),
                has_few_evidence=bool(getattr(student, "has_few_evidence", False)),
            )
        )
    return rows


def student_table(*, school: School, rows: list[StudentRow], domain: Domain | None) -> ReportTable:
    """The students as an exportable table: words and, where there is one, the number."""

    def pace(value: float | None) -> Cell:
        return Cell("", value="") if value is None else Cell(f"{value:.2f}", value=round(value, 2))

    body = [
        [
            Cell(f"{row.student.family_name}, {row.student.given_name}"),
            Cell(row.student.local_id),
            Cell(row.student.grade_label),
            Cell(row.placement.working if row.placement else "not placed yet"),
            Cell(row.placement.relation if row.placement else ""),
            pace(row.pace.levels_per_year if row.pace else None),
            Cell(row.pace.sentence if row.pace else ""),
            Cell(str(row.evidence_recent or 0), value=row.evidence_recent or 0),
            Cell(row.last_evidence_on.isoformat() if row.last_evidence_on else ""),
        ]
        for row in rows
    ]
    return ReportTable(
        key="students",
        caption=f"Students of {school.name} in {domain.title if domain else ''}",
        headers=[
            "Student",
            "Id",
            "Grade",
            "Working at",
            "Compared with grade level",
            "Grade levels per school year",
            "Pace",
            "Evidence in the last 6 weeks",
            "Last evidence",
        ],
        rows=body,
    )
