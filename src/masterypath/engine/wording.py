"""Positions on the continuum and pace in plain words.

One place turns a placement and a pace into the sentence a student, a family or a principal
reads, and into the numbers behind it, so every page says the same thing:

* A placement ``p`` counts the continuum levels completed (levels are grades, 0 = kindergarten)
  plus the fraction of the next one. The student is *working at* level ``floor(p) + 1`` (the
  grade whose targets they are learning now), capped at the top level of the continuum.
* The expectation is the student's own grade. The gap is ``working - expected`` whole grades:
  "2 grades below", "on grade level", "1 grade ahead".
* Pace is levels gained per school year (the growth model's ``pace``: one level per school year
  is the expectation, 1.0). "Gaining about 0.8 grade levels per school year (expected 1.0)".
  Without enough dated placements the pace is unknown and the words say so.

Words come out in the language of the ``translator`` passed in: anything with ``gettext`` and
``ngettext`` (Django's ``django.utils.translation`` module is one); the default is English.
The engine holds no Django import: the web layer passes the translator.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Translator(Protocol):
    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, number: int, /) -> str: ...


class _English:
    """The identity translator: the English message ids as they are."""

    @staticmethod
    def gettext(message: str, /) -> str:
        return message

    @staticmethod
    def ngettext(singular: str, plural: str, number: int, /) -> str:
        return singular if number == 1 else plural


ENGLISH: Translator = _English()

EXPECTED_PACE = 1.0  # one continuum level per school year
TOP_LEVEL = 12


class Standing(StrEnum):
    BELOW = "below"
    ON = "on"
    AHEAD = "ahead"


@dataclass(frozen=True, slots=True)
class PlacementWords:
    """A placement read as a person would say it, with the whole grades behind the words."""

    working_level: int
    expected_level: int
    gap: int  # working_level - expected_level, in whole grades
    standing: Standing
    working: str  # "working at grade 3 level"
    expectation: str  # "grade-level expectation: grade 5"
    relation: str  # "2 grades below", "on grade level", "1 grade ahead"
    sentence: str  # "Working at grade 3 level in Mathematics; grade-level expectation: ..."

    @property
    def is_on_or_above(self) -> bool:
        return self.gap >= 0


@dataclass(frozen=True, slots=True)
class PaceWords:
    """A pace (levels per school year) in words; ``levels_per_year`` None when unknown."""

    levels_per_year: float | None
    expected: float
    is_known: bool
    is_below_expected: bool
    sentence: str


def working_level(placement: float, *, top_level: int = TOP_LEVEL) -> int:
    """The grade whose targets a student with this placement is learning now.

    ``floor(p) + 1``: with levels up to 3 complete and part of level 4 done (3.4), the student
    works at level 4. A tiny tolerance lets 2.9999999999 (3.0 after a float sum) count as 3.
    """
    return min(math.floor(placement + 1e-9) + 1, top_level)


def grade_name(level: int, *, translator: Translator = ENGLISH) -> str:
    """'kindergarten', 'pre-kindergarten' or 'grade 5'."""
    if level == 0:
        return translator.gettext("kindergarten")
    if level < 0:
        return translator.gettext("pre-kindergarten")
    return translator.gettext("grade %(grade)s") % {"grade": level}


def grade_gap_words(gap: int, *, translator: Translator = ENGLISH) -> str:
    """'2 grades below', '1 grade ahead', 'on grade level'."""
    if gap == 0:
        return translator.gettext("on grade level")
    count = abs(gap)
    if gap < 0:
        template = translator.ngettext("%(count)s grade below", "%(count)s grades below", count)
    else:
        template = translator.ngettext("%(count)s grade ahead", "%(count)s grades ahead", count)
    return template % {"count": count}


def placement_words(
    placement: float,
    *,
    grade_level: int,
    domain: str,
    translator: Translator = ENGLISH,
    top_level: int = TOP_LEVEL,
) -> PlacementWords:
    """Where a student of ``grade_level`` stands in ``domain``, from their placement.

    Example: placement 2.4 for a grade-5 student in Mathematics reads "Working at grade 3 level
    in Mathematics; grade-level expectation: grade 5 (2 grades below)."
    """
    if not math.isfinite(placement):
        raise ValueError(f"placement must be a finite number, not {placement!r}")
    working = working_level(placement, top_level=top_level)
    expected = min(grade_level, top_level)
    gap = working - expected
    standing = Standing.ON if gap == 0 else Standing.BELOW if gap < 0 else Standing.AHEAD
    if working == 0:
        working_text = translator.gettext("working at kindergarten level")
    elif working < 0:
        working_text = translator.gettext("working at pre-kindergarten level")
    else:
        working_text = translator.gettext("working at grade %(grade)s level") % {"grade": working}
    expectation = translator.gettext("grade-level expectation: %(grade)s") % {
        "grade": grade_name(expected, translator=translator)
    }
    relation = grade_gap_words(gap, translator=translator)
    sentence = translator.gettext("%(working)s in %(domain)s; %(expectation)s (%(relation)s).") % {
        "working": working_text,
        "domain": domain,
        "expectation": expectation,
        "relation": relation,
    }
    return PlacementWords(
        working_level=working,
        expected_level=expected,
        gap=gap,
        standing=standing,
        working=working_text,
        expectation=expectation,
        relation=relation,
        sentence=sentence[:1].upper() + sentence[1:],
    )


def one_decimal(value: float) -> str:
    return f"{value:.1f}"


def pace_words(
    levels_per_year: float | None,
    *,
    expected: float = EXPECTED_PACE,
    translator: Translator = ENGLISH,
    format_number: Callable[[float], str] = one_decimal,
) -> PaceWords:
    """'Gaining about 0.8 grade levels per school year (expected 1.0).'

    Rounded to one decimal, as a person would say it (``format_number`` writes it in the
    reader's locale, "0,8" in Spanish); a pace that rounds to zero or below reads as "not
    gaining"; None (too little evidence over time) says so plainly.
    """
    if levels_per_year is None or not math.isfinite(levels_per_year):
        return PaceWords(
            levels_per_year=None,
            expected=expected,
            is_known=False,
            is_below_expected=False,
            sentence=translator.gettext(
                "Not enough evidence over time yet to estimate the pace of learning."
            ),
        )
    shown = round(levels_per_year, 1)
    numbers = {"pace": format_number(shown), "expected": format_number(expected)}
    if shown <= 0:
        sentence = (
            translator.gettext(
                "Not gaining grade levels at the moment (expected %(expected)s per school year)."
            )
            % numbers
        )
    else:
        sentence = (
            translator.gettext(
                "Gaining about %(pace)s grade levels per school year (expected %(expected)s)."
            )
            % numbers
        )
    return PaceWords(
        levels_per_year=levels_per_year,
        expected=expected,
        is_known=True,
        is_below_expected=shown < expected,
        sentence=sentence,
    )
