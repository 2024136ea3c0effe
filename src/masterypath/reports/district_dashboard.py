"""The district dashboard: every school side by side, and trends by school year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

from masterypath.continuum.models import Domain
from masterypath.engine.school_year import school_year_label, school_year_of
from masterypath.reports.dashboard_base import (
    FEW_EVIDENCE_RULE,
    GAIN_RULE,
    ON_LEVEL_RULE,
    Figures,
    domains_in,
    domains_left_out,
    pick_domain,
)
from masterypath.reports.disclosure import Disclosure, disclosures, group_frame
from masterypath.reports.models import Dimension
from masterypath.reports.school_dashboard import ChartValue
from masterypath.reports.tables import Cell, ReportTable, count_cell, number_cell, share_cell
from masterypath.reports.tables import text_cell as text
from masterypath.schools.models import District, School

Counts = dict[str, float]
YEAR_NOTE = (
    "Each school year's figures stand at its last month end (or now, this year). Every "
    "August each student's grade, and so the level expected of them, goes up by one: the "
    "share on or above grade level drops then and climbs through the year, so compare now "
    "with the same time a year earlier."
)


@dataclass(frozen=True)
class DistrictDashboard:
    district: District
    figures: Figures
    threshold: int
    domains: list[Domain]
    left_out: list[Domain]
    selected: Domain | None
    schools: list[School]
    on_level: ReportTable
    on_level_chart: list[ChartValue]
    growth: ReportTable
    coverage: ReportTable
    years: ReportTable
    trend_chart: list[tuple[str, str, float]]
    trend_series: list[str]

    def tables(self) -> dict[str, ReportTable]:
        tables = [self.on_level, self.growth, self.coverage, self.years]
        return {table.key: table for table in tables}


def _sums(frame: pl.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], Counts]:
    if frame.height == 0:
        return {}
    columns = ["students", "on_level", "ahead", "gain_sum", "few_evidence"]
    summed = frame.group_by(keys).agg([pl.col(c).sum() for c in columns])
    return {
        tuple(row[k] for k in keys): {c: row[c] for c in columns}
        for row in summed.iter_rows(named=True)
    }


def _on(counts: Counts) -> int:
    return int(counts["on_level"] + counts["ahead"])


def district_dashboard(
    *, district: District, figures: Figures, domain_id: object = None
) -> DistrictDashboard:
    """The district's schools side by side as of the figures' date."""
    threshold = district.min_group_size
    current = group_frame(district_id=district.pk, dimension=Dimension.ALL, current=True)
    rules = {
        domain: rule
        for (domain, _), rule in disclosures(
            current, threshold=threshold, dimension=Dimension.ALL
        ).items()
    }
    domains = domains_in(current, min_students=threshold)
    left_out = domains_left_out(current, domains)
    selected = pick_domain(domains, domain_id)
    by_school = _sums(current, ["domain_id", "school_id"])
    totals = _sums(current, ["domain_id"])
    schools = list(
        School.objects.filter(pk__in={s for _, s in by_school}).order_by("grade_low", "name")
    )

    def hidden(domain: Domain, school: School | None) -> bool:
        rule = rules.get(domain.pk)
        if rule is None:
            return True
        return rule.district_hidden if school is None else rule.school_hidden.get(school.pk, True)

    def table(
        key: str, caption: str, cell_of: Callable[[dict[str, float], bool], Cell], note: str
    ) -> ReportTable:
        body: list[list[Cell]] = []
        for school in (*schools, None):
            cells: list[Cell] = [
                text(school.name if school else "All schools", css="" if school else "total")
            ]
            students = max(
                (
                    int(c["students"])
                    for d in domains
                    if (c := _lookup(by_school, totals, d, school)) is not None
                ),
                default=0,
            )
            cells.append(count_cell(students))
            for domain in domains:
                counts = _lookup(by_school, totals, domain, school) or {
                    "students": 0,
                    "on_level": 0,
                    "ahead": 0,
                    "gain_sum": 0.0,
                    "few_evidence": 0,
                }
                cells.append(cell_of(counts, hidden(domain, school)))
            body.append(cells)
        return ReportTable(
            key=key,
            caption=caption,
            headers=["School", "Students", *(d.title for d in domains)],
            rows=body,
            note=note,
        )

    on_level = table(
        "schools-on-grade-level",
        f"Students on or above grade level by school and area, as of {figures.as_of:%-d %B %Y}",
        lambda c, h: share_cell(_on(c), int(c["students"]), hidden=h),
        ON_LEVEL_RULE,
    )
    growth = table(
        "schools-growth",
        f"Grade levels gained since the school year began, on average "
        f"(about {figures.expected_gain:.1f} expected by {figures.as_of:%-d %B})",
        lambda c, h: number_cell(
            c["gain_sum"] / c["students"] if c["students"] else None, hidden=h
        ),
        GAIN_RULE,
    )
    coverage = table(
        "schools-evidence-coverage",
        "Students with too little evidence by school and area",
        lambda c, h: share_cell(int(c["few_evidence"]), int(c["students"]), hidden=h),
        FEW_EVIDENCE_RULE,
    )
    chart = [
        ChartValue(school.name, domain.title, _on(counts) / counts["students"])
        for school in schools
        for domain in domains
        if (counts := by_school.get((domain.pk, school.pk)))
        and counts["students"]
        and not hidden(domain, school)
    ]
    years, trend, series = _by_year(
        district=district,
        figures=figures,
        selected=selected,
        schools=schools,
        current=current,
        threshold=threshold,
    )
    return DistrictDashboard(
        district=district,
        figures=figures,
        threshold=threshold,
        domains=domains,
        left_out=left_out,
        selected=selected,
        schools=schools,
        on_level=on_level,
        on_level_chart=chart,
        growth=growth,
        coverage=coverage,
        years=years,
        trend_chart=trend,
        trend_series=series,
    )


def _lookup(
    by_school: dict[tuple[Any, ...], Counts],
    totals: dict[tuple[Any, ...], Counts],
    domain: Domain,
    school: School | None,
) -> Counts | None:
    if school is None:
        return totals.get((domain.pk,))
    return by_school.get((domain.pk, school.pk))


def _by_year(
    *,
    district: District,
    figures: Figures,
    selected: Domain | None,
    schools: list[School],
    current: pl.DataFrame,
    threshold: int,
) -> tuple[ReportTable, list[tuple[str, str, float]], list[str]]:
    """Per school year: the share on or above grade level at its end (now, for this year)
    and the levels gained during it; and the share at every month end, per school."""
    if selected is None:
        return ReportTable("trends-by-school-year", "", [], []), [], []
    past = group_frame(
        district_id=district.pk, dimension=Dimension.ALL, current=False, domain_id=selected.pk
    )
    now = current.filter(pl.col("domain_id") == selected.pk)
    frame = pl.concat([past, now.with_columns(pl.lit(figures.as_of).alias("point"))])
    rules = disclosures(frame, threshold=threshold, dimension=Dimension.ALL)
    by_school = _sums(frame, ["point", "school_id"])
    totals = _sums(frame, ["point"])
    points: list[date] = sorted({p for (p,) in totals})
    ends: dict[int, date] = {}
    for point in points:
        ends[school_year_of(point)] = point  # the last point of each school year
    years = sorted(ends)

    def cell(point: date, school: School | None, value: str) -> Cell:
        rule: Disclosure | None = rules.get((selected.pk, point))
        counts = totals.get((point,)) if school is None else by_school.get((point, school.pk))
        is_hidden = rule is None or (
            rule.district_hidden if school is None else rule.school_hidden.get(school.pk, True)
        )
        if counts is None or not counts["students"]:
            return share_cell(0, 0, hidden=is_hidden)
        if value == "share":
            return share_cell(_on(counts), int(counts["students"]), hidden=is_hidden)
        return number_cell(counts["gain_sum"] / counts["students"], hidden=is_hidden)

    # The month end nearest to a year before the figures: the fair comparison with now.
    year_ago = figures.as_of - timedelta(days=365)
    earlier = [p for p in points if school_year_of(p) < figures.school_year]
    same_time = min(earlier, key=lambda p: abs((p - year_ago).days), default=None)
    body = []
    for school in (*schools, None):
        cells: list[Cell] = [
            text(school.name if school else "All schools", css="" if school else "total")
        ]
        for year in years:
            cells.append(cell(ends[year], school, "share"))
            cells.append(cell(ends[year], school, "gain"))
        if same_time is not None:
            cells.append(cell(same_time, school, "share"))
        body.append(cells)
    headers = ["School"]
    for year in years:
        label = school_year_label(year)
        end = "now" if ends[year] == figures.as_of else f"end of {label}"
        headers += [f"On or above grade level, {end}", f"Levels gained in {label}"]
    if same_time is not None:
        headers.append(f"On or above grade level a year earlier ({same_time:%-d %b %Y})")
    table = ReportTable(
        key="trends-by-school-year",
        caption=f"{selected.title} by school year",
        headers=headers,
        rows=body,
        note=YEAR_NOTE,
    )
    trend = []
    for point in points:
        rule = rules.get((selected.pk, point))
        for school in schools:
            counts = by_school.get((point, school.pk))
            if rule is None or rule.school_hidden.get(school.pk, True):
                continue
            if counts and counts["students"]:
                trend.append((school.name, point.isoformat(), _on(counts) / counts["students"]))
    series = [s.name for s in schools if any(name == s.name for name, _, _ in trend)]
    return table, trend, series
