"""Bayesian knowledge tracing (BKT): a two-state hidden Markov model per skill.

Model (Corbett & Anderson 1995, "Knowledge tracing: modeling the acquisition of procedural
knowledge"; forgetting as in pyBKT, Badrinath, Wang & Pardos 2021). A student is in state
L (has learned the skill) or U (not yet). With ``P(L_1) = prior``:

    P(L_{t+1} | L_t) = 1 - forget            P(L_{t+1} | U_t) = learn
    P(correct_t | L_t) = 1 - slip            P(correct_t | U_t) = guess

Forward filter (one sequence, ``p_t = P(L_t | o_1..o_{t-1})``, ``p_1 = prior``):

    P(correct_t) = p_t (1 - slip) + (1 - p_t) guess                    (prediction before o_t)
    q_t = P(L_t | o_1..o_t) = p_t e_L / (p_t e_L + (1 - p_t) e_U)       (posterior mastery)
    p_{t+1} = q_t (1 - forget) + (1 - q_t) learn

with ``e_L, e_U`` the likelihoods of ``o_t`` in each state. The code carries ``u_t = 1 - p_t``
instead (``u_{t+1} = (1 - q_t)(1 - learn - forget) + forget``): after a long correct run it is
tiny but exact, where ``p_t`` would round to 1.0 and stay there without forgetting.
Parameters are fitted per skill by
expectation-maximisation (Baum-Welch; Rabiner 1989, "A tutorial on hidden Markov models"), with
the smoothed posteriors computed backwards from the filtered ones:

    gamma_T = q_T
    gamma_t = q_t [(1 - forget) gamma_{t+1} / p_{t+1} + forget (1 - gamma_{t+1}) / (1 - p_{t+1})]
    xi_t(U -> L) = (1 - q_t) learn gamma_{t+1} / p_{t+1}
    xi_t(L -> U) = q_t forget (1 - gamma_{t+1}) / (1 - p_{t+1})

M-step: ``prior = mean gamma_1``, ``learn = sum xi(U->L) / sum_{t<T} (1 - gamma_t)``,
``forget = sum xi(L->U) / sum_{t<T} gamma_t``, ``guess = sum (1 - gamma) o / sum (1 - gamma)``,
``slip = sum gamma (1 - o) / sum gamma``; guess and slip are then held inside their bounds
(default at most 0.3, so that L stays the "knows it" state; Beck & Chang 2007 on identifiability).

Restarts follow the "short EM" strategy (Biernacki, Celeux & Govaert 2003): every random start
runs EM on a seeded sample of at most ``sample`` sequences per skill, the start with the highest
sample log-likelihood continues on all sequences of that skill until the parameters move less
than ``tol``. All sequences of all skills are processed at once in a packed, time-major layout
(see ``_layout``), so each EM iteration is a loop over time steps of whole-array operations.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from masterypath.engine._kernels import UNLEARNED_FLOOR as UNLEARNED_FLOOR  # re-exported
from masterypath.engine._kernels import bkt_last_posterior
from masterypath.engine._layout import (
    FloatArray,
    IntArray,
    PackedBlock,
    column_ranks,
    slots_in_chunks,
    sort_groups,
)

BoolArray = NDArray[np.bool_]

_EPSILON = 1e-6


@dataclass(frozen=True, slots=True)
class BktParams:
    """Parameters of one skill. Probabilities in [0, 1]; ``forget`` is 0 in the classic model."""

    prior: float = 0.3
    learn: float = 0.1
    guess: float = 0.2
    slip: float = 0.1
    forget: float = 0.0

    def __post_init__(self) -> None:
        for name in ("prior", "learn", "guess", "slip", "forget"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"BKT {name} must lie in [0, 1], got {value}")


DEFAULT_BKT_PARAMS = BktParams()
"""Used where a skill has too little evidence to fit: moderate values in the range that fitted
BKT models usually report (prior 0.3, learn 0.1, guess 0.2, slip 0.1, no forgetting)."""


@dataclass(frozen=True, slots=True)
class BktBounds:
    """Upper bounds that keep the fitted model interpretable (guess and slip below 0.5)."""

    guess_max: float = 0.3
    slip_max: float = 0.3
    forget_max: float = 0.3


@dataclass(frozen=True, slots=True)
class BktSkillFit:
    """How one skill's parameters were obtained."""

    params: BktParams
    n_rows: int
    n_sequences: int
    is_default: bool
    iterations: int
    sample_loglik: float | None


@dataclass(frozen=True, slots=True)
class BktModel:
    """Fitted parameters per skill; unknown skills get ``defaults``."""

    skills: Mapping[Hashable, BktSkillFit] = field(default_factory=dict)
    defaults: BktParams = DEFAULT_BKT_PARAMS

    def params_for(self, skill: Hashable) -> BktParams:
        fit = self.skills.get(skill)
        return self.defaults if fit is None else fit.params


