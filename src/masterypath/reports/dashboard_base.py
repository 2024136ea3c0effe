"""What the school and district dashboards share: the figures' date, the domains, labels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import polars as pl

from masterypath.continuum.models import Domain
from masterypath.engine.school_year import (
    SCHOOL_YEAR_MONTHS,
    school_months,
    school_year_label,
    school_year_of,
    school_year_starts_on,
)
from masterypath.engine.summaries import MIN_RECENT_EVIDENCE, RECENT_DAYS
from masterypath.reports.models import SummaryState
from masterypath.schools.models import District

BAND_LABELS = {
    "two_below": "2 or more grades below",
    "one_below": "1 grade below",
    "on": "On grade level",
    "ahead": "Ahead of grade level",
}
# The GroupSummary column counting each band.
BAND_COLUMNS = {
    "two_below": "two_below",
    "one_below": "one_below",
    "on": "on_level",
    "ahead": "ahead",
}
FEW_EVIDENCE_RULE = (
    f"A student has too little evidence in an area when fewer than {MIN_RECENT_EVIDENCE} "
    f"pieces of evidence were recorded for them in that area in the {RECENT_DAYS // 7} weeks "
    "up to the date of these figures."
)
SINGLE_EVIDENCE_MIN_STUDENTS = 5
TARGET_RULE = (
    "A learning target has too little evidence when more than half of the students assessed "
    f"on it (at least {SINGLE_EVIDENCE_MIN_STUDENTS}) have a single piece of evidence on it, "
    f"scored over {RECENT_DAYS // 7} weeks ago and not since: one score is too little to "
    "judge mastery. (Targets students only started recently are not counted.)"
)
ON_LEVEL_RULE = (
    "On or above grade level: working at the level of the student's own grade or higher "
    "(a student who has completed grade 3 and is learning grade 4 targets works at grade 4). "
    "Kindergarten is the first level, so no kindergartner works below grade level."
)
GAIN_RULE = (
    "Grade levels gained since the school year began (August 1), on average; one grade level "
    f"per school year of {SCHOOL_YEAR_MONTHS:.0f} months of school is expected."
)


@dataclass(frozen=True)
class Figures:
    """When the figures stand: the date, its school year and what was expected by then."""

    as_of: date
    school_year: int
    year_starts_on: date
    expected_gain: float

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)


def figures_for(district: District) -> Figures | None:
    """The date of the district's summaries, or None before their first refresh."""
    state = SummaryState.objects.filter(district=district).first()
    if state is None:
        return None
    return figures_on(state.as_of)


def figures_on(as_of: date) -> Figures:
    year = school_year_of(as_of)
    starts = school_year_starts_on(year)
    return Figures(
        as_of=as_of,
        school_year=year,
        year_starts_on=starts,
        expected_gain=school_months(starts, as_of) / SCHOOL_YEAR_MONTHS,
    )


def expected_gain_on(day: date) -> float:
    """Grade levels expected from the start of ``day``'s school year to ``day``."""
    return school_months(school_year_starts_on(school_year_of(day)), day) / SCHOOL_YEAR_MONTHS


def domains_in(frame: pl.DataFrame, *, min_students: int = 1) -> list[Domain]:
    """The domains with at least ``min_students`` students placed (dimension "all" rows of
    the frame, summed over grades and schools), in framework order."""
    rows = frame.filter(pl.col("dimension") == "all")
    if rows.height == 0:
        return []
    totals = rows.group_by("domain_id").agg(pl.col("students").sum())
    ids = totals.filter(pl.col("students") >= min_students).get_column("domain_id").to_list()
    return list(Domain.objects.filter(pk__in=ids).select_related("framework"))


def domains_left_out(frame: pl.DataFrame, shown: list[Domain]) -> list[Domain]:
    """The domains with some students placed that `domains_in` left out (too few)."""
    rows = frame.filter((pl.col("dimension") == "all") & (pl.col("students") > 0))
    ids = set(rows.get_column("domain_id").unique().to_list()) - {d.pk for d in shown}
    return list(Domain.objects.filter(pk__in=ids))


def pick_domain(domains: Iterable[Domain], wanted: object) -> Domain | None:
    """The domain the page asked for (``?domain=<id>``), else the first."""
    listed = list(domains)
    for domain in listed:
        if str(domain.pk) == str(wanted):
            return domain
    return listed[0] if listed else None


def grade_heading(grade: int) -> str:
    if grade == 0:
        return "Kindergarten"
    if grade < 0:
        return "Pre-kindergarten"
    return f"Grade {grade}"
