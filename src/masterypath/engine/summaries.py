"""Where each student stands, and the counts per group that leader dashboards read.

Frames in, frames out (polars), no clock: pass ``as_of``.

**A student's standing in a domain** (``student_standings``), from the dated placements up to
``as_of``:

* ``level``: the latest placement; ``working_level = min(floor(level) + 1, 12)`` and
  ``gap = working_level - min(grade, 12)`` in whole grades, exactly as ``engine.wording``
  words them ("2 grades below"); ``band``: ``two_below`` (gap <= -2), ``one_below``,
  ``on`` (gap 0) or ``ahead`` (gap >= 1). On or above grade level means gap >= 0.
* ``gain``: levels gained this school year, ``level - baseline``, where the baseline is the
  last placement before the school year began (August 1), or the first one in it for a
  student new this year.
* ``pace``: levels per school year, ``10 * slope`` of the least-squares line of level on months
  of school over every placement (July and August do not count as time), the same number as
  ``engine.continuum.growth(...).pace``; None below two placements at different dates.
* ``few_evidence``: fewer than ``min_recent`` pieces of evidence in the domain in the
  ``recent_days`` days up to ``as_of``.

**Counts per group** (``group_counts``): for the current standing and for the standing at the
end of each month before ``as_of`` (each student's latest placement by then), per school,
domain, grade, point in time and student group: how many students, how many in each band, the
sum of their levels and of their gains this school year, and (current only) how many have too
little evidence. At a past month a student is counted in the grade they were in then (their
grade minus the school years since) and at the school they were enrolled in that year.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

from masterypath.engine.school_year import (
    SCHOOL_YEAR_MONTHS,
    month_ends,
    school_months,
    school_year_of,
    school_year_starts_on,
)
from masterypath.engine.wording import TOP_LEVEL

BANDS = ("two_below", "one_below", "on", "ahead")
ALL_STUDENTS = "all"
MIN_RECENT_EVIDENCE = 3
RECENT_DAYS = 42

PLACEMENTS_SCHEMA = {
    "student_id": pl.Int64,
    "domain_id": pl.Int64,
    "placed_on": pl.Date,
    "level": pl.Float64,
}
EVIDENCE_SCHEMA = {
    "student_id": pl.Int64,
    "domain_id": pl.Int64,
    "recent": pl.Int64,
    "this_year": pl.Int64,
    "last_on": pl.Date,
}
ENROLLED_SCHEMA = {"student_id": pl.Int64, "school_year": pl.Int64, "school_id": pl.Int64}


def _school_year(column: str) -> pl.Expr:
    day = pl.col(column)
    return (day.dt.year() + (day.dt.month() >= 8).cast(pl.Int32)).cast(pl.Int64)


def _gap(level: pl.Expr, grade: pl.Expr) -> pl.Expr:
    working = pl.min_horizontal((level + 1e-9).floor().cast(pl.Int64) + 1, pl.lit(TOP_LEVEL))
    return working - pl.min_horizontal(grade, pl.lit(TOP_LEVEL))


def _band(gap: pl.Expr) -> pl.Expr:
    return (
        pl.when(gap <= -2)
        .then(pl.lit("two_below"))
        .when(gap == -1)
        .then(pl.lit("one_below"))
        .when(gap == 0)
        .then(pl.lit("on"))
        .otherwise(pl.lit("ahead"))
    )


def _baselines(placements: pl.DataFrame, years: Sequence[int]) -> pl.DataFrame:
    """(student_id, domain_id, school_year, baseline) for each pair and each of ``years``:
    the last level before the year began, else the first level within it."""
    keys = ["student_id", "domain_id"]
    pairs = placements.select(keys).unique()
    starts = pl.DataFrame(
        {
            "school_year": list(years),
            "__before": [school_year_starts_on(y) - timedelta(days=1) for y in years],
        },
        schema={"school_year": pl.Int64, "__before": pl.Date},
    )
    grid = pairs.join(starts, how="cross").sort("__before")
    ordered = placements.sort("placed_on")
    before = grid.join_asof(
        ordered.select(*keys, "placed_on", pl.col("level").alias("__prior")),
        left_on="__before",
        right_on="placed_on",
        by=keys,
        strategy="backward",
        check_sortedness=False,  # both sides are sorted on the date above
    )
    first_in_year = (
        placements.with_columns(_school_year("placed_on").alias("school_year"))
        .sort("placed_on")
        .group_by(*keys, "school_year")
        .agg(pl.col("level").first().alias("__first"))
    )
    return before.join(first_in_year, on=[*keys, "school_year"], how="left").select(
        *keys, "school_year", pl.coalesce("__prior", "__first").alias("baseline")
    )


def _paces(placements: pl.DataFrame) -> pl.DataFrame:
    """(student_id, domain_id, pace): 10 x the least-squares slope of level on school months."""
    days = placements.get_column("placed_on").unique().sort().to_list()
    if not days:
        return pl.DataFrame(
            schema={"student_id": pl.Int64, "domain_id": pl.Int64, "pace": pl.Float64}
        )
    origin = days[0]
    months = pl.DataFrame(
        {"placed_on": days, "__x": [school_months(origin, day) for day in days]},
        schema={"placed_on": pl.Date, "__x": pl.Float64},
    )
    x = pl.col("__x")
    y = pl.col("level")
    sxx = ((x - x.mean()) ** 2).sum()
    sxy = ((x - x.mean()) * (y - y.mean())).sum()
    return (
        placements.join(months, on="placed_on")
        .group_by("student_id", "domain_id")
        .agg(sxx.alias("__sxx"), sxy.alias("__sxy"), pl.len().alias("__n"))
        .with_columns(
            pl.when((pl.col("__n") >= 2) & (pl.col("__sxx") > 1e-12))
            .then(pl.col("__sxy") / pl.col("__sxx") * SCHOOL_YEAR_MONTHS)
            .otherwise(None)
            .alias("pace")
        )
        .select("student_id", "domain_id", "pace")
    )


def student_standings(
    placements: pl.DataFrame,
    students: pl.DataFrame,
    evidence: pl.DataFrame,
    *,
    as_of: date,
    min_recent: int = MIN_RECENT_EVIDENCE,
) -> pl.DataFrame:
    """One row per (student, domain) placed by ``as_of`` (see the module): student_id,
    domain_id, school_id, grade_level, placed_on, level, working_level, gap, band, gain, pace,
    evidence_recent, evidence_year, last_evidence_on, few_evidence."""
    placements = placements.filter(pl.col("placed_on") <= as_of)
    keys = ["student_id", "domain_id"]
    latest = (
        placements.sort("placed_on")
        .group_by(keys)
        .agg(pl.col("placed_on").last(), pl.col("level").last())
        .join(students.select("student_id", "school_id", "grade_level"), on="student_id")
    )
    year = school_year_of(as_of)
    baselines = _baselines(placements, [year]).drop("school_year")
    frame = (
        latest.join(baselines, on=keys, how="left")
        .join(_paces(placements), on=keys, how="left")
        .join(evidence, on=keys, how="left")
        .with_columns(
            pl.min_horizontal(
                (pl.col("level") + 1e-9).floor().cast(pl.Int64) + 1, pl.lit(TOP_LEVEL)
            ).alias("working_level"),
            _gap(pl.col("level"), pl.col("grade_level")).alias("gap"),
            (pl.col("level") - pl.col("baseline")).alias("gain"),
            pl.col("recent").fill_null(0).alias("evidence_recent"),
            pl.col("this_year").fill_null(0).alias("evidence_year"),
            pl.col("last_on").alias("last_evidence_on"),
        )
        .with_columns(
            _band(pl.col("gap")).alias("band"),
            (pl.col("evidence_recent") < min_recent).alias("few_evidence"),
        )
    )
    return frame.select(
        "student_id",
        "domain_id",
        "school_id",
        pl.col("grade_level").cast(pl.Int64),
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
    ).sort(keys)


def monthly_standings(
    placements: pl.DataFrame,
    students: pl.DataFrame,
    enrolled: pl.DataFrame | None,
    *,
    as_of: date,
) -> pl.DataFrame:
    """Each student's standing at the end of every month before ``as_of``'s month end:
    student_id, domain_id, school_id, grade_level (then), point, level, gap, band, gain."""
    placements = placements.filter(pl.col("placed_on") <= as_of)
    schema = {
        "student_id": pl.Int64,
        "domain_id": pl.Int64,
        "school_id": pl.Int64,
        "grade_level": pl.Int64,
        "point": pl.Date,
        "level": pl.Float64,
        "gap": pl.Int64,
        "band": pl.Utf8,
        "gain": pl.Float64,
    }
    if placements.height == 0:
        return pl.DataFrame(schema=schema)
    first = placements.get_column("placed_on").min()
    if not isinstance(first, date):
        raise TypeError("placed_on must hold dates")
    points = [day for day in month_ends(first, as_of) if day < as_of]
    if not points:
        return pl.DataFrame(schema=schema)
    keys = ["student_id", "domain_id"]
    grid = (
        placements.select(keys)
        .unique()
        .join(pl.DataFrame({"point": points}, schema={"point": pl.Date}), how="cross")
        .sort("point")
    )
    at_point = grid.join_asof(
        placements.sort("placed_on").select(*keys, "placed_on", "level"),
        left_on="point",
        right_on="placed_on",
        by=keys,
        strategy="backward",
        check_sortedness=False,  # both sides are sorted on the date above
    ).filter(pl.col("level").is_not_null())
    now = school_year_of(as_of)
    years = sorted({school_year_of(day) for day in points})
    at_point = at_point.with_columns(_school_year("point").alias("school_year"))
    at_point = at_point.join(_baselines(placements, years), on=[*keys, "school_year"], how="left")
    at_point = at_point.join(
        students.select("student_id", pl.col("school_id").alias("__current"), "grade_level"),
        on="student_id",
    )
    if enrolled is not None and enrolled.height:
        yearly = enrolled.unique(subset=["student_id", "school_year"], keep="first")
        at_point = at_point.join(yearly, on=["student_id", "school_year"], how="left")
    else:
        at_point = at_point.with_columns(pl.lit(None, dtype=pl.Int64).alias("school_id"))
    at_point = at_point.with_columns(
        pl.coalesce("school_id", "__current").alias("school_id"),
        (pl.col("grade_level") - (now - pl.col("school_year"))).cast(pl.Int64).alias("grade"),
    ).with_columns(_gap(pl.col("level"), pl.col("grade")).alias("gap"))
    return at_point.select(
        "student_id",
        "domain_id",
        "school_id",
        pl.col("grade").alias("grade_level"),
        "point",
        "level",
        "gap",
        _band(pl.col("gap")).alias("band"),
        (pl.col("level") - pl.col("baseline")).alias("gain"),
    )


def group_counts(
    current: pl.DataFrame,
    monthly: pl.DataFrame,
    students: pl.DataFrame,
    *,
    as_of: date,
    dimensions: Sequence[str],
) -> pl.DataFrame:
    """Counts per school, domain, grade, point and group (see the module), long: one row per
    (dimension, group), with dimension ``"all"`` (group ``""``) for every student."""
    groups = students.select("student_id", *dimensions)
    now = current.select(
        "student_id",
        "domain_id",
        "school_id",
        "grade_level",
        pl.lit(as_of).alias("point"),
        pl.lit(True).alias("is_current"),
        "level",
        "band",
        "gain",
        "few_evidence",
    )
    past = monthly.select(
        "student_id",
        "domain_id",
        "school_id",
        "grade_level",
        "point",
        pl.lit(False).alias("is_current"),
        "level",
        "band",
        "gain",
        pl.lit(False).alias("few_evidence"),
    )
    rows = pl.concat([now, past], how="vertical_relaxed").join(groups, on="student_id")
    cell = ["school_id", "domain_id", "grade_level", "point", "is_current"]
    sums = [
        pl.len().alias("students"),
        *[(pl.col("band") == band).sum().alias(band) for band in BANDS],
        pl.col("level").sum().alias("level_sum"),
        pl.col("gain").sum().alias("gain_sum"),
        pl.col("few_evidence").sum().alias("few_evidence"),
    ]
    fine = rows.group_by(*cell, *dimensions).agg(sums)
    totals = [pl.col(name).sum() for name in ("students", *BANDS, "few_evidence")] + [
        pl.col("level_sum").sum(),
        pl.col("gain_sum").sum(),
    ]
    parts = [
        fine.group_by(cell)
        .agg(totals)
        .with_columns(pl.lit(ALL_STUDENTS).alias("dimension"), pl.lit("").alias("group"))
    ]
    parts.extend(
        fine.group_by(*cell, dimension)
        .agg(totals)
        .rename({dimension: "group"})
        .with_columns(pl.lit(dimension).alias("dimension"))
        for dimension in dimensions
    )
    columns = [*cell, "dimension", "group", "students", *BANDS, "level_sum", "gain_sum"]
    return pl.concat(
        [part.select(*columns, "few_evidence") for part in parts], how="vertical_relaxed"
    ).with_columns(pl.col("students").cast(pl.Int64), pl.col("few_evidence").cast(pl.Int64))


def section_counts(current: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """Per (section, domain): the section's students placed in the domain, how many on or
    above grade level, how many with too little evidence. ``members`` is (section_id,
    student_id) of the sections counted (this school year's)."""
    return (
        members.join(
            current.select("student_id", "domain_id", "gap", "few_evidence"), on="student_id"
        )
        .group_by("section_id", "domain_id")
        .agg(
            pl.len().cast(pl.Int64).alias("students"),
            (pl.col("gap") >= 0).sum().cast(pl.Int64).alias("on_or_above"),
            pl.col("few_evidence").sum().cast(pl.Int64).alias("few_evidence"),
        )
        .sort("section_id", "domain_id")
    )
