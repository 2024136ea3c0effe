"""Exception rules: the students a principal, a counselor or a teacher should look at now.

The rules read, per student and domain, the dated **working positions**: where on the
continuum the targets a student was assessed on that day sit (levels are grades, 0 =
kindergarten). Target ``j`` of the ``n`` targets of a level (or of a band of ``w`` levels) of
a domain, in the order of the continuum, sits at ``level + w * (j + 0.5) / n``
(``continuum_positions``); a day's position is the mean over the targets assessed that day.
In a competency-based school a student is assessed on the targets they are working on, so this
follows their learning day by day, while the placement (80% of a level proficient) lags it by
design. Time is counted in months of school (``engine.school_year.school_months``: July and
August do not count); a school week is 7 days of school.

* **two or more grades below** (per domain): the position is ``behind_grades`` levels or more
  below the grade-level expectation for the time of year (below), i.e. two years of learning
  behind; the words give the working level ``floor(position)`` (the grade whose targets the
  student is learning) and the grade. The position is the mean of the last ``smooth_points``
  days.
* **struggling in several domains** (per student): ``struggling_domains`` or more academic
  domains where the position is ``struggling_gap`` levels or more below the grade-level
  expectation for the time of year, ``grade + (months of school since August 1) / 10`` (a
  student on grade level starts the grade's targets in September and finishes them in June).
* **not progressing** (per domain): evidence keeps coming (``stalled_min_days`` days or more in
  the last ``stalled_weeks`` school weeks) but no gain for ``stalled_weeks`` school weeks. A gain
  is a position ``min_gain`` or more above the previous gain's (the first day is the first gain).
* **slowing down** (per domain): the least-squares slope of the positions of the last
  ``recent_months`` months of school is below the slope of the ``earlier_months`` before by more
  than ``t_(0.95) * sqrt(se_recent^2 + se_earlier^2)`` (one-sided test of the difference of two
  slopes, Welch-style ``n_1 + n_2 - 4`` degrees of freedom; ``engine.continuum.growth``), with
  ``min_points`` days or more in each window, and a recent pace under ``slowing_max_pace``
  levels per school year (a significant fall that leaves the student on pace is no exception).
* **advancing rapidly** (per student): the mean pace (slope over the whole history, levels per
  ten months of school) of the academic domains measured is ``rapid_pace`` times the expected
  one level per school year or more; a domain is measured with ``rapid_min_points`` days over
  ``rapid_min_months`` months of school or more ("enough evidence to say so").
* A student assessed on the last target of a domain's continuum has nothing left to gain there:
  neither "not progressing" nor "slowing down" applies.
* **chronically absent** (per student): present (or tardy) on under ``attendance_rate`` (90%)
  of the school days with attendance taken this school year, once ``attendance_min_days``
  days are taken; **frequent incidents**: behaviour incidents on over ``incident_rate`` (2%)
  of those days.
* **no recent evidence** (per domain; a coverage gap for the teacher, not a student problem): no
  evidence for ``gap_weeks`` school weeks while at least half of the student's grade-mates in
  the school have some in that domain (a domain nobody is taught now is no gap).

Each hit is dated and explained in plain words ("3 grades below in Mathematics: working at grade
4, expected grade 7; last gain 11 weeks ago"), in the language of the ``translator``.
Pure: no clock (pass ``as_of``), no randomness, no Django.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

import numpy as np

from masterypath.engine.continuum import _t_critical as t_critical_95
from masterypath.engine.school_year import BREAK_MONTHS, FIRST_MONTH, school_months
from masterypath.engine.wording import ENGLISH, Translator, grade_name

WEEKS_PER_MONTH = 365.2425 / 12.0 / 7.0
SCHOOL_YEAR_MONTHS = 10.0


class Rule(StrEnum):
    NOT_PROGRESSING = "not_progressing"
    SLOWING = "slowing"
    TWO_BELOW = "two_below"
    SEVERAL_DOMAINS = "several_domains"
    RAPID = "rapid"
    NO_RECENT_EVIDENCE = "no_recent_evidence"
    CHRONIC_ABSENCE = "chronic_absence"
    INCIDENTS = "incidents"


RULE_TITLES: dict[Rule, str] = {
    Rule.NOT_PROGRESSING: "Not progressing",
    Rule.SLOWING: "Slowing down",
    Rule.TWO_BELOW: "Two or more grades below",
    Rule.SEVERAL_DOMAINS: "Struggling in several areas",
    Rule.RAPID: "Advancing rapidly",
    Rule.NO_RECENT_EVIDENCE: "No recent evidence",
    Rule.CHRONIC_ABSENCE: "Chronically absent",
    Rule.INCIDENTS: "Frequent incidents",
}
# Rules about a student as a whole (the others are per domain).
STUDENT_RULES = frozenset({Rule.SEVERAL_DOMAINS, Rule.RAPID, Rule.CHRONIC_ABSENCE, Rule.INCIDENTS})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every threshold of the rules; a district overrides any of them (``from_mapping``)."""

    behind_grades: int = 2
    struggling_domains: int = 2
    struggling_gap: float = 1.0
    stalled_weeks: float = 8.0
    stalled_min_days: int = 3
    min_gain: float = 0.1
    recent_months: float = 3.0
    earlier_months: float = 6.0
    min_points: int = 3
    slowing_max_pace: float = 0.5
    rapid_pace: float = 1.5
    rapid_min_points: int = 6
    rapid_min_months: float = 4.0
    gap_weeks: float = 6.0
    smooth_points: int = 3
    attendance_rate: float = 0.9
    incident_rate: float = 0.02
    attendance_min_days: int = 10

    def __post_init__(self) -> None:
        not_positive = [f.name for f in fields(self) if getattr(self, f.name) <= 0]
        if not_positive:
            raise ValueError(f"These thresholds must be above zero: {', '.join(not_positive)}")
        if self.min_points < 2 or self.rapid_min_points < 2:
            raise ValueError("A slope needs min_points and rapid_min_points of 2 or more")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Thresholds:
        """The defaults overridden by ``values``; an unknown name or a value of the wrong kind
        is an error that names it."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(
                f"Unknown threshold {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        changes: dict[str, Any] = {}
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"Threshold {name} must be a number, not {value!r}")
            if known[name].type in (int, "int"):
                if value != int(value):
                    raise ValueError(f"Threshold {name} must be a whole number, not {value!r}")
                changes[name] = int(value)
            else:
                changes[name] = float(value)
        return replace(cls(), **changes)

    def as_dict(self) -> dict[str, float | int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class TargetSpot:
    """A target's place on its domain's continuum: its level (or band ``level``..``level_high``)
    and its order ``position`` in the framework."""

    target_id: int
    domain_id: int
    level: int
    level_high: int | None
    position: int


def continuum_positions(targets: Iterable[TargetSpot]) -> dict[int, float]:
    """Target ``j`` (by ``position``) of the ``n`` targets of a level or band of width ``w`` in
    a domain sits at ``level + w * (j + 0.5) / n``."""
    groups: dict[tuple[int, int, int], list[TargetSpot]] = defaultdict(list)
    for spot in targets:
        high = spot.level if spot.level_high is None else spot.level_high
        groups[(spot.domain_id, spot.level, high)].append(spot)
    positions: dict[int, float] = {}
    for (_, low, high), members in groups.items():
        members.sort(key=lambda spot: (spot.position, spot.target_id))
        width = high - low + 1
        for j, spot in enumerate(members):
            positions[spot.target_id] = low + width * (j + 0.5) / len(members)
    return positions


@dataclass(frozen=True, slots=True)
class DomainRecord:
    """A student's working positions in one domain: (day, position), one per day with
    evidence, days ascending."""

    domain_id: int
    domain: str
    positions: tuple[tuple[date, float], ...]
    is_academic: bool = True
    # Assessed on the domain's last target: nothing is left to gain on this continuum.
    reached_top: bool = False


@dataclass(frozen=True, slots=True)
class StudentRecord:
    student_id: int
    grade_level: int
    domains: tuple[DomainRecord, ...]
    school_id: int = 0
    # This school year so far: days with attendance taken, days present (tardy counts as
    # present) and days with a behaviour incident.
    school_days: int = 0
    present_days: int = 0
    incident_days: int = 0


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule met by one student (in one domain, or ``domain_id`` None for student rules)
    since ``detected_on``; ``need`` orders students by how much support they need (larger
    first); ``facts`` holds the numbers behind ``sentence``."""

    student_id: int
    rule: Rule
    domain_id: int | None
    detected_on: date
    need: float
    sentence: str
    facts: dict[str, Any]