# ---------------------------------------------------------------------------------------------
# One sequence, one step: the reference implementation used by tests and the incremental state.


def bkt_transition(q_learned: float, params: BktParams) -> float:
    """``p_{t+1} = q_t (1 - forget) + (1 - q_t) learn``."""
    return q_learned * (1.0 - params.forget) + (1.0 - q_learned) * params.learn


def bkt_p_correct(p_learned: float, params: BktParams) -> float:
    """``P(correct) = p (1 - slip) + (1 - p) guess``."""
    return p_learned * (1.0 - params.slip) + (1.0 - p_learned) * params.guess


def _unlearned_before(unlearned: float | None, params: BktParams) -> float:
    """P(not learned) before an observation, from ``q_u`` after the previous one."""
    if unlearned is None:
        u = 1.0 - params.prior
    else:
        u = unlearned * (1.0 - params.learn - params.forget) + params.forget
    return max(u, UNLEARNED_FLOOR)


def bkt_step(unlearned: float | None, correct: bool, params: BktParams) -> tuple[float, float]:
    """One observation: ``(q, q_u)``, the posteriors P(learned) and P(not learned) after it.

    ``unlearned`` is ``q_u`` after the previous observation (None before the first one, when
    P(not learned) is ``1 - prior``). Transition ``u = q_u (1 - learn - forget) + forget``;
    then with ``e_L``, ``e_U`` the chances of the observation if learned or not,
    ``q = (1 - u) e_L / d`` and ``q_u = u e_U / d``, ``d = (1 - u) e_L + u e_U``.
    """
    u = _unlearned_before(unlearned, params)
    if correct:
        e_learned, e_unlearned = 1.0 - params.slip, params.guess
    else:
        e_learned, e_unlearned = params.slip, 1.0 - params.guess
    learned_part = (1.0 - u) * e_learned
    unlearned_part = u * e_unlearned
    denominator = learned_part + unlearned_part
    if denominator <= 0.0:
        return 1.0 - u, u
    return learned_part / denominator, max(unlearned_part / denominator, UNLEARNED_FLOOR)


def bkt_filter(correct: ArrayLike, params: BktParams) -> tuple[FloatArray, FloatArray]:
    """Forward filter of one sequence: ``(P(correct_t) before o_t, P(L_t | o_1..o_t))``."""
    observations = np.asarray(correct, dtype=bool)
    p_correct = np.empty(observations.size)
    p_mastery = np.empty(observations.size)
    unlearned: float | None = None
    for t, observed in enumerate(observations.tolist()):
        p_correct[t] = bkt_p_correct(1.0 - _unlearned_before(unlearned, params), params)
        p_mastery[t], unlearned = bkt_step(unlearned, bool(observed), params)
    return p_correct, p_mastery


# ---------------------------------------------------------------------------------------------
# Vectorised kernels: many sequences, each with the index of its parameter set.


@dataclass(slots=True)
class _ParamArrays:
    """K parameter sets as arrays (one per skill, or per skill and restart)."""

    prior: FloatArray
    learn: FloatArray
    guess: FloatArray
    slip: FloatArray
    forget: FloatArray

    def copy(self) -> _ParamArrays:
        return _ParamArrays(
            self.prior.copy(),
            self.learn.copy(),
            self.guess.copy(),
            self.slip.copy(),
            self.forget.copy(),
        )

    def take(self, index: IntArray) -> _ParamArrays:
        return _ParamArrays(
            self.prior[index],
            self.learn[index],
            self.guess[index],
            self.slip[index],
            self.forget[index],
        )

    def max_change(self, other: _ParamArrays) -> FloatArray:
        change = np.abs(self.prior - other.prior)
        for mine, theirs in (
            (self.learn, other.learn),
            (self.guess, other.guess),
            (self.slip, other.slip),
            (self.forget, other.forget),
        ):
            np.maximum(change, np.abs(mine - theirs), out=change)
        return change

    def params(self, k: int) -> BktParams:
        return BktParams(
            prior=float(self.prior[k]),
            learn=float(self.learn[k]),
            guess=float(self.guess[k]),
            slip=float(self.slip[k]),
            forget=float(self.forget[k]),
        )

    @classmethod
    def from_params(cls, params: Sequence[BktParams]) -> _ParamArrays:
        return cls(
            np.array([p.prior for p in params], dtype=np.float64),
            np.array([p.learn for p in params], dtype=np.float64),
            np.array([p.guess for p in params], dtype=np.float64),
            np.array([p.slip for p in params], dtype=np.float64),
            np.array([p.forget for p in params], dtype=np.float64),
        )


