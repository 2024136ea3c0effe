"""Which numbers of a district's dashboards may be shown (small-group suppression).

Pages read group counts (reports.models.GroupSummary) into a frame and ask a `Disclosure`
which cells to hide. One `Disclosure` covers one domain at one point in time for one student
dimension, across the whole district, so that every page showing a number of those students
hides the same ones:

1. the schools of the district (a partition of the district's students), then
2. the groups district-wide (a partition too), then
3. the table of schools by groups, with the first two as its margins: the district page shows
   it, and each school's page shows its own row (its groups across all grades);
4. the grades of a school (a partition of the school, whose total is step 1's), then
5. the table of a school's grades by groups, with steps 3 and 4 as its margins.

Each step is `engine.equity.suppress`, which hides the small numbers and enough others that no
hidden number is the sum or difference of shown ones; passing each step's hidden margins to the
next keeps a number hidden on one page hidden on every other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from masterypath.engine.equity import suppress, suppress_groups
from masterypath.reports.groups import GROUPS
from masterypath.reports.models import Dimension, GroupSummary

GROUP_FIELDS = (
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
    "on_level",
    "ahead",
    "level_sum",
    "gain_sum",
    "few_evidence",
)
GROUP_SCHEMA = {
    "school_id": pl.Int64,
    "domain_id": pl.Int64,
    "grade_level": pl.Int64,
    "point": pl.Date,
    "is_current": pl.Boolean,
    "dimension": pl.Utf8,
    "group": pl.Utf8,
    "students": pl.Int64,
    "two_below": pl.Int64,
    "one_below": pl.Int64,
    "on_level": pl.Int64,
    "ahead": pl.Int64,
    "level_sum": pl.Float64,
    "gain_sum": pl.Float64,
    "few_evidence": pl.Int64,
}


def group_frame(
    *,
    district_id: int,
    dimension: str,
    current: bool | None = True,
    domain_id: int | None = None,
    school_id: int | None = None,
) -> pl.DataFrame:
    """Group counts of a district (or one school) for all students and one dimension, in one
    query: now (``current=True``), past month ends (False) or both (None)."""
    rows = GroupSummary.objects.filter(
        school__district_id=district_id, dimension__in={Dimension.ALL, dimension}
    )
    if current is not None:
        rows = rows.filter(is_current=current)
    if domain_id is not None:
        rows = rows.filter(domain_id=domain_id)
    if school_id is not None:
        rows = rows.filter(school_id=school_id)
    return pl.DataFrame(list(rows.values_list(*GROUP_FIELDS)), schema=GROUP_SCHEMA, orient="row")


def _totals(frame: pl.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], int]:
    if frame.height == 0:
        return {}
    summed = frame.group_by(keys).agg(pl.col("students").sum())
    return {tuple(row[:-1]): int(row[-1]) for row in summed.iter_rows()}


@dataclass
class Disclosure:
    """What to hide for one domain at one point, district-wide (see the module)."""

    threshold: int
    dimension: str
    schools: list[int]
    groups: list[str]
    school_hidden: dict[int, bool]
    district_hidden: bool
    group_hidden: dict[str, bool]
    school_group_hidden: dict[tuple[int, str], bool]
    _all: pl.DataFrame
    _by_group: pl.DataFrame
    _grades: dict[int, dict[int, bool]] = field(default_factory=dict)
    _grade_groups: dict[int, dict[tuple[int, str], bool]] = field(default_factory=dict)

    def grades_hidden(self, school_id: int) -> dict[int, bool]:
        """Step 4: which grade totals of the school to hide."""
        if school_id not in self._grades:
            counts = _totals(self._all.filter(pl.col("school_id") == school_id), ["grade_level"])
            grades = sorted(int(g) for (g,) in counts)
            hidden, _ = suppress_groups(
                [counts[(g,)] for g in grades],
                threshold=self.threshold,
                hidden_total=self.school_hidden.get(school_id, False),
            )
            self._grades[school_id] = dict(zip(grades, hidden, strict=True))
        return self._grades[school_id]

    def grade_groups_hidden(self, school_id: int) -> dict[tuple[int, str], bool]:
        """Step 5: which (grade, group) cells of the school to hide."""
        if school_id not in self._grade_groups:
            grades_hidden = self.grades_hidden(school_id)
            grades = sorted(grades_hidden)
            counts = _totals(
                self._by_group.filter(pl.col("school_id") == school_id), ["grade_level", "group"]
            )
            if not grades or not self.groups:
                self._grade_groups[school_id] = {}
                return {}
            pattern = suppress(
                [[counts.get((g, group), 0) for group in self.groups] for g in grades],
                threshold=self.threshold,
                hidden_row_totals=[grades_hidden[g] for g in grades],
                hidden_column_totals=[
                    self.school_group_hidden.get((school_id, group), False) for group in self.groups
                ],
                hidden_grand=self.school_hidden.get(school_id, False),
            )
            self._grade_groups[school_id] = {
                (g, group): bool(pattern.cells[i, j])
                for i, g in enumerate(grades)
                for j, group in enumerate(self.groups)
            }
        return self._grade_groups[school_id]


def disclosure(frame: pl.DataFrame, *, threshold: int, dimension: str) -> Disclosure:
    """The `Disclosure` of one domain at one point, from its rows of `group_frame` (every
    school of the district, dimension "all" and ``dimension``)."""
    all_rows = frame.filter(pl.col("dimension") == Dimension.ALL)
    by_group = frame.filter(pl.col("dimension") == dimension)
    school_counts = _totals(all_rows, ["school_id"])
    schools = sorted(int(s) for (s,) in school_counts)
    hidden_schools, district_hidden = suppress_groups(
        [school_counts[(s,)] for s in schools], threshold=threshold
    )
    school_hidden = dict(zip(schools, hidden_schools, strict=True))
    groups = [group.key for group in GROUPS.get(dimension, ())]
    group_counts = _totals(by_group, ["group"])
    group_hidden_list, _ = (
        suppress_groups(
            [group_counts.get((g,), 0) for g in groups],
            threshold=threshold,
            hidden_total=district_hidden,
        )
        if groups
        else ([], False)
    )
    group_hidden = dict(zip(groups, group_hidden_list, strict=True))
    school_group_hidden: dict[tuple[int, str], bool] = {}
    if groups and schools:
        cells = _totals(by_group, ["school_id", "group"])
        pattern = suppress(
            [[cells.get((s, g), 0) for g in groups] for s in schools],
            threshold=threshold,
            hidden_row_totals=hidden_schools,
            hidden_column_totals=group_hidden_list,
            hidden_grand=district_hidden,
        )
        school_group_hidden = {
            (s, g): bool(pattern.cells[i, j])
            for i, s in enumerate(schools)
            for j, g in enumerate(groups)
        }
    return Disclosure(
        threshold=threshold,
        dimension=dimension,
        schools=schools,
        groups=groups,
        school_hidden=school_hidden,
        district_hidden=district_hidden,
        group_hidden=group_hidden,
        school_group_hidden=school_group_hidden,
        _all=all_rows,
        _by_group=by_group,
    )


def disclosures(
    frame: pl.DataFrame, *, threshold: int, dimension: str
) -> dict[tuple[int, date], Disclosure]:
    """A `Disclosure` per (domain, point) of the frame."""
    result = {}
    key: tuple[Any, ...]
    for key, part in frame.group_by(["domain_id", "point"]):
        domain_id, point = key
        result[(int(domain_id), point)] = disclosure(part, threshold=threshold, dimension=dimension)
    return result
