"""Exception rules on hand-built working-position histories (engine.exceptions)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from masterypath.engine.exceptions import (
    DomainRecord,
    Rule,
    StudentRecord,
    TargetSpot,
    Thresholds,
    continuum_positions,
    detect,
    expected_position,
    grade_on,
    last_gain,
    school_weeks,
)

AS_OF = date(2026, 11, 20)
MATH, ELA, SCIENCE, HABITS = 1, 2, 3, 4
TITLES = {MATH: "Mathematics", ELA: "English Language Arts", SCIENCE: "Science", HABITS: "Habits"}


def school_days(start: date, end: date, every: int = 7) -> list[date]:
    """Every `every` days from `start` to `end`, skipping July and August."""
    days, day = [], start
    while day <= end:
        if day.month not in (7, 8):
            days.append(day)
        day += timedelta(days=every)
    return days


DAYS = school_days(date(2026, 1, 5), AS_OF)  # weekly evidence, January to November 20


def months_of_school(day: date) -> float:
    return school_weeks(DAYS[0], day) * 7 / (365.2425 / 12)


def line(start: float, per_year: float, days: list[date] = DAYS) -> list[tuple[date, float]]:
    """Positions rising `per_year` levels per ten months of school."""
    return [(day, start + per_year * months_of_school(day) / 10) for day in days]


def domain(
    domain_id: int, positions: list[tuple[date, float]], *, academic: bool = True
) -> DomainRecord:
    return DomainRecord(
        domain_id=domain_id,
        domain=TITLES[domain_id],
        positions=tuple(positions),
        is_academic=academic,
    )


def student(*domains: DomainRecord, grade: int = 5, student_id: int = 1) -> StudentRecord:
    return StudentRecord(student_id=student_id, grade_level=grade, domains=domains)


def rules_of(record: StudentRecord, **thresholds: float) -> set[tuple[Rule, int | None]]:
    hits = detect([record], as_of=AS_OF, thresholds=Thresholds.from_mapping(thresholds))
    return {(hit.rule, hit.domain_id) for hit in hits}


def test_steady_student_on_grade_level_has_no_exception() -> None:
    """One level per school year, on grade level, evidence weekly: nothing to report."""
    record = student(domain(MATH, line(4.3, 1.0)), domain(ELA, line(4.4, 1.0)))
    assert rules_of(record) == set()


@pytest.mark.parametrize(
    ("position", "grade", "hit"),
    [(3.2, 5, True), (3.4, 5, False), (2.5, 5, True), (1.2, 3, True), (4.0, 5, False)],
)
def test_two_below_is_two_years_behind_the_expectation_for_the_time_of_year(
    position: float, grade: int, hit: bool
) -> None:
    """On November 20 a fifth grader is expected at 5.27 (2.7 months of school done): 3.2 is
    2.07 levels behind, 3.4 only 1.87."""
    flat = [(day, position) for day in DAYS[-4:]]
    assert ((Rule.TWO_BELOW, MATH) in rules_of(student(domain(MATH, flat), grade=grade))) is hit


def test_two_below_reads_in_plain_words_and_is_dated() -> None:
    """'3 grades below in Mathematics: working at grade 4, expected grade 7; last gain ...'"""
    spring = [(day, 5.5) for day in DAYS if day < date(2026, 4, 1)]
    since = [(day, 4.2) for day in DAYS if day >= date(2026, 4, 1)]
    record = student(domain(MATH, spring + since), grade=7)
    (hit,) = [h for h in detect([record], as_of=AS_OF) if h.rule == Rule.TWO_BELOW]
    assert hit.sentence.startswith(
        "3 grades below in Mathematics: working at grade 4, expected grade 7; last gain "
    )
    assert hit.sentence.endswith("weeks ago")
    # Two below (grade 6 then) since the first day at 4.2.
    assert hit.detected_on == since[0][0]
    assert hit.facts["gap"] == -3


def test_not_progressing_needs_evidence_and_no_gain_for_eight_weeks() -> None:
    """Rising until May 31, flat since: the last gain of a tenth of a level was on May 25,
    and June and September 1 to November 20 are 17 school weeks."""
    positions = [
        (day, 4.0 + min(months_of_school(day), months_of_school(date(2026, 5, 31))) / 10)
        for day in DAYS
    ]
    record = student(domain(MATH, positions))
    (hit,) = [h for h in detect([record], as_of=AS_OF) if h.rule == Rule.NOT_PROGRESSING]
    assert hit.sentence.startswith("No gain in Mathematics for 17 weeks")
    assert hit.facts["recent_days"] >= 3
    # A longer window is a district's choice.
    assert (Rule.NOT_PROGRESSING, MATH) not in rules_of(record, stalled_weeks=20)


def test_not_progressing_without_recent_evidence_is_not_a_stalled_student() -> None:
    quiet = [(day, 4.5) for day in DAYS if day < date(2026, 9, 20)]
    assert (Rule.NOT_PROGRESSING, MATH) not in rules_of(student(domain(MATH, quiet)))


def test_last_gain_ignores_moves_smaller_than_min_gain() -> None:
    days = DAYS[:5]
    points = list(zip(days, [1.0, 1.05, 1.12, 1.15, 1.2], strict=True))
    assert last_gain(points, min_gain=0.1) == days[2]
    assert last_gain(points, min_gain=0.05) == days[4]


def test_slowing_down_is_a_significant_fall_of_the_slope() -> None:
    """1.2 levels a year until June, nearly flat since September: slowing down."""
    june = months_of_school(date(2026, 6, 15))
    falling = [
        (day, 4.0 + 1.2 * min(months_of_school(day), june) / 10 + 0.001 * i)
        for i, day in enumerate(DAYS)
    ]
    hits = detect([student(domain(MATH, falling))], as_of=AS_OF)
    (hit,) = [h for h in hits if h.rule == Rule.SLOWING]
    assert hit.sentence.startswith("Slowing down in Mathematics: about 0.0 grade levels per")
    assert "down from 1.2 before" in hit.sentence


def test_steady_growth_with_noise_is_not_slowing() -> None:
    wobbly = [
        (day, level + (0.04 if i % 2 else -0.04)) for i, (day, level) in enumerate(line(4.0, 1.2))
    ]
    assert (Rule.SLOWING, MATH) not in rules_of(student(domain(MATH, wobbly)))


def test_slowing_that_keeps_the_pace_is_not_an_exception() -> None:
    """From 2 levels a year to 1 a year is a significant fall but still on pace."""
    june = months_of_school(date(2026, 6, 15))
    positions = [
        (day, 4.0 + (2.0 * min(m, june) + 1.0 * max(m - june, 0.0)) / 10)
        for day in DAYS
        for m in [months_of_school(day)]
    ]
    assert (Rule.SLOWING, MATH) not in rules_of(student(domain(MATH, positions)))


def test_expected_position_moves_a_tenth_of_a_level_per_month_of_school() -> None:
    assert expected_position(5, date(2026, 8, 20)) == 5.0  # August is not school time
    assert expected_position(5, date(2026, 10, 1)) == pytest.approx(5.1, abs=0.01)
    assert expected_position(5, date(2027, 7, 15)) == pytest.approx(6.0, abs=0.01)


def test_grade_on_counts_school_years_back() -> None:
    assert grade_on(5, date(2026, 9, 1), AS_OF) == 5
    assert grade_on(5, date(2026, 5, 1), AS_OF) == 4
    assert grade_on(5, date(2025, 5, 1), AS_OF) == 3


def test_struggling_in_two_academic_domains() -> None:
    """A year behind the expectation for November (grade 5 + 0.27) in Mathematics and ELA."""
    record = student(
        domain(MATH, [(d, 4.1) for d in DAYS[-3:]]),
        domain(ELA, [(d, 4.2) for d in DAYS[-3:]]),
        domain(SCIENCE, [(d, 5.5) for d in DAYS[-3:]]),
        domain(HABITS, [(d, 1.0) for d in DAYS[-3:]], academic=False),
    )
    (hit,) = [h for h in detect([record], as_of=AS_OF) if h.rule == Rule.SEVERAL_DOMAINS]
    assert hit.domain_id is None
    assert hit.sentence == (
        "A year or more behind in 2 areas, expected grade 5: English Language Arts (working at "
        "grade 4); Mathematics (working at grade 4)"
    )
    one = student(domain(MATH, [(d, 4.1) for d in DAYS[-3:]]), domain(ELA, line(4.3, 1.0)))
    assert (Rule.SEVERAL_DOMAINS, None) not in rules_of(one)


def test_habits_domains_are_not_read_as_grade_levels() -> None:
    """A band of habits targets is no grade: no 'grades below' for it."""
    record = student(domain(HABITS, [(d, 1.0) for d in DAYS], academic=False), grade=8)
    assert rules_of(record) == set()


def test_advancing_rapidly_needs_the_mean_pace_and_enough_history() -> None:
    """Two levels a school year in both areas: twice the expected pace."""
    fast = student(domain(MATH, line(4.0, 2.0)), domain(ELA, line(4.0, 2.0)))
    (hit,) = [h for h in detect([fast], as_of=AS_OF) if h.rule == Rule.RAPID]
    assert hit.sentence.startswith("Advancing rapidly: about 2.0 grade levels per school year")
    mixed = student(domain(MATH, line(4.0, 2.0)), domain(ELA, line(4.3, 0.8)))
    assert (Rule.RAPID, None) not in rules_of(mixed)
    recent = [p for p in line(4.0, 2.0) if p[0] >= date(2026, 10, 1)]
    short = student(domain(MATH, recent), domain(ELA, recent))
    assert (Rule.RAPID, None) not in rules_of(short)


def test_no_recent_evidence_when_classmates_have_some() -> None:
    """Seven weeks without evidence while the grade-mates are assessed: a coverage gap."""
    old = [p for p in line(4.3, 1.0) if p[0] < date(2026, 10, 1)]
    missed = student(domain(MATH, old), student_id=1)
    mates = [student(domain(MATH, line(4.3, 1.0)), student_id=n) for n in (2, 3)]
    gaps = [h for h in detect([missed, *mates], as_of=AS_OF) if h.rule == Rule.NO_RECENT_EVIDENCE]
    assert [(h.student_id, h.domain_id) for h in gaps] == [(1, MATH)]
    assert gaps[0].sentence.startswith(
        "No evidence in Mathematics for 8 weeks (last on 2026-09-28)"
    )
    # Nobody assessed lately: the domain is simply not taught now.
    quiet = [student(domain(MATH, old), student_id=n) for n in (1, 2, 3)]
    assert not [h for h in detect(quiet, as_of=AS_OF) if h.rule == Rule.NO_RECENT_EVIDENCE]


def test_continuum_positions_spread_targets_over_their_level() -> None:
    spots = [
        TargetSpot(target_id=1, domain_id=MATH, level=3, level_high=None, position=2),
        TargetSpot(target_id=2, domain_id=MATH, level=3, level_high=None, position=1),
        TargetSpot(target_id=3, domain_id=MATH, level=0, level_high=2, position=3),
    ]
    assert continuum_positions(spots) == {2: 3.25, 1: 3.75, 3: 1.5}


def test_thresholds_from_a_mapping_name_what_is_wrong() -> None:
    assert Thresholds.from_mapping({"stalled_weeks": 10}).stalled_weeks == 10.0
    with pytest.raises(ValueError, match="Unknown threshold stalled"):
        Thresholds.from_mapping({"stalled": 10})
    with pytest.raises(ValueError, match="behind_grades must be a whole number"):
        Thresholds.from_mapping({"behind_grades": 1.5})
    with pytest.raises(ValueError, match="must be a number"):
        Thresholds.from_mapping({"rapid_pace": "fast"})
    with pytest.raises(ValueError, match="above zero: gap_weeks"):
        Thresholds.from_mapping({"gap_weeks": 0})


@pytest.mark.parametrize(
    ("days", "present", "incidents", "rules"),
    [
        (100, 95, 0, set()),
        (100, 89, 0, {Rule.CHRONIC_ABSENCE}),
        (100, 90, 0, set()),  # exactly 90% is not chronic absence
        (100, 95, 3, {Rule.INCIDENTS}),
        (100, 95, 2, set()),  # 2% is not over 2%
        (8, 2, 5, set()),  # too few days taken to say
    ],
)
def test_attendance_and_incident_rules(
    days: int, present: int, incidents: int, rules: set[Rule]
) -> None:
    record = StudentRecord(
        student_id=1,
        grade_level=5,
        domains=(),
        school_days=days,
        present_days=present,
        incident_days=incidents,
    )
    hits = detect([record], as_of=AS_OF)
    assert {hit.rule for hit in hits} == rules
    for hit in hits:
        if hit.rule == Rule.CHRONIC_ABSENCE:
            assert hit.sentence == (
                f"Present on {present}% of school days this year ({present} of {days}); "
                "chronic absence is under 90%"
            )
