"""Mastery calculation methods: one evidence sequence, a whole frame, or one step at a time.

Scores are on the target's performance scale (``Scale``, e.g. 1-4 with 3 = proficient) and in
the order they were observed. Every method honours the same options:

* ``min_evidence``: fewer counted evidence rows give no value and status
  ``insufficient_evidence``.
* evidence weights: ``kind_weights`` (e.g. ``{"formative": 0}``), ``dok_weights`` (by depth of
  knowledge) and an explicit per-row weight multiply into one weight ``v_i``. Rows with
  ``v_i = 0`` are left out entirely (they neither count nor decay anything); other weights enter
  each formula as documented on the method.
* a teacher ``Override`` (professional judgement) is the result until counted evidence observed
  after it arrives.

Results can be explained (``explain``): evidence used, weight and share of each row, formula,
value. ``calculate`` gives the value for one sequence, ``estimate`` the same numbers for every
(student, target) group of a frame, vectorised, and ``update`` keeps O(1) state per group for
the recursive methods.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from masterypath.engine._layout import (
    FloatArray,
    IntArray,
    column_ranks,
    slots_in_chunks,
    sort_groups,
)
from masterypath.engine.bkt import (
    DEFAULT_BKT_PARAMS,
    BktModel,
    BktParams,
    bkt_filter,
    bkt_final,
    bkt_forward,
    bkt_p_correct,
    bkt_step,
    bkt_transition,
)

METHODS: tuple[str, ...] = (
    "mean",
    "highest",
    "most_recent",
    "median",
    "mode_of_last",
    "weighted_average",
    "decaying_average",
    "n_mastery",
    "power_law",
    "best_fit",
    "bkt",
)
RECURSIVE_METHODS: frozenset[str] = frozenset(
    {"mean", "highest", "most_recent", "decaying_average", "bkt"}
)
ORDER_INVARIANT_METHODS: frozenset[str] = frozenset({"mean", "highest", "median", "n_mastery"})
"""Methods whose value does not depend on the order of the evidence."""


class Status(StrEnum):
    ESTIMATED = "estimated"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    OVERRIDE = "override"


@dataclass(frozen=True, slots=True)
class Scale:
    """A performance scale: values are clipped into ``[minimum, maximum]``."""

    minimum: float = 1.0
    maximum: float = 4.0
    proficient: float = 3.0

    def __post_init__(self) -> None:
        if not self.minimum <= self.proficient <= self.maximum:
            raise ValueError("Scale needs minimum <= proficient <= maximum")

    def clip(self, value: float) -> float:
        return min(max(value, self.minimum), self.maximum)


@dataclass(frozen=True, slots=True)
class MasteryConfig:
    """A method and its parameters, as chosen per district, framework or target.

    ``weight`` is the w of ``weighted_average`` and ``decaying_average``; ``k`` the window of
    ``mode_of_last``; ``n`` the count of ``n_mastery``; ``floor`` the lowest score that enters a
    logarithm in ``power_law`` and ``best_fit``; ``bkt`` the parameters used when no fitted
    ``BktModel`` is given.
    """

    method: str = "decaying_average"
    weight: float = 0.65
    k: int = 3
    n: int = 3
    floor: float = 0.5
    scale: Scale = field(default_factory=Scale)
    min_evidence: int = 1
    kind_weights: Mapping[str, float] = field(default_factory=dict)
    dok_weights: Mapping[int, float] = field(default_factory=dict)
    bkt: BktParams = DEFAULT_BKT_PARAMS

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"Unknown mastery method {self.method!r}; choose one of {METHODS}")
        if self.method == "decaying_average" and not 0.5 <= self.weight <= 0.99:
            raise ValueError("decaying_average needs 0.5 <= weight <= 0.99")
        if not 0.0 < self.weight < 1.0:
            raise ValueError("weight must lie strictly between 0 and 1")
        if self.k < 1 or self.n < 1 or self.min_evidence < 0:
            raise ValueError("k and n must be at least 1, min_evidence at least 0")
        if self.floor <= 0.0:
            raise ValueError("floor must be positive (it enters a logarithm)")
        if any(w < 0 for w in [*self.kind_weights.values(), *self.dok_weights.values()]):
            raise ValueError("evidence weights must not be negative")


@dataclass(frozen=True, slots=True)
class Override:
    """A teacher's professional judgement, set at ``set_at`` (same type as ``observed_at``)."""

    value: float
    set_at: Any


