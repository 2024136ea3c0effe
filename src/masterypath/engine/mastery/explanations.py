"""``calculate`` and ``explain``: one sequence with the options on top of the methods (evidence
weights, ``min_evidence``, an override, the scale), and the reasons for the value."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from masterypath.engine._layout import FloatArray, IntArray
from masterypath.engine.bkt import bkt_filter, bkt_p_correct, bkt_transition
from masterypath.engine.mastery.config import MasteryConfig, Method, Override, Status, _config
from masterypath.engine.mastery.methods import (
    _best_model,
    _decaying_shares,
    _weighted_median_index,
    best_fit_models,
    mode_of_last,
    power_law,
    power_law_fit,
)


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

    method: Method
    value: float | None
    status: Status
    formula: str
    evidence: tuple[EvidenceUse, ...]
    parameters: tuple[tuple[str, float], ...]
    detail: str


FORMULAS: Mapping[Method, str] = {
    Method.MEAN: "sum(v_i x_i) / sum(v_i)",
    Method.HIGHEST: "max(x_i)",
    Method.MOST_RECENT: "x_n",
    Method.MEDIAN: "weighted median of x_i (middle two averaged when the weight splits evenly)",
    Method.MODE_OF_LAST: (
        "score with the largest total weight among the last k (ties: higher score)"
    ),
    Method.WEIGHTED_AVERAGE: "w x_n + (1 - w) sum_{i<n}(v_i x_i) / sum_{i<n}(v_i)",
    Method.DECAYING_AVERAGE: (
        "D_1 = x_1, D_k = (1 - w) D_(k-1) + w x_k  (weighted: shares c_i v_i)"
    ),
    Method.N_MASTERY: "mean of the x_i >= proficient if at least n of them, else none",
    Method.POWER_LAW: "exp(a) n^b with (a, b) = least squares of ln max(x_i, floor) on ln i",
    Method.BEST_FIT: "of mean, linear a + b i and power law: the least sum v_i |x_i - fit_i|, at n",
    Method.BKT: "P(L_n | x_1..x_n), x_i = score >= proficient, Bayesian knowledge tracing",
}


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


def calculate(
    method: Method | str,
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
    Example: ``calculate(Method.DECAYING_AVERAGE, [1, 2, 3, 4])`` is 3.484625 (the string
    ``"decaying_average"`` names the same method).
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
    method: Method | str,
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
    method = config.method
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
    if method == Method.MEAN:
        shares = v / v.sum()
        value = float(np.dot(shares, x))
    elif method == Method.HIGHEST:
        shares = np.zeros(x.size)
        shares[int(np.flatnonzero(x == x.max())[-1])] = 1.0
        value = float(x.max())
    elif method == Method.MOST_RECENT:
        shares = np.zeros(x.size)
        shares[-1] = 1.0
        value = float(x[-1])
    elif method == Method.MEDIAN:
        order = np.argsort(x, kind="stable")
        index, split = _weighted_median_index(x[order], v[order])
        shares = np.zeros(x.size)
        if split:
            shares[order[index]] = shares[order[index + 1]] = 0.5
        else:
            shares[order[index]] = 1.0
        value = float(np.dot(shares, x))
    elif method == Method.MODE_OF_LAST:
        value = mode_of_last(x, config.k, v)
        shares = np.zeros(x.size)
        window = np.arange(x.size) >= x.size - config.k
        chosen = window & (x == value)
        shares[chosen] = v[chosen] / v[chosen].sum()
        detail = f"window: the last {min(config.k, x.size)} counted scores"
    elif method == Method.WEIGHTED_AVERAGE:
        shares = np.zeros(x.size)
        if x.size == 1:
            shares[0] = 1.0
        else:
            shares[-1] = config.weight
            shares[:-1] = (1.0 - config.weight) * v[:-1] / v[:-1].sum()
        value = float(np.dot(shares, x))
    elif method == Method.DECAYING_AVERAGE:
        shares = _decaying_shares(v, config.weight)
        value = float(np.dot(shares, x))
    elif method == Method.N_MASTERY:
        kept = x >= scale.proficient
        shares = np.zeros(x.size)
        if int(kept.sum()) < config.n:
            value = None
            status = Status.INSUFFICIENT_EVIDENCE
            detail = f"{int(kept.sum())} scores at or above {scale.proficient}, {config.n} needed"
        else:
            shares[kept] = v[kept] / v[kept].sum()
            value = float(np.dot(shares, x))
    elif method == Method.POWER_LAW:
        raw = power_law(x, config.floor, v)
        value = scale.clip(raw)
        if x.size > 1:
            log_a, b = power_law_fit(x, config.floor, v)
            detail = f"a = {math.exp(log_a):.6g}, b = {b:.6g}, a n^b = {raw:.6g}"
        detail += f"; clipped into [{scale.minimum}, {scale.maximum}]" if raw != value else ""
    elif method == Method.BEST_FIT:
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
    elif method == Method.BKT:
        _, p_mastery = bkt_filter(x >= scale.proficient, config.bkt)
        value = float(p_mastery[-1])
        trace = ", ".join(f"{p:.4f}" for p in p_mastery.tolist())
        next_correct = bkt_p_correct(bkt_transition(value, config.bkt), config.bkt)
        detail = f"P(mastery) after each: {trace}; P(correct next) = {next_correct:.4f}"
    else:  # pragma: no cover - MasteryConfig validates the method
        raise ValueError(method)
    if value is not None and method not in {Method.POWER_LAW, Method.BEST_FIT, Method.BKT}:
        value = scale.clip(value)
    evidence = _uses(x_all, v_all, shares, used, kinds, doks)
    return Explanation(method, value, status, FORMULAS[method], evidence, parameters, detail)


def _parameters(config: MasteryConfig) -> tuple[tuple[str, float], ...]:
    by_method: dict[Method, tuple[tuple[str, float], ...]] = {
        Method.MODE_OF_LAST: (("k", float(config.k)),),
        Method.WEIGHTED_AVERAGE: (("weight", config.weight),),
        Method.DECAYING_AVERAGE: (("weight", config.weight),),
        Method.N_MASTERY: (("n", float(config.n)), ("proficient", config.scale.proficient)),
        Method.POWER_LAW: (("floor", config.floor),),
        Method.BEST_FIT: (("floor", config.floor),),
        Method.BKT: (
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
