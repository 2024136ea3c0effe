"""Standings and group counts from hand-computed placements."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from masterypath.engine.continuum import growth
from masterypath.engine.school_year import (
    month_ends,
    school_months,
    school_year_label,
    school_year_of,
    school_year_starts_on,
)
from masterypath.engine.summaries import (
    ENROLLED_SCHEMA,
    EVIDENCE_SCHEMA,
    PLACEMENTS_SCHEMA,
    group_counts,
    monthly_standings,
    student_standings,
)

AS_OF = date(2026, 11, 20)
HISTORY = [
    (date(2026, 5, 31), 2.0),
    (date(2026, 6, 30), 2.3),
    (date(2026, 7, 31), 2.3),
    (date(2026, 9, 30), 2.6),
    (date(2026, 10, 31), 2.9),
    (AS_OF, 3.1),
]


def _placements(rows: list[tuple[int, int, date, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "student_id": [r[0] for r in rows],
            "domain_id": [r[1] for r in rows],
            "placed_on": [r[2] for r in rows],
            "level": [r[3] for r in rows],
        },
        schema=PLACEMENTS_SCHEMA,
    )


def _students(rows: list[tuple[int, int, int, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "student_id": [r[0] for r in rows],
            "school_id": [r[1] for r in rows],
            "grade_level": [r[2] for r in rows],
            "sex": [r[3] for r in rows],
        }
    )


NO_EVIDENCE = pl.DataFrame(schema=EVIDENCE_SCHEMA)


@pytest.mark.parametrize(
    ("day", "year", "starts", "label"),
    [
        (date(2026, 11, 20), 2027, date(2026, 8, 1), "2026-27"),
        (date(2026, 7, 31), 2026, date(2025, 8, 1), "2025-26"),
        (date(2026, 8, 1), 2027, date(2026, 8, 1), "2026-27"),
    ],
)
def test_school_years_run_from_august(day: date, year: int, starts: date, label: str) -> None:
    """A school year runs from August 1 and is named by the year it ends in."""
    assert school_year_of(day) == year
    assert school_year_starts_on(year) == starts
    assert school_year_label(year) == label


def test_school_months_skip_the_summer() -> None:
    """August does not count: August 1 to October 1 is September alone, 30 days."""
    assert school_months(date(2026, 8, 1), date(2026, 10, 1)) == pytest.approx(30 / 30.436875)
    assert school_months(date(2026, 10, 1), date(2026, 8, 1)) < 0


def test_month_ends_stop_before_an_unfinished_month() -> None:
    assert month_ends(date(2026, 9, 5), date(2026, 11, 20)) == [
        date(2026, 9, 30),
        date(2026, 10, 31),
    ]


def test_standing_gap_gain_and_pace_by_hand() -> None:
    """Level 3.1 for a fourth grader: working at grade 4, on grade level; gained 0.8 since the
    2.3 of July 31; pace the same as the growth model's."""
    placements = _placements([(1, 7, day, level) for day, level in HISTORY])
    students = _students([(1, 5, 4, "F")])
    evidence = pl.DataFrame(
        {
            "student_id": [1],
            "domain_id": [7],
            "recent": [2],
            "this_year": [10],
            "last_on": [date(2026, 11, 19)],
        },
        schema=EVIDENCE_SCHEMA,
    )
    [row] = student_standings(placements, students, evidence, as_of=AS_OF).iter_rows(named=True)
    assert (row["working_level"], row["gap"], row["band"]) == (4, 0, "on")
    assert row["gain"] == pytest.approx(0.8)
    expected = growth(HISTORY, as_of=AS_OF, break_months=frozenset({7, 8})).pace
    assert row["pace"] == pytest.approx(expected)
    assert row["few_evidence"] is True  # 2 < 3 pieces in six weeks
    assert row["evidence_year"] == 10