@dataclass(frozen=True, slots=True)
class _SequenceSet:
    """Sequences one after another in row order, each with the index of its parameter set."""

    obs: BoolArray
    lengths: IntArray
    param_index: IntArray

    def subset(self, keep: BoolArray) -> _SequenceSet:
        return _SequenceSet(
            self.obs[np.repeat(keep, self.lengths)], self.lengths[keep], self.param_index[keep]
        )

    def starts(self) -> IntArray:
        starts = np.zeros(self.lengths.size, dtype=np.int64)
        np.cumsum(self.lengths[:-1], out=starts[1:])
        return starts


@dataclass(frozen=True, slots=True)
class _Layout:
    """The packed layout of a sequence set (one block, longest sequences first)."""

    block: PackedBlock
    obs: BoolArray  # observations in packed order
    column_param: IntArray  # parameter set of every column
    starts: IntArray  # first row of every sequence
    rank: IntArray  # column of every sequence

    def rows_to_slots(self) -> Iterator[tuple[int, int, IntArray]]:
        """Packed slots of the rows, a million rows at a time."""
        return slots_in_chunks(self.starts, self.block.offsets, self.rank, self.obs.size)


def _layout_of(sequences: _SequenceSet) -> _Layout:
    starts = sequences.starts()
    offsets, columns, rank = column_ranks(sequences.lengths)
    layout = _Layout(
        PackedBlock(0, offsets, columns),
        np.empty(sequences.obs.size, dtype=bool),
        sequences.param_index[columns],
        starts,
        rank,
    )
    for lo, hi, slot in layout.rows_to_slots():
        layout.obs[slot] = sequences.obs[lo:hi]
    return layout


@dataclass(frozen=True, slots=True)
class _Chunk:
    """Columns ``[lo, hi)`` of a layout: the unit of work of one thread."""

    lo: int
    hi: int
    widths: list[int]  # active columns of this chunk at each step
    global_start: list[int]  # packed slot of the chunk's first column at each step
    local_offsets: list[int]  # offsets of each step inside the chunk's own buffers


def _chunks(layout: _Layout, width: int) -> list[_Chunk]:
    block = layout.block
    active = block.active
    n_columns = int(active[0]) if active.size else 0
    chunks: list[_Chunk] = []
    for lo in range(0, n_columns, width):
        hi = min(lo + width, n_columns)
        widths = np.clip(active - lo, 0, hi - lo)
        widths = widths[: int(np.count_nonzero(widths))]
        local = np.zeros(widths.size + 1, dtype=np.int64)
        np.cumsum(widths, out=local[1:])
        start = block.start + block.offsets[: widths.size] + lo
        chunks.append(_Chunk(lo, hi, widths.tolist(), start.tolist(), local.tolist()))
    return chunks


@dataclass(frozen=True, slots=True)
class _ColumnParams:
    """Parameters gathered per column of a chunk, in the forms the kernels use."""

    prior: FloatArray
    learn: FloatArray
    keep: FloatArray  # 1 - forget - learn
    forget: FloatArray
    lam_correct: FloatArray  # e_U / e_L for a correct response: guess / (1 - slip)
    lam_wrong: FloatArray  # e_U / e_L for a wrong one: (1 - guess) / slip
    log_e_correct: FloatArray  # log(1 - slip)
    log_e_wrong: FloatArray  # log(slip)
    guess: FloatArray
    slope: FloatArray  # 1 - slip - guess: P(correct) = guess + p * slope

    @classmethod
    def gather(cls, params: _ParamArrays, index: IntArray) -> _ColumnParams:
        p = params.take(index)
        slip = np.maximum(p.slip, _EPSILON)
        one_minus_slip = np.maximum(1.0 - p.slip, _EPSILON)
        return cls(
            prior=p.prior,
            learn=p.learn,
            keep=1.0 - p.forget - p.learn,
            forget=p.forget,
            lam_correct=p.guess / one_minus_slip,
            lam_wrong=(1.0 - p.guess) / slip,
            log_e_correct=np.log(one_minus_slip),
            log_e_wrong=np.log(slip),
            guess=p.guess,
            slope=1.0 - p.slip - p.guess,
        )


