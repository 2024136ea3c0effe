"""Equity views: every aggregate of the school and district dashboards by student group, with
small groups hidden (reports.disclosure) and the gap between each group and all students, now
and over time.

A scope is one school (the principal's page) or the whole district (the district page); the
same `Disclosure` decides what either may show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from masterypath.continuum.models import Domain
from masterypath.engine.equity import gap_points, share
from masterypath.engine.school_year import school_year_label, school_year_of
from masterypath.reports.dashboard_base import (
    FEW_EVIDENCE_RULE,
    GAIN_RULE,
    ON_LEVEL_RULE,
    Figures,
    domains_in,
    domains_left_out,
    grade_heading,
    pick_domain,
)
from masterypath.reports.disclosure import Disclosure, disclosures, group_frame
from masterypath.reports.groups import GROUPS, Group, dimension_label
from masterypath.reports.models import Dimension
from masterypath.reports.tables import (
    Cell,
    ReportTable,
    count_cell,
    number_cell,
    points_cell,
    share_cell,
    text_cell,
)
from masterypath.schools.models import District, School

SUPPRESSION_NOTE = (
    "Groups of fewer than {threshold} students are hidden, and so is at least one other "
    "number wherever a hidden one could otherwise be worked out from the totals and the "
    "numbers shown."
)
GAP_RULE = (
    "The gap is the group's share on or above grade level minus that of all students, in "
    "percentage points: negative when the group does less well."
)


@dataclass(frozen=True)
class Scope:
    """One school (``school`` set) or the whole district."""

    district: District
    school: School | None = None

    def rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        if self.school is None:
            return frame
        return frame.filter(pl.col("school_id") == self.school.pk)

    def total_hidden(self, rule: Disclosure | None) -> bool:
        if rule is None:
            return True
        if self.school is None:
            return rule.district_hidden
        return rule.school_hidden.get(self.school.pk, True)

    def group_hidden(self, rule: Disclosure | None, group: str) -> bool:
        if rule is None:
            return True
        if self.school is None:
            return rule.group_hidden.get(group, True)
        return rule.school_group_hidden.get((self.school.pk, group), True)


@dataclass(frozen=True)
class GroupValue:
    """One group's share on or above grade level (None: hidden or empty) and its gap."""

    key: str
    label: str
    students: int | None
    share: float | None
    gap: float | None
    is_hidden: bool = False


@dataclass(frozen=True)
class EquityView:
    scope: Scope
    figures: Figures
    threshold: int
    dimension: str
    dimension_label: str
    domains: list[Domain]
    left_out: list[Domain]
    selected: Domain | None
    overview: ReportTable
    gaps: ReportTable
    gap_values: list[GroupValue]
    all_share: float | None
    gap_trend: list[tuple[str, str, float]]
    gap_series: list[str]
    by_place: ReportTable
    growth: ReportTable
    coverage: ReportTable
    note: str

    def tables(self) -> dict[str, ReportTable]:
        tables = [self.overview, self.gaps, self.by_place, self.growth, self.coverage]
        return {table.key: table for table in tables}


def _sum_by(frame: pl.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], dict[str, float]]:
    if frame.height == 0:
        return {}
    columns = ["students", "on_level", "ahead", "gain_sum", "few_evidence"]
    if not keys:
        totals = frame.select([pl.col(c).sum() for c in columns]).row(0, named=True)
        return {(): dict(totals)}
    summed = frame.group_by(keys).agg([pl.col(c).sum() for c in columns])
    return {
        tuple(row[k] for k in keys): {c: row[c] for c in columns}
        for row in summed.iter_rows(named=True)
    }