@lru_cache(maxsize=65536)
def school_weeks(start: date, end: date) -> float:
    """School weeks from ``start`` to ``end`` (July and August do not count)."""
    return school_months(start, end, break_months=BREAK_MONTHS) * WEEKS_PER_MONTH


@lru_cache(maxsize=4096)
def weeks_before(end: date, weeks: float) -> date:
    """The latest day at least ``weeks`` school weeks before ``end``."""
    day = end
    while school_weeks(day, end) < weeks:
        day -= timedelta(days=1)
    return day


@lru_cache(maxsize=65536)
def weeks_after(start: date, weeks: float, *, limit: date) -> date:
    """The first day ``weeks`` school weeks after ``start`` (``limit`` at the latest)."""
    day = start
    while day < limit and school_weeks(start, day) < weeks:
        day += timedelta(days=1)
    return day


def expected_position(grade_level: int, day: date) -> float:
    """Where a student on grade level stands on ``day``: ``grade + m / 10`` after ``m`` months
    of school since August 1 (at most 10)."""
    year = day.year if day.month >= FIRST_MONTH else day.year - 1
    months = school_months(date(year, FIRST_MONTH, 1), day, break_months=BREAK_MONTHS)
    return grade_level + min(months, SCHOOL_YEAR_MONTHS) / SCHOOL_YEAR_MONTHS


