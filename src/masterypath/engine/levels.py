"""Performance levels: the one rule that turns a mastery value into what a person reads.

Every page, the API and the placements read a value through this rule, so the number, the
label, the colour band and "proficient" of a value never disagree.

* On a rubric scale (levels v_0 < v_1 < ... < v_n, e.g. 1 Beginning .. 4 Advanced) a value
  stands at the level it rounds to, halfway rounding up, as teachers read a 2.5 or a 2.96 as a
  3: level i spans [(v_{i-1} + v_i) / 2, (v_i + v_{i+1}) / 2). Values outside the scale stand
  at its lowest or highest level.
* A Bayesian knowledge tracing (BKT) value is P(mastered), 0 to 1, proficient ("Mastered")
  from 0.95 on (Corbett & Anderson 1995); from 0.7 it is "Nearly mastered", below that "Not
  yet mastered".
* The colour band says where the level sits against proficiency: band 3 is the proficient
  level, 4 anything above it, 2 the level just below, 1 everything lower. On a 1-4 scale with
  3 proficient the bands are the levels themselves.

A tolerance of 1e-9 absorbs float noise, so that 2.4999999999 (a 2.5 after arithmetic) is a 3.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import polars as pl

BKT = "bkt"
BKT_MASTERED = 0.95
BKT_NEARLY = 0.7
TOLERANCE = 1e-9
PROFICIENT_BAND = 3
TOP_BAND = 4


@dataclass(frozen=True, slots=True)
class Level:
    """Where a value stands: its level on the ladder (0 = lowest), the level's label, the
    colour band (1 lowest .. 4; 3 = proficient) and whether it is proficient."""

    index: int
    label: str
    band: int
    is_proficient: bool


@dataclass(frozen=True, slots=True)
class Ladder:
    """The levels a value can stand at: `cuts[i]` is where level i + 1 starts (ascending, one
    fewer than `labels`); level `proficient_index` and above are proficient."""

    cuts: tuple[float, ...]
    labels: tuple[str, ...]
    proficient_index: int

    def __post_init__(self) -> None:
        if len(self.cuts) != len(self.labels) - 1 or not self.labels:
            raise ValueError("A ladder needs one label per level and one cut between levels")
        if list(self.cuts) != sorted(self.cuts):
            raise ValueError("A ladder's cuts must ascend")
        if not 0 <= self.proficient_index < len(self.labels):
            raise ValueError("The proficient level must be one of the ladder's levels")

    @classmethod
    def of_scale(
        cls, values: Sequence[float], labels: Sequence[str], *, proficient: float
    ) -> Ladder:
        """The ladder of a rubric scale: levels `values` (ascending) named `labels`, proficient
        from the level `proficient` on; each level starts halfway from the one below."""
        if not values:
            raise ValueError("A scale needs at least one level")
        cuts = tuple((low + high) / 2 for low, high in pairwise(values))
        index = next((i for i, v in enumerate(values) if v >= proficient), len(values) - 1)
        return cls(cuts=cuts, labels=tuple(labels), proficient_index=index)

    @property
    def threshold(self) -> float:
        """The lowest proficient value (minus infinity when every level is proficient)."""
        return self.cuts[self.proficient_index - 1] if self.proficient_index else -math.inf

    def index_of(self, value: float) -> int:
        return bisect_right(self.cuts, value + TOLERANCE)

    def level_of(self, value: float) -> Level:
        index = self.index_of(value)
        band = max(1, min(TOP_BAND, PROFICIENT_BAND + index - self.proficient_index))
        return Level(
            index=index,
            label=self.labels[index],
            band=band,
            is_proficient=index >= self.proficient_index,
        )


BKT_LADDER = Ladder(
    cuts=(BKT_NEARLY, BKT_MASTERED),
    labels=("Not yet mastered", "Nearly mastered", "Mastered"),
    proficient_index=2,
)


def ladder_for(method: str, scale: Ladder) -> Ladder:
    """The ladder a value of `method` is read on: BKT's probabilities, else the scale's."""
    return BKT_LADDER if method == BKT else scale


def level_of(value: float, *, method: str, scale: Ladder) -> Level:
    """The level of a mastery value of `method` on a target with the ladder `scale`."""
    return ladder_for(method, scale).level_of(value)


def format_value(
    value: float | None, *, method: str, scale: Ladder | None = None, decimals: int = 2
) -> str:
    """A mastery value as people read it: `decimals` decimals, or a BKT probability as a whole
    percentage. Rounded half up, except where rounding would cross into another level of
    `scale`: then it is cut toward the value, so that 2.4999 shows 2.49 (Developing), not 2.50,
    and a BKT 0.9496 shows 94%, not 95% (Mastered)."""
    if value is None or math.isnan(value):
        return ""
    is_bkt = method == BKT
    places = 0 if is_bkt else decimals
    factor = 100.0 if is_bkt else 1.0
    shown = _round_half_up(value * factor, places)
    if scale is not None:
        ladder = ladder_for(method, scale)
        wanted = ladder.index_of(value)
        got = ladder.index_of(shown / factor)
        if got > wanted:
            shown = math.floor(value * factor * 10.0**places + TOLERANCE) / 10.0**places
        elif got < wanted:
            shown = math.ceil(value * factor * 10.0**places - TOLERANCE) / 10.0**places
    text = f"{shown:.{places}f}"
    return f"{text}%" if is_bkt else text


def _round_half_up(value: float, places: int) -> float:
    factor = 10.0**places
    return math.floor(value * factor + 0.5 + TOLERANCE) / factor


def proficient_expr(value: pl.Expr, method: pl.Expr, threshold: pl.Expr) -> pl.Expr:
    """`Level.is_proficient` over a frame: `value` of `method`, against each row's scale
    `threshold` (`Ladder.threshold`); null values are not proficient."""
    return (
        pl.when(value.is_null())
        .then(pl.lit(False))
        .when(method == BKT)
        .then(value + TOLERANCE >= BKT_MASTERED)
        .otherwise(value + TOLERANCE >= threshold)
    )
