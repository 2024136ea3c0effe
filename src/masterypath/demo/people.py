"""Drawing demo people: names and demographics in US public-school proportions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from masterypath.demo import names


@dataclass
class DrawnStudent:
    given_name: str
    family_name: str
    sex: str
    race: str
    birth_on: date
    grade: int
    is_economically_disadvantaged: bool
    disability: str
    is_english_learner: bool
    home_language: str


def _pick(rng: np.random.Generator, items: list[str]) -> str:
    return items[int(rng.integers(len(items)))]


def _weighted(rng: np.random.Generator, shares: dict[str, float]) -> str:
    keys = list(shares)
    weights = np.array([shares[key] for key in keys])
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


def surname_for(rng: np.random.Generator, race: str) -> str:
    if race == "two_or_more":
        race = _weighted(rng, {"white": 0.5, "black": 0.25, "hispanic": 0.15, "asian": 0.1})
    return _pick(rng, names.SURNAMES[race])


def given_name_for(rng: np.random.Generator, race: str, sex: str) -> str:
    pool_key = names.NAME_POOL_BY_RACE[race]
    female = sex == "F" or (sex == "X" and rng.random() < 0.5)
    pools = names.GIVEN_FEMALE if female else names.GIVEN_MALE
    # Half of the names come from the general pool whatever the family's background.
    if pool_key != "any" and rng.random() < 0.5:
        pool_key = "any"
    return _pick(rng, pools[pool_key])


def draw_race(rng: np.random.Generator) -> str:
    return _weighted(rng, names.RACE_SHARES)


def draw_student(
    rng: np.random.Generator, *, grade: int, family_name: str, race: str, school_year_end: int
) -> DrawnStudent:
    """One student of a family; demographics drawn at US public-school rates (NCES)."""
    sex = _weighted(rng, {"F": 0.487, "M": 0.508, "X": 0.005})
    english_learner = rng.random() < (0.30 if race in {"hispanic", "asian"} else 0.03)
    if english_learner:
        language = _weighted(rng, names.EL_LANGUAGES)
        if race == "hispanic":
            language = "Spanish"
    elif race == "hispanic" and rng.random() < 0.35:
        language = "Spanish"
    else:
        language = "English"
    # Age: 5 on September 1 of the kindergarten year.
    birth_year = school_year_end - 1 - 5 - grade
    birth_on = date(birth_year, 9, 1) - timedelta(days=int(rng.integers(0, 365)))
    disability_draw = rng.random()
    disability = "iep" if disability_draw < 0.15 else "504" if disability_draw < 0.18 else ""
    economically_disadvantaged = rng.random() < (
        0.62 if race in {"hispanic", "black", "american_indian"} else 0.38
    )
    return DrawnStudent(
        given_name=given_name_for(rng, race, sex),
        family_name=family_name,
        sex=sex,
        race=race,
        birth_on=birth_on,
        grade=grade,
        is_economically_disadvantaged=economically_disadvantaged,
        disability=disability,
        is_english_learner=english_learner,
        home_language=language,
    )


def draw_adult_name(rng: np.random.Generator, race: str | None = None) -> tuple[str, str, str]:
    """(given, family, sex) for a staff member or guardian."""
    race = race or draw_race(rng)
    sex = "F" if rng.random() < 0.6 else "M"
    return given_name_for(rng, race, sex), surname_for(rng, race), sex
