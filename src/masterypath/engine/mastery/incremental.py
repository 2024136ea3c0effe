"""O(1) incremental state for the recursive methods: one evidence row at a time."""

from __future__ import annotations

from dataclasses import dataclass, replace

from masterypath.engine.bkt import bkt_step
from masterypath.engine.mastery.config import (
    RECURSIVE_METHODS,
    MasteryConfig,
    Method,
    method_of,
)


@dataclass(frozen=True, slots=True)
class MasteryState:
    """O(1) state of one (student, target) for a recursive method.

    ``value`` is the running mean, decaying average, highest or latest score, or the BKT
    posterior P(mastery); ``total_weight`` is ``sum v`` (mean), ``T`` (decaying average) or
    the BKT posterior P(not learned), kept apart because ``1 - value`` loses it near 1.
    """

    method: Method
    count: int = 0
    value: float = 0.0
    total_weight: float = 0.0
    override: float | None = None


def initial_state(method: Method | str) -> MasteryState:
    known = method_of(method)
    if known not in RECURSIVE_METHODS:
        recursive = ", ".join(sorted(RECURSIVE_METHODS))
        raise ValueError(f"{known.value!r} has no O(1) state; recursive: {recursive}")
    return MasteryState(known)


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
    if method == Method.MEAN:
        total = state.total_weight + v
        value = state.value + (v / total) * (x - state.value)
    elif method == Method.DECAYING_AVERAGE:
        if state.count == 0:
            total, value = v, x
        else:
            w = config.weight
            total = (1.0 - w) * state.total_weight + w * v
            value = state.value + (w * v / total) * (x - state.value)
    elif method == Method.HIGHEST:
        total, value = state.total_weight, x if state.count == 0 else max(state.value, x)
    elif method == Method.MOST_RECENT:
        total, value = state.total_weight, x
    elif method == Method.BKT:
        # total_weight carries P(not learned) exactly (see engine.bkt.bkt_step)
        previous = None if state.count == 0 else state.total_weight
        value, total = bkt_step(previous, x >= config.scale.proficient, config.bkt)
    else:
        raise ValueError(f"'{method}' has no O(1) state")
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
    return state.value if state.method == Method.BKT else config.scale.clip(state.value)