def _forward_chunk(
    obs: BoolArray,
    chunk: _Chunk,
    cp: _ColumnParams,
    p_out: FloatArray,
    q_out: FloatArray,
    loglik_out: FloatArray | None = None,
) -> None:
    """Forward filter of a chunk: predictive ``p`` and posterior ``q`` in the chunk's slots.

    The state carried from step to step is ``u = 1 - p`` (see ``UNLEARNED_FLOOR``):
    ``den = (1 - u) + u e_U / e_L``, ``q = (1 - u) / den``, and the next
    ``u = (u e_U / e_L / den) (1 - forget - learn) + forget``; the per-column log-likelihood
    ``sum log(e_L den)`` is added to ``loglik_out`` when given.
    """
    widths, starts, offsets = chunk.widths, chunk.global_start, chunk.local_offsets
    if not widths:
        return
    u = 1.0 - cp.prior[: widths[0]]
    np.maximum(u, UNLEARNED_FLOOR, out=u)
    scratch = np.empty(widths[0])
    weighted = np.empty(widths[0])  # u e_U / e_L
    steps = len(widths)
    for t in range(steps):
        width = widths[t]
        s = offsets[t]
        o = obs[starts[t] : starts[t] + width]
        p = p_out[s : s + width]
        np.subtract(1.0, u[:width], out=p)
        w = weighted[:width]
        np.multiply(u[:width], np.where(o, cp.lam_correct[:width], cp.lam_wrong[:width]), out=w)
        den = scratch[:width]
        np.add(p, w, out=den)
        np.divide(p, den, out=q_out[s : s + width])
        if loglik_out is not None:
            log_e = np.where(o, cp.log_e_correct[:width], cp.log_e_wrong[:width])
            loglik_out[:width] += np.log(den) + log_e
        if t + 1 < steps:
            following = widths[t + 1]
            nxt = u[:following]
            np.divide(w[:following], den[:following], out=nxt)
            np.multiply(nxt, cp.keep[:following], out=nxt)
            np.add(nxt, cp.forget[:following], out=nxt)
            np.maximum(nxt, UNLEARNED_FLOOR, out=nxt)


@dataclass(frozen=True, slots=True)
class _Stats:
    """Expected counts per parameter set."""

    gamma_first: FloatArray
    gamma: FloatArray
    gamma_correct: FloatArray
    gamma_last: FloatArray
    xi_learn: FloatArray
    xi_forget: FloatArray

    @classmethod
    def zeros(cls, k: int) -> _Stats:
        return cls(*(np.zeros(k) for _ in range(6)))

    def add(self, other: _Stats) -> None:
        for mine, theirs in (
            (self.gamma_first, other.gamma_first),
            (self.gamma, other.gamma),
            (self.gamma_correct, other.gamma_correct),
            (self.gamma_last, other.gamma_last),
            (self.xi_learn, other.xi_learn),
            (self.xi_forget, other.xi_forget),
        ):
            np.add(mine, theirs, out=mine)


def _e_step_chunk(layout: _Layout, chunk: _Chunk, params: _ParamArrays, *, forgets: bool) -> _Stats:
    """Forward filter, then smoothed posteriors backwards; expected counts per parameter set."""
    k = params.prior.size
    column_param = layout.column_param[chunk.lo : chunk.hi]
    cp = _ColumnParams.gather(params, column_param)
    widths, starts, offsets = chunk.widths, chunk.global_start, chunk.local_offsets
    size = offsets[-1]
    p_buf = np.empty(size)
    gamma = np.empty(size)  # holds q, then the smoothed posteriors from the last step back
    _forward_chunk(layout.obs, chunk, cp, p_buf, gamma)
    n = chunk.hi - chunk.lo
    acc_gamma = np.zeros(n)
    acc_gamma_correct = np.zeros(n)
    gamma_last = np.zeros(n)
    acc_ratio = np.zeros(n)
    acc_ratio_unlearned = np.zeros(n) if forgets else acc_ratio
    obs = layout.obs
    steps = len(widths)
    for t in range(steps - 1, -1, -1):
        width = widths[t]
        s = offsets[t]
        g = gamma[s : s + width]
        following = widths[t + 1] if t + 1 < steps else 0
        if following < width:
            gamma_last[following:width] = g[following:]
        if following:
            s1 = offsets[t + 1]
            g1 = gamma[s1 : s1 + following]
            ratio = g1 / p_buf[s1 : s1 + following]  # gamma_{t+1} / p_{t+1}
            q = g[:following]
            if forgets:
                # p = 1 makes gamma = 1 too: the tiny floor turns 0/0 into 0
                ratio_unlearned = (1.0 - g1) / np.maximum(1.0 - p_buf[s1 : s1 + following], 1e-300)
                acc_ratio_unlearned[:following] += q * ratio_unlearned
                acc_ratio[:following] += ratio - q * ratio
                forget = cp.forget[:following]
                blended = ratio * (1.0 - forget)
                blended += forget * ratio_unlearned
                np.multiply(q, blended, out=q)
            else:
                acc_ratio[:following] += ratio
                np.multiply(q, ratio, out=q)
        acc_gamma[:width] += g
        np.add(
            acc_gamma_correct[:width],
            g,
            out=acc_gamma_correct[:width],
            where=obs[starts[t] : starts[t] + width],
        )
    if forgets:
        xi_learn = cp.learn * acc_ratio
        xi_forget = cp.forget * acc_ratio_unlearned
    else:
        # sum_t (1 - q_t) ratio_t = sum ratio - sum_{t<T} gamma_t
        xi_learn = cp.learn * (acc_ratio - (acc_gamma - gamma_last))
        xi_forget = np.zeros(n)
    gamma_first = np.zeros(n)
    gamma_first[: widths[0]] = gamma[: widths[0]]

    def per_set(values: FloatArray) -> FloatArray:
        return np.bincount(column_param, weights=values, minlength=k).astype(np.float64)

    return _Stats(
        per_set(gamma_first),
        per_set(acc_gamma),
        per_set(acc_gamma_correct),
        per_set(gamma_last),
        per_set(xi_learn),
        per_set(xi_forget),
    )


