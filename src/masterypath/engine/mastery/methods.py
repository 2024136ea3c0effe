"""The methods on one ordered evidence sequence. ``scores`` and ``weights`` are filtered to the
rows with ``v_i > 0`` first; every method returns a float (``n_mastery`` may give None)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from masterypath.engine._layout import FloatArray


def _as_arrays(scores: ArrayLike, weights: ArrayLike | None) -> tuple[FloatArray, FloatArray]:
    x = np.asarray(scores, dtype=np.float64).reshape(-1)
    v = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if v.shape != x.shape:
        raise ValueError("scores and weights differ in length")
    keep = v > 0
    return x[keep], v[keep]


def mean(scores: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Weighted arithmetic mean ``sum(v_i x_i) / sum(v_i)``."""
    x, v = _as_arrays(scores, weights)
    return float(np.dot(v, x) / v.sum())


def highest(scores: ArrayLike, weights: ArrayLike | None = None) -> float:
    """The highest score (weights only decide which rows count)."""
    x, _ = _as_arrays(scores, weights)
    return float(x.max())


def most_recent(scores: ArrayLike, weights: ArrayLike | None = None) -> float:
    """The latest counted score ``x_n``."""
    x, _ = _as_arrays(scores, weights)
    return float(x[-1])


def _weighted_median_index(x_sorted: FloatArray, v_sorted: FloatArray) -> tuple[int, bool]:
    cumulative = np.cumsum(v_sorted)
    half = cumulative[-1] / 2.0
    index = int(np.searchsorted(cumulative, half - 1e-12 * cumulative[-1], side="left"))
    split = abs(cumulative[index] - half) <= 1e-12 * cumulative[-1] and index + 1 < x_sorted.size
    return index, split