def equity_view(
    *,
    scope: Scope,
    figures: Figures,
    dimension: str,
    domain_id: object = None,
) -> EquityView:
    """Every aggregate of the scope by the groups of ``dimension``, as of the figures."""
    if dimension == Dimension.ALL or dimension not in GROUPS:
        raise ValueError(f"No student groups called {dimension!r}")
    threshold = scope.district.min_group_size
    current = group_frame(district_id=scope.district.pk, dimension=dimension, current=True)
    rules = {
        domain: rule
        for (domain, _), rule in disclosures(
            current, threshold=threshold, dimension=dimension
        ).items()
    }
    mine = scope.rows(current)
    domains = domains_in(mine, min_students=threshold)
    left_out = domains_left_out(mine, domains)
    selected = pick_domain(domains, domain_id)
    everyone = _sum_by(mine.filter(pl.col("dimension") == Dimension.ALL), ["domain_id"])
    by_group = _sum_by(mine.filter(pl.col("dimension") == dimension), ["domain_id", "group"])
    groups = GROUPS[dimension]
    empty = {"students": 0, "on_level": 0, "ahead": 0, "gain_sum": 0.0, "few_evidence": 0}

    def group_table(
        key: str, caption: str, cell_of: Callable[[dict[str, float], bool], Cell], note: str
    ) -> ReportTable:
        body: list[list[Cell]] = []
        for group in (None, *groups):
            label = "All students" if group is None else group.label
            cells: list[Cell] = [text_cell(label, css="total" if group is None else "")]
            for domain in domains:
                rule = rules.get(domain.pk)
                if group is None:
                    counts = everyone.get((domain.pk,), empty)
                    is_hidden = scope.total_hidden(rule)
                else:
                    counts = by_group.get((domain.pk, group.key), empty)
                    is_hidden = scope.group_hidden(rule, group.key)
                cells.append(cell_of(counts, is_hidden))
            body.append(cells)
        return ReportTable(
            key=key,
            caption=caption,
            headers=[dimension_label(dimension), *(d.title for d in domains)],
            rows=body,
            note=note,
        )

    label = dimension_label(dimension).lower()
    overview = group_table(
        "on-grade-level-by-group",
        f"Students on or above grade level by {label}",
        lambda c, h: share_cell(int(c["on_level"] + c["ahead"]), int(c["students"]), hidden=h),
        ON_LEVEL_RULE,
    )
    growth = group_table(
        "growth-by-group",
        f"Grade levels gained since the school year began, on average, by {label}",
        lambda c, h: number_cell(
            c["gain_sum"] / c["students"] if c["students"] else None, hidden=h
        ),
        GAIN_RULE,
    )
    coverage = group_table(
        "evidence-coverage-by-group",
        f"Students with too little evidence by {label}",
        lambda c, h: share_cell(int(c["few_evidence"]), int(c["students"]), hidden=h),
        FEW_EVIDENCE_RULE,
    )
    values, all_share = _group_values(scope, rules, everyone, by_group, groups, selected)
    trend, series, last_year_gap = _gap_trend(
        scope=scope,
        dimension=dimension,
        selected=selected,
        figures=figures,
        threshold=threshold,
        now=values,
    )
    gaps = _gap_table(selected, values, last_year_gap, figures)
    rule = rules.get(selected.pk) if selected is not None else None
    by_place = (
        _by_school_table(scope, rule, current, selected, groups, label)
        if scope.school is None and selected is not None
        else _by_grade_table(scope, rule, mine, selected, groups, label)
    )
    return EquityView(
        scope=scope,
        figures=figures,
        threshold=threshold,
        dimension=dimension,
        dimension_label=dimension_label(dimension),
        domains=domains,
        left_out=left_out,
        selected=selected,
        overview=overview,
        gaps=gaps,
        gap_values=values,
        all_share=all_share,
        gap_trend=trend,
        gap_series=series,
        by_place=by_place,
        growth=growth,
        coverage=coverage,
        note=SUPPRESSION_NOTE.format(threshold=threshold),
    )


def _group_values(
    scope: Scope,
    rules: dict[int, Disclosure],
    everyone: dict[tuple[Any, ...], dict[str, float]],
    by_group: dict[tuple[Any, ...], dict[str, float]],
    groups: tuple[Group, ...],
    selected: Domain | None,
) -> tuple[list[GroupValue], float | None]:
    if selected is None:
        return [], None
    rule = rules.get(selected.pk)
    total = everyone.get((selected.pk,))
    all_share = None
    if total and not scope.total_hidden(rule):
        all_share = share(int(total["on_level"] + total["ahead"]), int(total["students"]))
    values = []
    for group in groups:
        key, label = group.key, group.label
        counts = by_group.get((selected.pk, key))
        if not counts or not counts["students"]:
            values.append(GroupValue(key, label, 0, None, None))
            continue
        if scope.group_hidden(rule, key):
            values.append(GroupValue(key, label, None, None, None, is_hidden=True))
            continue
        value = share(int(counts["on_level"] + counts["ahead"]), int(counts["students"]))
        values.append(
            GroupValue(key, label, int(counts["students"]), value, gap_points(value, all_share))
        )
    return values, all_share