def grade_on(grade_level: int, day: date, as_of: date) -> int:
    """The grade on ``day`` of a student in ``grade_level`` on ``as_of``: one lower for each
    school year (from August 1) between the two."""

    def year(d: date) -> int:
        return d.year + (1 if d.month >= FIRST_MONTH else 0)

    return grade_level - max(year(as_of) - year(day), 0)


def last_gain(positions: Sequence[tuple[date, float]], *, min_gain: float) -> date | None:
    """The day of the last gain: a position ``min_gain`` or more above the previous gain's (the
    first day is the first gain)."""
    if not positions:
        return None
    gained_on, base = positions[0]
    for day, level in positions[1:]:
        if level >= base + min_gain - 1e-9:
            gained_on, base = day, level
    return gained_on


# Months of school are counted from a fixed day, once per date (the rules ask for the same
# few hundred dates thousands of times).
_REFERENCE = date(2000, FIRST_MONTH, 1)


@lru_cache(maxsize=65536)
def _school_month(day: date) -> float:
    return school_months(_REFERENCE, day, break_months=BREAK_MONTHS)


def _months(points: Sequence[tuple[date, float]]) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array([_school_month(day) for day, _ in points], dtype=np.float64),
        np.array([level for _, level in points], dtype=np.float64),
    )


def _fit(months: np.ndarray, levels: np.ndarray) -> tuple[float, float] | None:
    """Least-squares slope per month of school and its standard error (inf below 3 points);
    None below 2 distinct months (as ``engine.continuum.growth``)."""
    if months.size < 2:
        return None
    centred = months - months.mean()
    sxx = float(np.dot(centred, centred))
    if sxx <= 0.0:
        return None
    slope = float(np.dot(centred, levels - levels.mean()) / sxx)
    if months.size < 3:
        return slope, math.inf
    residuals = levels - levels.mean() - slope * centred
    return slope, math.sqrt(float(np.dot(residuals, residuals)) / (months.size - 2) / sxx)


def pace(positions: Sequence[tuple[date, float]], *, as_of: date) -> float | None:
    """Levels gained per school year: the least-squares slope per month of school times 10."""
    fit = _fit(*_months([p for p in positions if p[0] <= as_of]))
    return None if fit is None else fit[0] * SCHOOL_YEAR_MONTHS


