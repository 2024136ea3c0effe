"""How well each mastery method predicts the next score, on a frame of real evidence.

Every evidence row after the first of its (student, target) sequence is an outcome; each method
predicts it from the rows before it. A district reads the AUC (does the value rank proficient
next scores above the others?) and the RMSE (how far is the value from the next score, on the
scale) to choose a method on its own evidence.

The recursive and closed-form methods use the whole history before each row, in one pass
(``mastery.running_values``). Median, mode of the last k and best fit have no running form, so
they are computed prefix by prefix on the last ``max_history`` rows before each outcome, in
chunks of outcomes so memory stays bounded whatever the district's size.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from masterypath.engine.bkt import BktModel, bkt_fit
from masterypath.engine.mastery import (
    METHODS,
    MasteryConfig,
    Method,
    Scale,
    estimate,
    method_of,
    running_values,
)
from masterypath.engine.metrics import auc, rmse

# methods without a running form: each prediction is computed from its own window of rows
WINDOWED: frozenset[Method] = frozenset({Method.MEDIAN, Method.MODE_OF_LAST, Method.BEST_FIT})


@dataclass(frozen=True, slots=True)
class MethodScore:
    method: Method
    auc: float
    rmse: float | None  # on the score scale; None for bkt, whose value is a probability
    n_predictions: int  # outcomes the method gave a value for (n-mastery may give none)


@dataclass(frozen=True, slots=True)
class _Outcomes:
    """The rows to predict: every row after the first of its sequence, in sorted order."""

    ordered: pl.DataFrame  # the frame sorted by (student, target, time), with __position
    rows: np.ndarray  # row numbers in ``ordered`` of the outcomes
    score: np.ndarray  # their scores


def _outcomes(frame: pl.DataFrame) -> _Outcomes:
    ordered = frame.sort("student_id", "target_id", "observed_at", maintain_order=True)
    ordered = ordered.with_columns(
        pl.int_range(pl.len()).over("student_id", "target_id").cast(pl.Int64).alias("__position")
    )
    position = ordered.get_column("__position").to_numpy()
    rows = np.flatnonzero(position >= 1)
    score = ordered.get_column("score").cast(pl.Float64).to_numpy()[rows]
    return _Outcomes(ordered, rows, score)


def _running_predictions(
    outcomes: _Outcomes, config: MasteryConfig, model: BktModel | None
) -> np.ndarray:
    """The value before each outcome row from the whole history (NaN where none)."""
    # the row number orders rows as time did, and tells where each value belongs
    frame = outcomes.ordered.drop("__position").with_row_index("__row")
    running = running_values(frame, config=config, bkt_model=model, time="__row")
    column = "p_correct_before" if config.method == Method.BKT else "value_before"
    values = np.full(frame.height, np.nan)
    values[running.get_column("__row").to_numpy()] = (
        running.get_column(column).cast(pl.Float64).fill_null(np.nan).to_numpy()
    )
    predicted: np.ndarray = values[outcomes.rows]
    return predicted


def _windows(
    ordered: pl.DataFrame, rows: np.ndarray, max_history: int, chunk: int
) -> Iterator[tuple[np.ndarray, pl.DataFrame]]:
    """Chunks of outcome rows, each with the frame of their windows: the up to ``max_history``
    rows before the outcome in its sequence, grouped under the outcome's row number."""
    position = ordered.get_column("__position").to_numpy()
    columns = [
        c for c in ("target_id", "observed_at", "score", "kind", "dok") if c in ordered.columns
    ]
    base = ordered.select(columns)
    for lo in range(0, rows.size, chunk):
        part = rows[lo : lo + chunk]
        width = np.minimum(position[part], max_history)
        owner = np.repeat(part, width)
        # the window of outcome r is rows r - width .. r - 1
        offset = np.arange(owner.size) - np.repeat(np.cumsum(width) - width, width)
        source = owner - np.repeat(width, width) + offset
        window = base[source].with_columns(pl.Series("student_id", owner))
        yield part, window


def _windowed_predictions(
    outcomes: _Outcomes, config: MasteryConfig, max_history: int, chunk: int
) -> np.ndarray:
    predicted = np.full(outcomes.rows.size, np.nan)
    done = 0
    for part, window in _windows(outcomes.ordered, outcomes.rows, max_history, chunk):
        values = estimate(window, config=config)
        by_row = dict(
            zip(
                values.get_column("student_id").to_list(),
                values.get_column("value").fill_null(np.nan).to_list(),
                strict=True,
            )
        )
        predicted[done : done + part.size] = [by_row.get(row, np.nan) for row in part.tolist()]
        done += part.size
    return predicted


def compare_methods(
    frame: pl.DataFrame,
    *,
    scale_proficient: float = 3.0,
    scale_minimum: float = 1.0,
    scale_maximum: float = 4.0,
    methods: Sequence[Method | str] = METHODS,
    max_history: int = 12,
    seed: int = 0,
    chunk: int = 50_000,
) -> list[MethodScore]:
    """AUC and RMSE of one-step-ahead predictions of every method on ``frame``.

    ``frame``: student_id, target_id, observed_at, score (one scale for all rows); optional
    kind and dok. Every method is scored on the same outcomes (each row after the first of its
    sequence); see the module docstring for the histories used. BKT parameters are fitted on
    the same frame (in-sample), which flatters it slightly; the other methods have no
    parameters. A method is left out when it predicts fewer than two outcomes or they are all
    of one class.
    """
    scale = Scale(scale_minimum, scale_maximum, scale_proficient)
    outcomes = _outcomes(frame)
    if outcomes.rows.size == 0:
        return []
    observed = outcomes.score >= scale_proficient - 1e-9
    results = []
    for method in map(method_of, methods):
        config = MasteryConfig(method=method, scale=scale)
        if method in WINDOWED:
            predicted = _windowed_predictions(outcomes, config, max_history, chunk)
        else:
            model = None
            if method == Method.BKT:
                correct = outcomes.ordered.with_columns(
                    (pl.col("score") >= scale_proficient - 1e-9).alias("correct")
                )
                model = bkt_fit(correct, skill="target_id", student="student_id", seed=seed)
            predicted = _running_predictions(outcomes, config, model)
        keep = ~np.isnan(predicted)
        if keep.sum() < 2 or len(set(observed[keep].tolist())) < 2:
            continue
        error = None if method == Method.BKT else rmse(outcomes.score[keep], predicted[keep])
        results.append(
            MethodScore(method, auc(observed[keep], predicted[keep]), error, int(keep.sum()))
        )
    return results


FULL_COVERAGE = 0.9  # a method that predicts less than this share of outcomes ranks after


def ranked(scores: Sequence[MethodScore]) -> list[MethodScore]:
    """Best first: methods that predict nearly every outcome before those that predict only
    some (an AUC over 3% of the outcomes is not comparable), then by AUC to three decimals
    (what a report shows; smaller differences are noise), then by RMSE."""
    outcomes = max((s.n_predictions for s in scores), default=0)

    def key(score: MethodScore) -> tuple[bool, float, float]:
        partial = score.n_predictions < FULL_COVERAGE * outcomes
        error = score.rmse if score.rmse is not None else float("inf")
        return (partial, -round(score.auc, 3), error)

    return sorted(scores, key=key)
