"""Goal progress from estimates: mean level, targets reached, met when all are."""

from __future__ import annotations

import polars as pl
import pytest

from masterypath.engine.goals import goal_progress


def _frame(rows: list[tuple[int, int, float | None, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "goal_id": pl.Int64,
            "target_id": pl.Int64,
            "value": pl.Float64,
            "target_level": pl.Float64,
        },
        orient="row",
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([(1, 10, 3.0, 3.0)], (3.0, 1, 1, True)),
        ([(1, 10, 2.0, 3.0), (1, 11, 4.0, 3.0)], (3.0, 1, 2, False)),
        ([(1, 10, 3.5, 3.0), (1, 11, 3.0, 3.0)], (3.25, 2, 2, True)),
        ([(1, 10, None, 3.0), (1, 11, 3.0, 3.0)], (3.0, 1, 2, False)),
        ([(1, 10, None, 3.0)], (None, 0, 1, False)),
        ([(1, 10, 3.9, 4.0)], (3.9, 0, 1, False)),
    ],
)
def test_goal_progress_by_hand(
    rows: list[tuple[int, int, float | None, float]],
    expected: tuple[float | None, int, int, bool],
) -> None:
    row = goal_progress(_frame(rows)).row(0)
    assert row[0] == 1
    assert row[1] == (pytest.approx(expected[0]) if expected[0] is not None else None)
    assert row[2:] == expected[1:]


def test_goals_are_kept_apart_and_sorted() -> None:
    out = goal_progress(_frame([(2, 10, 1.0, 3.0), (1, 10, 3.0, 3.0)]))
    assert out["goal_id"].to_list() == [1, 2]
    assert out["is_met"].to_list() == [True, False]


def test_empty_frame_gives_empty_progress() -> None:
    assert goal_progress(_frame([])).is_empty()
