"""Roll-ups, continuum placement and growth.

* Roll-ups (target -> competency -> domain): ``mean`` of the children's values, ``all_proficient``
  (the value is the lowest child, so it is proficient exactly when every child is), and
  ``points`` (each proficient child earns its points; the parent is proficient with enough
  points and every required child proficient).
* Placement: per domain, the highest continuum level ``L`` such that at every level up to ``L``
  at least ``share`` (default 0.8) of the targets are proficient, plus the fraction
  ``share_(L+1) / share`` of the way into the next level (so the placement rises smoothly and
  reaches ``L + 1`` exactly when level ``L + 1`` is complete).
* Growth: levels per month by least squares over dated placements; pace against an expected
  one level per school year; the projected date of reaching grade level; a slowing-down flag
  when the recent slope is significantly below the student's own earlier slope (one-sided
  t-test on the difference of two least-squares slopes, alpha 0.05).

No clock: pass ``as_of``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

DAYS_PER_MONTH = 365.2425 / 12.0
MAX_PROJECTION_DAYS = 365.2425 * 50  # projections further out than 50 years are not given

# one-sided 95% critical values of Student's t for 1..30 degrees of freedom
_T_95 = (
    6.314,
    2.920,
    2.353,
    2.132,
    2.015,
    1.943,
    1.895,
    1.860,
    1.833,
    1.812,
    1.796,
    1.782,
    1.771,
    1.761,
    1.753,
    1.746,
    1.740,
    1.734,
    1.729,
    1.725,
    1.721,
    1.717,
    1.714,
    1.711,
    1.708,
    1.706,
    1.703,
    1.701,
    1.699,
    1.697,
)


def _t_critical(dof: int) -> float:
    return _T_95[dof - 1] if dof <= len(_T_95) else 1.645


# ---------------------------------------------------------------------------------------------
# Roll-ups


@dataclass(frozen=True, slots=True)
class Rollup:
    """A parent's value and whether it counts as proficient (None: nothing assessed)."""

    value: float | None
    is_proficient: bool | None
    n_children: int
    n_assessed: int


def rollup(
    values: Sequence[float | None],
    *,
    method: str = "mean",
    proficient: float = 3.0,
    required: Sequence[bool] | None = None,
    points: Sequence[float] | None = None,
    points_needed: float | None = None,
) -> Rollup:
    """Roll children's values up to their parent.

    ``mean``: mean of assessed children, proficient when it reaches ``proficient``.
    ``all_proficient``: the lowest child (None children count as not proficient).
    ``points``: the sum of ``points`` (default 1 each) of proficient children; proficient when it
    reaches ``points_needed`` (default: all points) and every ``required`` child is proficient.
    """
    n = len(values)
    assessed = [v for v in values if v is not None]
    if not assessed:
        return Rollup(None, None, n, 0)
    is_met = [v is not None and v >= proficient for v in values]
    if method == "mean":
        value = float(np.mean(assessed))
        return Rollup(value, value >= proficient, n, len(assessed))
    if method == "all_proficient":
        value = float(min(assessed))
        return Rollup(value, all(is_met), n, len(assessed))
    if method == "points":
        weights = list(points) if points is not None else [1.0] * n
        earned = math.fsum(w for w, met in zip(weights, is_met, strict=True) if met)
        needed = math.fsum(weights) if points_needed is None else points_needed
        flags = list(required) if required is not None else [False] * n
        required_met = all(met for met, req in zip(is_met, flags, strict=True) if req)
        return Rollup(earned, earned >= needed - 1e-12 and required_met, n, len(assessed))
    raise ValueError(f"Unknown roll-up method {method!r}: mean, all_proficient or points")