def _gap_trend(
    *,
    scope: Scope,
    dimension: str,
    selected: Domain | None,
    figures: Figures,
    threshold: int,
    now: list[GroupValue],
) -> tuple[list[tuple[str, str, float]], list[str], dict[str, float]]:
    """Each group's gap at every past month end and now, hidden points left out; and the gap
    at the last month end of the previous school year."""
    if selected is None:
        return [], [], {}
    past = group_frame(
        district_id=scope.district.pk, dimension=dimension, current=False, domain_id=selected.pk
    )
    rules = disclosures(past, threshold=threshold, dimension=dimension)
    mine = scope.rows(past)
    everyone = _sum_by(mine.filter(pl.col("dimension") == Dimension.ALL), ["point"])
    by_group = _sum_by(mine.filter(pl.col("dimension") == dimension), ["point", "group"])
    labels = {group.key: group.label for group in GROUPS[dimension]}
    trend: list[tuple[str, str, float]] = []
    last_year = school_year_of(figures.as_of) - 1
    last_points = sorted(p for (p,) in everyone if school_year_of(p) == last_year)
    end_of_last_year = last_points[-1] if last_points else None
    last_year_gap: dict[str, float] = {}
    for (point,), total in sorted(everyone.items()):
        rule = rules.get((selected.pk, point))
        if scope.total_hidden(rule) or not total["students"]:
            continue
        all_share = share(int(total["on_level"] + total["ahead"]), int(total["students"]))
        for key, label in labels.items():
            counts = by_group.get((point, key))
            if not counts or not counts["students"] or scope.group_hidden(rule, key):
                continue
            value = share(int(counts["on_level"] + counts["ahead"]), int(counts["students"]))
            gap = gap_points(value, all_share)
            if gap is None:
                continue
            trend.append((label, point.isoformat(), gap))
            if point == end_of_last_year:
                last_year_gap[key] = gap
    trend.extend(
        (value.label, figures.as_of.isoformat(), value.gap)
        for value in now
        if value.gap is not None
    )
    series = [label for label in labels.values() if any(s == label for s, _, _ in trend)]
    return trend, series, last_year_gap


def _gap_table(
    selected: Domain | None,
    values: list[GroupValue],
    last_year_gap: dict[str, float],
    figures: Figures,
) -> ReportTable:
    last_year = school_year_label(figures.school_year - 1)
    body = []
    for value in values:
        hidden = value.is_hidden
        before = last_year_gap.get(value.key)
        change = None if value.gap is None or before is None else value.gap - before
        body.append(
            [
                text_cell(value.label),
                count_cell(value.students or 0, hidden=hidden),
                share_cell(
                    round((value.share or 0) * (value.students or 0)),
                    value.students or 0,
                    hidden=hidden,
                    detail=False,
                ),
                points_cell(value.gap, hidden=hidden),
                points_cell(before, hidden=hidden),
                points_cell(change, hidden=hidden),
            ]
        )
    title = selected.title if selected else ""
    return ReportTable(
        key="gaps",
        caption=f"Gaps to all students in {title}: now and at the end of {last_year}",
        headers=[
            "Group",
            "Students",
            "On or above grade level",
            "Gap now",
            f"Gap at the end of {last_year}",
            "Change",
        ],
        rows=body,
        note=GAP_RULE,
    )