def _grades_words(gap: int, translator: Translator) -> str:
    count = abs(gap)
    if gap == 0:
        return translator.gettext("on grade level")
    if gap < 0:
        template = translator.ngettext("%(count)s grade below", "%(count)s grades below", count)
    else:
        template = translator.ngettext("%(count)s grade ahead", "%(count)s grades ahead", count)
    return template % {"count": count}


def _since_words(day: date | None, as_of: date, translator: Translator) -> str:
    if day is None:
        return translator.gettext("no gain yet")
    weeks = round(school_weeks(day, as_of))
    if weeks < 1:
        return translator.gettext("last gain this week")
    return translator.ngettext(
        "last gain %(count)s week ago", "last gain %(count)s weeks ago", weeks
    ) % {"count": weeks}


def _number(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True, slots=True)
class _Standing:
    """Where a student stands in a domain on ``as_of``."""

    points: list[tuple[date, float]]
    current: float
    working: int
    gap: int
    behind_expected: float
    gained_on: date | None


def _standing(
    record: StudentRecord, domain: DomainRecord, *, as_of: date, t: Thresholds
) -> _Standing | None:
    points = [(day, level) for day, level in domain.positions if day <= as_of]
    if not points:
        return None
    last = [level for _, level in points[-t.smooth_points :]]
    current = sum(last) / len(last)
    working = math.floor(current + 1e-9)
    return _Standing(
        points=points,
        current=current,
        working=working,
        gap=working - record.grade_level,
        behind_expected=expected_position(record.grade_level, as_of) - current,
        gained_on=last_gain(points, min_gain=t.min_gain),
    )


def _domain_hits(
    record: StudentRecord,
    domain: DomainRecord,
    standing: _Standing,
    *,
    as_of: date,
    t: Thresholds,
    translator: Translator,
) -> list[Hit]:
    hits: list[Hit] = []
    points = standing.points
    words = {
        "gap": _grades_words(standing.gap, translator),
        "domain": domain.domain,
        "working": grade_name(standing.working, translator=translator),
        "expected": grade_name(record.grade_level, translator=translator),
        "since": _since_words(standing.gained_on, as_of, translator),
    }
    facts: dict[str, Any] = {
        "domain": domain.domain,
        "position": round(standing.current, 2),
        "working_level": standing.working,
        "expected_level": record.grade_level,
        "gap": standing.gap,
        "behind_expected": round(standing.behind_expected, 2),
        "last_gain_on": standing.gained_on.isoformat() if standing.gained_on else None,
    }
    if standing.behind_expected >= t.behind_grades - 1e-9:
        # Dated from the first day of the current run this far behind the expectation.
        since_on = points[-1][0]
        for day, level in reversed(points):
            if expected_position(grade_on(record.grade_level, day, as_of), day) - level < (
                t.behind_grades - 1e-9
            ):
                break
            since_on = day
        # Whole grades, as the words name them: working level against the grade, at least
        # the whole years behind the expectation for the time of year.
        below = max(-standing.gap, math.floor(standing.behind_expected + 1e-9))
        measured = pace(points, as_of=as_of)
        shortfall = max(0.0, 1.0 - measured) if measured is not None else 0.0
        hits.append(
            Hit(
                student_id=record.student_id,
                rule=Rule.TWO_BELOW,
                domain_id=domain.domain_id,
                detected_on=since_on,
                # How far behind first, then how far the pace falls short of a level a year.
                need=standing.behind_expected + min(shortfall, 1.0) * 0.5,
                sentence=translator.gettext(
                    "%(gap)s in %(domain)s: working at %(working)s, expected %(expected)s; "
                    "%(since)s"
                )
                % {
                    **words,
                    "gap": _grades_words(-below, translator),
                },
                facts={**facts, "pace": None if measured is None else round(measured, 2)},
            )
        )
    if domain.reached_top:
        return hits
    window = weeks_before(as_of, t.stalled_weeks)
    recent_days = sum(1 for day, _ in points if day > window)
    gained_on = standing.gained_on
    if (
        gained_on is not None
        and points[0][0] < window  # the history covers the whole window
        and school_weeks(gained_on, as_of) >= t.stalled_weeks
        and recent_days >= t.stalled_min_days
    ):
        weeks = round(school_weeks(gained_on, as_of))
        hits.append(
            Hit(
                student_id=record.student_id,
                rule=Rule.NOT_PROGRESSING,
                domain_id=domain.domain_id,
                detected_on=weeks_after(gained_on, t.stalled_weeks, limit=as_of),
                need=weeks / t.stalled_weeks,
                sentence=translator.ngettext(
                    "No gain in %(domain)s for %(count)s week although evidence keeps coming "
                    "(%(days)s days with evidence lately); working at %(working)s, expected "
                    "%(expected)s",
                    "No gain in %(domain)s for %(count)s weeks although evidence keeps coming "
                    "(%(days)s days with evidence lately); working at %(working)s, expected "
                    "%(expected)s",
                    weeks,
                )
                % {**words, "count": weeks, "days": recent_days},
                facts={**facts, "weeks_without_gain": weeks, "recent_days": recent_days},
            )
        )
    slowing = _slowing(points, as_of=as_of, t=t)
    if slowing is not None:
        earlier, recent = slowing
        hits.append(
            Hit(
                student_id=record.student_id,
                rule=Rule.SLOWING,
                domain_id=domain.domain_id,
                detected_on=weeks_before(as_of, t.recent_months * WEEKS_PER_MONTH),
                need=earlier - recent,
                sentence=translator.gettext(
                    "Slowing down in %(domain)s: about %(recent)s grade levels per school year "
                    "lately, down from %(earlier)s before; %(since)s"
                )
                % {**words, "earlier": _number(earlier), "recent": _number(max(recent, 0.0))},
                facts={**facts, "earlier_pace": round(earlier, 2), "recent_pace": round(recent, 2)},
            )
        )
    return hits


