"""Progress monitoring against a goal: the aim line and the decision it suggests.

The **aim line** joins the baseline ``(start, b)`` to the goal ``(goal_on, g)``; on day ``t``
it expects ``aim(t) = b + (g - b) * (t - start) / (goal_on - start)`` (the goal itself on the
goal date when both dates coincide).

**Decision rule** (the "four-point rule" of curriculum-based measurement: L. Fuchs and
S. Deno, and M. Hosp, J. Hosp and K. Howell, *The ABCs of CBM*, 2nd ed., Guilford 2016):
with at least ``n`` (4) progress points, if the last ``n`` all lie below the aim line the
support should change (``change``); if they all lie above it the goal may be raised
(``raise_goal``); otherwise keep going (``continue``). Fewer points: ``too_few``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

FOUR_POINTS = 4


class Decision(StrEnum):
    TOO_FEW = "too_few"
    CONTINUE = "continue"
    CHANGE = "change"
    RAISE_GOAL = "raise_goal"


def aim_value(*, start: date, baseline: float, goal_on: date, goal: float, on: date) -> float:
    """The level the aim line expects on ``on`` (see the module docstring)."""
    span = (goal_on - start).days
    if span <= 0:
        return goal
    return baseline + (goal - baseline) * (on - start).days / span


def progress_decision(
    points: Sequence[tuple[date, float]],
    *,
    start: date,
    baseline: float,
    goal_on: date,
    goal: float,
    n: int = FOUR_POINTS,
) -> Decision:
    """The four-point rule on dated progress points (any order)."""
    if len(points) < n:
        return Decision.TOO_FEW
    last = sorted(points)[-n:]
    gaps = [
        level - aim_value(start=start, baseline=baseline, goal_on=goal_on, goal=goal, on=on)
        for on, level in last
    ]
    if all(gap < 0 for gap in gaps):
        return Decision.CHANGE
    if all(gap > 0 for gap in gaps):
        return Decision.RAISE_GOAL
    return Decision.CONTINUE
