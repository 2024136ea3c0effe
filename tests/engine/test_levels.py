"""The one rule that turns a mastery value into a level, its label, colour band and number."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from masterypath.engine.levels import (
    BKT_LADDER,
    BKT_MASTERED,
    Ladder,
    format_value,
    level_of,
    proficient_expr,
)

ONE_TO_FOUR = Ladder.of_scale(
    [1.0, 2.0, 3.0, 4.0],
    ["Beginning", "Developing", "Proficient", "Advanced"],
    proficient=3.0,
)
ZERO_TO_FOUR = Ladder.of_scale(
    [0.0, 1.0, 2.0, 3.0, 4.0],
    ["Not started", "Beginning", "Developing", "Proficient", "Advanced"],
    proficient=3.0,
)


@pytest.mark.parametrize(
    ("value", "label", "band", "proficient"),
    [
        (1.0, "Beginning", 1, False),
        (1.4999, "Beginning", 1, False),
        (1.5, "Developing", 2, False),
        (1.96, "Developing", 2, False),  # the gradebook once coloured this Beginning
        (2.4999, "Developing", 2, False),
        (2.5, "Proficient", 3, True),  # exactly the threshold: halfway rounds up
        (2.5 - 1e-12, "Proficient", 3, True),  # float noise around the threshold
        (2.69, "Proficient", 3, True),  # the gradebook once coloured this Developing
        (3.0, "Proficient", 3, True),
        (3.4999, "Proficient", 3, True),
        (3.5, "Advanced", 4, True),
        (4.0, "Advanced", 4, True),
        (0.2, "Beginning", 1, False),  # below the scale: its lowest level
        (4.7, "Advanced", 4, True),  # above the scale: its highest level
    ],
)
def test_a_rubric_value_stands_at_the_level_it_rounds_to(
    value: float, label: str, band: int, proficient: bool
) -> None:
    """On a 1-4 scale the level, its label, colour band and proficiency agree at every
    boundary: exactly on it, just below it, and between."""
    level = level_of(value, method="decaying_average", scale=ONE_TO_FOUR)
    assert (level.label, level.band, level.is_proficient) == (label, band, proficient)


@pytest.mark.parametrize(
    ("value", "label", "band", "proficient"),
    [
        (0.0, "Not yet mastered", 1, False),
        (0.6999, "Not yet mastered", 1, False),
        (0.7, "Nearly mastered", 2, False),
        (0.9499, "Nearly mastered", 2, False),
        (BKT_MASTERED, "Mastered", 3, True),
        (0.97, "Mastered", 3, True),
        (1.0, "Mastered", 3, True),
    ],
)
def test_a_bkt_value_is_a_probability_of_mastery(
    value: float, label: str, band: int, proficient: bool
) -> None:
    """A BKT target stores P(mastered): mastered (proficient) from 0.95, whatever the scale."""
    level = level_of(value, method="bkt", scale=ONE_TO_FOUR)
    assert (level.label, level.band, level.is_proficient) == (label, band, proficient)


@pytest.mark.parametrize(
    ("value", "band"), [(0.0, 1), (1.0, 1), (2.0, 2), (2.5, 3), (3.0, 3), (4.0, 4)]
)
def test_the_colour_band_counts_from_the_proficient_level(value: float, band: int) -> None:
    """On a 0-4 scale the two lowest levels share the lowest band; proficient is band 3."""
    assert ZERO_TO_FOUR.level_of(value).band == band


def test_the_threshold_is_halfway_below_the_proficient_level() -> None:
    assert ONE_TO_FOUR.threshold == 2.5
    assert BKT_LADDER.threshold == BKT_MASTERED


@pytest.mark.parametrize(
    ("value", "method", "decimals", "shown"),
    [
        (2.8479393562753907, "mean", 2, "2.85"),
        (2.69, "mean", 1, "2.7"),
        (2.5, "mean", 2, "2.50"),
        (2.4999, "mean", 2, "2.49"),  # rounding up would read as Proficient
        (2.46, "mean", 1, "2.4"),  # "2.5" would read as Proficient
        (3.4951, "mean", 2, "3.49"),  # "3.50" would read as Advanced
        (0.974, "bkt", 2, "97%"),
        (0.95, "bkt", 2, "95%"),
        (0.9496, "bkt", 2, "94%"),  # "95%" would read as Mastered
        (None, "mean", 2, ""),
    ],
)
def test_a_value_is_shown_rounded_but_never_into_another_level(
    value: float | None, method: str, decimals: int, shown: str
) -> None:
    assert format_value(value, method=method, scale=ONE_TO_FOUR, decimals=decimals) == shown


@given(
    st.floats(min_value=0.5, max_value=4.5, allow_nan=False),
    st.sampled_from([1, 2]),
)
def test_the_number_shown_reads_as_the_level_of_the_value(value: float, decimals: int) -> None:
    """Whatever the value, the number a page shows stands at the same level as the value."""
    shown = float(format_value(value, method="mean", scale=ONE_TO_FOUR, decimals=decimals))
    assert ONE_TO_FOUR.index_of(shown) == ONE_TO_FOUR.index_of(value)
    assert abs(shown - value) <= 10**-decimals + 1e-9


@given(st.floats(min_value=0.0, max_value=1.0, allow_nan=False))
def test_the_percentage_shown_reads_as_the_level_of_the_probability(value: float) -> None:
    shown = float(format_value(value, method="bkt", scale=ONE_TO_FOUR).rstrip("%")) / 100
    assert BKT_LADDER.index_of(shown) == BKT_LADDER.index_of(value)


def test_the_frame_form_agrees_with_the_rule() -> None:
    """Placements flag proficiency over a frame with the same rule as the pages."""
    rows = [
        (2.4999, "mean"),
        (2.5, "mean"),
        (2.69, "decaying_average"),
        (0.9499, "bkt"),
        (0.95, "bkt"),
        (None, "mean"),
    ]
    frame = pl.DataFrame(
        {
            "value": [v for v, _ in rows],
            "method": [m for _, m in rows],
            "threshold": [ONE_TO_FOUR.threshold] * len(rows),
        }
    )
    flags = frame.select(
        proficient_expr(pl.col("value"), pl.col("method"), pl.col("threshold"))
    ).to_series()
    expected = [
        v is not None and level_of(v, method=m, scale=ONE_TO_FOUR).is_proficient for v, m in rows
    ]
    assert flags.to_list() == expected


def test_a_ladder_refuses_cuts_out_of_order() -> None:
    with pytest.raises(ValueError, match="ascend"):
        Ladder(cuts=(2.0, 1.0), labels=("a", "b", "c"), proficient_index=1)
