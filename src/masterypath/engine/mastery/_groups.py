"""A frame's counted evidence rows sorted into (student, target) sequences: what the batch and
the running forms of every method read."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from masterypath.engine._layout import FloatArray, IntArray, sort_groups
from masterypath.engine.mastery.config import MasteryConfig


@dataclass(frozen=True, slots=True)
class Groups:
    x: FloatArray  # scores, sorted by group then time
    weights: FloatArray | None  # evidence weights, same order; None: every weight is 1
    starts: IntArray
    ends: IntArray  # exclusive
    frame: pl.DataFrame  # the counted rows, in input order
    first_rows: IntArray  # row in ``frame`` of each group's first and last evidence
    last_rows: IntArray
    permutation: IntArray | None  # rows of ``frame`` in sorted order; None: already sorted

    @property
    def lengths(self) -> IntArray:
        return self.ends - self.starts

    @property
    def unit_weights(self) -> bool:
        """Every weight is 1: the weighted formulas can skip their products."""
        return self.weights is None

    @property
    def v(self) -> FloatArray:
        """The evidence weight of every row (ones when all weigh the same)."""
        return np.ones(self.x.size) if self.weights is None else self.weights


def weight_expression(frame: pl.DataFrame, config: MasteryConfig) -> pl.Expr | None:
    """The evidence weight v of each row, or None when every row weighs 1."""
    weight: pl.Expr | None = None
    if "weight" in frame.columns:
        weight = pl.col("weight").cast(pl.Float64)
    if "kind" in frame.columns and config.kind_weights:
        kind = pl.col("kind").replace_strict(
            dict(config.kind_weights), default=1.0, return_dtype=pl.Float64
        )
        weight = kind if weight is None else weight * kind
    if "dok" in frame.columns and config.dok_weights:
        dok = pl.col("dok").replace_strict(
            dict(config.dok_weights), default=1.0, return_dtype=pl.Float64
        )
        weight = dok if weight is None else weight * dok
    return weight


def group_rows(frame: pl.DataFrame, config: MasteryConfig, *, time: str) -> Groups:
    weight = weight_expression(frame, config)
    v_all: FloatArray | None = None
    if weight is not None:
        v_all = (
            frame.select(weight.fill_null(1.0))
            .to_series()
            .to_numpy()
            .astype(np.float64, copy=False)
        )
        if (v_all <= 0).any():
            keep = v_all > 0
            frame = frame.filter(pl.Series(keep))
            v_all = v_all[keep]
        if bool(np.all(v_all == 1.0)):
            v_all = None
    permutation, starts, _ = sort_groups(
        [frame.get_column("student_id"), frame.get_column("target_id")], frame.get_column(time)
    )
    x = frame.get_column("score").cast(pl.Float64).to_numpy()
    height = frame.height
    ends = np.append(starts[1:], height).astype(np.int64) if starts.size else starts.copy()
    if permutation is None:
        first_rows, last_rows = starts, ends - 1
        weights = v_all
    else:
        x = x[permutation]
        first_rows, last_rows = permutation[starts], permutation[ends - 1]
        weights = None if v_all is None else v_all[permutation]
    return Groups(
        x.astype(np.float64, copy=False),
        weights,
        starts,
        ends,
        frame,
        first_rows,
        last_rows,
        permutation,
    )


def segment_sum(values: FloatArray, starts: IntArray) -> FloatArray:
    if values.size == 0:
        return np.zeros(0)
    return np.add.reduceat(values, starts)


def positions(groups: Groups) -> IntArray:
    """1-based position of each row inside its group."""
    owner = np.repeat(np.arange(groups.starts.size), groups.lengths)
    return np.arange(groups.x.size, dtype=np.int64) - groups.starts[owner] + 1