def rollup_frame(
    values: pl.DataFrame,
    edges: pl.DataFrame,
    *,
    method: str = "mean",
    proficient: float = 3.0,
    points_needed: Mapping[object, float] | None = None,
) -> pl.DataFrame:
    """Batch roll-up: ``values`` (student_id, child_id, value) through ``edges`` (parent_id,
    child_id, optional ``required`` and ``points``) to (student_id, parent_id, value,
    is_proficient, n_children, n_assessed). Children without a value count as not assessed.
    """
    edge_cols = edges.with_columns(
        *([] if "required" in edges.columns else [pl.lit(False).alias("required")]),
        *([] if "points" in edges.columns else [pl.lit(1.0).alias("points")]),
    )
    students = values.select("student_id").unique()
    grid = students.join(edge_cols, how="cross").join(
        values, on=["student_id", "child_id"], how="left"
    )
    met = pl.col("value").is_not_null() & (pl.col("value") >= proficient)
    aggregations = [pl.len().alias("n_children"), pl.col("value").count().alias("n_assessed")]
    if method == "mean":
        aggregations += [pl.col("value").mean().alias("value")]
    elif method == "all_proficient":
        aggregations += [pl.col("value").min().alias("value"), met.all().alias("__all")]
    elif method == "points":
        aggregations += [
            pl.when(met).then(pl.col("points")).otherwise(0.0).sum().alias("value"),
            pl.col("points").sum().alias("__total"),
            (met | ~pl.col("required")).all().alias("__required"),
        ]
    else:
        raise ValueError(f"Unknown roll-up method {method!r}: mean, all_proficient or points")
    out = grid.group_by(["student_id", "parent_id"]).agg(aggregations)
    if method == "mean":
        flag = pl.col("value") >= proficient
    elif method == "all_proficient":
        flag = pl.col("__all")
    else:
        needed = pl.col("__total")
        if points_needed:
            needed = pl.col("parent_id").replace_strict(
                dict(points_needed), default=pl.col("__total"), return_dtype=pl.Float64
            )
        flag = (pl.col("value") >= needed - 1e-12) & pl.col("__required")
    out = out.with_columns(
        pl.when(pl.col("n_assessed") > 0).then(flag).otherwise(None).alias("is_proficient"),
        pl.when(pl.col("n_assessed") > 0).then(pl.col("value")).otherwise(None).alias("value"),
    )
    return out.select(
        "student_id", "parent_id", "value", "is_proficient", "n_children", "n_assessed"
    ).sort(["student_id", "parent_id"])


# ---------------------------------------------------------------------------------------------
# Placement


@dataclass(frozen=True, slots=True)
class Placement:
    """``completed``: the highest level completed consecutively (``levels[0] - 1`` if none);
    ``placement``: completed plus the fraction of the way into the next level."""

    completed: float
    placement: float
    share_by_level: tuple[tuple[float, float], ...]


def placement(
    levels: Sequence[float], is_proficient: Sequence[bool], *, share: float = 0.8
) -> Placement:
    """Continuum placement of one student in one domain.

    ``levels[i]`` is the continuum level of target ``i``, ``is_proficient[i]`` whether the student
    is proficient on it (unassessed targets count as not proficient). Formula:
    ``completed = max L with share_l >= share for every l <= L``;
    ``placement = completed + (next - completed) * min(share_next / share, 1)``.
    """
    if not 0.0 < share <= 1.0:
        raise ValueError("share must lie in (0, 1]")
    level_array = np.asarray(levels, dtype=np.float64)
    met = np.asarray(is_proficient, dtype=bool)
    distinct = np.unique(level_array)
    shares = [float(met[level_array == level].mean()) for level in distinct]
    completed = float(distinct[0] - 1.0) if distinct.size else 0.0
    result = completed
    for level, level_share in zip(distinct.tolist(), shares, strict=True):
        if level_share >= share - 1e-12:
            completed = result = float(level)
            continue
        result = completed + (level - completed) * min(level_share / share, 1.0)
        break
    return Placement(completed, result, tuple(zip(distinct.tolist(), shares, strict=True)))


def placement_frame(frame: pl.DataFrame, *, share: float = 0.8) -> pl.DataFrame:
    """Batch placement: ``frame`` (student_id, domain_id, level, is_proficient), one row per
    target of the domain, to (student_id, domain_id, completed, placement)."""
    shares = frame.group_by(["student_id", "domain_id", "level"]).agg(
        pl.col("is_proficient").fill_null(False).cast(pl.Float64).mean().alias("share")
    )
    return placement_from_shares(shares, share=share)


def placement_from_shares(shares: pl.DataFrame, *, share: float = 0.8) -> pl.DataFrame:
    """Batch placement from (student_id, domain_id, level, share): the share of the level's
    targets the student is proficient on, one row per level (the same formula as
    ``placement``). Useful when targets are counted rather than listed one by one."""
    by_level = shares.sort(["student_id", "domain_id", "level"])
    keys = ["student_id", "domain_id"]
    by_level = by_level.with_columns(
        (pl.col("share") >= share - 1e-12).cast(pl.Int8).cum_min().over(keys).alias("__done"),
        (pl.col("level").first().over(keys) - 1.0).alias("__base"),
    )
    completed = (
        by_level.filter(pl.col("__done") == 1)
        .group_by(keys)
        .agg(pl.col("level").max().cast(pl.Float64).alias("completed"))
    )
    following = (
        by_level.filter(pl.col("__done") == 0)
        .group_by(keys)
        .agg(
            pl.col("level").first().cast(pl.Float64).alias("__next"),
            pl.col("share").first().alias("__share"),
        )
    )
    base = by_level.group_by(keys).agg(pl.col("__base").first().cast(pl.Float64))
    out = base.join(completed, on=keys, how="left").join(following, on=keys, how="left")
    out = out.with_columns(pl.coalesce("completed", "__base").alias("completed"))
    return (
        out.with_columns(
            pl.when(pl.col("__next").is_null())
            .then(pl.col("completed"))
            .otherwise(
                pl.col("completed")
                + (pl.col("__next") - pl.col("completed"))
                * pl.min_horizontal(pl.col("__share") / share, pl.lit(1.0))
            )
            .alias("placement")
        )
        .select(*keys, "completed", "placement")
        .sort(keys)
    )


