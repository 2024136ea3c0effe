"""The mastery methods by name, their scale and options (``MasteryConfig``), and overrides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from masterypath.engine.bkt import DEFAULT_BKT_PARAMS, BktParams


class Method(StrEnum):
    """A mastery calculation method. Members equal the strings stored in policies and
    estimates (``Method.BKT == "bkt"``), so a stored name is a member's value."""

    MEAN = "mean"
    HIGHEST = "highest"
    MOST_RECENT = "most_recent"
    MEDIAN = "median"
    MODE_OF_LAST = "mode_of_last"
    WEIGHTED_AVERAGE = "weighted_average"
    DECAYING_AVERAGE = "decaying_average"
    N_MASTERY = "n_mastery"
    POWER_LAW = "power_law"
    BEST_FIT = "best_fit"
    BKT = "bkt"


METHODS: tuple[Method, ...] = tuple(Method)
RECURSIVE_METHODS: frozenset[Method] = frozenset(
    {Method.MEAN, Method.HIGHEST, Method.MOST_RECENT, Method.DECAYING_AVERAGE, Method.BKT}
)
"""Methods with O(1) incremental state (``update``)."""
ORDER_INVARIANT_METHODS: frozenset[Method] = frozenset(
    {Method.MEAN, Method.HIGHEST, Method.MEDIAN, Method.N_MASTERY}
)
"""Methods whose value does not depend on the order of the evidence."""


def method_of(name: str) -> Method:
    """The method named ``name`` (a member or its string); ValueError naming the choices."""
    try:
        return Method(name)
    except ValueError:
        choices = ", ".join(METHODS)
        raise ValueError(f"Unknown mastery method {name!r}; choose one of {choices}") from None


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

    ``method`` is a ``Method`` (its string is accepted and converted); ``weight`` is the w of
    ``weighted_average`` and ``decaying_average``; ``k`` the window of ``mode_of_last``; ``n``
    the count of ``n_mastery``; ``floor`` the lowest score that enters a logarithm in
    ``power_law`` and ``best_fit``; ``bkt`` the parameters used when no fitted ``BktModel`` is
    given.
    """

    method: Method = Method.DECAYING_AVERAGE
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
        if type(self.method) is not Method:
            object.__setattr__(self, "method", method_of(self.method))
        if self.method == Method.DECAYING_AVERAGE and not 0.5 <= self.weight <= 0.99:
            raise ValueError("decaying_average needs 0.5 <= weight <= 0.99")
        if not 0.0 < self.weight < 1.0:
            raise ValueError("weight must lie strictly between 0 and 1")
        if self.k < 1 or self.n < 1 or self.min_evidence < 0:
            raise ValueError("k and n must be at least 1, min_evidence at least 0")
        if self.floor <= 0.0:
            raise ValueError("floor must be positive (it enters a logarithm)")
        if any(w < 0 for w in [*self.kind_weights.values(), *self.dok_weights.values()]):
            raise ValueError("evidence weights must not be negative")


def _config(method: Method | str, params: Mapping[str, Any]) -> MasteryConfig:
    """``calculate``'s keyword arguments as a config: ``config=`` with its method replaced, or
    the ``MasteryConfig`` fields themselves."""
    config = params.get("config")
    if isinstance(config, MasteryConfig):
        return replace(config, method=method_of(method))
    return MasteryConfig(method=method_of(method), **params)


@dataclass(frozen=True, slots=True)
class Override:
    """A teacher's professional judgement, set at ``set_at`` (same type as ``observed_at``)."""

    value: float
    set_at: Any