def median(scores: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Weighted median: the smallest score whose cumulative weight reaches half the total.

    When the cumulative weight equals exactly half (an even count with equal weights), the two
    middle scores are averaged, as the ordinary median does.
    """
    x, v = _as_arrays(scores, weights)
    order = np.argsort(x, kind="stable")
    xs, vs = x[order], v[order]
    index, split = _weighted_median_index(xs, vs)
    return float((xs[index] + xs[index + 1]) / 2.0) if split else float(xs[index])


def mode_of_last(scores: ArrayLike, k: int = 3, weights: ArrayLike | None = None) -> float:
    """Mode of the last ``k`` counted scores: the score with the largest total weight there.

    Ties go to the higher score (an order-free rule; PowerSchool-style "mode" grading).
    """
    x, v = _as_arrays(scores, weights)
    window_x, window_v = x[-k:], v[-k:]
    values = np.unique(window_x)
    totals = np.array([window_v[window_x == value].sum() for value in values])
    best = np.flatnonzero(totals >= totals.max() - 1e-12)
    return float(values[best[-1]])


def weighted_average(
    scores: ArrayLike, weight: float = 0.65, weights: ArrayLike | None = None
) -> float:
    """Canvas's older "decaying average": ``w x_n + (1 - w) mean_v(x_1..x_(n-1))``.

    With one score the value is that score. Source: Canvas Outcomes, "Decaying Average"
    (before 2022), w = 65% by default.
    """
    x, v = _as_arrays(scores, weights)
    if x.size == 1:
        return float(x[0])
    earlier = float(np.dot(v[:-1], x[:-1]) / v[:-1].sum())
    return float(weight * x[-1] + (1.0 - weight) * earlier)


def _decaying_shares(v: FloatArray, weight: float) -> FloatArray:
    """Coefficients ``c_i`` of ``D_n = sum c_i x_i`` (they sum to 1)."""
    n = v.size
    exponent = np.arange(n - 1, -1, -1, dtype=np.float64)
    c = v * np.power(1.0 - weight, exponent) * weight
    c[0] /= weight
    shares: FloatArray = c / c.sum()
    return shares


def decaying_average(
    scores: ArrayLike, weight: float = 0.65, weights: ArrayLike | None = None
) -> float:
    """True exponential decaying average: ``D_1 = x_1``, ``D_k = (1 - w) D_(k-1) + w x_k``.

    Closed form: ``D_n = (1-w)^(n-1) x_1 + sum_{i>=2} w (1-w)^(n-i) x_i``; scores 1, 2, 3, 4
    with w = 0.65 give 3.48. With evidence weights each coefficient is multiplied by ``v_i`` and
    the coefficients renormalised, which is what the recursion ``S_k = (1-w) S_(k-1) + w v_k x_k``,
    ``T_k = (1-w) T_(k-1) + w v_k``, ``D_k = S_k / T_k`` (with ``S_1 = v_1 x_1, T_1 = v_1``)
    computes. Source: Canvas Outcomes "Decaying Average" (2022), Marzano's recency weighting.
    """
    x, v = _as_arrays(scores, weights)
    return float(np.dot(_decaying_shares(v, weight), x))


def n_mastery(
    scores: ArrayLike, n: int = 3, proficient: float = 3.0, weights: ArrayLike | None = None
) -> float | None:
    """Scores at or above ``proficient`` are kept; fewer than ``n`` kept gives None.

    Otherwise the weighted mean of the kept scores (Canvas "n Number of Times").
    """
    x, v = _as_arrays(scores, weights)
    kept = x >= proficient
    if int(kept.sum()) < n:
        return None
    return float(np.dot(v[kept], x[kept]) / v[kept].sum())


def _least_squares(t: FloatArray, y: FloatArray, v: FloatArray) -> tuple[float, float]:
    """Weighted least squares ``y = a + b t``; returns (a, b)."""
    sv = v.sum()
    st, sy = np.dot(v, t), np.dot(v, y)
    stt, sty = np.dot(v, t * t), np.dot(v, t * y)
    det = sv * stt - st * st
    b = 0.0 if abs(det) <= 1e-15 * max(sv * stt, 1.0) else float((sv * sty - st * sy) / det)
    return float((sy - b * st) / sv), b


def power_law_fit(
    scores: ArrayLike, floor: float = 0.5, weights: ArrayLike | None = None
) -> tuple[float, float]:
    """(ln a, b) of Marzano's power law ``x = a i^b``: least squares of ln x on ln i.

    Positions are 1..n over counted evidence. A score below ``floor`` (a zero) enters as
    ``floor``, since ln 0 is undefined (Marzano 2006 fits positive scale points only).
    """
    x, v = _as_arrays(scores, weights)
    t = np.log(np.arange(1, x.size + 1, dtype=np.float64))
    return _least_squares(t, np.log(np.maximum(x, floor)), v)


def power_law(scores: ArrayLike, floor: float = 0.5, weights: ArrayLike | None = None) -> float:
    """Marzano's power law value at the latest position: ``exp(a) n^b`` (not clipped).

    Source: Marzano, "Classroom Assessment and Grading That Work" (2006), as JumpRope and
    Empower compute it; 1,3,2,4 -> 3.66; 2,4,1,3 -> 2.16; 4,3,2,1 -> 1.28. ``calculate`` clips
    the value into the scale (a rising trend can extrapolate above the top).
    """
    x, _ = _as_arrays(scores, weights)
    if x.size == 1:
        return float(x[0])
    log_a, b = power_law_fit(scores, floor, weights)
    return float(math.exp(log_a + b * math.log(x.size)))


def best_fit_models(
    scores: ArrayLike, floor: float = 0.5, weights: ArrayLike | None = None
) -> dict[str, tuple[float, float]]:
    """Each candidate model's (total weighted absolute error, value at the latest position)."""
    x, v = _as_arrays(scores, weights)
    n = x.size
    i = np.arange(1, n + 1, dtype=np.float64)
    mu = float(np.dot(v, x) / v.sum())
    a, b = _least_squares(i, x, v)
    log_a, c = _least_squares(np.log(i), np.log(np.maximum(x, floor)), v)
    power_fitted = np.exp(log_a + c * np.log(i))
    return {
        "mean": (float(np.dot(v, np.abs(x - mu))), mu),
        "linear": (float(np.dot(v, np.abs(x - (a + b * i)))), a + b * n),
        "power_law": (
            float(np.dot(v, np.abs(x - power_fitted))),
            float(x[0]) if n == 1 else float(power_fitted[-1]),
        ),
    }


def best_fit(scores: ArrayLike, floor: float = 0.5, weights: ArrayLike | None = None) -> float:
    """Empower's "true score estimator": the model with the least total absolute error.

    Candidates: the mean, the linear trend ``a + b i`` and the power law, each fitted by least
    squares; the winner's value at the latest position (not clipped). Ties go to the simpler
    model (mean, then linear, then power law).
    """
    models = best_fit_models(scores, floor, weights)
    name = _best_model(models)
    return models[name][1]


def _best_model(models: Mapping[str, tuple[float, float]]) -> str:
    best = "mean"
    for name in ("linear", "power_law"):
        if models[name][0] < models[best][0] - 1e-9:
            best = name
    return best
