"""Placements and pace in plain words: the numbers behind the words, at the boundaries."""

from __future__ import annotations

import math

import pytest

from masterypath.engine.wording import (
    Standing,
    pace_words,
    placement_words,
    working_level,
)


@pytest.mark.parametrize(
    ("placement", "expected"),
    [(0.0, 1), (0.99, 1), (2.4, 3), (2.9999999999, 4), (3.0, 4), (11.5, 12), (12.0, 12)],
)
def test_working_level_is_the_grade_being_learned(placement: float, expected: int) -> None:
    """Levels up to floor(p) are complete, so the student learns level floor(p) + 1."""
    assert working_level(placement) == expected


def test_working_level_of_a_kindergartner() -> None:
    """Nothing complete yet (p below 0) means working at kindergarten level."""
    assert working_level(-0.4) == 0


@pytest.mark.parametrize(
    ("placement", "grade", "gap", "standing", "relation"),
    [
        (2.4, 5, -2, Standing.BELOW, "2 grades below"),
        (3.0, 5, -1, Standing.BELOW, "1 grade below"),
        (4.0, 5, 0, Standing.ON, "on grade level"),
        (4.99, 5, 0, Standing.ON, "on grade level"),
        (5.0, 5, 1, Standing.AHEAD, "1 grade ahead"),
        (7.2, 5, 3, Standing.AHEAD, "3 grades ahead"),
    ],
)
def test_gap_in_whole_grades(
    placement: float, grade: int, gap: int, standing: Standing, relation: str
) -> None:
    """The gap is the working grade minus the student's grade, said in words."""
    words = placement_words(placement, grade_level=grade, domain="Mathematics")
    assert (words.gap, words.standing, words.relation) == (gap, standing, relation)
    assert words.is_on_or_above is (gap >= 0)


def test_the_sentence_a_family_reads() -> None:
    """The issue's own example, word for word."""
    words = placement_words(2.4, grade_level=5, domain="Mathematics")
    assert words.sentence == (
        "Working at grade 3 level in Mathematics; grade-level expectation: grade 5 "
        "(2 grades below)."
    )


def test_kindergarten_is_named_not_numbered() -> None:
    """Level 0 reads 'kindergarten', never 'grade 0' or 'K = 0'."""
    words = placement_words(-0.3, grade_level=0, domain="Reading")
    assert words.sentence == (
        "Working at kindergarten level in Reading; grade-level expectation: kindergarten "
        "(on grade level)."
    )


def test_a_placement_must_be_a_number() -> None:
    """NaN is a bug upstream, not a position."""
    with pytest.raises(ValueError, match="finite"):
        placement_words(math.nan, grade_level=3, domain="Math")


@pytest.mark.parametrize(
    ("pace", "sentence", "below"),
    [
        (0.83, "Gaining about 0.8 grade levels per school year (expected 1.0).", True),
        (1.0, "Gaining about 1.0 grade levels per school year (expected 1.0).", False),
        (1.96, "Gaining about 2.0 grade levels per school year (expected 1.0).", False),
        (0.04, "Not gaining grade levels at the moment (expected 1.0 per school year).", True),
        (-0.3, "Not gaining grade levels at the moment (expected 1.0 per school year).", True),
    ],
)
def test_pace_in_words(pace: float, sentence: str, below: bool) -> None:
    """Pace is levels per school year to one decimal against the expected 1.0."""
    words = pace_words(pace)
    assert words.sentence == sentence
    assert words.is_known
    assert words.is_below_expected is below


def test_unknown_pace_says_so() -> None:
    """Too little evidence over time: no number, a plain statement."""
    words = pace_words(None)
    assert not words.is_known
    assert words.levels_per_year is None
    assert "Not enough evidence over time" in words.sentence


class _Marking:
    """A stand-in translator that brackets each message: proves every word goes through it."""

    @staticmethod
    def gettext(message: str, /) -> str:
        return f"[{message}]"

    @staticmethod
    def ngettext(singular: str, plural: str, number: int, /) -> str:
        return f"[{singular if number == 1 else plural}]"


def test_every_word_goes_through_the_translator() -> None:
    """The translator sees the whole sentence; numbers are formatted by the caller's rule."""
    words = placement_words(2.4, grade_level=5, domain="Math", translator=_Marking())
    assert words.relation == "[2 grades below]"
    assert words.working == "[working at grade 3 level]"
    assert words.expectation == "[grade-level expectation: [grade 5]]"
    pace = pace_words(
        0.8, translator=_Marking(), format_number=lambda x: f"{x:.1f}".replace(".", ",")
    )
    assert pace.sentence == "[Gaining about 0,8 grade levels per school year (expected 1,0).]"
