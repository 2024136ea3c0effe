"""Batch: every (student, target) group of a frame at once, vectorised (``estimate``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from masterypath.engine._layout import FloatArray, IntArray
from masterypath.engine.bkt import BktModel, BktParams, bkt_final
from masterypath.engine.mastery._groups import Groups, group_rows, positions, segment_sum
from masterypath.engine.mastery.config import MasteryConfig, Method, Status, _config

# methods whose batch form reads the weight of every row (ones when all weigh the same)
WEIGHTED_METHODS: frozenset[Method] = frozenset(
    {
        Method.WEIGHTED_AVERAGE,
        Method.N_MASTERY,
        Method.MEDIAN,
        Method.MODE_OF_LAST,
        Method.POWER_LAW,
        Method.BEST_FIT,
    }
)


def _batch_values(
    groups: Groups,
    config: MasteryConfig,
    bkt_params: list[BktParams] | None,
    target_index: IntArray | None,
) -> tuple[FloatArray, FloatArray | None]:
    """Value of each group (NaN for none) and, for bkt, P(correct) on the next attempt."""
    x, starts, ends = groups.x, groups.starts, groups.ends
    n_groups = starts.size
    if n_groups == 0:
        return np.zeros(0), None
    method = config.method
    last = ends - 1
    scale = config.scale
    extra: FloatArray | None = None
    if method in WEIGHTED_METHODS:
        v = groups.v
    if method == Method.MEAN:
        if groups.weights is None:
            value = segment_sum(x, starts) / groups.lengths
        else:
            w = groups.weights
            value = segment_sum(w * x, starts) / segment_sum(w, starts)
    elif method == Method.HIGHEST:
        value = np.maximum.reduceat(x, starts)
    elif method == Method.MOST_RECENT:
        value = x[last].copy()
    elif method == Method.DECAYING_AVERAGE:
        value = _decaying_batch(x, groups.weights, starts, ends, config.weight)
    elif method == Method.WEIGHTED_AVERAGE:
        total_vx, total_v = segment_sum(v * x, starts), segment_sum(v, starts)
        with np.errstate(invalid="ignore", divide="ignore"):
            earlier = (total_vx - v[last] * x[last]) / (total_v - v[last])
        value = np.where(
            groups.lengths == 1, x[last], config.weight * x[last] + (1 - config.weight) * earlier
        )
    elif method == Method.N_MASTERY:
        kept = (x >= scale.proficient).astype(np.float64)
        count = segment_sum(kept, starts)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = segment_sum(v * x * kept, starts) / segment_sum(v * kept, starts)
        value[count < config.n] = np.nan
    elif method == Method.MEDIAN:
        value = _median_batch(x, v, starts, ends)
    elif method == Method.MODE_OF_LAST:
        value = _mode_batch(x, v, groups, config.k)
    elif method == Method.POWER_LAW:
        value = _power_batch(x, v, groups, config.floor)
    elif method == Method.BEST_FIT:
        value = _best_fit_batch(x, v, groups, config.floor)
    elif method == Method.BKT:
        params = bkt_params or [config.bkt]
        index = target_index if target_index is not None else np.zeros(n_groups, np.int64)
        return bkt_final(x >= scale.proficient, groups.lengths, params, index)
    else:  # pragma: no cover
        raise ValueError(method)
    return np.clip(value, scale.minimum, scale.maximum), extra


def _decaying_batch(
    x: FloatArray,
    v: FloatArray | None,
    starts: IntArray,
    ends: IntArray,
    weight: float,
    block_rows: int = 1 << 16,
) -> FloatArray:
    """Closed form per group: ``sum c_i x_i / sum c_i``, ``c_i = v_i w^[i>1] (1-w)^(n-i)``.

    Powers come from one table indexed by the distance to the group's end; terms that
    underflow to 0 weigh less than 1e-300 of the latest row, so they do not matter. Rows are
    processed in blocks of whole groups that fit in cache.
    """
    lengths = ends - starts
    longest = int(lengths.max())
    table = weight * np.power(1.0 - weight, np.arange(longest, dtype=np.float64))
    value = np.empty(starts.size)
    cuts = np.unique(np.searchsorted(starts, np.arange(0, x.size, block_rows), side="left"))
    cuts = np.append(cuts, starts.size)
    for g0, g1 in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
        if g0 >= g1:
            continue
        lo, hi = int(starts[g0]), int(ends[g1 - 1])
        local_starts = starts[g0:g1] - lo
        distance = np.repeat(ends[g0:g1] - 1 - lo, lengths[g0:g1])
        distance -= np.arange(hi - lo, dtype=np.int64)
        c = table[distance]
        if v is not None:
            c *= v[lo:hi]
        c[local_starts] /= weight
        total = np.add.reduceat(c, local_starts)
        c *= x[lo:hi]
        value[g0:g1] = np.add.reduceat(c, local_starts) / total
    return value


def _median_batch(x: FloatArray, v: FloatArray, starts: IntArray, ends: IntArray) -> FloatArray:
    lengths = ends - starts
    owner = np.repeat(np.arange(starts.size), lengths)
    order = np.lexsort((x, owner))
    xs, vs = x[order], v[order]
    cumulative = np.cumsum(vs)
    before = np.concatenate(([0.0], cumulative[ends[:-1] - 1]))
    total = cumulative[ends - 1] - before
    half = before + total / 2.0
    tolerance = 1e-12 * np.maximum(cumulative[ends - 1], 1.0)
    index = np.searchsorted(cumulative, half - tolerance, side="left")
    index = np.clip(index, starts, ends - 1)
    split = (np.abs(cumulative[index] - half) <= tolerance) & (index + 1 < ends)
    upper = np.minimum(index + 1, ends - 1)
    return np.where(split, (xs[index] + xs[upper]) / 2.0, xs[index])


def _mode_batch(x: FloatArray, v: FloatArray, groups: Groups, k: int) -> FloatArray:
    distance = np.repeat(groups.ends, groups.lengths) - np.arange(x.size) - 1
    owner = np.repeat(np.arange(groups.starts.size), groups.lengths)
    window = distance < k
    tallies = (
        pl.DataFrame({"g": owner[window], "x": x[window], "v": v[window]})
        .group_by(["g", "x"])
        .agg(pl.col("v").sum())
        .sort(["g", "v", "x"], descending=[False, True, True])
        .unique("g", keep="first", maintain_order=True)
        .sort("g")
    )
    return tallies.get_column("x").to_numpy().astype(np.float64)


def _fit_sums(
    t: FloatArray, y: FloatArray, v: FloatArray, starts: IntArray
) -> tuple[FloatArray, FloatArray]:
    sv = segment_sum(v, starts)
    st, sy = segment_sum(v * t, starts), segment_sum(v * y, starts)
    stt, sty = segment_sum(v * t * t, starts), segment_sum(v * t * y, starts)
    det = sv * stt - st * st
    with np.errstate(invalid="ignore", divide="ignore"):
        degenerate = np.abs(det) <= 1e-15 * np.maximum(sv * stt, 1.0)
        b = np.where(degenerate, 0.0, (sv * sty - st * sy) / det)
    return (sy - b * st) / sv, b


def _power_batch(x: FloatArray, v: FloatArray, groups: Groups, floor: float) -> FloatArray:
    position = positions(groups).astype(np.float64)
    log_a, b = _fit_sums(np.log(position), np.log(np.maximum(x, floor)), v, groups.starts)
    n = groups.lengths.astype(np.float64)
    return np.where(n == 1, x[groups.ends - 1], np.exp(log_a + b * np.log(n)))


def _best_fit_batch(x: FloatArray, v: FloatArray, groups: Groups, floor: float) -> FloatArray:
    starts, lengths = groups.starts, groups.lengths
    position = positions(groups).astype(np.float64)
    n = lengths.astype(np.float64)
    mu = segment_sum(v * x, starts) / segment_sum(v, starts)
    a, b = _fit_sums(position, x, v, starts)
    log_a, c = _fit_sums(np.log(position), np.log(np.maximum(x, floor)), v, starts)

    def per_row(values: FloatArray) -> FloatArray:
        return np.repeat(values, lengths)

    error_mean = segment_sum(v * np.abs(x - per_row(mu)), starts)
    error_linear = segment_sum(v * np.abs(x - (per_row(a) + per_row(b) * position)), starts)
    power_fitted = np.exp(per_row(log_a) + per_row(c) * np.log(position))
    error_power = segment_sum(v * np.abs(x - power_fitted), starts)
    value = mu.copy()
    best = error_mean.copy()
    linear_wins = error_linear < best - 1e-9
    value[linear_wins] = (a + b * n)[linear_wins]
    best[linear_wins] = error_linear[linear_wins]
    power_value = np.where(n == 1, x[groups.ends - 1], power_fitted[groups.ends - 1])
    power_wins = error_power < best - 1e-9
    value[power_wins] = power_value[power_wins]
    return value


def estimate(
    frame: pl.DataFrame,
    *,
    config: MasteryConfig,
    overrides: pl.DataFrame | None = None,
    bkt_model: BktModel | None = None,
    time: str = "observed_at",
) -> pl.DataFrame:
    """Mastery of every (student, target) group of ``frame``: the batch form of ``calculate``.

    ``frame`` columns: ``student_id``, ``target_id``, ``time`` (default ``observed_at``, any
    sortable type), ``score``; optional ``kind``, ``dok``, ``weight``. ``overrides`` columns:
    ``student_id``, ``target_id``, ``value``, ``set_at`` (comparable with ``time``); an override
    is the result unless counted evidence is newer. For ``bkt``, ``bkt_model`` supplies fitted
    parameters per target (else ``config.bkt`` for all).

    Returns one row per group: ``student_id``, ``target_id``, ``value`` (null when none),
    ``status``, ``n_evidence`` (counted rows), ``last_observed_at`` and, for ``bkt``,
    ``p_correct_next``.
    """
    groups = group_rows(frame, config, time=time)
    keys = groups.frame.select("student_id", "target_id")[groups.first_rows]
    bkt_params: list[BktParams] | None = None
    target_index: IntArray | None = None
    if config.method == Method.BKT and bkt_model is not None and groups.starts.size:
        target_values = keys.get_column("target_id")
        unique_targets = target_values.unique(maintain_order=True)
        lookup = {value: i for i, value in enumerate(unique_targets.to_list())}
        target_index = np.array([lookup[t] for t in target_values.to_list()], dtype=np.int64)
        bkt_params = [bkt_model.params_for(t) for t in unique_targets.to_list()]
    value, p_next = _batch_values(groups, config, bkt_params, target_index)
    count = groups.lengths
    value = np.where(count >= max(config.min_evidence, 1), value, np.nan)
    result = (
        keys.with_columns(
            pl.Series("value", value).fill_nan(None),
            pl.Series("n_evidence", count.astype(np.int64)),
            groups.frame.get_column(time).gather(groups.last_rows).alias("last_observed_at")
            if groups.starts.size
            else pl.Series("last_observed_at", [], dtype=frame.schema[time]),
        )
        .with_columns(
            pl.when(pl.col("value").is_null())
            .then(pl.lit(Status.INSUFFICIENT_EVIDENCE.value))
            .otherwise(pl.lit(Status.ESTIMATED.value))
            .alias("status")
        )
        .select("student_id", "target_id", "value", "status", "n_evidence", "last_observed_at")
    )
    if p_next is not None:
        result = result.with_columns(pl.Series("p_correct_next", p_next))
    if groups.frame.height < frame.height:
        # groups whose evidence all weighs 0 still get a row: no value, no counted evidence
        every_group = frame.select("student_id", "target_id").unique()
        if every_group.height > result.height:
            result = every_group.join(
                result, on=["student_id", "target_id"], how="left", nulls_equal=True
            ).with_columns(
                pl.col("status").fill_null(Status.INSUFFICIENT_EVIDENCE.value),
                pl.col("n_evidence").fill_null(0),
            )
    if overrides is not None and overrides.height:
        result = _apply_overrides(result, overrides)
    return result


def _apply_overrides(result: pl.DataFrame, overrides: pl.DataFrame) -> pl.DataFrame:
    latest = overrides.sort("set_at").unique(["student_id", "target_id"], keep="last")
    latest = latest.select(
        "student_id",
        "target_id",
        pl.col("value").cast(pl.Float64).alias("__override"),
        "set_at",
    )
    joined = result.join(latest, on=["student_id", "target_id"], how="full", coalesce=True)
    wins = pl.col("__override").is_not_null() & (
        pl.col("last_observed_at").is_null() | (pl.col("last_observed_at") <= pl.col("set_at"))
    )
    return joined.with_columns(
        pl.when(wins).then(pl.col("__override")).otherwise(pl.col("value")).alias("value"),
        pl.when(wins)
        .then(pl.lit(Status.OVERRIDE.value))
        .otherwise(pl.col("status"))
        .alias("status"),
        pl.col("n_evidence").fill_null(0),
    ).drop("__override", "set_at")


def calculate_batch(frame: pl.DataFrame, method: Method | str, **params: Any) -> pl.DataFrame:
    """``estimate`` with the config given as keyword arguments, like ``calculate``."""
    overrides = params.pop("overrides", None)
    bkt_model = params.pop("bkt_model", None)
    time = params.pop("time", "observed_at")
    return estimate(
        frame,
        config=_config(method, params),
        overrides=overrides,
        bkt_model=bkt_model,
        time=time,
    )
