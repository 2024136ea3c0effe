"""`placement_of_counts` (one student, pure Python) gives exactly the frame version's floats."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masterypath.engine.continuum import placement_of_counts, placements_from_estimates

LEVELS = [0.0, 1.0, 2.0, 3.0, 5.0, 8.0]


@st.composite
def domains(draw: st.DrawFn) -> tuple[dict[float, int], list[tuple[float, bool]]]:
    """Targets per level, then the student's assessed targets (level, proficient); a level
    may be assessed beyond its count (retired targets still carry estimates)."""
    totals = {
        level: draw(st.integers(1, 6))
        for level in draw(st.lists(st.sampled_from(LEVELS), min_size=1, unique=True))
    }
    assessed = draw(
        st.lists(st.tuples(st.sampled_from(LEVELS), st.booleans()), min_size=1, max_size=25)
    )
    return totals, assessed


def _frame_version(
    totals: dict[float, int], assessed: list[tuple[float, bool]]
) -> tuple[float, float] | None:
    estimates = pl.DataFrame(
        [(1, 1, level, met) for level, met in assessed],
        schema={
            "student_id": pl.Int64,
            "domain_id": pl.Int64,
            "level": pl.Float64,
            "is_proficient": pl.Boolean,
        },
        orient="row",
    )
    frame = pl.DataFrame(
        {"domain_id": [1] * len(totals), "level": list(totals), "n_targets": list(totals.values())},
        schema={"domain_id": pl.Int64, "level": pl.Float64, "n_targets": pl.UInt32},
    )
    rows = placements_from_estimates(estimates, frame).rows()
    return None if not rows else (rows[0][2], rows[0][3])


@settings(max_examples=300, deadline=None)
@given(domains())
def test_counts_give_the_frame_versions_placement(
    domain: tuple[dict[float, int], list[tuple[float, bool]]],
) -> None:
    totals, assessed = domain
    counts: dict[float, tuple[int, int]] = {}
    for level, met in assessed:
        n_assessed, n_proficient = counts.get(level, (0, 0))
        counts[level] = (n_assessed + 1, n_proficient + int(met))
    assert placement_of_counts(counts, totals) == _frame_version(totals, assessed)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # level 3 complete (4 of 5 >= 80%), level 4 half of the way: 3 + 0.5 / 0.8
        ({3.0: (5, 4), 4.0: (2, 2)}, (3.0, 3.0 + 0.5 / 0.8)),
        # nothing proficient on the lowest covered level: one below it
        ({3.0: (5, 0)}, (2.0, 2.0)),
        # every level complete
        ({3.0: (5, 5), 4.0: (4, 4)}, (4.0, 4.0)),
    ],
)
def test_hand_computed_placements(
    counts: dict[float, tuple[int, int]], expected: tuple[float, float]
) -> None:
    assert placement_of_counts(counts, {3.0: 5, 4.0: 4}) == pytest.approx(expected)


def test_nothing_to_place_on() -> None:
    """Estimates only on a level above every counted one (a retired band): no placement."""
    assert placement_of_counts({9.0: (1, 1)}, {3.0: 5}) is None
    assert placement_of_counts({}, {3.0: 5}) is None