def _slowing(
    points: Sequence[tuple[date, float]], *, as_of: date, t: Thresholds
) -> tuple[float, float] | None:
    """(earlier pace, recent pace) in levels per school year when the fall is significant:
    the recent slope below the earlier one by more than ``t_0.95 * sqrt(se_1^2 + se_2^2)``,
    ``n_1 + n_2 - 4`` degrees of freedom (the test of ``engine.continuum.growth``)."""
    months, levels = _months(points)
    now = _school_month(as_of)
    recent = months > now - t.recent_months
    earlier = ~recent & (months > now - t.recent_months - t.earlier_months)
    n_recent, n_earlier = int(recent.sum()), int(earlier.sum())
    if n_recent < t.min_points or n_earlier < t.min_points:
        return None
    early_fit = _fit(months[earlier], levels[earlier])
    recent_fit = _fit(months[recent], levels[recent])
    if early_fit is None or recent_fit is None:
        return None
    difference = recent_fit[0] - early_fit[0]
    se = math.hypot(early_fit[1], recent_fit[1])
    critical = t_critical_95(max(n_recent + n_earlier - 4, 1))
    if difference >= 0 or (se > 0.0 and difference / se >= -critical):
        return None
    recent_pace = recent_fit[0] * SCHOOL_YEAR_MONTHS
    if recent_pace >= t.slowing_max_pace:
        return None
    return early_fit[0] * SCHOOL_YEAR_MONTHS, recent_pace


def _gap_hit(
    record: StudentRecord,
    domain: DomainRecord,
    *,
    as_of: date,
    gap_start: date,
    gap_weeks: float,
    mates: Sequence[bool],
    translator: Translator,
) -> Hit | None:
    seen = [day for day, _ in domain.positions if day <= as_of]
    if not seen or seen[-1] > gap_start or 2 * sum(mates) < len(mates):
        return None
    last = seen[-1]
    weeks = round(school_weeks(last, as_of))
    return Hit(
        student_id=record.student_id,
        rule=Rule.NO_RECENT_EVIDENCE,
        domain_id=domain.domain_id,
        detected_on=weeks_after(last, gap_weeks, limit=as_of),
        need=float(weeks),
        sentence=translator.ngettext(
            "No evidence in %(domain)s for %(count)s week (last on %(last)s) while most "
            "classmates have some",
            "No evidence in %(domain)s for %(count)s weeks (last on %(last)s) while most "
            "classmates have some",
            weeks,
        )
        % {"domain": domain.domain, "count": weeks, "last": last.isoformat()},
        facts={"domain": domain.domain, "last_evidence_on": last.isoformat(), "weeks": weeks},
    )