def _e_step_of(layout: _Layout, params: _ParamArrays, forgets: bool, chunk: _Chunk) -> _Stats:
    return _e_step_chunk(layout, chunk, params, forgets=forgets)


_T = TypeVar("_T")
_Item = TypeVar("_Item")


def _map_chunks(chunks: list[_Item], work: Callable[[_Item], _T], workers: int) -> list[_T]:
    """``work`` on every chunk, in order, on up to ``workers`` threads (the loops inside release
    the GIL)."""
    if workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(work, chunks))
    return [work(chunk) for chunk in chunks]


@dataclass(frozen=True, slots=True)
class _Counts:
    rows: FloatArray
    correct: FloatArray
    sequences: FloatArray

    @classmethod
    def of(cls, sequences: _SequenceSet, k: int) -> _Counts:
        starts = sequences.starts()
        per_sequence = (
            np.add.reduceat(sequences.obs, starts, dtype=np.int64)
            if starts.size
            else np.zeros(0, dtype=np.int64)
        )
        return cls(
            rows=np.bincount(sequences.param_index, weights=sequences.lengths, minlength=k).astype(
                np.float64
            ),
            correct=np.bincount(sequences.param_index, weights=per_sequence, minlength=k).astype(
                np.float64
            ),
            sequences=np.bincount(sequences.param_index, minlength=k).astype(np.float64),
        )


def _m_step(
    stats: _Stats,
    counts: _Counts,
    params: _ParamArrays,
    running: BoolArray,
    *,
    forgets: bool,
    bounds: BktBounds,
) -> None:
    """Maximisation step for the running parameter sets, held inside the bounds."""
    with np.errstate(divide="ignore", invalid="ignore"):
        unlearned = counts.rows - stats.gamma
        transitions_learned = stats.gamma - stats.gamma_last
        transitions_unlearned = (counts.rows - counts.sequences) - transitions_learned
        prior = stats.gamma_first / counts.sequences
        learn = stats.xi_learn / transitions_unlearned
        guess = (counts.correct - stats.gamma_correct) / unlearned
        slip = (stats.gamma - stats.gamma_correct) / stats.gamma
        forget = stats.xi_forget / transitions_learned

    def update(target: FloatArray, value: FloatArray, low: float, high: float) -> None:
        value = np.clip(np.nan_to_num(value, nan=low), low, high)
        target[running] = value[running]

    update(params.prior, prior, _EPSILON, 1.0 - _EPSILON)
    update(params.learn, learn, _EPSILON, 1.0 - _EPSILON)
    update(params.guess, guess, _EPSILON, bounds.guess_max)
    update(params.slip, slip, _EPSILON, bounds.slip_max)
    if forgets:
        update(params.forget, forget, 0.0, bounds.forget_max)


def _em(
    sequences: _SequenceSet,
    params: _ParamArrays,
    *,
    forgets: bool,
    bounds: BktBounds,
    max_iter: int,
    tol: float,
    workers: int,
    chunk_width: int,
    want_loglik: bool,
) -> tuple[IntArray, FloatArray]:
    """EM for all parameter sets at once; ``params`` is updated in place.

    A parameter set stops when no parameter moves by ``tol`` or more; once the sets still
    running hold less than half of the rows, the layout is rebuilt with their sequences only.
    Returns the iterations per set and, when asked, the log-likelihood at the final parameters.
    """
    k = params.prior.size
    counts = _Counts.of(sequences, k)
    iterations = np.zeros(k, dtype=np.int64)
    running = counts.rows > 0
    current = sequences
    layout = full_layout = _layout_of(current)
    for _ in range(max_iter):
        if not running.any():
            break
        running_rows = float(counts.rows[running].sum())
        if running_rows < 0.5 * current.obs.size:
            current = current.subset(running[current.param_index])
            layout = _layout_of(current)
        chunks = _chunks(layout, chunk_width)
        results = _map_chunks(chunks, partial(_e_step_of, layout, params, forgets), workers)
        stats = _Stats.zeros(k)
        for result in results:
            stats.add(result)
        before = params.copy()
        _m_step(stats, counts, params, running, forgets=forgets, bounds=bounds)
        iterations[running] += 1
        running &= params.max_change(before) >= tol
    loglik = np.zeros(k)
    if want_loglik:
        loglik = _loglik(full_layout, params, workers=workers, chunk_width=chunk_width)
    return iterations, loglik


