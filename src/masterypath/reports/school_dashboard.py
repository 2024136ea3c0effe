"""The principal's (and counselor's) school dashboard: all students of one school.

Every figure comes from the summary read model (reports.models) in a fixed number of queries,
and every grade and school total passes through the district's `Disclosure`, so that a grade
too small to show is hidden here as it is on every other page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models import F, Q

from masterypath.continuum.models import Domain
from masterypath.reports.dashboard_base import (
    BAND_COLUMNS,
    BAND_LABELS,
    FEW_EVIDENCE_RULE,
    GAIN_RULE,
    ON_LEVEL_RULE,
    SINGLE_EVIDENCE_MIN_STUDENTS,
    TARGET_RULE,
    Figures,
    domains_in,
    domains_left_out,
    expected_gain_on,
    grade_heading,
    pick_domain,
)
from masterypath.reports.disclosure import Disclosure, disclosures, group_frame
from masterypath.reports.models import (
    Dimension,
    SectionSummary,
    TargetCoverage,
    TeacherSummary,
)
from masterypath.reports.tables import (
    Cell,
    ReportTable,
    count_cell,
    number_cell,
    share_cell,
    text_cell,
)
from masterypath.roster.models import Course, Enrollment, EnrollmentRole, Section
from masterypath.schools.models import School


@dataclass(frozen=True)
class ChartValue:
    """One number of a chart: a row (grade, group, school), a column (domain, band, month)."""

    row: str
    column: str
    value: float


@dataclass(frozen=True)
class SupportCount:
    domain: Domain
    two_below: int


@dataclass(frozen=True)
class SchoolDashboard:
    school: School
    figures: Figures
    threshold: int
    domains: list[Domain]
    left_out: list[Domain]
    selected: Domain | None
    student_count: int
    on_level: ReportTable
    on_level_chart: list[ChartValue]
    distribution: ReportTable
    distribution_chart: list[ChartValue]
    growth: ReportTable
    growth_chart: list[ChartValue]
    growth_points: list[date]
    coverage: ReportTable
    targets: ReportTable
    sections: ReportTable
    support: list[SupportCount]

    @property
    def none_below(self) -> list[str]:
        """The areas where no student is 2 or more grades below."""
        return [item.domain.title for item in self.support if not item.two_below]

    def tables(self) -> dict[str, ReportTable]:
        tables = [
            self.on_level,
            self.distribution,
            self.growth,
            self.coverage,
            self.targets,
            self.sections,
        ]
        return {table.key: table for table in tables}


def _sums(frame: pl.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], dict[str, float]]:
    """Summed counts per key of a group frame."""
    if frame.height == 0:
        return {}
    columns = ["students", *BAND_COLUMNS.values(), "level_sum", "gain_sum", "few_evidence"]
    summed = frame.group_by(keys).agg([pl.col(c).sum() for c in columns])
    return {
        tuple(row[k] for k in keys): {c: row[c] for c in columns}
        for row in summed.iter_rows(named=True)
    }


def _on_or_above(counts: dict[str, float]) -> int:
    return int(counts["on_level"] + counts["ahead"])


def school_dashboard(
    *, school: School, figures: Figures, domain_id: object = None
) -> SchoolDashboard:
    """Everything on a school's dashboard, as of the figures' date."""
    district = school.district
    threshold = district.min_group_size
    current = group_frame(district_id=district.pk, dimension=Dimension.ALL, current=True)
    mine = current.filter(pl.col("school_id") == school.pk)
    domains = domains_in(mine, min_students=threshold)
    left_out = domains_left_out(mine, domains)
    selected = pick_domain(domains, domain_id)
    disclosure = {
        domain_id: d
        for (domain_id, _), d in disclosures(
            current, threshold=threshold, dimension=Dimension.ALL
        ).items()
    }
    by_grade = _sums(mine, ["domain_id", "grade_level"])
    by_school = _sums(mine, ["domain_id"])
    grades = sorted({int(g) for _, g in by_grade})

    def hidden(domain: Domain, grade: int | None) -> bool:
        rule = disclosure.get(domain.pk)
        if rule is None:
            return True
        if grade is None:
            return rule.school_hidden.get(school.pk, False)
        return rule.grades_hidden(school.pk).get(grade, False)

    def counts_of(domain: Domain, grade: int | None) -> dict[str, float] | None:
        if grade is None:
            return by_school.get((domain.pk,))
        return by_grade.get((domain.pk, grade))

    rows: list[int | None] = [*grades, None]
    empty = {"students": 0, "on_level": 0, "ahead": 0, "gain_sum": 0.0, "few_evidence": 0}

    def table(
        key: str, caption: str, cell_of: Callable[[dict[str, float], bool], Cell], note: str
    ) -> ReportTable:
        body = []
        for grade in rows:
            label = grade_heading(grade) if grade is not None else "All grades"
            cells: list[Cell] = [text_cell(label, css="total" if grade is None else "")]
            for domain in domains:
                counts = counts_of(domain, grade) or empty
                cells.append(cell_of(counts, hidden(domain, grade)))
            body.append(cells)
        return ReportTable(
            key=key,
            caption=caption,
            headers=["Grade", *(d.title for d in domains)],
            rows=body,
            note=note,
        )

    on_level = table(
        "on-grade-level",
        f"Students on or above grade level, by grade and area, as of {figures.as_of:%-d %B %Y}",
        lambda c, h: share_cell(_on_or_above(c), int(c["students"]), hidden=h),
        ON_LEVEL_RULE,
    )
    growth = table(
        "growth",
        f"Grade levels gained since the school year began, on average "
        f"(about {figures.expected_gain:.1f} expected by {figures.as_of:%-d %B})",
        lambda c, h: number_cell(
            c["gain_sum"] / c["students"] if c["students"] else None, hidden=h
        ),
        GAIN_RULE,
    )
    coverage = table(
        "evidence-coverage",
        "Students with too little evidence, by grade and area",
        lambda c, h: share_cell(int(c["few_evidence"]), int(c["students"]), hidden=h),
        FEW_EVIDENCE_RULE,
    )
    on_level_chart = [
        ChartValue(grade_heading(grade), domain.title, _on_or_above(counts) / counts["students"])
        for grade in grades
        for domain in domains
        if (counts := counts_of(domain, grade)) and counts["students"] and not hidden(domain, grade)
    ]
    distribution, distribution_chart = _distribution(selected, rows, counts_of, hidden)
    growth_chart, growth_points = _growth_over_months(
        school=school, figures=figures, selected=selected, current=current, threshold=threshold
    )
    support = [
        SupportCount(domain, int(by_school[(domain.pk,)]["two_below"]))
        for domain in domains
        if (domain.pk,) in by_school
    ]
    student_count = max((int(c["students"]) for c in by_school.values()), default=0)
    return SchoolDashboard(
        school=school,
        figures=figures,
        threshold=threshold,
        domains=domains,
        left_out=left_out,
        selected=selected,
        student_count=student_count,
        on_level=on_level,
        on_level_chart=on_level_chart,
        distribution=distribution,
        distribution_chart=distribution_chart,
        growth=growth,
        growth_chart=growth_chart,
        growth_points=growth_points,
        coverage=coverage,
        targets=target_coverage_table(school=school, domains=domains),
        sections=section_table(school=school, figures=figures, domains=domains),
        support=support,
    )


def _distribution(
    selected: Domain | None,
    rows: list[int | None],
    counts_of: Callable[[Domain, int | None], dict[str, float] | None],
    hidden: Callable[[Domain, int | None], bool],
) -> tuple[ReportTable, list[ChartValue]]:
    """How far from grade level the students of each grade work, in the selected domain."""
    body: list[list[Cell]] = []
    chart: list[ChartValue] = []
    for grade in rows:
        if selected is None:
            break
        counts = counts_of(selected, grade)
        is_hidden = hidden(selected, grade)
        label = grade_heading(grade) if grade is not None else "All grades"
        n = int(counts["students"]) if counts else 0
        cells = [
            text_cell(label, css="total" if grade is None else ""),
            count_cell(n, hidden=is_hidden),
        ]
        for band, column in BAND_COLUMNS.items():
            part = int(counts[column]) if counts else 0
            cells.append(share_cell(part, n, hidden=is_hidden, detail=False))
            if grade is not None and n and not is_hidden:
                chart.append(ChartValue(label, BAND_LABELS[band], part / n))
        body.append(cells)
    title = selected.title if selected is not None else ""
    table = ReportTable(
        key="distance-from-grade-level",
        caption=f"How far from grade level students work in {title}",
        headers=["Grade", "Students", *BAND_LABELS.values()],
        rows=body,
        note="Whole grades between the level a student works at and their own grade.",
    )
    return table, chart


def _growth_over_months(
    *,
    school: School,
    figures: Figures,
    selected: Domain | None,
    current: pl.DataFrame,
    threshold: int,
) -> tuple[list[ChartValue], list[date]]:
    """Average levels gained by each grade at each month end of this school year, and now,
    with the expected gain as its own line."""
    if selected is None:
        return [], []
    past = group_frame(
        district_id=school.district_id,
        dimension=Dimension.ALL,
        current=False,
        domain_id=selected.pk,
    ).filter(pl.col("point") >= figures.year_starts_on)
    now = current.filter(pl.col("domain_id") == selected.pk).with_columns(
        pl.lit(figures.as_of).alias("point")
    )
    frame = pl.concat([past, now])
    rules = disclosures(frame, threshold=threshold, dimension=Dimension.ALL)
    sums = _sums(frame.filter(pl.col("school_id") == school.pk), ["point", "grade_level"])
    points = sorted({point for point, _ in sums})
    chart: list[ChartValue] = []
    for point in points:
        rule: Disclosure | None = rules.get((selected.pk, point))
        grade_hidden = rule.grades_hidden(school.pk) if rule else {}
        for (p, grade), counts in sorted(sums.items()):
            if p != point or not counts["students"] or grade_hidden.get(int(grade), True):
                continue
            chart.append(
                ChartValue(
                    grade_heading(int(grade)),
                    point.isoformat(),
                    counts["gain_sum"] / counts["students"],
                )
            )
        chart.append(ChartValue("Expected", point.isoformat(), expected_gain_on(point)))
    return chart, points


def target_coverage_table(*, school: School, domains: list[Domain]) -> ReportTable:
    """Targets on which most of the students assessed have a single, old piece of evidence
    (filtered in SQL: a school has a row per target its students were ever assessed on)."""
    rows = list(
        TargetCoverage.objects.filter(
            school=school, students_assessed__gte=SINGLE_EVIDENCE_MIN_STUDENTS
        )
        .alias(twice=F("single_evidence") * 2)
        .filter(twice__gt=F("students_assessed"))
        .values_list(
            "target__code",
            "target__statement",
            "target__competency__domain__title",
            "target__level",
            "students_assessed",
            "single_evidence",
        )
    )
    # The most students judged on one old score first: where more evidence helps most.
    rows.sort(key=lambda r: (-r[5], -r[5] / r[4], r[0]))
    body = [
        [
            text_cell(code),
            text_cell(_shorten(statement)),
            text_cell(domain),
            text_cell(grade_heading(level)),
            count_cell(assessed),
            share_cell(single, assessed, hidden=False),
        ]
        for code, statement, domain, level, assessed, single in rows
    ]
    return ReportTable(
        key="targets-with-too-little-evidence",
        caption="Learning targets with too little evidence",
        headers=[
            "Target",
            "Statement",
            "Area",
            "Level",
            "Students assessed",
            "With a single old piece of evidence",
        ],
        rows=body,
        note=TARGET_RULE,
    )


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def section_table(*, school: School, figures: Figures, domains: list[Domain]) -> ReportTable:
    """Each teacher's sections this school year at a glance, one row per teacher: the courses,
    how many students, how many work on or above grade level and how many have too little
    evidence in the sections' own areas."""
    sections = list(
        Section.objects.filter(school=school, session__school_year=figures.school_year).values_list(
            "pk", "course_id", "course__title"
        )
    )
    course_frameworks: dict[int, set[int]] = defaultdict(set)
    for course_id, framework_id in Course.frameworks.through.objects.filter(
        course_id__in={course for _, course, _ in sections}
    ).values_list("course_id", "framework_id"):
        course_frameworks[course_id].add(framework_id)
    # Filter by the same school and year rather than by a list of a thousand section ids,
    # which Django takes longer to write into SQL than the database takes to answer.
    this_year = Q(section__school=school, section__session__school_year=figures.school_year)
    teachers: dict[int, list[tuple[int, str]]] = defaultdict(list)
    names: dict[int, str] = {}
    for section_id, staff_id, given, family in Enrollment.objects.filter(
        this_year, role=EnrollmentRole.TEACHER
    ).values_list("section_id", "staff_id", "staff__given_name", "staff__family_name"):
        teachers[staff_id].append((section_id, ""))
        names[staff_id] = f"{given} {family}"
    framework_sets = [course_frameworks[course] for _, course, _ in sections]
    everywhere = set.intersection(*framework_sets) if framework_sets else set()
    by_id = {pk: (course, title) for pk, course, title in sections}
    own_domains = [d.pk for d in domains if d.framework_id not in everywhere] or [
        d.pk for d in domains
    ]
    stats = {
        (section_id, domain_id): {"n": n, "on": on, "few": few}
        for section_id, domain_id, n, on, few in SectionSummary.objects.filter(
            this_year, domain_id__in=own_domains
        ).values_list("section_id", "domain_id", "students", "on_or_above", "few_evidence")
    }
    students = dict(
        TeacherSummary.objects.filter(school=school, school_year=figures.school_year).values_list(
            "staff_id", "students"
        )
    )
    body = []
    for staff_id, taught in teachers.items():
        courses: dict[str, int] = defaultdict(int)
        totals: dict[int, list[int]] = {}
        for section_id, _ in taught:
            course_id, title = by_id[section_id]
            courses[title] += 1
            frameworks = course_frameworks[course_id]
            own = frameworks - everywhere or frameworks
            for domain in domains:
                row = stats.get((section_id, domain.pk))
                if domain.framework_id in own and row is not None and row["n"]:
                    total = totals.setdefault(domain.pk, [0, 0, 0])
                    total[0] += row["n"]
                    total[1] += row["on"]
                    total[2] += row["few"]
        on_parts = [
            f"{d.title} {round(100 * totals[d.pk][1] / totals[d.pk][0])}%"
            for d in domains
            if d.pk in totals
        ]
        few_parts = [
            f"{d.title} {totals[d.pk][2]}" for d in domains if totals.get(d.pk, [0, 0, 0])[2]
        ]
        body.append(
            [
                text_cell(names[staff_id]),
                text_cell(
                    ", ".join(
                        f"{title} \u00d7{count}" if count > 1 else title
                        for title, count in sorted(courses.items())
                    )
                ),
                count_cell(students.get(staff_id, 0)),
                text_cell(" \u00b7 ".join(on_parts) or "\u2013"),
                text_cell(" \u00b7 ".join(few_parts) or "none"),
            ]
        )
    body.sort(key=lambda cells: cells[0].text)
    return ReportTable(
        key="teachers",
        caption=f"Each teacher's sections in {figures.school_year_label}",
        headers=[
            "Teacher",
            "Courses",
            "Students",
            "On or above grade level",
            "Students with too little evidence",
        ],
        rows=body,
        note=(
            "One row per teacher, for the sections they teach this school year. A section's "
            "areas are those of its course; areas every course of the school shares (such as "
            "habits of learning) are in the school-wide tables above."
        ),
    )
