"""Running values: the method after every row (for next-response prediction and method
reports)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from masterypath.engine._layout import FloatArray, IntArray, column_ranks, slots_in_chunks
from masterypath.engine.bkt import BktModel, bkt_forward
from masterypath.engine.mastery._groups import group_rows, positions
from masterypath.engine.mastery.config import MasteryConfig, Method
from masterypath.engine.mastery.methods import best_fit, median, mode_of_last


def _cumulative(values: FloatArray, starts: IntArray, lengths: IntArray) -> FloatArray:
    """Running sums that restart at every group (summed per group: no cancellation)."""
    owner = np.repeat(np.arange(starts.size, dtype=np.int64), lengths)
    running: FloatArray = (
        pl.DataFrame({"g": owner, "a": values})
        .select(pl.col("a").cum_sum().over("g"))
        .to_series()
        .to_numpy()
    )
    return running


def _running_decaying(x: FloatArray, v: FloatArray, lengths: IntArray, weight: float) -> FloatArray:
    """The decaying-average recursion over all groups at once (packed, time-major)."""
    offsets, columns, rank = column_ranks(lengths)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    packed_x = np.empty(x.size)
    packed_v = np.empty(x.size)
    slots = np.empty(x.size, dtype=np.int64)
    for lo, hi, slot in slots_in_chunks(starts, offsets, rank, x.size):
        packed_x[slot] = x[lo:hi]
        packed_v[slot] = v[lo:hi]
        slots[lo:hi] = slot
    del columns
    value = np.empty(x.size)
    width0 = int(offsets[1] - offsets[0]) if offsets.size > 1 else 0
    decayed = packed_v[:width0].copy()  # T
    current = packed_x[:width0].copy()  # D
    value[:width0] = current
    for t in range(1, offsets.size - 1):
        lo, hi = int(offsets[t]), int(offsets[t + 1])
        width = hi - lo
        gain = weight * packed_v[lo:hi]
        total = decayed[:width] * (1.0 - weight) + gain
        decayed[:width] = total
        current[:width] += gain / total * (packed_x[lo:hi] - current[:width])
        value[lo:hi] = current[:width]
    return value[slots]


def running_values(
    frame: pl.DataFrame,
    *,
    config: MasteryConfig,
    bkt_model: BktModel | None = None,
    time: str = "observed_at",
) -> pl.DataFrame:
    """The method's value after every evidence row, from that row and the earlier ones.

    Returns the counted rows sorted by (student, target, time) with ``value_after`` (and, for
    ``bkt``, ``p_correct_before``: the predicted chance of success before the row) and
    ``value_before`` (the value from the earlier rows only; null for a group's first row), the
    prediction a method report scores. Mean, highest, most recent, weighted and decaying
    averages, n-mastery, power law and BKT are vectorised; median, mode of the last k and best
    fit are computed prefix by prefix (quadratic in the sequence length).
    """
    groups = group_rows(frame, config, time=time)
    x, v, starts, lengths = groups.x, groups.v, groups.starts, groups.lengths
    method = config.method
    scale = config.scale
    extra: FloatArray | None = None
    position = positions(groups).astype(np.float64) if x.size else np.zeros(0)
    if method == Method.MEAN:
        after = _cumulative(v * x, starts, lengths) / _cumulative(v, starts, lengths)
    elif method == Method.HIGHEST:
        owner = np.repeat(np.arange(starts.size), lengths)
        after = (
            pl.DataFrame({"g": owner, "x": x})
            .select(pl.col("x").cum_max().over("g"))
            .to_series()
            .to_numpy()
        )
    elif method == Method.MOST_RECENT:
        after = x.copy()
    elif method == Method.WEIGHTED_AVERAGE:
        sum_vx, sum_v = _cumulative(v * x, starts, lengths), _cumulative(v, starts, lengths)
        with np.errstate(invalid="ignore", divide="ignore"):
            earlier = (sum_vx - v * x) / (sum_v - v)
        after = np.where(position == 1, x, config.weight * x + (1 - config.weight) * earlier)
    elif method == Method.DECAYING_AVERAGE:
        after = _running_decaying(x, v, lengths, config.weight) if x.size else np.zeros(0)
    elif method == Method.N_MASTERY:
        kept = (x >= scale.proficient).astype(np.float64)
        count = _cumulative(kept, starts, lengths)
        with np.errstate(invalid="ignore", divide="ignore"):
            after = _cumulative(v * x * kept, starts, lengths) / _cumulative(
                v * kept, starts, lengths
            )
        after[count < config.n] = np.nan
    elif method == Method.POWER_LAW:
        lt, ly = np.log(position), np.log(np.maximum(x, config.floor))
        sv, st = _cumulative(v, starts, lengths), _cumulative(v * lt, starts, lengths)
        sy, stt = _cumulative(v * ly, starts, lengths), _cumulative(v * lt * lt, starts, lengths)
        sty = _cumulative(v * lt * ly, starts, lengths)
        det = sv * stt - st * st
        with np.errstate(invalid="ignore", divide="ignore"):
            b = np.where(
                np.abs(det) <= 1e-15 * np.maximum(sv * stt, 1.0), 0.0, (sv * sty - st * sy) / det
            )
            after = np.where(position == 1, x, np.exp((sy - b * st) / sv + b * lt))
    elif method == Method.BKT:
        index = np.zeros(starts.size, dtype=np.int64)
        params = [config.bkt]
        if bkt_model is not None and starts.size:
            targets = groups.frame.get_column("target_id").gather(groups.first_rows).to_list()
            lookup: dict[Any, int] = {}
            for target in targets:
                lookup.setdefault(target, len(lookup))
            index = np.array([lookup[target] for target in targets], dtype=np.int64)
            params = [bkt_model.params_for(target) for target in lookup]
        extra, after = bkt_forward(x >= scale.proficient, lengths, params, index)
    else:
        after = np.empty(x.size)
        for lo, hi in zip(starts.tolist(), groups.ends.tolist(), strict=True):
            for i in range(lo, hi):
                prefix_x, prefix_v = x[lo : i + 1], v[lo : i + 1]
                if method == Method.MODE_OF_LAST:
                    after[i] = mode_of_last(prefix_x, config.k, prefix_v)
                elif method == Method.BEST_FIT:
                    after[i] = best_fit(prefix_x, config.floor, prefix_v)
                else:
                    after[i] = median(prefix_x, prefix_v)
    if method != Method.BKT:
        after = np.clip(after, scale.minimum, scale.maximum)
    before = np.concatenate(([np.nan], after[:-1])) if after.size else after
    before[starts] = np.nan
    rows = groups.frame if groups.permutation is None else groups.frame[groups.permutation]
    result = rows.select("student_id", "target_id", time, "score").with_columns(
        pl.Series("value_after", after).fill_nan(None),
        pl.Series("value_before", before).fill_nan(None),
    )
    if extra is not None:
        result = result.with_columns(pl.Series("p_correct_before", extra))
    return result
