"""Refreshes of the dashboards' summary read model (reports.models), the only writes of the
reports app: rows derived from placements, evidence and estimates, never a source of truth.

* `dashboard_summary_refresh(district=...)` rebuilds a district's summaries in bulk (after a
  recompute: the mastery app publishes ``mastery.recomputed``; or nightly with
  ``masterypath refresh_dashboards``, which also moves the "recent evidence" window on).
* `standing_summary_update(student_id=..., domain_id=...)` keeps one student's standing and
  the current group counts exact after an evidence event, in a handful of queries. Target
  coverage (single, old evidence) moves with time and is rebuilt by the full refresh only.

The computation is `engine.summaries`; this module reads frames and writes rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from masterypath.common.bulk import bulk_insert
from masterypath.engine import summaries as engine
from masterypath.engine.school_year import school_year_of, school_year_starts_on
from masterypath.mastery.models import MasteryEstimate, Placement
from masterypath.mastery.selectors import counted_evidence
from masterypath.reports.groups import GROUP_DIMENSIONS, STUDENT_FIELDS, groups_of
from masterypath.reports.models import (
    Dimension,
    GroupSummary,
    SectionSummary,
    StandingSummary,
    SummaryState,
    TargetCoverage,
    TeacherSummary,
)
from masterypath.roster.models import Enrollment, EnrollmentRole, Student
from masterypath.schools.models import District

STANDING_COLUMNS = [
    "student",
    "domain",
    "school",
    "grade_level",
    "placed_on",
    "level",
    "working_level",
    "gap",
    "band",
    "gain",
    "pace",
    "evidence_recent",
    "evidence_year",
    "last_evidence_on",
    "has_few_evidence",
]
GROUP_COLUMNS = [
    "school",
    "domain",
    "grade_level",
    "point",
    "is_current",
    "dimension",
    "group",
    "students",
    "two_below",
    "one_below",
    "on_level",
    "ahead",
    "level_sum",
    "gain_sum",
    "few_evidence",
]
DIMENSIONS = [str(dimension) for dimension in GROUP_DIMENSIONS]


@dataclass(frozen=True)
class RefreshCounts:
    as_of: date | None
    standings: int
    groups: int
    targets: int
    sections: int = 0


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _students_frame(students: QuerySet[Student]) -> pl.DataFrame:
    rows = students.values_list("pk", "school_id", "grade_level", *STUDENT_FIELDS)
    records = []
    for pk, school_id, grade, *values in rows:
        groups = groups_of(dict(zip(STUDENT_FIELDS, values, strict=True)))
        records.append((pk, school_id, grade, *(groups[d] for d in DIMENSIONS)))
    return pl.DataFrame(
        records,
        schema={
            "student_id": pl.Int64,
            "school_id": pl.Int64,
            "grade_level": pl.Int64,
            **dict.fromkeys(DIMENSIONS, pl.Utf8),
        },
        orient="row",
    )


def _placements_frame(placements: QuerySet[Placement]) -> pl.DataFrame:
    """Placements straight from the cursor (SQLite's text dates parsed by polars)."""
    query = placements.values_list("student_id", "domain_id", "placed_on", "level")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    text_dates = bool(rows) and isinstance(rows[0][2], str)
    schema = {**engine.PLACEMENTS_SCHEMA, "placed_on": pl.Utf8 if text_dates else pl.Date}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    if text_dates:
        frame = frame.with_columns(pl.col("placed_on").str.to_date())
    return frame


def _evidence_frame(student_filter: Q, *, as_of: date) -> pl.DataFrame:
    """Counted evidence per (student, domain): in the recent window, this school year, last."""
    recent_from = _end_of(as_of - timedelta(days=engine.RECENT_DAYS))
    year_from = timezone.make_aware(
        datetime.combine(school_year_starts_on(school_year_of(as_of)), time.min)
    )
    rows = (
        counted_evidence()
        .filter(student_filter, observed_at__lte=_end_of(as_of))
        .values("student_id", domain_id=F("target__competency__domain_id"))
        .annotate(
            recent=Count("id", filter=Q(observed_at__gt=recent_from)),
            this_year=Count("id", filter=Q(observed_at__gte=year_from)),
            last=Max("observed_at"),
        )
        .values_list("student_id", "domain_id", "recent", "this_year", "last")
    )
    return pl.DataFrame(
        [
            (s, d, recent, year, timezone.localdate(last) if last else None)
            for s, d, recent, year, last in rows
        ],
        schema=engine.EVIDENCE_SCHEMA,
        orient="row",
    )


def _enrolled_frame(district: District) -> pl.DataFrame:
    """Where each student was enrolled in each school year (their sections' school)."""
    rows = (
        Enrollment.objects.filter(
            role=EnrollmentRole.STUDENT, student__district=district, student__is_active=True
        )
        .values_list("student_id", "section__session__school_year", "section__school_id")
        .distinct()
    )
    return pl.DataFrame(list(rows), schema=engine.ENROLLED_SCHEMA, orient="row")


def _members_frame(student_filter: Q, *, school_year: int) -> pl.DataFrame:
    """(section_id, student_id) of the sections of one school year."""
    rows = (
        Enrollment.objects.filter(student_filter, role=EnrollmentRole.STUDENT)
        .filter(section__session__school_year=school_year)
        .values_list("section_id", "student_id")
    )
    return pl.DataFrame(
        list(rows), schema={"section_id": pl.Int64, "student_id": pl.Int64}, orient="row"
    )


def _standing_rows(frame: pl.DataFrame) -> Iterable[tuple[Any, ...]]:
    return frame.select(
        "student_id",
        "domain_id",
        "school_id",
        "grade_level",
        "placed_on",
        "level",
        "working_level",
        "gap",
        "band",
        "gain",
        "pace",
        "evidence_recent",
        "evidence_year",
        "last_evidence_on",
        "few_evidence",
    ).iter_rows()


def _group_rows(frame: pl.DataFrame) -> Iterable[tuple[Any, ...]]:
    return frame.select(
        "school_id",
        "domain_id",
        "grade_level",
        "point",
        "is_current",
        "dimension",
        "group",
        "students",
        "two_below",
        "one_below",
        "on",
        "ahead",
        "level_sum",
        "gain_sum",
        "few_evidence",
    ).iter_rows()


@transaction.atomic
def dashboard_summary_refresh(*, district: District, as_of: date | None = None) -> RefreshCounts:
    """Rebuild every summary of `district` from its placements, evidence and estimates.

    ``as_of`` defaults to the date of the district's latest placement (the figures' date).
    A handful of queries whatever the size; the engine computes in polars; rows go in bulk.
    """
    students = Student.objects.filter(district=district, is_active=True)
    student_frame = _students_frame(students)
    placements = _placements_frame(
        Placement.objects.filter(student__district=district, student__is_active=True)
    )
    if as_of is None:
        latest = placements.get_column("placed_on").max() if placements.height else None
        as_of = latest if isinstance(latest, date) else None
    StandingSummary.objects.filter(student__district=district).delete()
    GroupSummary.objects.filter(school__district=district).delete()
    TargetCoverage.objects.filter(school__district=district).delete()
    SectionSummary.objects.filter(section__school__district=district).delete()
    TeacherSummary.objects.filter(school__district=district).delete()
    if as_of is None:
        SummaryState.objects.filter(district=district).delete()
        return RefreshCounts(None, 0, 0, 0)
    current = engine.student_standings(
        placements,
        student_frame,
        _evidence_frame(Q(student__district=district, student__is_active=True), as_of=as_of),
        as_of=as_of,
    )
    monthly = engine.monthly_standings(
        placements, student_frame, _enrolled_frame(district), as_of=as_of
    )
    counts = engine.group_counts(
        current, monthly, student_frame, as_of=as_of, dimensions=DIMENSIONS
    )
    standings = bulk_insert(StandingSummary, STANDING_COLUMNS, _standing_rows(current))
    groups = bulk_insert(GroupSummary, GROUP_COLUMNS, _group_rows(counts))
    # Read in full first: on PostgreSQL the insert below is a COPY on the same connection,
    # which must not run while this query's rows are still being fetched.
    coverage = list(
        MasteryEstimate.objects.filter(
            student__district=district, student__is_active=True, evidence_count__gte=1
        )
        .values("student__school_id", "target_id")
        .annotate(
            assessed=Count("id"),
            single=Count(
                "id",
                filter=Q(
                    evidence_count=1,
                    last_observed_at__lte=_end_of(as_of - timedelta(days=engine.RECENT_DAYS)),
                ),
            ),
        )
        .values_list("student__school_id", "target_id", "assessed", "single")
    )
    targets = bulk_insert(
        TargetCoverage, ["school", "target", "students_assessed", "single_evidence"], coverage
    )
    members = _members_frame(
        Q(student__district=district, student__is_active=True), school_year=school_year_of(as_of)
    )
    sections = bulk_insert(
        SectionSummary,
        ["section", "domain", "students", "on_or_above", "few_evidence"],
        engine.section_counts(current, members).iter_rows(),
    )
    year = school_year_of(as_of)
    teachers = list(
        Enrollment.objects.filter(
            role=EnrollmentRole.STUDENT,
            section__school__district=district,
            section__session__school_year=year,
            section__enrollments__role=EnrollmentRole.TEACHER,
        )
        .values_list("section__enrollments__staff_id", "section__school_id")
        .annotate(n=Count("student_id", distinct=True))
        .values_list("section__enrollments__staff_id", "section__school_id", "n")
    )
    bulk_insert(
        TeacherSummary,
        ["staff", "school", "school_year", "students"],
        ((staff_id, school_id, year, n) for staff_id, school_id, n in teachers),
    )
    SummaryState.objects.update_or_create(
        district=district, defaults={"as_of": as_of, "refreshed_at": timezone.now()}
    )
    return RefreshCounts(as_of, standings, groups, targets, sections)


# -- one student after an evidence event ---------------------------------------------------


def _standing_of(values: tuple[Any, ...]) -> StandingSummary:
    (student, domain, school, grade, placed_on, level, working, gap, band, gain, pace, recent,
     year, last, few) = values  # fmt: skip
    return StandingSummary(
        student_id=student,
        domain_id=domain,
        school_id=school,
        grade_level=grade,
        placed_on=placed_on,
        level=level,
        working_level=working,
        gap=gap,
        band=band,
        gain=gain,
        pace=pace,
        evidence_recent=recent,
        evidence_year=year,
        last_evidence_on=last,
        has_few_evidence=few,
    )


def _contribution(row: StandingSummary | None) -> dict[str, float]:
    if row is None:
        return {}
    return {
        "students": 1,
        "two_below": int(row.band == "two_below"),
        "one_below": int(row.band == "one_below"),
        "on_level": int(row.band == "on"),
        "ahead": int(row.band == "ahead"),
        "level_sum": row.level,
        "gain_sum": row.gain,
        "few_evidence": int(row.has_few_evidence),
    }


def _add_to_current(
    *,
    row: StandingSummary,
    groups: dict[str, str],
    point: date,
    sign: int,
) -> None:
    """Add (sign 1) or take away (sign -1) one standing from the current group counts."""
    keys = [(str(Dimension.ALL), ""), *((d, groups[d]) for d in DIMENSIONS)]
    where = Q()
    for dimension, group in keys:
        where |= Q(dimension=dimension, group=group)
    cell = {
        "school_id": row.school_id,
        "domain_id": row.domain_id,
        "grade_level": row.grade_level,
        "is_current": True,
    }
    existing = GroupSummary.objects.filter(where, **cell)
    if sign > 0 and existing.count() < len(keys):
        zeros = dict.fromkeys(
            ["students", "two_below", "one_below", "on_level", "ahead", "few_evidence"], 0
        )
        GroupSummary.objects.bulk_create(
            [
                GroupSummary(
                    **cell,
                    point=point,
                    dimension=dimension,
                    group=group,
                    level_sum=0.0,
                    gain_sum=0.0,
                    **zeros,
                )
                for dimension, group in keys
            ],
            ignore_conflicts=True,
        )
    change = {name: F(name) + sign * value for name, value in _contribution(row).items()}
    GroupSummary.objects.filter(where, **cell).update(**change)


@transaction.atomic
def standing_summary_update(*, student_id: int, domain_id: int) -> StandingSummary | None:
    """One student's standing in one domain again, and the current group counts moved from
    their old standing to the new one. Nothing happens before the district's first refresh."""
    student = Student.objects.filter(pk=student_id).values(
        "district_id", "school_id", "grade_level", "is_active", *STUDENT_FIELDS
    )[:1]
    if not student:
        return None
    fields = student[0]
    state = SummaryState.objects.select_for_update().filter(district_id=fields["district_id"])
    summary = state.first()
    if summary is None:
        return None
    placements = _placements_frame(
        Placement.objects.filter(student_id=student_id, domain_id=domain_id)
    )
    old = StandingSummary.objects.filter(student_id=student_id, domain_id=domain_id).first()
    groups = groups_of(fields)
    new: StandingSummary | None = None
    if placements.height and fields["is_active"]:
        latest = placements.get_column("placed_on").max()
        as_of = latest if isinstance(latest, date) else summary.as_of
        student_frame = pl.DataFrame(
            [
                (
                    student_id,
                    fields["school_id"],
                    fields["grade_level"],
                    *(groups[d] for d in DIMENSIONS),
                )
            ],
            schema={
                "student_id": pl.Int64,
                "school_id": pl.Int64,
                "grade_level": pl.Int64,
                **dict.fromkeys(DIMENSIONS, pl.Utf8),
            },
            orient="row",
        )
        evidence = _evidence_frame(
            Q(student_id=student_id, target__competency__domain_id=domain_id), as_of=as_of
        )
        frame = engine.student_standings(placements, student_frame, evidence, as_of=as_of)
        if frame.height:
            new = _standing_of(next(iter(_standing_rows(frame))))
            if summary.as_of < as_of:
                summary.as_of = as_of
                summary.save(update_fields=["as_of"])
    if old is not None and new is not None and _counts_alike(old, new):
        # The counts would lose the old standing and gain the same again: only the row moves
        # (its evidence counts, its date), one UPDATE instead of a dozen statements.
        new.pk = old.pk
        new.save(force_update=True)
        return new
    sections = list(
        _members_frame(Q(student_id=student_id), school_year=school_year_of(summary.as_of))
        .get_column("section_id")
        .to_list()
    )
    if old is not None:
        _add_to_current(row=old, groups=groups, point=summary.as_of, sign=-1)
        _add_to_sections(row=old, sections=sections, sign=-1)
        old.delete()
    if new is not None:
        new.save()
        _add_to_current(row=new, groups=groups, point=summary.as_of, sign=1)
        _add_to_sections(row=new, sections=sections, sign=1)
    return new


def _counts_alike(old: StandingSummary, new: StandingSummary) -> bool:
    """Whether two standings of a student count the same in every group and section summary
    (same cell, same contribution): the student's groups and sections are read once for
    both, so moving one out and the other in would change nothing."""
    return (old.school_id, old.grade_level, old.gap >= 0) == (
        new.school_id,
        new.grade_level,
        new.gap >= 0,
    ) and _contribution(old) == _contribution(new)


def _add_to_sections(*, row: StandingSummary, sections: list[int], sign: int) -> None:
    """Add (sign 1) or take away (sign -1) one standing from the student's sections' counts."""
    if not sections:
        return
    if sign > 0:
        SectionSummary.objects.bulk_create(
            [
                SectionSummary(
                    section_id=section_id,
                    domain_id=row.domain_id,
                    students=0,
                    on_or_above=0,
                    few_evidence=0,
                )
                for section_id in sections
            ],
            ignore_conflicts=True,
        )
    SectionSummary.objects.filter(section_id__in=sections, domain_id=row.domain_id).update(
        students=F("students") + sign,
        on_or_above=F("on_or_above") + sign * int(row.gap >= 0),
        few_evidence=F("few_evidence") + sign * int(row.has_few_evidence),
    )