@pytest.mark.parametrize(
    ("level", "grade", "gap", "band"),
    [
        (0.5, 3, -2, "two_below"),
        (1.99, 3, -1, "one_below"),
        (2.0, 3, 0, "on"),
        (3.0, 3, 1, "ahead"),
        (-0.4, 0, 0, "on"),
        (12.0, 12, 0, "on"),
    ],
)
def test_bands_follow_the_wording_rule(level: float, grade: int, gap: int, band: str) -> None:
    """The gap is floor(level) + 1 minus the grade, capped at 12, as engine.wording says."""
    placements = _placements([(1, 7, AS_OF, level)])
    [row] = student_standings(
        placements, _students([(1, 5, grade, "F")]), NO_EVIDENCE, as_of=AS_OF
    ).iter_rows(named=True)
    assert (row["gap"], row["band"]) == (gap, band)
    assert row["pace"] is None  # one placement: no pace
    assert row["gain"] == 0.0  # new this year: the baseline is the first placement


def test_past_months_count_the_grade_and_school_of_then() -> None:
    """At the end of May 2026 the fourth grader was in grade 3 at school 9 (their enrolment
    that year): level 2.0 is on grade level then; September counts grade 4 at school 5."""
    placements = _placements([(1, 7, day, level) for day, level in HISTORY])
    enrolled = pl.DataFrame(
        {"student_id": [1], "school_year": [2026], "school_id": [9]}, schema=ENROLLED_SCHEMA
    )
    monthly = monthly_standings(placements, _students([(1, 5, 4, "F")]), enrolled, as_of=AS_OF)
    by_point = {row["point"]: row for row in monthly.iter_rows(named=True)}
    may = by_point[date(2026, 5, 31)]
    assert (may["grade_level"], may["school_id"], may["band"]) == (3, 9, "on")
    september = by_point[date(2026, 9, 30)]
    assert (september["grade_level"], september["school_id"]) == (4, 5)
    assert september["band"] == "one_below"  # 2.6: working at grade 3 in grade 4
    assert september["gain"] == pytest.approx(0.3)  # from 2.3 at the end of July
    assert date(2026, 8, 31) in by_point  # carried forward from July
    assert AS_OF not in by_point  # the current point is the standings' own


def test_group_counts_add_up_for_every_dimension() -> None:
    """Two students, one of each sex: every dimension's groups add up to all students."""
    placements = _placements([(1, 7, AS_OF, 3.2), (2, 7, AS_OF, 1.5)])
    students = _students([(1, 5, 4, "F"), (2, 5, 4, "M")])
    current = student_standings(placements, students, NO_EVIDENCE, as_of=AS_OF)
    monthly = monthly_standings(placements, students, None, as_of=AS_OF)
    counts = group_counts(current, monthly, students, as_of=AS_OF, dimensions=["sex"])
    rows = {(r["dimension"], r["group"]): r for r in counts.iter_rows(named=True)}
    assert rows[("all", "")]["students"] == 2
    assert rows[("all", "")]["on"] == 1
    assert rows[("all", "")]["two_below"] == 1  # 1.5 works at grade 2 in grade 4
    assert rows[("sex", "F")]["on"] == 1
    assert rows[("sex", "M")]["two_below"] == 1
    assert rows[("all", "")]["level_sum"] == pytest.approx(4.7)


def test_section_counts_join_members_to_standings() -> None:
    """A section of two students, one on grade level and one 2 grades below with too little
    evidence; a student of no section counts nowhere."""
    from masterypath.engine.summaries import section_counts

    placements = _placements([(1, 7, AS_OF, 3.2), (2, 7, AS_OF, 1.5), (3, 7, AS_OF, 3.9)])
    students = _students([(1, 5, 4, "F"), (2, 5, 4, "M"), (3, 5, 4, "M")])
    current = student_standings(placements, students, NO_EVIDENCE, as_of=AS_OF)
    members = pl.DataFrame({"section_id": [40, 40], "student_id": [1, 2]})
    [row] = section_counts(current, members).iter_rows(named=True)
    assert row == {
        "section_id": 40,
        "domain_id": 7,
        "students": 2,
        "on_or_above": 1,
        "few_evidence": 2,
    }
