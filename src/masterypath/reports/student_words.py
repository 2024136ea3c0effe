"""The engine's plain words in the reader's language, and shared reads of a student's record.

Pages a student, a family or staff read call `placement_words_for` / `pace_words_for`, which
pass Django's translation module and a locale-aware number formatter to `engine.wording`, so
"0.8" reads "0,8" in Spanish. Names stored as data (domain titles, performance level labels)
are looked up in the catalogue too: the common ones are marked below, others show as stored.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, gettext_noop

from masterypath.continuum.models import Domain, DomainKind
from masterypath.engine.continuum import Growth, growth
from masterypath.engine.wording import (
    PaceWords,
    PlacementWords,
    grade_name,
    pace_words,
    placement_words,
)
from masterypath.mastery.models import Placement
from masterypath.mastery.selectors import EARLIER_MONTHS, SUMMER_BREAK
from masterypath.roster.models import Student
from masterypath.schools.models import AcademicSession, SessionType

# Stored names that pages translate when the catalogue knows them.
DATA_NAMES = (
    gettext_noop("Mathematics"),
    gettext_noop("English Language Arts"),
    gettext_noop("Science"),
    gettext_noop("Habits of Learning"),
    gettext_noop("Social-Emotional Learning"),
    gettext_noop("Employability"),
    gettext_noop("Beginning"),
    gettext_noop("Developing"),
    gettext_noop("Proficient"),
    gettext_noop("Advanced"),
    gettext_noop("Mastered"),
    gettext_noop("Not yet mastered"),
    gettext_noop("Diagnostic"),
    gettext_noop("Formative"),
    gettext_noop("Summative"),
    gettext_noop("Exit ticket"),
    gettext_noop("Quiz"),
    gettext_noop("Project"),
    gettext_noop("Observation"),
    gettext_noop("Work sample"),
    gettext_noop("Self-assessment"),
)


def data_name(name: str) -> str:
    """A stored name in the reader's language when the catalogue has it."""
    return _data_name(translation.get_language() or "", name) if name else name


@functools.lru_cache(maxsize=4096)
def _data_name(language: str, name: str) -> str:
    # Rows repeat the same few names: one catalogue look-up per language and name.
    return gettext(name)


def day_range(field: str, starts_on: date, ends_on: date) -> Q:
    """`field` (a datetime) on a local day from `starts_on` to `ends_on` included: a range on
    the stored value, which an index serves (a `__date` lookup converts every row)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(starts_on, time.min, tzinfo=zone)
    stop = datetime.combine(ends_on + timedelta(days=1), time.min, tzinfo=zone)
    return Q(**{f"{field}__gte": start, f"{field}__lt": stop})


def one_decimal_here(value: float) -> str:
    return formats.number_format(value, decimal_pos=1, use_l10n=True)


def placement_words_for(placement: float, *, grade_level: int, domain: str) -> PlacementWords:
    return placement_words(
        placement, grade_level=grade_level, domain=domain, translator=translation
    )


def pace_words_for(levels_per_year: float | None) -> PaceWords:
    return pace_words(levels_per_year, translator=translation, format_number=one_decimal_here)


@dataclass(frozen=True)
class SchoolYear:
    starts_on: date
    ends_on: date

    @property
    def label(self) -> str:
        return f"{self.starts_on.year}-{str(self.ends_on.year)[2:]}"


def school_year_around(on: date) -> SchoolYear:
    """The school year a date falls in when the district has none on file: July to June."""
    start_year = on.year if on.month >= 7 else on.year - 1
    return SchoolYear(date(start_year, 7, 1), date(start_year + 1, 6, 30))


def school_year_of(*, district_id: int, on: date) -> SchoolYear:
    """The district's school year that holds `on` (one query), else July to June."""
    session = (
        AcademicSession.objects.filter(
            district_id=district_id,
            session_type=SessionType.SCHOOL_YEAR,
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .order_by("-starts_on")
        .first()
    )
    if session is None:
        return school_year_around(on)
    return SchoolYear(session.starts_on, session.ends_on)


@dataclass(frozen=True)
class DomainPosition:
    """Where a student stands in one domain, in numbers and words, with the history behind."""

    domain: Domain
    title: str  # in the reader's language
    placement: float
    placed_on: date
    words: PlacementWords
    pace: PaceWords
    growth: Growth
    history: tuple[tuple[date, float], ...]

    @property
    def expected_name(self) -> str:
        """The grade the student's own grade expects: 'grade 4', 'kindergarten'."""
        return grade_name(self.words.expected_level, translator=translation)

    @property
    def working_name(self) -> str:
        return grade_name(self.words.working_level, translator=translation)

    @property
    def is_academic(self) -> bool:
        return self.domain.kind == DomainKind.ACADEMIC

    @property
    def on_track(self) -> bool:
        return self.words.is_on_or_above


def placement_history(
    *, student_ids: Iterable[int], until: date
) -> tuple[dict[int, dict[int, list[tuple[date, float]]]], dict[int, Domain]]:
    """Dated placements per student and domain up to `until`, and the domains (two queries)."""
    history: dict[int, dict[int, list[tuple[date, float]]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        Placement.objects.filter(student_id__in=list(student_ids), placed_on__lte=until)
        .order_by("placed_on")
        .values_list("student_id", "domain_id", "placed_on", "level")
    )
    domain_ids: set[int] = set()
    for student_id, domain_id, placed_on, level in rows:
        history[student_id][domain_id].append((placed_on, level))
        domain_ids.add(domain_id)
    domains = Domain.objects.select_related("framework").in_bulk(list(domain_ids))
    return history, domains


def domain_positions(
    *,
    student: Student,
    history: dict[int, list[tuple[date, float]]],
    domains: dict[int, Domain],
    as_of: date,
    since: date | None = None,
) -> list[DomainPosition]:
    """One position per domain with placements up to `as_of` (from `since` for the pace),
    academic domains first, then by framework and position."""
    positions = []
    for domain_id, points in history.items():
        shown = [(day, level) for day, level in points if day <= as_of]
        if not shown:
            continue
        domain = domains[domain_id]
        title = data_name(domain.title)
        placed_on, level = shown[-1]
        paced = [(day, lv) for day, lv in shown if since is None or day >= since]
        domain_growth = growth(
            paced,
            as_of=as_of,
            break_months=SUMMER_BREAK,
            earlier_months=EARLIER_MONTHS,
            grade_level=float(student.grade_level),
        )
        positions.append(
            DomainPosition(
                domain=domain,
                title=title,
                placement=level,
                placed_on=placed_on,
                words=placement_words_for(level, grade_level=student.grade_level, domain=title),
                pace=pace_words_for(domain_growth.pace),
                growth=domain_growth,
                history=tuple(shown),
            )
        )
    positions.sort(
        key=lambda p: (not p.is_academic, p.domain.framework.title, p.domain.position, p.title)
    )
    return positions


def placement_on(points: Iterable[tuple[date, float]], on: date) -> float | None:
    """The latest placement on or before `on`, None when there was none yet."""
    latest = None
    for day, level in points:
        if day <= on:
            latest = level
    return latest
