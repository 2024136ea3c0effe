"""School years and months of school.

A school year runs from August 1 to July 31 and is named by the year it ends in (2026-27 is
2027), matching the growth model's summer break of July and August: a month of school is a
month outside the break, so that "levels gained per school year" means per ten months of
school (``engine.continuum.growth`` with ``school_year_months=10``).
"""

from __future__ import annotations

from datetime import date, timedelta

DAYS_PER_MONTH = 365.2425 / 12.0
FIRST_MONTH = 8  # August
BREAK_MONTHS = frozenset({7, 8})
SCHOOL_YEAR_MONTHS = 10.0


def school_year_of(day: date) -> int:
    """The year the school year containing ``day`` ends in (2026-11-20 -> 2027)."""
    return day.year + 1 if day.month >= FIRST_MONTH else day.year


def school_year_starts_on(year: int) -> date:
    """The first day of the school year ending in ``year`` (2027 -> 2026-08-01)."""
    return date(year - 1, FIRST_MONTH, 1)


def school_year_label(year: int) -> str:
    """'2026-27' for the school year ending in 2027."""
    return f"{year - 1}-{year % 100:02d}"


def school_months(start: date, end: date, *, break_months: frozenset[int] = BREAK_MONTHS) -> float:
    """Months of school from ``start`` to ``end`` (days outside the break months, in months of
    365.2425 / 12 days); negative when ``end`` is before ``start``."""
    if end < start:
        return -school_months(end, start, break_months=break_months)
    days = 0
    day = start
    while day < end:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        stop = min(following, end)
        if day.month not in break_months:
            days += (stop - day).days
        day = stop
    return days / DAYS_PER_MONTH


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from ``first``'s month up to and including ``last``'s month
    when that month has ended by ``last`` (a month end after ``last`` is left out)."""
    ends = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        following = date(year + month // 12, month % 12 + 1, 1)
        end = following - timedelta(days=1)
        if end <= last:
            ends.append(end)
        year, month = following.year, following.month
    return ends
