"""What a teacher's section dashboard computes about its students, without Django or a clock.

* ``level_at``: a student's placement on a day, from their dated placements.
* ``growth_change``: whether a student's growth slowed. Over the last ``recent_days`` (6 weeks
  by default) the student gained ``recent`` levels; over the ``earlier_days`` before that
  (26 weeks) they gained at a rate of ``earlier`` levels per ``recent_days``. Growth *slowed*
  when the earlier rate was real (at least ``MIN_EARLIER_GAIN`` levels per window) and the
  recent gain is under half of it. Without a placement at each of the three points the change
  cannot be told (None), and the page says nothing about that student.
* ``flexible_groups``: suggested groups of 3 to 6 students who share their next target (the
  next not-yet-proficient target on the continuum), else the same gap to grade level.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

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


# ---------------------------------------------------------------------------------------------
# Suggested flexible groups

MIN_GROUP = 3
MAX_GROUP = 6


class GroupReason(StrEnum):
    TARGET = "target"  # the same next target
    GAP = "gap"  # the same distance from grade level (whole grades)


@dataclass(frozen=True, slots=True)
class GroupCandidate:
    """A student as grouping sees them: the next target to learn (None: none found) and the
    gap to grade level in whole grades (None: not placed)."""

    student_id: int
    next_target: int | None
    gap: int | None


@dataclass(frozen=True, slots=True)
class SuggestedGroup:
    reason: GroupReason
    key: int  # the target's id, or the gap
    student_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Grouping:
    groups: tuple[SuggestedGroup, ...]
    leftovers: tuple[int, ...]  # students in no group, in the order given


def split_evenly(ids: Sequence[int], *, max_size: int) -> list[tuple[int, ...]]:
    """``ids`` in the fewest groups of at most ``max_size``, sizes differing by one at most,
    larger ones first (7 in groups of at most 6: 4 and 3)."""
    if not ids:
        return []
    count = -(-len(ids) // max_size)
    size, extra = divmod(len(ids), count)
    groups, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        groups.append(tuple(ids[start:end]))
        start = end
    return groups


def _buckets(pairs: Sequence[tuple[int, int]]) -> dict[int, list[int]]:
    buckets: dict[int, list[int]] = {}
    for key, student_id in pairs:
        buckets.setdefault(key, []).append(student_id)
    return buckets


def flexible_groups(
    candidates: Sequence[GroupCandidate],
    *,
    min_size: int = MIN_GROUP,
    max_size: int = MAX_GROUP,
    target_order: Sequence[int] = (),
) -> Grouping:
    """Groups of ``min_size`` to ``max_size`` students who share a next target; then, among
    the students left, groups who share a gap to grade level; the rest are leftovers.

    A shared target (or gap) with more than ``max_size`` students is split evenly
    (``split_evenly``); one with fewer than ``min_size`` leaves its students to the next
    step. Targets come in ``target_order`` (the continuum's), any others by id; gaps from the
    furthest below. ``max_size`` must be at least ``2 * min_size - 1`` so that every count
    from ``min_size`` up splits into groups of allowed sizes.
    """
    if min_size < 1 or max_size < 2 * min_size - 1:
        raise ValueError(f"group sizes {min_size}-{max_size}: need 1 <= min and max >= 2 * min - 1")
    rank = {target_id: index for index, target_id in enumerate(target_order)}
    groups: list[SuggestedGroup] = []
    grouped: set[int] = set()
    by_target = _buckets(
        [(c.next_target, c.student_id) for c in candidates if c.next_target is not None]
    )
    for target_id in sorted(by_target, key=lambda t: (rank.get(t, len(rank)), t)):
        members = by_target[target_id]
        if len(members) >= min_size:
            groups.extend(
                SuggestedGroup(GroupReason.TARGET, target_id, ids)
                for ids in split_evenly(members, max_size=max_size)
            )
            grouped.update(members)
    rest = [c for c in candidates if c.student_id not in grouped]
    by_gap = _buckets([(c.gap, c.student_id) for c in rest if c.gap is not None])
    for gap in sorted(by_gap):
        members = by_gap[gap]
        if len(members) >= min_size:
            groups.extend(
                SuggestedGroup(GroupReason.GAP, gap, ids)
                for ids in split_evenly(members, max_size=max_size)
            )
            grouped.update(members)
    leftovers = tuple(c.student_id for c in candidates if c.student_id not in grouped)
    return Grouping(groups=tuple(groups), leftovers=leftovers)