def _loglik(layout: _Layout, params: _ParamArrays, *, workers: int, chunk_width: int) -> FloatArray:
    k = params.prior.size

    def work(chunk: _Chunk) -> FloatArray:
        column_param = layout.column_param[chunk.lo : chunk.hi]
        cp = _ColumnParams.gather(params, column_param)
        size = chunk.local_offsets[-1]
        loglik = np.zeros(chunk.hi - chunk.lo)
        _forward_chunk(layout.obs, chunk, cp, np.empty(size), np.empty(size), loglik)
        return np.bincount(column_param, weights=loglik, minlength=k).astype(np.float64)

    total = np.zeros(k)
    for part in _map_chunks(_chunks(layout, chunk_width), work, workers):
        total += part
    return total


def _forward_all(
    sequences: _SequenceSet,
    params: _ParamArrays,
    *,
    workers: int,
    chunk_width: int,
    permutation: IntArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """``P(correct)`` before each row and ``P(mastery)`` after it.

    Rows come back in the sequence set's order, or, with ``permutation`` (original row of each
    sorted row), in the original order.
    """
    layout = _layout_of(sequences)
    height = layout.obs.size
    # the destination row of every packed slot, so each step writes straight into row order
    row_of_slot = np.empty(height, dtype=np.int64)
    for lo, hi, slot in layout.rows_to_slots():
        row_of_slot[slot] = (
            np.arange(lo, hi, dtype=np.int64) if permutation is None else permutation[lo:hi]
        )
    p_correct = np.empty(height)
    p_mastery = np.empty(height)

    def work(chunk: _Chunk) -> None:
        cp = _ColumnParams.gather(params, layout.column_param[chunk.lo : chunk.hi])
        size = chunk.local_offsets[-1]
        p_buf = np.empty(size)
        q_buf = np.empty(size)
        _forward_chunk(layout.obs, chunk, cp, p_buf, q_buf)
        for t, width in enumerate(chunk.widths):
            s = chunk.local_offsets[t]
            rows = row_of_slot[chunk.global_start[t] : chunk.global_start[t] + width]
            p = p_buf[s : s + width]
            np.multiply(p, cp.slope[:width], out=p)
            np.add(p, cp.guess[:width], out=p)
            p_correct[rows] = p
            p_mastery[rows] = q_buf[s : s + width]

    _map_chunks(_chunks(layout, chunk_width), work, workers)
    return p_correct, p_mastery


def _random_starts(
    rng: np.random.Generator,
    count: int,
    *,
    forgets: bool,
    bounds: BktBounds,
    defaults: BktParams,
) -> list[BktParams]:
    starts = [defaults]
    while len(starts) < count:
        starts.append(
            BktParams(
                prior=float(rng.uniform(0.05, 0.95)),
                learn=float(rng.uniform(0.01, 0.5)),
                guess=float(rng.uniform(0.01, bounds.guess_max)),
                slip=float(rng.uniform(0.01, bounds.slip_max)),
                forget=float(rng.uniform(0.0, min(0.1, bounds.forget_max))) if forgets else 0.0,
            )
        )
    return starts[:count]


# ---------------------------------------------------------------------------------------------
# Frame interface.


@dataclass(frozen=True, slots=True)
class _Prepared:
    permutation: IntArray | None  # original row of each sorted row; None: already sorted
    skills: list[Hashable]
    sequences: _SequenceSet  # parameter index = skill number


def _prepare(
    frame: pl.DataFrame,
    *,
    skill: str,
    student: str,
    correct: str,
    order: str | None,
) -> _Prepared:
    skill_column = frame.get_column(skill)
    # student first: logs are often kept per student, and a sorted input sorts in linear time
    permutation, starts, (_, skill_codes) = sort_groups(
        [frame.get_column(student), skill_column],
        frame.get_column(order) if order is not None else None,
    )
    # parameter index = position of the skill among the skills present
    present, skill_of_sequence = np.unique(skill_codes, return_inverse=True)
    first_rows = starts if permutation is None else permutation[starts]
    skills = _first_values(skill_column, first_rows, skill_of_sequence, present.size)
    lengths = np.diff(np.append(starts, frame.height)).astype(np.int64)
    obs = frame.get_column(correct).cast(pl.Boolean).to_numpy()
    if permutation is not None:
        obs = obs[permutation]
    return _Prepared(
        permutation, skills, _SequenceSet(obs, lengths, skill_of_sequence.astype(np.int64))
    )


def _first_values(
    column: pl.Series, first_row: IntArray, index: IntArray, count: int
) -> list[Hashable]:
    """The value of ``column`` for each of ``count`` skills, from one row of each."""
    representative = np.zeros(count, dtype=np.int64)
    representative[index] = first_row
    values: list[Hashable] = column.gather(representative).to_list()
    return values


def _rows_of(starts: IntArray, lengths: IntArray) -> IntArray:
    """Row numbers of the given sequences, one sequence after another."""
    total = int(lengths.sum())
    first = np.zeros(lengths.size, dtype=np.int64)
    np.cumsum(lengths[:-1], out=first[1:])
    owner = np.repeat(np.arange(lengths.size), lengths)
    return starts[owner] + np.arange(total, dtype=np.int64) - first[owner]


def bkt_fit(
    frame: pl.DataFrame,
    *,
    skill: str = "skill_id",
    student: str = "student_id",
    correct: str = "correct",
    order: str | None = None,
    forgets: bool = False,
    restarts: int = 5,
    seed: int = 0,
    sample: int = 500,
    max_iter: int = 100,
    tol: float = 1e-4,
    short_iter: int = 20,
    min_rows: int = 30,
    bounds: BktBounds | None = None,
    defaults: BktParams = DEFAULT_BKT_PARAMS,
    workers: int = 1,
    chunk_width: int = 16384,
) -> BktModel:
    """Fit BKT parameters per skill by EM with seeded random restarts.

    ``frame`` has one row per response: ``skill``, ``student``, ``correct`` (bool or 0/1) and,
    unless the rows are already in time order within each (skill, student), an ``order`` column.
    Rows are grouped with a stable integer sort; if ``order`` is already non-decreasing (rows in
    time order) it is not sorted again.
    Skills with fewer than ``min_rows`` responses keep ``defaults``. ``restarts`` starts (the
    first is ``defaults``, the others drawn with ``seed``) run a short EM (at most
    ``short_iter`` iterations, tolerance 1e-3) on at most ``sample`` random sequences per skill;
    the start with the best sample log-likelihood continues on all of them until no parameter
    moves by ``tol`` (or ``max_iter``).
    ``workers`` threads share the work (numpy releases the GIL inside its loops).
    """
    bounds = bounds or BktBounds()
    prepared = _prepare(frame, skill=skill, student=student, correct=correct, order=order)
    sequences = prepared.sequences
    n_skills = len(prepared.skills)
    counts = _Counts.of(sequences, n_skills)
    fitted = np.flatnonzero(counts.rows >= max(min_rows, 1))
    rng = np.random.default_rng(seed)
    restarts = max(restarts, 1)
    starts = _random_starts(rng, restarts, forgets=forgets, bounds=bounds, defaults=defaults)
    final = _ParamArrays.from_params([defaults] * n_skills)
    iterations = np.zeros(n_skills, dtype=np.int64)
    sample_loglik = np.full(n_skills, np.nan)
    if fitted.size:
        # 1. short EM of every start on a sample of each skill's sequences
        sequence_starts = sequences.starts()
        by_skill = np.argsort(sequences.param_index, kind="stable")
        skill_bounds = np.searchsorted(sequences.param_index[by_skill], np.arange(n_skills + 1))
        chosen_parts: list[IntArray] = []
        for b in fitted.tolist():
            members = by_skill[skill_bounds[b] : skill_bounds[b + 1]]
            if members.size > sample:
                members = np.sort(rng.choice(members, size=sample, replace=False))
            chosen_parts.append(members)
        chosen = np.concatenate(chosen_parts)
        chosen_obs = sequences.obs[_rows_of(sequence_starts[chosen], sequences.lengths[chosen])]
        fitted_position = np.zeros(n_skills, dtype=np.int64)
        fitted_position[fitted] = np.arange(fitted.size)
        base_index = fitted_position[sequences.param_index[chosen]] * restarts
        sample_set = _SequenceSet(
            np.tile(chosen_obs, restarts),
            np.tile(sequences.lengths[chosen], restarts),
            np.concatenate([base_index + r for r in range(restarts)]),
        )
        sample_params = _ParamArrays.from_params(
            [starts[r] for _ in range(fitted.size) for r in range(restarts)]
        )
        sample_iterations, loglik = _em(
            sample_set,
            sample_params,
            forgets=forgets,
            bounds=bounds,
            max_iter=min(max_iter, short_iter),
            tol=max(tol, 1e-3),
            workers=workers,
            chunk_width=chunk_width,
            want_loglik=True,
        )
        best = np.argmax(loglik.reshape(fitted.size, restarts), axis=1)
        best += np.arange(fitted.size) * restarts
        chosen_params = sample_params.take(best)
        for name in ("prior", "learn", "guess", "slip", "forget"):
            getattr(final, name)[fitted] = getattr(chosen_params, name)
        iterations[fitted] = sample_iterations[best]
        sample_loglik[fitted] = loglik[best]
        # 2. the best start continues on all sequences of the skill until it converges
        chosen_skills = np.zeros(n_skills, dtype=bool)
        chosen_skills[fitted] = True
        if chosen_skills.any():
            full_iterations, _ = _em(
                sequences.subset(chosen_skills[sequences.param_index]),
                final,
                forgets=forgets,
                bounds=bounds,
                max_iter=max_iter,
                tol=tol,
                workers=workers,
                chunk_width=chunk_width,
                want_loglik=False,
            )
            iterations += full_iterations
    fitted_mask = np.zeros(n_skills, dtype=bool)
    fitted_mask[fitted] = True
    skill_fits = {
        name: BktSkillFit(
            params=final.params(b) if fitted_mask[b] else defaults,
            n_rows=int(counts.rows[b]),
            n_sequences=int(counts.sequences[b]),
            is_default=not fitted_mask[b],
            iterations=int(iterations[b]),
            sample_loglik=float(sample_loglik[b]) if fitted_mask[b] else None,
        )
        for b, name in enumerate(prepared.skills)
    }
    return BktModel(skill_fits, defaults)


def bkt_predict(
    frame: pl.DataFrame,
    model: BktModel,
    *,
    skill: str = "skill_id",
    student: str = "student_id",
    correct: str = "correct",
    order: str | None = None,
    workers: int = 1,
    chunk_width: int = 16384,
) -> pl.DataFrame:
    """Run the forward filter over every (skill, student) sequence.

    Returns ``frame`` (in its own row order) with two new columns: ``p_correct``, the predicted
    probability that the row is correct given the earlier rows of that sequence, and
    ``p_mastery``, the posterior probability of mastery after the row.
    """
    prepared = _prepare(frame, skill=skill, student=student, correct=correct, order=order)
    params = _ParamArrays.from_params([model.params_for(name) for name in prepared.skills])
    p_correct, p_mastery = _forward_all(
        prepared.sequences,
        params,
        workers=workers,
        chunk_width=chunk_width,
        permutation=prepared.permutation,
    )
    del prepared
    return frame.with_columns(pl.Series("p_correct", p_correct), pl.Series("p_mastery", p_mastery))


def bkt_forward(
    correct: ArrayLike,
    lengths: ArrayLike,
    params: Sequence[BktParams] | BktParams,
    param_index: ArrayLike | None = None,
    *,
    workers: int = 1,
) -> tuple[FloatArray, FloatArray]:
    """Vectorised forward filter of many sequences stored one after another.

    ``correct`` holds the observations of all sequences back to back, ``lengths`` their lengths,
    ``param_index`` the parameter set (index into ``params``) of each sequence. Returns
    ``(P(correct) before each row, P(mastery) after it)`` in the same row order.
    """
    lengths_array = np.asarray(lengths, dtype=np.int64)
    param_list = [params] if isinstance(params, BktParams) else list(params)
    index = (
        np.zeros(lengths_array.size, dtype=np.int64)
        if param_index is None
        else np.asarray(param_index, dtype=np.int64)
    )
    sequences = _SequenceSet(np.asarray(correct, dtype=bool), lengths_array, index)
    return _forward_all(
        sequences, _ParamArrays.from_params(param_list), workers=workers, chunk_width=16384
    )


def bkt_final(
    correct: ArrayLike,
    lengths: ArrayLike,
    params: Sequence[BktParams] | BktParams,
    param_index: ArrayLike | None = None,
    *,
    workers: int = 1,
) -> tuple[FloatArray, FloatArray]:
    """Posterior P(mastery) after the last row of every sequence, and P(correct) next.

    The same inputs as ``bkt_forward``; only each sequence's final state is kept (what a
    mastery estimate stores), so nothing is written per row: one compiled pass over the rows
    in their own order (``_kernels.bkt_last_posterior``), split between ``workers`` threads.
    """
    lengths_array = np.asarray(lengths, dtype=np.int64)
    param_list = [params] if isinstance(params, BktParams) else list(params)
    index = (
        np.zeros(lengths_array.size, dtype=np.int64)
        if param_index is None
        else np.asarray(param_index, dtype=np.int64)
    )
    obs = np.asarray(correct, dtype=bool)
    arrays = _ParamArrays.from_params(param_list)
    cp = _ColumnParams.gather(arrays, np.arange(len(param_list), dtype=np.int64))
    ends = np.cumsum(lengths_array)
    starts = ends - lengths_array

    def work(part: slice) -> FloatArray:
        return bkt_last_posterior(
            obs,
            starts[part],
            ends[part],
            index[part],
            cp.prior,
            cp.lam_correct,
            cp.lam_wrong,
            cp.keep,
            cp.forget,
        )

    size = lengths_array.size
    step = max(1, -(-size // max(workers, 1)))
    parts = _map_chunks([slice(lo, lo + step) for lo in range(0, size, step)], work, workers)
    p_mastery = np.concatenate(parts) if parts else np.zeros(0)
    p_learned_next = (
        p_mastery * (1.0 - arrays.forget[index]) + (1.0 - p_mastery) * arrays.learn[index]
    )
    p_correct = arrays.guess[index] + p_learned_next * (
        1.0 - arrays.slip[index] - arrays.guess[index]
    )
    return p_mastery, p_correct
