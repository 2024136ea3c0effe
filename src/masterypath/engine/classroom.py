"""What a teacher's section dashboard computes about its students, without Django or a clock.

* ``level_at``: a student's placement on a day, from their dated placements.
* ``growth_change``: whether a student's growth slowed. Over the last ``recent_days`` (6 weeks
  by default) the student gained ``recent`` levels; over the ``earlier_days`` before that
  (26 weeks) they gained at a rate of ``earlier`` levels per ``recent_days``. Growth *slowed*
  when the earlier rate was real (at least ``MIN_EARLIER_GAIN`` levels per window) and the
  recent gain is under half of it. Without a placement at each of the three points the change
  cannot be told (None), and the page says nothing about that student.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

RECENT_DAYS = 42
EARLIER_DAYS = 182
# Below this gain per window (levels) the earlier growth is too small to have "slowed" from.
MIN_EARLIER_GAIN = 0.05
SLOWED_SHARE = 0.5


def level_at(points: Sequence[tuple[date, float]], day: date) -> float | None:
    """The latest placement on or before ``day`` (``points`` sorted by date), else None."""
    index = bisect_right([on for on, _ in points], day)
    return points[index - 1][1] if index else None


@dataclass(frozen=True, slots=True)
class GrowthChange:
    """Levels gained over the recent window, and the earlier rate for the same length."""

    recent: float
    earlier: float
    recent_days: int

    @property
    def slowed(self) -> bool:
        return self.earlier >= MIN_EARLIER_GAIN and self.recent < SLOWED_SHARE * self.earlier


def growth_change(
    points: Sequence[tuple[date, float]],
    *,
    as_of: date,
    recent_days: int = RECENT_DAYS,
    earlier_days: int = EARLIER_DAYS,
) -> GrowthChange | None:
    """The recent gain against the earlier rate (see the module doc); None when unknown."""
    if recent_days <= 0 or earlier_days <= 0:
        raise ValueError("the windows must be at least one day long")
    ordered = sorted(points)
    middle_day = as_of - timedelta(days=recent_days)
    start_day = middle_day - timedelta(days=earlier_days)
    now, middle, start = (level_at(ordered, day) for day in (as_of, middle_day, start_day))
    if now is None or middle is None or start is None:
        return None
    return GrowthChange(
        recent=now - middle,
        earlier=(middle - start) * recent_days / earlier_days,
        recent_days=recent_days,
    )