def detect(
    records: Sequence[StudentRecord],
    *,
    as_of: date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    translator: Translator = ENGLISH,
) -> list[Hit]:
    """Every hit of every rule for ``records`` as of ``as_of``, student by student."""
    t = thresholds
    gap_start = weeks_before(as_of, t.gap_weeks)
    # Grade-mates with recent evidence per (school, grade, domain), for the coverage gap.
    with_recent: dict[tuple[int, int, int], list[bool]] = defaultdict(list)
    for record in records:
        for domain in record.domains:
            recent = any(gap_start < day <= as_of for day, _ in domain.positions)
            with_recent[(record.school_id, record.grade_level, domain.domain_id)].append(recent)
    hits: list[Hit] = []
    for record in records:
        below: list[tuple[str, _Standing]] = []
        paces: list[tuple[str, float]] = []
        for domain in record.domains:
            standing = _standing(record, domain, as_of=as_of, t=t)
            mates = with_recent[(record.school_id, record.grade_level, domain.domain_id)]
            gap = (
                None
                if not domain.is_academic
                else _gap_hit(
                    record,
                    domain,
                    as_of=as_of,
                    gap_start=gap_start,
                    gap_weeks=t.gap_weeks,
                    mates=mates,
                    translator=translator,
                )
            )
            if gap is not None:
                hits.append(gap)
            if standing is None or not domain.is_academic:
                continue
            hits.extend(
                _domain_hits(record, domain, standing, as_of=as_of, t=t, translator=translator)
            )
            if standing.behind_expected >= t.struggling_gap - 1e-9:
                below.append((domain.domain, standing))
            points = standing.points
            months = school_months(points[0][0], as_of, break_months=BREAK_MONTHS)
            if len(points) >= t.rapid_min_points and months >= t.rapid_min_months:
                measured = pace(points, as_of=as_of)
                if measured is not None:
                    paces.append((domain.domain, measured))
        if len(below) >= t.struggling_domains:
            hits.append(_several_hit(record, below, as_of=as_of, translator=translator))
        if paces and sum(p for _, p in paces) / len(paces) >= t.rapid_pace:
            hits.append(_rapid_hit(record, paces, as_of=as_of, t=t, translator=translator))
        hits.extend(_attendance_hits(record, as_of=as_of, t=t, translator=translator))
    return hits


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def _attendance_hits(
    record: StudentRecord, *, as_of: date, t: Thresholds, translator: Translator
) -> list[Hit]:
    """Chronic absence (present on under ``attendance_rate`` of the school days so far) and
    frequent incidents (on over ``incident_rate`` of them), once ``attendance_min_days`` days
    have been taken."""
    days = record.school_days
    if days < t.attendance_min_days:
        return []
    hits = []
    rate = record.present_days / days
    numbers = {"present": record.present_days, "days": days}
    if rate < t.attendance_rate - 1e-9:
        hits.append(
            Hit(
                student_id=record.student_id,
                rule=Rule.CHRONIC_ABSENCE,
                domain_id=None,
                detected_on=as_of,
                need=1.0 - rate,
                sentence=translator.gettext(
                    "Present on %(rate)s of school days this year (%(present)s of %(days)s); "
                    "chronic absence is under %(threshold)s"
                )
                % {**numbers, "rate": _percent(rate), "threshold": _percent(t.attendance_rate)},
                facts={**numbers, "rate": round(rate, 3)},
            )
        )
    incidents = record.incident_days / days
    if incidents > t.incident_rate + 1e-9:
        hits.append(
            Hit(
                student_id=record.student_id,
                rule=Rule.INCIDENTS,
                domain_id=None,
                detected_on=as_of,
                need=incidents,
                sentence=translator.ngettext(
                    "Behaviour incidents on %(count)s day of %(days)s this year (%(rate)s; "
                    "more than %(threshold)s is frequent)",
                    "Behaviour incidents on %(count)s days of %(days)s this year (%(rate)s; "
                    "more than %(threshold)s is frequent)",
                    record.incident_days,
                )
                % {
                    "count": record.incident_days,
                    "days": days,
                    "rate": _percent(incidents),
                    "threshold": _percent(t.incident_rate),
                },
                facts={"incident_days": record.incident_days, "days": days},
            )
        )
    return hits


