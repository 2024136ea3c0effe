"""The aim line and the four-point decision rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from masterypath.engine.progress import Decision, aim_value, progress_decision

START, GOAL_ON = date(2026, 9, 1), date(2026, 11, 10)  # 70 days
AIM = {"start": START, "baseline": 2.0, "goal_on": GOAL_ON, "goal": 2.7}


@pytest.mark.parametrize(("days", "expected"), [(0, 2.0), (35, 2.35), (70, 2.7), (84, 2.84)])
def test_the_aim_line_joins_baseline_and_goal(days: int, expected: float) -> None:
    """Linear from the baseline on the start date to the goal on the goal date, and beyond."""
    assert aim_value(on=START + timedelta(days=days), **AIM) == pytest.approx(expected)


def test_the_aim_line_is_the_goal_when_the_dates_coincide() -> None:
    """A goal due on the start day expects the goal at once."""
    assert aim_value(start=START, baseline=1.0, goal_on=START, goal=2.0, on=START) == 2.0


def _points(offsets: list[float]) -> list[tuple[date, float]]:
    """Weekly points, each `offset` levels above (+) or below (-) the aim line."""
    out = []
    for week, offset in enumerate(offsets, 1):
        on = START + timedelta(days=7 * week)
        out.append((on, aim_value(on=on, **AIM) + offset))
    return out


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [
        ([-0.1, -0.1, -0.1], Decision.TOO_FEW),
        ([0.2, -0.1, -0.1, -0.1, -0.1], Decision.CHANGE),
        ([-0.2, 0.1, 0.1, 0.1, 0.1], Decision.RAISE_GOAL),
        ([-0.1, 0.1, -0.1, -0.1], Decision.CONTINUE),
    ],
)
def test_the_four_point_rule(offsets: list[float], expected: Decision) -> None:
    """Only the last four points count: all below -> change, all above -> raise the goal."""
    assert progress_decision(_points(offsets), **AIM) == expected
