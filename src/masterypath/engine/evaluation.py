"""How well each mastery method predicts the next score, on a frame of real evidence.

For every evidence row after the first of its (student, target) sequence, each method computes
its value from the earlier rows only; that value is the prediction of the row. A district reads
the AUC (does the value rank proficient next scores above the others?) and the RMSE (how far is
the value from the next score, on the scale) to choose a method on its own evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from masterypath.engine.bkt import bkt_fit
from masterypath.engine.mastery import METHODS, MasteryConfig, estimate
from masterypath.engine.metrics import auc, rmse


@dataclass(frozen=True, slots=True)
class MethodScore:
    method: str
    auc: float
    rmse: float | None  # on the score scale; None for bkt, whose value is a probability
    n_predictions: int


def prefix_frame(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every proper prefix of every (student, target) sequence as its own group.

    Returns (prefixes, outcomes): ``prefixes`` has the rows of each prefix under a new
    ``student_id`` (the prefix id) and the original ``target_id``; ``outcomes`` has one row per
    prefix id with the ``next_score`` that followed it. Memory grows with the sum of squared
    sequence lengths, so callers cap long sequences with ``max_history``.
    """
    ordered = frame.sort("student_id", "target_id", "observed_at").with_columns(
        pl.int_range(pl.len()).over("student_id", "target_id").alias("__position"),
        pl.len().over("student_id", "target_id").alias("__length"),
    )
    targets = ordered.filter(pl.col("__position") >= 1).select(
        pl.int_range(pl.len()).alias("prefix_id"), "student_id", "target_id",
        pl.col("__position").alias("__upto"), pl.col("score").alias("next_score"),
    )
    prefixes = targets.join(ordered, on=["student_id", "target_id"]).filter(
        pl.col("__position") < pl.col("__upto")
    ).select(
        pl.col("prefix_id").alias("student_id"), "target_id", "observed_at", "score",
        *[c for c in ("kind", "dok") if c in frame.columns],
    )
    return prefixes, targets.select("prefix_id", "target_id", "next_score")


def compare_methods(
    frame: pl.DataFrame, *, scale_proficient: float = 3.0, scale_minimum: float = 1.0,
    scale_maximum: float = 4.0, methods: Sequence[str] = METHODS, max_history: int = 12,
    seed: int = 0,
) -> list[MethodScore]:
    """AUC and RMSE of one-step-ahead predictions of every method on ``frame``.

    ``frame``: student_id, target_id, observed_at, score (one scale for all rows). Sequences
    are cut to their last ``max_history + 1`` rows. BKT parameters are fitted on the same
    frame (in-sample), which flatters it slightly; the other methods have no parameters.
    """
    from masterypath.engine.mastery import Scale

    scale = Scale(scale_minimum, scale_maximum, scale_proficient)
    trimmed = frame.sort("student_id", "target_id", "observed_at").with_columns(
        pl.int_range(pl.len()).over("student_id", "target_id").cast(pl.Int64).alias("__i"),
        pl.len().over("student_id", "target_id").cast(pl.Int64).alias("__n"),
    ).filter(pl.col("__i") >= pl.col("__n") - max_history - 1).drop("__i", "__n")
    prefixes, outcomes = prefix_frame(trimmed)
    if outcomes.height == 0:
        return []
    observed = (outcomes.get_column("next_score").to_numpy() >= scale_proficient - 1e-9)
    results = []
    for method in methods:
        config = MasteryConfig(method=method, scale=scale)
        model = None
        if method == "bkt":
            correct = trimmed.with_columns(
                (pl.col("score") >= scale_proficient - 1e-9).alias("correct")
            )
            model = bkt_fit(correct, skill="target_id", student="student_id", seed=seed)
        values = estimate(prefixes, config=config, bkt_model=model)
        joined = outcomes.join(values.select(pl.col("student_id").alias("prefix_id"), "value",
                                             *(["p_correct_next"] if method == "bkt" else [])),
                               on="prefix_id", how="left")
        column = "p_correct_next" if method == "bkt" else "value"
        predicted = joined.get_column(column).fill_null(np.nan).to_numpy()
        keep = ~np.isnan(predicted)
        if keep.sum() < 2 or len(set(observed[keep].tolist())) < 2:
            continue
        error = None
        if method != "bkt":
            error = rmse(joined.get_column("next_score").to_numpy()[keep], predicted[keep])
        results.append(MethodScore(method, auc(observed[keep], predicted[keep]), error,
                                   int(keep.sum())))
    return results
