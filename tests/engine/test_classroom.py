"""engine.classroom: the placement on a day and whether growth slowed, on hand-built
histories."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from masterypath.engine.classroom import (
    GroupCandidate,
    GroupReason,
    SuggestedGroup,
    flexible_groups,
    growth_change,
    level_at,
    split_evenly,
)

TODAY = date(2026, 11, 20)


def _ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def test_level_at_takes_the_latest_placement_on_or_before_the_day() -> None:
    points = [(_ago(60), 2.0), (_ago(30), 2.5), (TODAY, 2.8)]
    assert level_at(points, _ago(61)) is None
    assert level_at(points, _ago(60)) == 2.0
    assert level_at(points, _ago(31)) == 2.0
    assert level_at(points, TODAY) == 2.8


def test_growth_slowed_when_the_recent_gain_is_under_half_the_earlier_rate() -> None:
    """0.9 levels over 182 days is 0.208 per 42 days; 0.05 in the last 42 days is less than
    half of it."""
    points = [(_ago(250), 1.5), (_ago(43), 2.4), (TODAY, 2.45)]
    change = growth_change(points, as_of=TODAY)
    assert change is not None
    assert change.recent == pytest.approx(0.05)
    assert change.earlier == pytest.approx(0.9 * 42 / 182)
    assert change.slowed


def test_growth_kept_up_is_not_slowed() -> None:
    points = [(_ago(250), 1.5), (_ago(43), 2.4), (TODAY, 2.55)]
    change = growth_change(points, as_of=TODAY)
    assert change is not None
    assert not change.slowed


def test_no_earlier_growth_cannot_slow() -> None:
    """A student who gained nothing before did not slow down (they may be flat all along)."""
    points = [(_ago(250), 2.0), (_ago(43), 2.0), (TODAY, 2.0)]
    change = growth_change(points, as_of=TODAY)
    assert change is not None
    assert not change.slowed


def test_too_short_a_history_is_unknown() -> None:
    assert growth_change([(_ago(60), 2.4), (_ago(30), 3.1), (TODAY, 3.4)], as_of=TODAY) is None
    assert growth_change([], as_of=TODAY) is None


def test_windows_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        growth_change([(TODAY, 1.0)], as_of=TODAY, recent_days=0)


# Flexible groups, on hand-built classes.


def _c(student_id: int, target: int | None, gap: int | None = 0) -> GroupCandidate:
    return GroupCandidate(student_id=student_id, next_target=target, gap=gap)


def test_students_sharing_a_next_target_form_a_group() -> None:
    grouping = flexible_groups([_c(1, 10), _c(2, 10), _c(3, 10), _c(4, 11)])
    assert grouping.groups == (SuggestedGroup(GroupReason.TARGET, 10, (1, 2, 3)),)
    assert grouping.leftovers == (4,)


def test_more_than_six_split_evenly() -> None:
    """7 -> 4 + 3; 13 -> 5 + 4 + 4; 12 -> 6 + 6: never above 6, never below 3."""
    for count, sizes in ((7, [4, 3]), (13, [5, 4, 4]), (12, [6, 6]), (6, [6]), (3, [3])):
        grouping = flexible_groups([_c(i, 10) for i in range(count)])
        assert [len(g.student_ids) for g in grouping.groups] == sizes
        assert sorted(i for g in grouping.groups for i in g.student_ids) == list(range(count))
        assert grouping.leftovers == ()


def test_leftovers_of_small_targets_group_by_gap() -> None:
    """Targets with 1 or 2 students give way to the gap: 3 students 1 grade below (from
    three different targets) form a group; the one on grade level and the unplaced one stay
    out."""
    candidates = [
        _c(1, 10, -1),
        _c(2, 11, -1),
        _c(3, 12, -1),
        _c(4, 12, 0),
        _c(5, None, None),
    ]
    grouping = flexible_groups(candidates)
    assert grouping.groups == (SuggestedGroup(GroupReason.GAP, -1, (1, 2, 3)),)
    assert grouping.leftovers == (4, 5)


def test_targets_come_in_continuum_order_and_gaps_furthest_below_first() -> None:
    candidates = [_c(i, 20, 0) for i in range(3)] + [_c(i, 10, 0) for i in range(3, 6)]
    candidates += [_c(i, None, -2) for i in range(6, 9)] + [_c(i, None, -3) for i in (9, 10, 11)]
    grouping = flexible_groups(candidates, target_order=[20, 10])
    assert [(g.reason, g.key) for g in grouping.groups] == [
        (GroupReason.TARGET, 20),
        (GroupReason.TARGET, 10),
        (GroupReason.GAP, -3),
        (GroupReason.GAP, -2),
    ]


def test_split_evenly_and_bad_sizes() -> None:
    assert split_evenly([], max_size=6) == []
    assert split_evenly(list(range(8)), max_size=6) == [(0, 1, 2, 3), (4, 5, 6, 7)]
    with pytest.raises(ValueError, match="group sizes"):
        flexible_groups([], min_size=3, max_size=4)
    with pytest.raises(ValueError, match="group sizes"):
        flexible_groups([], min_size=0)
