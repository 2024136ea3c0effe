"""Effect estimates by matched comparison: did students who received a strategy grow more than
similar students who did not?

One row per student: an ``outcome`` (levels gained over the period), a boolean ``treated``
(received the intervention or resource), ``exact`` columns that a comparison student must share
(grade, domain, and in ``matched_effect_by_group`` the student group) and ``nearest`` columns on
which the comparison student should be as close as possible (placement before, pace before).

**Estimand.** The average effect on the treated (ATT): for the students who received it, the
mean difference between the growth they had and the growth they would have had without it.

**Matching.** Each treated student ``i`` is matched, with replacement, to the ``k`` control
students of the same exact cell that are nearest on the ``nearest`` columns, in the distance
``d(i, j) = sqrt(sum_c ((x_ic - x_jc) / s_c)^2)`` where ``s_c`` is the standard deviation of
column ``c`` over the whole frame (the diagonal Mahalanobis metric of Abadie and Imbens).
Ties are broken by row order, so the result is deterministic. A treated student with no
control in their cell (or none within ``caliper`` of them) is left out and counted in
``n_unmatched``.

**Bias correction.** Matches are close, not equal, so the raw pair difference carries the
difference the ``nearest`` columns alone would make. Following Abadie and Imbens (2011), the
control outcome is modelled as ``mu0(x) = a_cell + beta . x`` (least squares on the control
students, with a separate intercept per exact cell) and each pair difference is corrected::

    tau_i = (y_i - mu0(x_i)) - (1 / k) * sum_{j in J(i)} (y_j - mu0(x_j))
    effect = (1 / N1) * sum_i tau_i

(the cell intercepts cancel, since ``i`` and its matches share the cell). Write the residual
``e_i = y_i - beta . x_i`` and ``K(j)`` for how many times control ``j`` is used; then
``effect = (1 / N1) * sum_i c_i`` with ``c_i = e_i`` for a matched treated student and
``c_j = -K(j) / k * e_j`` for a control.

**Interval.** A weighted (wild) bootstrap of that linear form, which Otsu and Rai (2017) prove
valid for bias-corrected matching estimators (the plain bootstrap that re-matches each
resample is not: Abadie and Imbens 2008)::

    effect*_b = effect + (1 / N1) * sum_i W_ib * (c_i - T_i * effect),   W_ib ~ N(0, 1)

drawn ``n_boot`` times from a generator seeded by ``seed``; the interval is the
``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of ``effect*``.

**Naive difference.** ``mean(y | treated) - mean(y | not treated)`` over every row, for
comparison: when the students chosen for the intervention differ from the others (further
behind, slower), it mixes that difference into the effect.

**Suppression.** With fewer than ``min_group`` matched treated students, or fewer than
``min_group`` distinct control students among their matches, the estimate says nothing
reliable about anyone and reveals much about few: ``suppressed`` is true and the numbers are
None.

Sources: A. Abadie and G. Imbens, "Large sample properties of matching estimators for average
treatment effects", Econometrica 74 (2006); "Bias-corrected matching estimators for average
treatment effects", JBES 29 (2011); "On the failure of the bootstrap for matching estimators",
Econometrica 76 (2008). T. Otsu and Y. Rai, "Bootstrap inference of matching estimators for
average treatment effects", JASA 112 (2017). E. Stuart, "Matching methods for causal
inference: a review and a look forward", Statistical Science 25 (2010).

Limits: matching removes differences in what is measured (the exact and nearest columns), not
in what is not (motivation, a family's circumstances, which teacher chose the student). The
estimate is an association adjusted for those columns, not an experiment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

DEFAULT_MIN_GROUP = 10
DEFAULT_BOOTSTRAP = 1000
# Distance matrices are computed for this many (treated x control) pairs at a time.
_CHUNK_PAIRS = 2_000_000


@dataclass(frozen=True)
class EffectEstimate:
    """An effect with its interval and the numbers behind it.

    ``effect``, ``low``, ``high`` and ``naive_difference`` are in the outcome's units (levels
    gained); all four are None when ``suppressed``. ``n_treated`` counts matched treated
    students, ``n_controls`` distinct control students used as matches, ``n_unmatched``
    treated students left out for want of a comparison.
    """

    effect: float | None
    low: float | None
    high: float | None
    n_treated: int
    n_controls: int
    naive_difference: float | None
    suppressed: bool
    n_unmatched: int = 0


class EffectInputError(ValueError):
    """The frame lacks a column the estimate needs, or a parameter is out of range."""


def _suppressed(n_treated: int, n_controls: int, n_unmatched: int) -> EffectEstimate:
    return EffectEstimate(
        effect=None,
        low=None,
        high=None,
        n_treated=n_treated,
        n_controls=n_controls,
        naive_difference=None,
        suppressed=True,
        n_unmatched=n_unmatched,
    )


def _check(
    frame: pl.DataFrame,
    *,
    outcome: str,
    treated: str,
    exact: Sequence[str],
    nearest: Sequence[str],
    k: int,
    n_boot: int,
    level: float,
) -> None:
    missing = [c for c in (outcome, treated, *exact, *nearest) if c not in frame.columns]
    if missing:
        raise EffectInputError(f"the frame has no column {', '.join(missing)}")
    if k < 1:
        raise EffectInputError("k (matches per treated student) must be at least 1")
    if n_boot < 1:
        raise EffectInputError("n_boot must be at least 1")
    if not 0 < level < 1:
        raise EffectInputError("level must be between 0 and 1")


def _nearest_controls(
    xt: NDArray[np.float64], xc: NDArray[np.float64], *, k: int, caliper: float | None
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Indices ``(nt, k')`` of the nearest controls for each treated row (``k' = min(k, nc)``),
    and which treated rows have all their matches within the caliper."""
    nt, nc = xt.shape[0], xc.shape[0]
    kk = min(k, nc)
    out = np.empty((nt, kk), dtype=np.int64)
    ok = np.ones(nt, dtype=np.bool_)
    step = max(1, _CHUNK_PAIRS // max(nc, 1))
    for start in range(0, nt, step):
        block = xt[start : start + step]
        if xt.shape[1]:
            diff = block[:, None, :] - xc[None, :, :]
            dist = np.sqrt((diff * diff).sum(axis=2))
        else:
            dist = np.zeros((block.shape[0], nc))
        # A stable sort breaks ties by row order, which keeps the result deterministic.
        order = np.argsort(dist, axis=1, kind="stable")[:, :kk]
        out[start : start + step] = order
        if caliper is not None:
            chosen = np.take_along_axis(dist, order, axis=1)
            ok[start : start + step] = (chosen <= caliper).all(axis=1)
    return out, ok


def _cell_slopes(
    y: NDArray[np.float64], x: NDArray[np.float64], cell: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Least-squares slopes of ``y`` on ``x`` with one intercept per cell (demeaned per cell)."""
    d = x.shape[1]
    if d == 0 or y.shape[0] <= d + 1:
        return np.zeros(d)
    counts = np.bincount(cell).astype(np.float64)
    counts[counts == 0] = 1.0
    y_mean = np.bincount(cell, weights=y) / counts
    x_mean = np.stack([np.bincount(cell, weights=x[:, c]) / counts for c in range(d)], axis=1)
    yd = y - y_mean[cell]
    xd = x - x_mean[cell]
    beta, *_ = np.linalg.lstsq(xd, yd, rcond=None)
    return np.asarray(beta, dtype=np.float64)


def matched_effect(
    frame: pl.DataFrame,
    *,
    outcome: str,
    treated: str,
    exact: Sequence[str] = (),
    nearest: Sequence[str] = (),
    seed: int,
    n_boot: int = DEFAULT_BOOTSTRAP,
    min_group: int = DEFAULT_MIN_GROUP,
    k: int = 1,
    caliper: float | None = None,
    level: float = 0.95,
    bias_correction: bool = True,
) -> EffectEstimate:
    """The matched, bias-corrected effect on the treated with a wild-bootstrap interval (see the
    module docstring for the formulas). Rows with a missing value in any named column are left
    out. ``caliper`` is in standard deviations of the distance metric."""
    _check(
        frame,
        outcome=outcome,
        treated=treated,
        exact=exact,
        nearest=nearest,
        k=k,
        n_boot=n_boot,
        level=level,
    )
    data = frame.select([outcome, treated, *exact, *nearest]).drop_nulls()
    y = data[outcome].cast(pl.Float64).to_numpy()
    t = data[treated].cast(pl.Boolean).to_numpy().astype(np.bool_)
    x = (
        data.select([pl.col(c).cast(pl.Float64) for c in nearest]).to_numpy()
        if nearest
        else np.zeros((data.height, 0))
    )
    x = np.asarray(x, dtype=np.float64).reshape(data.height, len(nearest))
    if exact:
        cell = data.select(pl.struct(list(exact)).rank("dense").cast(pl.Int64)).to_series()
        cells = cell.to_numpy().astype(np.int64) - 1
    else:
        cells = np.zeros(data.height, dtype=np.int64)

    sd = x.std(axis=0) if x.shape[0] else np.ones(x.shape[1])
    sd[~np.isfinite(sd) | (sd == 0)] = 1.0
    z = x / sd

    n_all_treated = int(t.sum())
    treated_rows: list[NDArray[np.int64]] = []
    match_rows: list[NDArray[np.int64]] = []
    idx = np.arange(data.height)
    for c in np.unique(cells[t]) if n_all_treated else []:
        in_cell = cells == c
        ti = idx[in_cell & t]
        ci = idx[in_cell & ~t]
        if ci.size == 0:
            continue
        order, ok = _nearest_controls(z[ti], z[ci], k=k, caliper=caliper)
        treated_rows.append(ti[ok])
        match_rows.append(ci[order[ok]])

    n_treated = int(sum(r.size for r in treated_rows))
    n_unmatched = n_all_treated - n_treated
    if n_treated == 0:
        return _suppressed(0, 0, n_unmatched)
    used = np.unique(np.concatenate([m.ravel() for m in match_rows]))
    n_controls = int(used.size)
    if n_treated < min_group or n_controls < min_group:
        return _suppressed(n_treated, n_controls, n_unmatched)

    control = ~t
    beta = (
        _cell_slopes(y[control], x[control], cells[control])
        if bias_correction
        else np.zeros(x.shape[1])
    )
    resid = y - x @ beta

    # The linear form: c_i = e_i for each matched treated student, -K(j)/k' e_j per control.
    weight = np.zeros(data.height)
    for ti, mi in zip(treated_rows, match_rows, strict=True):
        weight[ti] += 1.0
        np.add.at(weight, mi.ravel(), -1.0 / mi.shape[1])
    involved = weight != 0
    contrib = weight[involved] * resid[involved]
    effect = float(contrib.sum() / n_treated)

    is_treated = t[involved].astype(np.float64)
    centred = contrib - is_treated * effect
    rng = np.random.default_rng(seed)
    draws = rng.standard_normal((n_boot, centred.size)) if centred.size else np.zeros((n_boot, 0))
    boot = effect + draws @ centred / n_treated
    low, high = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])

    naive = float(y[t].mean() - y[~t].mean()) if control.any() else None
    return EffectEstimate(
        effect=effect,
        low=float(low),
        high=float(high),
        n_treated=n_treated,
        n_controls=n_controls,
        naive_difference=naive,
        suppressed=False,
        n_unmatched=n_unmatched,
    )


def matched_effect_by_group(
    frame: pl.DataFrame,
    *,
    group: str,
    outcome: str,
    treated: str,
    exact: Sequence[str] = (),
    nearest: Sequence[str] = (),
    seed: int,
    n_boot: int = DEFAULT_BOOTSTRAP,
    min_group: int = DEFAULT_MIN_GROUP,
    k: int = 1,
    caliper: float | None = None,
    level: float = 0.95,
    bias_correction: bool = True,
) -> dict[str, EffectEstimate]:
    """``matched_effect`` for each value of ``group`` (English learners, a race/ethnicity...),
    comparing each group's treated students with control students of the same group, so the
    group acts as one more exact column. Groups below ``min_group`` are suppressed. Keys are
    the group values as text, in sorted order; rows with a missing group are left out.

    A student may belong to several groups: pass a frame with one row per student and group
    (the same student in two rows of different groups)."""
    if group not in frame.columns:
        raise EffectInputError(f"the frame has no column {group}")
    values = sorted(
        {str(v) for v in frame.get_column(group).drop_nulls().unique().to_list()},
    )
    text = frame.with_columns(pl.col(group).cast(pl.Utf8).alias("__group"))
    result: dict[str, EffectEstimate] = {}
    for value in values:
        part = text.filter(pl.col("__group") == value)
        result[value] = matched_effect(
            part,
            outcome=outcome,
            treated=treated,
            exact=exact,
            nearest=nearest,
            seed=seed,
            n_boot=n_boot,
            min_group=min_group,
            k=k,
            caliper=caliper,
            level=level,
            bias_correction=bias_correction,
        )
    return result


@dataclass(frozen=True)
class Proportion:
    """A share with its Wilson interval; all None when suppressed (fewer than ``min_group``)."""

    share: float | None
    low: float | None
    high: float | None
    n: int
    suppressed: bool


# Two-sided standard normal quantiles for the usual levels (no scipy in the engine).
_Z = {
    0.8: 1.2815515655446004,
    0.9: 1.6448536269514722,
    0.95: 1.959963984540054,
    0.99: 2.5758293035489004,
}


def wilson_interval(
    successes: int, n: int, *, level: float = 0.95, min_group: int = DEFAULT_MIN_GROUP
) -> Proportion:
    """The share ``p = successes / n`` with the Wilson score interval::

        centre = (p + z^2 / 2n) / (1 + z^2 / n)
        half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)

    Source: E. B. Wilson, "Probable inference, the law of succession, and statistical
    inference", JASA 22 (1927); recommended over the plain normal interval for small ``n`` by
    Brown, Cai and DasGupta, Statistical Science 16 (2001). ``level`` is one of 0.8, 0.9,
    0.95, 0.99."""
    if not 0 <= successes <= n:
        raise EffectInputError("successes must be between 0 and n")
    if level not in _Z:
        raise EffectInputError(f"level must be one of {sorted(_Z)}")
    if n < max(min_group, 1):
        return Proportion(share=None, low=None, high=None, n=n, suppressed=True)
    z = _Z[level]
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * float(np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)))
    return Proportion(
        share=p, low=max(0.0, centre - half), high=min(1.0, centre + half), n=n, suppressed=False
    )