# A level counts toward a student's placement from the first level on which they have evidence
# on at least this share of the targets.
MIN_COVERAGE = 0.5


def placements_from_estimates(
    estimates: pl.DataFrame, totals: pl.DataFrame, *, min_coverage: float = MIN_COVERAGE
) -> pl.DataFrame:
    """Placement per (student, domain) from current estimates.

    ``estimates``: (student_id, domain_id, level, is_proficient), one row per assessed
    top-level target; ``totals``: (domain_id, level, n_targets), every target of each level.
    Every target of a level counts (unassessed ones as not yet proficient), from the first
    level the student has evidence on at least ``min_coverage`` of the targets of (else the
    lowest level with any evidence) upward; levels below it count as completed, as prior
    learning. Then ``placement_from_shares`` with share_l = proficient_l / n_targets_l.
    Returns (student_id, domain_id, completed, placement).
    """
    proficient = (
        estimates.group_by("student_id", "domain_id", "level")
        .agg(pl.col("is_proficient").sum().alias("n_proficient"), pl.len().alias("n_assessed"))
        .join(totals, on=["domain_id", "level"], how="left")
    )
    covered = pl.col("n_assessed") >= min_coverage * pl.col("n_targets").fill_null(1)
    lowest = proficient.group_by("student_id", "domain_id").agg(
        pl.coalesce(pl.col("level").filter(covered).min(), pl.col("level").min()).alias("lowest")
    )
    proficient = proficient.select("student_id", "domain_id", "level", "n_proficient")
    levels = lowest.join(totals, on="domain_id").filter(pl.col("level") >= pl.col("lowest"))
    shares = levels.join(proficient, on=["student_id", "domain_id", "level"], how="left")
    shares = shares.with_columns(
        (pl.col("n_proficient").fill_null(0) / pl.col("n_targets")).alias("share")
    ).select("student_id", "domain_id", "level", "share")
    return placement_from_shares(shares)


def placement_of_counts(
    assessed: Mapping[float, tuple[int, int]],
    totals: Mapping[float, int],
    *,
    share: float = 0.8,
    min_coverage: float = MIN_COVERAGE,
) -> tuple[float, float] | None:
    """One student's placement in one domain, the rule of ``placements_from_estimates`` on
    counts: ``assessed[level] = (n_assessed, n_proficient)`` over the assessed top-level
    targets of each level, ``totals[level]`` the targets of each level. Returns (completed,
    placement), the same floats the frame version gives, or None when no level of
    ``totals`` lies at or above the lowest counted level (nothing to place on).

    Pure Python: one student in one domain is a few dozen numbers, where a data frame costs
    more to build than the sums.
    """
    if not assessed:
        return None
    covered = [
        level
        for level, (n_assessed, _) in assessed.items()
        if n_assessed >= min_coverage * totals.get(level, 1)
    ]
    lowest = min(covered) if covered else min(assessed)
    levels = sorted(level for level in totals if level >= lowest)
    if not levels:
        return None
    completed = levels[0] - 1.0
    for level in levels:
        level_share = assessed.get(level, (0, 0))[1] / totals[level]
        if level_share >= share - 1e-12:
            completed = level
            continue
        return completed, completed + (level - completed) * min(level_share / share, 1.0)
    return completed, completed


# ---------------------------------------------------------------------------------------------
# Growth


@dataclass(frozen=True, slots=True)
class Growth:
    """Growth of one student in one domain as of a date."""

    levels_per_month: float | None
    pace: float | None  # levels_per_month / expected levels per month (1.0 = on pace)
    current_level: float | None
    projected_on: date | None  # when grade level is reached at this slope; as_of if reached
    is_slowing: bool
    earlier_slope: float | None
    recent_slope: float | None
    n_placements: int