@dataclass(frozen=True, slots=True)
class EvidenceUse:
    """One evidence row in an explanation.

    ``weight`` is the evidence weight ``v_i`` (kind x DOK x row weight; 0 = left out);
    ``share`` is the row's coefficient in the value where the method is a weighted average of
    scores (the shares sum to 1), else None.
    """

    index: int
    score: float
    weight: float
    share: float | None
    kind: str | None = None
    dok: int | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a value is what it is."""

    method: str
    value: float | None
    status: Status
    formula: str
    evidence: tuple[EvidenceUse, ...]
    parameters: tuple[tuple[str, float], ...]
    detail: str


FORMULAS: Mapping[str, str] = {
    "mean": "sum(v_i x_i) / sum(v_i)",
    "highest": "max(x_i)",
    "most_recent": "x_n",
    "median": "weighted median of x_i (middle two averaged when the weight splits evenly)",
    "mode_of_last": "score with the largest total weight among the last k (ties: higher score)",
    "weighted_average": "w x_n + (1 - w) sum_{i<n}(v_i x_i) / sum_{i<n}(v_i)",
    "decaying_average": "D_1 = x_1, D_k = (1 - w) D_(k-1) + w x_k  (weighted: shares c_i v_i)",
    "n_mastery": "mean of the x_i >= proficient if at least n of them, else none",
    "power_law": "exp(a) n^b with (a, b) = least squares of ln max(x_i, floor) on ln i",
    "best_fit": "of mean, linear a + b i and power law: the least sum v_i |x_i - fit_i|, at n",
    "bkt": "P(L_n | x_1..x_n), x_i = score >= proficient, Bayesian knowledge tracing",
}


# ---------------------------------------------------------------------------------------------
# The methods on one sequence. ``scores`` and ``weights`` are already filtered to v_i > 0.


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


# ---------------------------------------------------------------------------------------------
# calculate / explain: options on top of the methods.


def _evidence_weights(
    size: int,
    config: MasteryConfig,
    kinds: Sequence[str | None] | None,
    doks: Sequence[int | None] | None,
    evidence_weights: ArrayLike | None,
) -> FloatArray:
    v = (
        np.ones(size)
        if evidence_weights is None
        else np.asarray(evidence_weights, dtype=np.float64).copy()
    )
    if kinds is not None:
        v *= np.array([config.kind_weights.get(kind, 1.0) if kind else 1.0 for kind in kinds])
    if doks is not None:
        v *= np.array(
            [config.dok_weights.get(dok, 1.0) if dok is not None else 1.0 for dok in doks]
        )
    if v.shape != (size,):
        raise ValueError("every evidence row needs one weight, kind and DOK")
    if (v < 0).any():
        raise ValueError("evidence weights must not be negative")
    return v


def _config(method: str, params: Mapping[str, Any]) -> MasteryConfig:
    config = params.get("config")
    if isinstance(config, MasteryConfig):
        return replace(config, method=method)
    return MasteryConfig(method=method, **params)


def calculate(
    method: str,
    scores: ArrayLike,
    *,
    kinds: Sequence[str | None] | None = None,
    doks: Sequence[int | None] | None = None,
    evidence_weights: ArrayLike | None = None,
    observed_at: Sequence[Any] | None = None,
    override: Override | None = None,
    **params: Any,
) -> float | None:
    """The mastery value of one ordered evidence sequence, or None.

    ``params`` are ``MasteryConfig`` fields (``weight``, ``k``, ``n``, ``floor``, ``scale``,
    ``min_evidence``, ``kind_weights``, ``dok_weights``, ``bkt``) or ``config=MasteryConfig``.
    Example: ``calculate("decaying_average", [1, 2, 3, 4])`` is 3.484625.
    """
    return explain(
        method,
        scores,
        kinds=kinds,
        doks=doks,
        evidence_weights=evidence_weights,
        observed_at=observed_at,
        override=override,
        **params,
    ).value


def explain(
    method: str,
    scores: ArrayLike,
    *,
    kinds: Sequence[str | None] | None = None,
    doks: Sequence[int | None] | None = None,
    evidence_weights: ArrayLike | None = None,
    observed_at: Sequence[Any] | None = None,
    override: Override | None = None,
    **params: Any,
) -> Explanation:
    """``calculate`` with its reasons: evidence used, the weight and share of each, formula."""
    config = _config(method, params)
    x_all = np.asarray(scores, dtype=np.float64).reshape(-1)
    v_all = _evidence_weights(x_all.size, config, kinds, doks, evidence_weights)
    used = np.flatnonzero(v_all > 0)
    x, v = x_all[used], v_all[used]
    parameters = _parameters(config)
    shares: FloatArray | None = None
    detail = ""
    value: float | None
    status = Status.ESTIMATED

    if override is not None:
        if observed_at is None:
            raise ValueError("an override needs observed_at to tell newer evidence apart")
        newer = [i for i in used.tolist() if observed_at[i] > override.set_at]
        if not newer:
            evidence = _uses(x_all, v_all, None, used, kinds, doks)
            return Explanation(
                method,
                float(override.value),
                Status.OVERRIDE,
                "teacher override",
                evidence,
                parameters,
                f"override {override.value} set at {override.set_at}; no newer counted evidence",
            )
    if x.size < max(config.min_evidence, 1):
        evidence = _uses(x_all, v_all, None, used, kinds, doks)
        return Explanation(
            method,
            None,
            Status.INSUFFICIENT_EVIDENCE,
            FORMULAS[method],
            evidence,
            parameters,
            f"{x.size} counted evidence rows, {max(config.min_evidence, 1)} needed",
        )
    scale = config.scale
    if method == "mean":
        shares = v / v.sum()
        value = float(np.dot(shares, x))
    elif method == "highest":
        shares = np.zeros(x.size)
        shares[int(np.flatnonzero(x == x.max())[-1])] = 1.0
        value = float(x.max())
    elif method == "most_recent":
        shares = np.zeros(x.size)
        shares[-1] = 1.0
        value = float(x[-1])
    elif method == "median":
        order = np.argsort(x, kind="stable")
        index, split = _weighted_median_index(x[order], v[order])
        shares = np.zeros(x.size)
        if split:
            shares[order[index]] = shares[order[index + 1]] = 0.5
        else:
            shares[order[index]] = 1.0
        value = float(np.dot(shares, x))
    elif method == "mode_of_last":
        value = mode_of_last(x, config.k, v)
        shares = np.zeros(x.size)
        window = np.arange(x.size) >= x.size - config.k
        chosen = window & (x == value)
        shares[chosen] = v[chosen] / v[chosen].sum()
        detail = f"window: the last {min(config.k, x.size)} counted scores"
    elif method == "weighted_average":
        shares = np.zeros(x.size)
        if x.size == 1:
            shares[0] = 1.0
        else:
            shares[-1] = config.weight
            shares[:-1] = (1.0 - config.weight) * v[:-1] / v[:-1].sum()
        value = float(np.dot(shares, x))
    elif method == "decaying_average":
        shares = _decaying_shares(v, config.weight)
        value = float(np.dot(shares, x))
    elif method == "n_mastery":
        kept = x >= scale.proficient
        shares = np.zeros(x.size)
        if int(kept.sum()) < config.n:
            value = None
            status = Status.INSUFFICIENT_EVIDENCE
            detail = f"{int(kept.sum())} scores at or above {scale.proficient}, {config.n} needed"
        else:
            shares[kept] = v[kept] / v[kept].sum()
            value = float(np.dot(shares, x))
    elif method == "power_law":
        raw = power_law(x, config.floor, v)
        value = scale.clip(raw)
        if x.size > 1:
            log_a, b = power_law_fit(x, config.floor, v)
            detail = f"a = {math.exp(log_a):.6g}, b = {b:.6g}, a n^b = {raw:.6g}"
        detail += f"; clipped into [{scale.minimum}, {scale.maximum}]" if raw != value else ""
    elif method == "best_fit":
        models = best_fit_models(x, config.floor, v)
        name = _best_model(models)
        value = scale.clip(models[name][1])
        detail = (
            "; ".join(
                f"{model}: error {error:.6g}, value {fit:.6g}"
                for model, (error, fit) in models.items()
            )
            + f"; chosen: {name}"
        )
    elif method == "bkt":
        _, p_mastery = bkt_filter(x >= scale.proficient, config.bkt)
        value = float(p_mastery[-1])
        trace = ", ".join(f"{p:.4f}" for p in p_mastery.tolist())
        next_correct = bkt_p_correct(bkt_transition(value, config.bkt), config.bkt)
        detail = f"P(mastery) after each: {trace}; P(correct next) = {next_correct:.4f}"
    else:  # pragma: no cover - MasteryConfig validates the method
        raise ValueError(method)
    if value is not None and method not in {"power_law", "best_fit", "bkt"}:
        value = scale.clip(value)
    evidence = _uses(x_all, v_all, shares, used, kinds, doks)
    return Explanation(method, value, status, FORMULAS[method], evidence, parameters, detail)


def _parameters(config: MasteryConfig) -> tuple[tuple[str, float], ...]:
    by_method: dict[str, tuple[tuple[str, float], ...]] = {
        "mode_of_last": (("k", float(config.k)),),
        "weighted_average": (("weight", config.weight),),
        "decaying_average": (("weight", config.weight),),
        "n_mastery": (("n", float(config.n)), ("proficient", config.scale.proficient)),
        "power_law": (("floor", config.floor),),
        "best_fit": (("floor", config.floor),),
        "bkt": (
            ("prior", config.bkt.prior),
            ("learn", config.bkt.learn),
            ("guess", config.bkt.guess),
            ("slip", config.bkt.slip),
            ("forget", config.bkt.forget),
            ("proficient", config.scale.proficient),
        ),
    }
    return (("min_evidence", float(config.min_evidence)), *by_method.get(config.method, ()))


def _uses(
    x_all: FloatArray,
    v_all: FloatArray,
    shares: FloatArray | None,
    used: IntArray,
    kinds: Sequence[str | None] | None,
    doks: Sequence[int | None] | None,
) -> tuple[EvidenceUse, ...]:
    share_of = dict(zip(used.tolist(), shares.tolist(), strict=True)) if shares is not None else {}
    return tuple(
        EvidenceUse(
            index=i,
            score=float(x_all[i]),
            weight=float(v_all[i]),
            share=share_of.get(i, 0.0 if shares is not None else None),
            kind=kinds[i] if kinds is not None else None,
            dok=doks[i] if doks is not None else None,
        )
        for i in range(x_all.size)
    )


# ---------------------------------------------------------------------------------------------
# Incremental state for the recursive methods.


@dataclass(frozen=True, slots=True)
class MasteryState:
    """O(1) state of one (student, target) for a recursive method.

    ``value`` is the running mean, decaying average, highest or latest score, or the BKT
    posterior P(mastery); ``total_weight`` is ``sum v`` (mean), ``T`` (decaying average) or
    the BKT posterior P(not learned), kept apart because ``1 - value`` loses it near 1.
    """

    method: str
    count: int = 0
    value: float = 0.0
    total_weight: float = 0.0
    override: float | None = None


def initial_state(method: str) -> MasteryState:
    if method not in RECURSIVE_METHODS:
        raise ValueError(f"{method!r} has no O(1) state; recursive: {sorted(RECURSIVE_METHODS)}")
    return MasteryState(method)


def update(
    state: MasteryState,
    score: float,
    *,
    config: MasteryConfig | None = None,
    evidence_weight: float = 1.0,
) -> MasteryState:
    """Add one evidence row in O(1); a counted row (weight > 0) ends any override.

    mean: ``W' = W + v``, ``m' = m + (v / W')(x - m)``; decaying average:
    ``T' = (1 - w) T + w v``, ``D' = D + (w v / T')(x - D)`` (first row: ``D = x``, ``T = v``);
    highest: ``max``; most recent: ``x``; bkt: the forward filter step.
    """
    config = config or MasteryConfig(method=state.method)
    if evidence_weight <= 0.0:
        return state
    x = float(score)
    v = float(evidence_weight)
    method = state.method
    if method == "mean":
        total = state.total_weight + v
        value = state.value + (v / total) * (x - state.value)
    elif method == "decaying_average":
        if state.count == 0:
            total, value = v, x
        else:
            w = config.weight
            total = (1.0 - w) * state.total_weight + w * v
            value = state.value + (w * v / total) * (x - state.value)
    elif method == "highest":
        total, value = state.total_weight, x if state.count == 0 else max(state.value, x)
    elif method == "most_recent":
        total, value = state.total_weight, x
    elif method == "bkt":
        # total_weight carries P(not learned) exactly (see engine.bkt.bkt_step)
        previous = None if state.count == 0 else state.total_weight
        value, total = bkt_step(previous, x >= config.scale.proficient, config.bkt)
    else:
        raise ValueError(f"{method!r} has no O(1) state")
    return MasteryState(method, state.count + 1, value, total, None)


def set_override(state: MasteryState, value: float) -> MasteryState:
    """Record a teacher override; it stays the result until the next counted evidence."""
    return replace(state, override=float(value))


def state_value(state: MasteryState, *, config: MasteryConfig | None = None) -> float | None:
    """The result held by a state: the override, None below ``min_evidence``, else the value."""
    config = config or MasteryConfig(method=state.method)
    if state.override is not None:
        return state.override
    if state.count < max(config.min_evidence, 1):
        return None
    return state.value if state.method == "bkt" else config.scale.clip(state.value)


# ---------------------------------------------------------------------------------------------
# Batch: every (student, target) group of a frame at once.


@dataclass(frozen=True, slots=True)
class _Groups:
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


def _weight_expression(frame: pl.DataFrame, config: MasteryConfig) -> pl.Expr | None:
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


def _groups(frame: pl.DataFrame, config: MasteryConfig, *, time: str) -> _Groups:
    weight = _weight_expression(frame, config)
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
    return _Groups(
        x.astype(np.float64, copy=False),
        weights,
        starts,
        ends,
        frame,
        first_rows,
        last_rows,
        permutation,
    )


def _segment_sum(values: FloatArray, starts: IntArray) -> FloatArray:
    if values.size == 0:
        return np.zeros(0)
    return np.add.reduceat(values, starts)


def _position(groups: _Groups) -> IntArray:
    """1-based position of each row inside its group."""
    owner = np.repeat(np.arange(groups.starts.size), groups.lengths)
    return np.arange(groups.x.size, dtype=np.int64) - groups.starts[owner] + 1


# methods whose batch form reads the weight of every row (ones when all weigh the same)
WEIGHTED_METHODS = frozenset(
    {"weighted_average", "n_mastery", "median", "mode_of_last", "power_law", "best_fit"}
)


def _batch_values(
    groups: _Groups,
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
    if method == "mean":
        if groups.weights is None:
            value = _segment_sum(x, starts) / groups.lengths
        else:
            w = groups.weights
            value = _segment_sum(w * x, starts) / _segment_sum(w, starts)
    elif method == "highest":
        value = np.maximum.reduceat(x, starts)
    elif method == "most_recent":
        value = x[last].copy()
    elif method == "decaying_average":
        value = _decaying_batch(x, groups.weights, starts, ends, config.weight)
    elif method == "weighted_average":
        total_vx, total_v = _segment_sum(v * x, starts), _segment_sum(v, starts)
        with np.errstate(invalid="ignore", divide="ignore"):
            earlier = (total_vx - v[last] * x[last]) / (total_v - v[last])
        value = np.where(
            groups.lengths == 1, x[last], config.weight * x[last] + (1 - config.weight) * earlier
        )
    elif method == "n_mastery":
        kept = (x >= scale.proficient).astype(np.float64)
        count = _segment_sum(kept, starts)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = _segment_sum(v * x * kept, starts) / _segment_sum(v * kept, starts)
        value[count < config.n] = np.nan
    elif method == "median":
        value = _median_batch(x, v, starts, ends)
    elif method == "mode_of_last":
        value = _mode_batch(x, v, groups, config.k)
    elif method == "power_law":
        value = _power_batch(x, v, groups, config.floor)
    elif method == "best_fit":
        value = _best_fit_batch(x, v, groups, config.floor)
    elif method == "bkt":
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


def _mode_batch(x: FloatArray, v: FloatArray, groups: _Groups, k: int) -> FloatArray:
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
    sv = _segment_sum(v, starts)
    st, sy = _segment_sum(v * t, starts), _segment_sum(v * y, starts)
    stt, sty = _segment_sum(v * t * t, starts), _segment_sum(v * t * y, starts)
    det = sv * stt - st * st
    with np.errstate(invalid="ignore", divide="ignore"):
        degenerate = np.abs(det) <= 1e-15 * np.maximum(sv * stt, 1.0)
        b = np.where(degenerate, 0.0, (sv * sty - st * sy) / det)
    return (sy - b * st) / sv, b


def _power_batch(x: FloatArray, v: FloatArray, groups: _Groups, floor: float) -> FloatArray:
    position = _position(groups).astype(np.float64)
    log_a, b = _fit_sums(np.log(position), np.log(np.maximum(x, floor)), v, groups.starts)
    n = groups.lengths.astype(np.float64)
    return np.where(n == 1, x[groups.ends - 1], np.exp(log_a + b * np.log(n)))


def _best_fit_batch(x: FloatArray, v: FloatArray, groups: _Groups, floor: float) -> FloatArray:
    starts, lengths = groups.starts, groups.lengths
    position = _position(groups).astype(np.float64)
    n = lengths.astype(np.float64)
    mu = _segment_sum(v * x, starts) / _segment_sum(v, starts)
    a, b = _fit_sums(position, x, v, starts)
    log_a, c = _fit_sums(np.log(position), np.log(np.maximum(x, floor)), v, starts)

    def per_row(values: FloatArray) -> FloatArray:
        return np.repeat(values, lengths)

    error_mean = _segment_sum(v * np.abs(x - per_row(mu)), starts)
    error_linear = _segment_sum(v * np.abs(x - (per_row(a) + per_row(b) * position)), starts)
    power_fitted = np.exp(per_row(log_a) + per_row(c) * np.log(position))
    error_power = _segment_sum(v * np.abs(x - power_fitted), starts)
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
    groups = _groups(frame, config, time=time)
    keys = groups.frame.select("student_id", "target_id")[groups.first_rows]
    bkt_params: list[BktParams] | None = None
    target_index: IntArray | None = None
    if config.method == "bkt" and bkt_model is not None and groups.starts.size:
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


def calculate_batch(frame: pl.DataFrame, method: str, **params: Any) -> pl.DataFrame:
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


# ---------------------------------------------------------------------------------------------
# Running values: the method after every row (for next-response prediction and method reports).


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
    groups = _groups(frame, config, time=time)
    x, v, starts, lengths = groups.x, groups.v, groups.starts, groups.lengths
    method = config.method
    scale = config.scale
    extra: FloatArray | None = None
    position = _position(groups).astype(np.float64) if x.size else np.zeros(0)
    if method == "mean":
        after = _cumulative(v * x, starts, lengths) / _cumulative(v, starts, lengths)
    elif method == "highest":
        owner = np.repeat(np.arange(starts.size), lengths)
        after = (
            pl.DataFrame({"g": owner, "x": x})
            .select(pl.col("x").cum_max().over("g"))
            .to_series()
            .to_numpy()
        )
    elif method == "most_recent":
        after = x.copy()
    elif method == "weighted_average":
        sum_vx, sum_v = _cumulative(v * x, starts, lengths), _cumulative(v, starts, lengths)
        with np.errstate(invalid="ignore", divide="ignore"):
            earlier = (sum_vx - v * x) / (sum_v - v)
        after = np.where(position == 1, x, config.weight * x + (1 - config.weight) * earlier)
    elif method == "decaying_average":
        after = _running_decaying(x, v, lengths, config.weight) if x.size else np.zeros(0)
    elif method == "n_mastery":
        kept = (x >= scale.proficient).astype(np.float64)
        count = _cumulative(kept, starts, lengths)
        with np.errstate(invalid="ignore", divide="ignore"):
            after = _cumulative(v * x * kept, starts, lengths) / _cumulative(
                v * kept, starts, lengths
            )
        after[count < config.n] = np.nan
    elif method == "power_law":
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
    elif method == "bkt":
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
                if method == "mode_of_last":
                    after[i] = mode_of_last(prefix_x, config.k, prefix_v)
                elif method == "best_fit":
                    after[i] = best_fit(prefix_x, config.floor, prefix_v)
                else:
                    after[i] = median(prefix_x, prefix_v)
    if method != "bkt":
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