def _several_hit(
    record: StudentRecord,
    below: list[tuple[str, _Standing]],
    *,
    as_of: date,
    translator: Translator,
) -> Hit:
    below.sort(key=lambda item: item[0])
    listed = "; ".join(
        translator.gettext("%(domain)s (working at %(working)s)")
        % {"domain": name, "working": grade_name(s.working, translator=translator)}
        for name, s in below
    )
    return Hit(
        student_id=record.student_id,
        rule=Rule.SEVERAL_DOMAINS,
        domain_id=None,
        detected_on=as_of,
        need=sum(s.behind_expected for _, s in below),
        sentence=translator.ngettext(
            "A year or more behind in %(count)s area, expected %(expected)s: %(areas)s",
            "A year or more behind in %(count)s areas, expected %(expected)s: %(areas)s",
            len(below),
        )
        % {
            "count": len(below),
            "areas": listed,
            "expected": grade_name(record.grade_level, translator=translator),
        },
        facts={
            "domains": [
                {"domain": name, "behind": round(s.behind_expected, 2), "working": s.working}
                for name, s in below
            ]
        },
    )


def _rapid_hit(
    record: StudentRecord,
    paces: list[tuple[str, float]],
    *,
    as_of: date,
    t: Thresholds,
    translator: Translator,
) -> Hit:
    paces.sort(key=lambda item: item[0])
    mean = sum(p for _, p in paces) / len(paces)
    listed = ", ".join(f"{name} {_number(p)}" for name, p in paces)
    return Hit(
        student_id=record.student_id,
        rule=Rule.RAPID,
        domain_id=None,
        detected_on=as_of,
        need=mean,
        sentence=translator.gettext(
            "Advancing rapidly: about %(pace)s grade levels per school year (expected 1.0, "
            "%(rate)s times that or more counts as rapid): %(areas)s"
        )
        % {"pace": _number(mean), "rate": f"{t.rapid_pace:g}", "areas": listed},
        facts={
            "pace": round(mean, 2),
            "domains": [{"domain": n, "pace": round(p, 2)} for n, p in paces],
        },
    )


@dataclass(frozen=True, slots=True)
class LevelGain:
    """Levels a student gained, on average over their academic domains measured: since the
    school year began (first evidence day of the year to ``as_of``) and over the last twelve
    months (None when unknown)."""

    student_id: int
    this_year: float | None
    last_twelve_months: float | None


def _gain_since(points: Sequence[tuple[date, float]], start: date, smooth: int) -> float | None:
    before = [level for day, level in points if day < start]
    after = [level for day, level in points if day >= start]
    if not after:
        return None
    first = before[-smooth:] if before else after[:smooth]
    last = after[-smooth:]
    return sum(last) / len(last) - sum(first) / len(first)


def level_gains(
    records: Sequence[StudentRecord], *, as_of: date, smooth_points: int = 3
) -> list[LevelGain]:
    """Per student, the mean over academic domains of the position gained since August 1
    (from the last days before it, else the first days after) and since the same day a year
    earlier: "gained one or more levels this year" is ``this_year >= 1``."""
    year = as_of.year if as_of.month >= FIRST_MONTH else as_of.year - 1
    starts = (date(year, FIRST_MONTH, 1), as_of.replace(year=as_of.year - 1))
    gains = []
    for record in records:
        per_start: list[float | None] = []
        for start in starts:
            values = [
                gain
                for domain in record.domains
                if domain.is_academic
                for gain in [
                    _gain_since(
                        [p for p in domain.positions if p[0] <= as_of], start, smooth_points
                    )
                ]
                if gain is not None
            ]
            per_start.append(sum(values) / len(values) if values else None)
        gains.append(LevelGain(record.student_id, per_start[0], per_start[1]))
    return gains