def _by_grade_table(
    scope: Scope,
    rule: Disclosure | None,
    mine: pl.DataFrame,
    selected: Domain | None,
    groups: tuple[Group, ...],
    label: str,
) -> ReportTable:
    """A school's grades by groups in the selected domain (the disclosure's step 5)."""
    if selected is None or scope.school is None:
        return ReportTable("on-grade-level-by-grade-and-group", "", [], [])
    frame = mine.filter(pl.col("domain_id") == selected.pk)
    everyone = _sum_by(frame.filter(pl.col("dimension") == Dimension.ALL), ["grade_level"])
    by_group = _sum_by(frame.filter(pl.col("dimension") != Dimension.ALL), ["grade_level", "group"])
    grades = sorted(int(g) for (g,) in everyone)
    school_id = scope.school.pk
    grade_hidden = rule.grades_hidden(school_id) if rule else {}
    cell_hidden = rule.grade_groups_hidden(school_id) if rule else {}
    totals = _sum_by(frame.filter(pl.col("dimension") != Dimension.ALL), ["group"])
    all_total = _sum_by(frame.filter(pl.col("dimension") == Dimension.ALL), [])
    body: list[list[Cell]] = []
    for grade in (*grades, None):
        cells: list[Cell] = [
            text_cell(grade_heading(grade), css="")
            if grade is not None
            else text_cell("All grades", css="total")
        ]
        if grade is None:
            total = all_total.get((), {"students": 0, "on_level": 0, "ahead": 0})
            hidden = scope.total_hidden(rule)
        else:
            total = everyone.get((grade,), {"students": 0, "on_level": 0, "ahead": 0})
            hidden = grade_hidden.get(grade, True)
        cells.append(_share(total, hidden))
        for group in groups:
            key = group.key
            if grade is None:
                counts = totals.get((key,))
                hidden = scope.group_hidden(rule, key)
            else:
                counts = by_group.get((grade, key))
                hidden = cell_hidden.get((grade, key), True)
            cells.append(_share(counts, hidden))
        body.append(cells)
    return ReportTable(
        key="on-grade-level-by-grade-and-group",
        caption=f"On or above grade level in {selected.title} by grade and {label}",
        headers=["Grade", "All students", *(g.label for g in groups)],
        rows=body,
    )


def _by_school_table(
    scope: Scope,
    rule: Disclosure | None,
    current: pl.DataFrame,
    selected: Domain,
    groups: tuple[Group, ...],
    label: str,
) -> ReportTable:
    """The district's schools by groups in the selected domain (the disclosure's step 3)."""
    frame = current.filter(pl.col("domain_id") == selected.pk)
    everyone = _sum_by(frame.filter(pl.col("dimension") == Dimension.ALL), ["school_id"])
    by_group = _sum_by(frame.filter(pl.col("dimension") != Dimension.ALL), ["school_id", "group"])
    totals = _sum_by(frame.filter(pl.col("dimension") != Dimension.ALL), ["group"])
    all_total = _sum_by(frame.filter(pl.col("dimension") == Dimension.ALL), [])
    schools = School.objects.filter(pk__in=[s for (s,) in everyone]).order_by("grade_low", "name")
    body: list[list[Cell]] = []
    for school in (*schools, None):
        cells: list[Cell] = [
            text_cell(school.name if school else "All schools", css="" if school else "total")
        ]
        if school is None:
            total = all_total.get(())
            hidden = rule.district_hidden if rule else True
        else:
            total = everyone.get((school.pk,))
            hidden = rule.school_hidden.get(school.pk, True) if rule else True
        cells.append(_share(total, hidden))
        for group in groups:
            key = group.key
            if school is None:
                counts = totals.get((key,))
                hidden = scope.group_hidden(rule, key)
            else:
                counts = by_group.get((school.pk, key))
                hidden = rule.school_group_hidden.get((school.pk, key), True) if rule else True
            cells.append(_share(counts, hidden))
        body.append(cells)
    return ReportTable(
        key="on-grade-level-by-school-and-group",
        caption=f"On or above grade level in {selected.title} by school and {label}",
        headers=["School", "All students", *(g.label for g in groups)],
        rows=body,
    )


def _share(counts: dict[str, float] | None, hidden: bool) -> Cell:
    if counts is None:
        return share_cell(0, 0, hidden=hidden)
    part = int(counts["on_level"] + counts["ahead"])
    return share_cell(part, int(counts["students"]), hidden=hidden)
