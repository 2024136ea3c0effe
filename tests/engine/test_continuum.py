"""Roll-ups, placement and growth from hand-computed tables."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from masterypath.engine import continuum


@pytest.mark.parametrize(
    ("method", "values", "kwargs", "value", "is_proficient"),
    [
        ("mean", [3.0, 4.0, 2.0], {}, 3.0, True),
        ("mean", [3.0, None, 2.0], {}, 2.5, False),
        ("all_proficient", [3.0, 4.0, 3.5], {}, 3.0, True),
        ("all_proficient", [3.0, None, 3.5], {}, 3.0, False),
        ("points", [3.0, 4.0, 2.0], {"points_needed": 2}, 2.0, True),
        (
            "points",
            [3.0, 4.0, 2.0],
            {"points_needed": 2, "required": [False, False, True]},
            2.0,
            False,
        ),
        ("points", [3.0, 4.0, 2.0], {"points": [2, 1, 1], "points_needed": 3}, 3.0, True),
    ],
)
def test_rollup_methods(
    method: str,
    values: list[float | None],
    kwargs: dict[str, object],
    value: float,
    is_proficient: bool,
) -> None:
    """Each roll-up gives the hand-computed value and proficiency."""
    result = continuum.rollup(values, method=method, **kwargs)  # type: ignore[arg-type]
    assert result.value == pytest.approx(value)
    assert result.is_proficient is is_proficient


@pytest.mark.parametrize("method", ["mean", "all_proficient", "points"])
def test_rollup_frame_matches_rollup(method: str) -> None:
    """The batch roll-up equals the one-parent form."""
    edges = pl.DataFrame(
        {
            "parent_id": ["c1", "c1", "c1", "c2"],
            "child_id": ["a", "b", "c", "d"],
            "required": [False, False, True, False],
        }
    )
    values = pl.DataFrame(
        {
            "student_id": [1, 1, 1, 2],
            "child_id": ["a", "b", "c", "a"],
            "value": [3.0, 4.0, 2.0, 3.5],
        }
    )
    out = continuum.rollup_frame(values, edges, method=method).to_dicts()
    got = {(r["student_id"], r["parent_id"]): r for r in out}
    one = continuum.rollup([3.0, 4.0, 2.0], method=method, required=[False, False, True])
    assert got[(1, "c1")]["value"] == pytest.approx(one.value)
    assert got[(1, "c1")]["is_proficient"] == one.is_proficient
    assert got[(1, "c2")]["value"] is None
    assert got[(2, "c1")]["n_assessed"] == 1


@pytest.mark.parametrize(
    ("levels", "met", "completed", "placed"),
    [
        ([1] * 5 + [2] * 5 + [3] * 2, [1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0], 1.0, 1.75),
        ([1] * 5 + [2] * 5, [1] * 5 + [1, 1, 1, 1, 0], 2.0, 2.0),
        ([1] * 4 + [2] * 4, [1, 0, 0, 0, 1, 1, 1, 1], 0.0, 0.3125),  # a gap at level 1 stops
        ([3, 3, 4, 4], [0, 0, 0, 0], 2.0, 2.0),
    ],
)
def test_placement(levels: list[int], met: list[int], completed: float, placed: float) -> None:
    """Highest consecutively completed level plus share/threshold of the next."""
    result = continuum.placement(levels, [bool(m) for m in met])
    assert result.completed == completed
    assert result.placement == pytest.approx(placed)
    frame = pl.DataFrame(
        {
            "student_id": [1] * len(levels),
            "domain_id": ["d"] * len(levels),
            "level": levels,
            "is_proficient": [bool(m) for m in met],
        }
    )
    row = continuum.placement_frame(frame).to_dicts()[0]
    assert row["completed"] == completed
    assert row["placement"] == pytest.approx(placed)


def test_growth_on_a_straight_line() -> None:
    """Half a level a month: pace 5 school-year levels, grade level 3 months after 2.5."""
    as_of = date(2025, 1, 1)
    days = continuum.DAYS_PER_MONTH
    points = [(as_of - timedelta(days=round(m * days)), 2.5 - 0.5 * m) for m in range(6)]
    result = continuum.growth(points, as_of=as_of, grade_level=4.0)
    assert result.levels_per_month == pytest.approx(0.5, rel=1e-2)
    assert result.pace == pytest.approx(5.0, rel=1e-2)
    assert result.projected_on is not None
    assert abs((result.projected_on - as_of).days - 3 * days) <= 2
    assert result.is_slowing is False


def test_growth_flags_a_significant_slow_down() -> None:
    """A steady climb that flattens in the last three months is flagged; a noisy one is not."""
    as_of = date(2025, 6, 1)
    days = continuum.DAYS_PER_MONTH
    climb = [
        (as_of - timedelta(days=round(m * days)), 5.0 - 0.3 * (m - 2.5)) for m in (9, 8, 7, 6, 5, 4)
    ]
    flat = [
        (as_of - timedelta(days=round(m * days)), 5.0 + 0.01 * (m % 2))
        for m in (2.5, 1.5, 0.5, 0.0)
    ]
    assert continuum.growth(climb + flat, as_of=as_of).is_slowing is True
    assert continuum.growth(climb, as_of=as_of).is_slowing is False


def test_growth_ignores_placements_after_as_of() -> None:
    """No clock: only placements up to as_of count."""
    as_of = date(2025, 1, 1)
    result = continuum.growth([(as_of, 1.0), (as_of + timedelta(days=30), 2.0)], as_of=as_of)
    assert result.n_placements == 1
    assert result.levels_per_month is None


def test_growth_with_a_near_flat_slope_gives_no_projection() -> None:
    """A tiny positive slope would project beyond date.max: no projected date instead."""
    from datetime import date, timedelta

    from masterypath.engine.continuum import growth

    start = date(2026, 1, 1)
    points = [(start + timedelta(days=30 * i), 1.0 + 1e-9 * i) for i in range(6)]
    result = growth(points, as_of=start + timedelta(days=150), grade_level=9.0)
    assert result.levels_per_month is not None
    assert result.levels_per_month > 0
    assert result.projected_on is None


def test_break_months_do_not_count_as_time() -> None:
    """A flat summer (July, August) neither lowers the pace nor reads as slowing down."""
    from datetime import date

    from masterypath.engine.continuum import growth

    school_months = [(2025, m) for m in (9, 10, 11, 12)] + [(2026, m) for m in range(1, 7)]
    points = [(date(y, m, 28), 3.0 + 0.1 * i) for i, (y, m) in enumerate(school_months)]
    points += [(date(2026, 7, 28), points[-1][1]), (date(2026, 8, 28), points[-1][1])]
    points += [(date(2026, 9, 28), points[-1][1] + 0.1), (date(2026, 10, 28), points[-1][1] + 0.2)]
    with_break = growth(
        points, as_of=date(2026, 10, 28), grade_level=8.0, break_months=frozenset({7, 8})
    )
    calendar = growth(points, as_of=date(2026, 10, 28), grade_level=8.0)
    assert with_break.levels_per_month is not None
    assert calendar.levels_per_month is not None
    assert with_break.levels_per_month > calendar.levels_per_month
    assert abs(with_break.levels_per_month * 365.2425 / 12 / 30 - 0.1) < 0.02
    assert not with_break.is_slowing
    assert with_break.projected_on is not None
    assert with_break.projected_on.month not in {7, 8}


def test_earlier_window_ignores_a_fast_start() -> None:
    """A fast first climb (cold start) then a steady pace is not slowing down when the earlier
    slope is read over the months just before the recent window."""
    from datetime import date, timedelta

    from masterypath.engine.continuum import growth

    start = date(2025, 1, 1)
    levels = [0.0, 0.6, 1.2, 1.8] + [1.8 + 0.1 * i for i in range(1, 12)]
    points = [(start + timedelta(days=30 * i), level) for i, level in enumerate(levels)]
    as_of = points[-1][0]
    assert growth(points, as_of=as_of).is_slowing
    assert not growth(points, as_of=as_of, earlier_months=6.0).is_slowing
