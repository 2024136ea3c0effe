"""engine.classroom: the placement on a day and whether growth slowed, on hand-built
histories."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from masterypath.engine.classroom import growth_change, level_at

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
