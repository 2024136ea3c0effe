"""Placement from current estimates (moved into the engine from the mastery services)."""

from __future__ import annotations

import polars as pl
import pytest

from masterypath.engine.continuum import placements_from_estimates

TOTALS = pl.DataFrame(
    {"domain_id": [1, 1], "level": [3.0, 4.0], "n_targets": [2, 2]},
    schema={"domain_id": pl.Int64, "level": pl.Float64, "n_targets": pl.UInt32},
)


@pytest.mark.parametrize(
    ("assessed", "completed", "placement"),
    [
        # level 3 complete, one of two level-4 targets proficient: 3 + 0.5 / 0.8
        ([(3.0, True), (3.0, True), (4.0, True)], 3.0, 3.625),
        # evidence only on level 4 (half its targets, so it counts): level 3 as prior learning
        ([(4.0, False)], 3.0, 3.0),
        # one of two level-3 targets proficient: 2 + 0.5 / 0.8, unassessed targets count as not
        ([(3.0, True)], 2.0, 2.625),
    ],
)
def test_placement_counts_every_target_of_a_level(
    assessed: list[tuple[float, bool]], completed: float, placement: float
) -> None:
    estimates = pl.DataFrame(
        [(7, 1, level, proficient) for level, proficient in assessed],
        schema={
            "student_id": pl.Int64,
            "domain_id": pl.Int64,
            "level": pl.Float64,
            "is_proficient": pl.Boolean,
        },
        orient="row",
    )
    [row] = placements_from_estimates(estimates, TOTALS).iter_rows(named=True)
    assert (row["student_id"], row["domain_id"]) == (7, 1)
    assert row["completed"] == pytest.approx(completed)
    assert row["placement"] == pytest.approx(placement)