def _slope(months: np.ndarray, levels: np.ndarray) -> tuple[float, float, float] | None:
    """Least-squares (slope, intercept, standard error of the slope); None below 2 points."""
    n = months.size
    if n < 2:
        return None
    centred = months - months.mean()
    sxx = float(np.dot(centred, centred))
    if sxx <= 0.0:
        return None
    slope = float(np.dot(centred, levels - levels.mean()) / sxx)
    intercept = float(levels.mean() - slope * months.mean())
    if n < 3:
        return slope, intercept, math.inf
    residuals = levels - (intercept + slope * months)
    variance = float(np.dot(residuals, residuals)) / (n - 2)
    return slope, intercept, math.sqrt(variance / sxx)


def _school_days(start: date, end: date, break_months: frozenset[int]) -> float:
    """Days from ``start`` to ``end`` (``start <= end``) outside the break months."""
    if not break_months:
        return float((end - start).days)
    days = 0
    day = start
    while day < end:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        stop = min(following, end)
        if day.month not in break_months:
            days += (stop - day).days
        day = stop
    return float(days)


def _after_school_days(start: date, days: float, break_months: frozenset[int]) -> date:
    """The date ``days`` school days after ``start`` (break months skipped)."""
    if len(break_months) >= 12:
        raise ValueError("break_months must leave some months of school")
    remaining = days
    day = start
    while True:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        span = (following - day).days
        if day.month not in break_months:
            if remaining <= span:
                return day + timedelta(days=remaining)
            remaining -= span
        day = following


def growth(
    placements: Sequence[tuple[date, float]],
    *,
    as_of: date,
    grade_level: float | None = None,
    school_year_months: float = 10.0,
    recent_months: float = 3.0,
    min_points: int = 3,
    break_months: frozenset[int] = frozenset(),
    earlier_months: float | None = None,
) -> Growth:
    """Levels per month, pace, projection and slowing-down flag from dated placements.

    ``levels_per_month`` is the least-squares slope of level on time (months) over placements
    up to ``as_of``; ``pace = slope * school_year_months`` (one level per school year of
    ``school_year_months`` months = 1.0). ``projected_on = as_of + (grade_level - current) /
    slope`` months when the slope is positive. ``is_slowing``: with at least ``min_points``
    placements before and within the last ``recent_months``, the recent slope is below the
    earlier one by more than ``t_0.95 * sqrt(se_1^2 + se_2^2)`` (Welch-style dof).

    ``earlier_months`` limits the earlier slope to that many months before the recent window
    (None: all earlier history). A rolling window compares the student with their recent past
    rather than with their first months in the system, when placements climb fast while
    evidence accumulates.

    ``break_months`` (e.g. ``{7, 8}`` for a US summer) do not count as time: slopes are per
    month of school, so a summer without evidence neither lowers the pace nor reads as slowing
    down, and the projection skips breaks.
    """
    points = sorted((day, level) for day, level in placements if day <= as_of)
    if not points:
        return Growth(None, None, None, None, False, None, None, 0)
    months = np.array(
        [-_school_days(day, as_of, break_months) / DAYS_PER_MONTH for day, _ in points]
    )
    levels = np.array([level for _, level in points], dtype=np.float64)
    current = float(levels[-1])
    fit = _slope(months, levels)
    slope = fit[0] if fit else None
    pace = slope * school_year_months if slope is not None else None
    projected: date | None = None
    if grade_level is not None:
        if current >= grade_level:
            projected = as_of
        elif slope is not None and slope > 0:
            days = (grade_level - current) / slope * DAYS_PER_MONTH
            # A near-flat slope projects past any useful horizon (and past date.max): none.
            if days <= MAX_PROJECTION_DAYS:
                projected = _after_school_days(as_of, days, break_months)
    recent = months > -recent_months
    earlier = ~recent
    if earlier_months is not None:
        earlier &= months > -(recent_months + earlier_months)
    earlier_fit = _slope(months[earlier], levels[earlier])
    recent_fit = _slope(months[recent], levels[recent])
    is_slowing = False
    if (
        earlier_fit
        and recent_fit
        and int(earlier.sum()) >= min_points
        and int(recent.sum()) >= min_points
    ):
        difference = recent_fit[0] - earlier_fit[0]
        se = math.hypot(earlier_fit[2], recent_fit[2])
        dof = int(earlier.sum()) + int(recent.sum()) - 4
        is_slowing = difference < 0 and (se == 0.0 or difference / se < -_t_critical(max(dof, 1)))
    return Growth(
        slope,
        pace,
        current,
        projected,
        is_slowing,
        earlier_fit[0] if earlier_fit else None,
        recent_fit[0] if recent_fit else None,
        len(points),
    )
