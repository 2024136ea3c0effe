"""The next targets on a continuum: forward from the working level, prerequisites met."""

from __future__ import annotations

from masterypath.engine.pathway import PathTarget, next_targets


def test_next_targets_start_at_the_working_level_in_continuum_order() -> None:
    """Targets of the level being learned come first, in order; proficient ones are skipped."""
    targets = [
        PathTarget(1, 3, 0, is_proficient=True),
        PathTarget(2, 4, 2, is_proficient=False),
        PathTarget(3, 4, 0, is_proficient=True),
        PathTarget(4, 4, 1, is_proficient=False),
        PathTarget(5, 5, 0, is_proficient=False),
    ]
    assert next_targets(targets, working_level=4, limit=3) == [4, 2, 5]


def test_gaps_below_the_working_level_are_not_next() -> None:
    """Completed levels count unassessed targets as prior learning: nothing below is next."""
    targets = [PathTarget(1, 2, 0, is_proficient=False), PathTarget(2, 3, 0, is_proficient=False)]
    assert next_targets(targets, working_level=3) == [2]


def test_a_target_waits_for_its_unmet_predecessor() -> None:
    """A target whose preceding target (at the working level) is not proficient is not next."""
    targets = [
        PathTarget(1, 5, 0, is_proficient=False),
        PathTarget(2, 5, 1, is_proficient=False, predecessors=(1,)),
        PathTarget(3, 5, 2, is_proficient=False, predecessors=(9,)),
    ]
    assert next_targets(targets, working_level=5) == [1, 3]


def test_predecessors_below_the_working_level_count_as_met() -> None:
    """A band's targets follow the band below; with that band complete they are next."""
    targets = [
        PathTarget(1, 2, 0, is_proficient=False),
        PathTarget(2, 5, 0, is_proficient=False, predecessors=(1,)),
    ]
    assert next_targets(targets, working_level=3) == [2]


def test_everything_proficient_leaves_nothing_next() -> None:
    """At the top of the continuum there is nothing left to learn; a zero limit asks none."""
    targets = [PathTarget(1, 12, 0, is_proficient=True)]
    assert next_targets(targets, working_level=12) == []
    assert (
        next_targets([PathTarget(2, 12, 0, is_proficient=False)], working_level=12, limit=0) == []
    )
