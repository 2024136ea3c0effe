"""Progress of learning-plan goals from mastery estimates.

A goal names targets and a level to reach on each (`target_level`). Its progress is

    current_level = mean of the estimates it has (targets with no estimate yet are left out)
    targets_met   = #{targets with estimate >= target_level}
    is_met        = targets_met == targets_total > 0

so a goal is met exactly when every one of its targets has reached its level.
"""

from __future__ import annotations

import polars as pl

PROGRESS_SCHEMA = {
    "goal_id": pl.Int64,
    "current_level": pl.Float64,
    "targets_met": pl.Int64,
    "targets_total": pl.Int64,
    "is_met": pl.Boolean,
}


def goal_progress(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per goal from rows (goal_id, target_id, value, target_level); `value` is null
    where the student has no estimate on the target yet."""
    if frame.is_empty():
        return pl.DataFrame(schema=PROGRESS_SCHEMA)
    reached = (pl.col("value") >= pl.col("target_level")).fill_null(value=False)
    return (
        frame.group_by("goal_id")
        .agg(
            pl.col("value").mean().alias("current_level"),
            reached.sum().cast(pl.Int64).alias("targets_met"),
            pl.col("target_id").n_unique().cast(pl.Int64).alias("targets_total"),
        )
        .with_columns(
            (
                (pl.col("targets_met") == pl.col("targets_total")) & (pl.col("targets_total") > 0)
            ).alias("is_met")
        )
        .select(list(PROGRESS_SCHEMA))
        .sort("goal_id")
    )
