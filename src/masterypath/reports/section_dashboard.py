"""A teacher's section dashboard: where each student works, mastery at each student's own
level, how the section spreads over the levels of each target, and who needs a look (no
recent evidence, growth slowed).

A fixed number of queries whatever the number of students, targets or evidence: students,
the course's domains, placements (and their domains), targets at the levels shown, the mastery
selector's own set, and each student's latest evidence.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max, Q

from masterypath.continuum.models import Domain, LearningTarget, TargetLink
from masterypath.engine.classroom import (
    GroupCandidate,
    GroupReason,
    GrowthChange,
    flexible_groups,
    growth_change,
)
from masterypath.engine.pathway import PathTarget, next_targets
from masterypath.engine.wording import PaceWords, PlacementWords, working_level
from masterypath.evidence.models import Evidence
from masterypath.evidence.selectors import default_level_for_section, student_list_for_scoring
from masterypath.mastery.models import METHOD_LABELS, MasteryEstimate
from masterypath.mastery.selectors import MasteryCell
from masterypath.reports.models import StandingSummary
from masterypath.reports.student_dashboard import scales_by_id
from masterypath.reports.student_words import (
    data_name,
    pace_words_for,
    placement_history,
    placement_words_for,
)
from masterypath.roster.models import Section, Student

QUIET_WEEKS = 3  # default window of "no recent evidence"
# How far above a student's working level the pathway looks for the next target.
LOOKAHEAD_LEVELS = 4
# Colour bands of the level rule (`engine.levels`): 0 stands for "not enough evidence".
BANDS = (1, 2, 3, 4)
NO_EVIDENCE_BAND = 0


@dataclass(frozen=True, slots=True)
class TargetRow:
    """A top-level target as the dashboard reads it: plain values, no model instance (a
    section's window of levels holds a few thousand targets over its areas)."""

    pk: int
    code: str
    statement: str
    level: int
    level_high: int | None
    position: int
    competency_order: tuple[int, str]
    domain_id: int
    scale_id: int

    @property
    def completes(self) -> int:
        """The level the target completes: the end of its band."""
        return self.level_high if self.level_high is not None else self.level

    def covers(self, level: int) -> bool:
        """Whether the target belongs to a level (a K-2 band target to 0, 1 and 2)."""
        return self.level <= level <= self.completes

    @property
    def order(self) -> tuple[object, ...]:
        """Continuum order: lowest level first, then the competency's and its own place."""
        return (self.completes, self.competency_order, self.position, self.code)


@dataclass(frozen=True, slots=True)
class Position:
    """A student's latest placement in a domain in words; the pace is the summary read
    model's (None when the summaries have no row for the student yet)."""

    placement: float
    words: PlacementWords
    pace: PaceWords | None


@dataclass(frozen=True)
class StudentStanding:
    """A student in one of the section's domains: the placement in words (None: not placed
    yet) and whether growth slowed (None: not enough placements to tell)."""

    domain: Domain
    position: Position | None
    change: GrowthChange | None
    level: int  # the level the student works at; the grade when not placed yet

    @property
    def slowed(self) -> bool:
        return self.change is not None and self.change.slowed


@dataclass(frozen=True)
class StudentRow:
    student: Student
    standings: list[StudentStanding]
    last_evidence_on: date | None


@dataclass(frozen=True)
class LevelBlock:
    """The students of the section working at one level of one domain, and that level's
    targets: the heatmap opens on each student's own level."""

    domain: Domain
    level: int
    students: list[Student]
    targets: list[TargetRow]

    @property
    def is_grade_level_for_all(self) -> bool:
        return all(s.grade_level == self.level for s in self.students)


@dataclass(frozen=True)
class TargetDistribution:
    """How many of the section's students are at each band of one target."""

    target: TargetRow
    counts: dict[int, int]  # band (0: not enough evidence) -> students

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class GroupSuggestion:
    """Students who share a next target (`target`) or a gap to grade level (`gap`)."""

    domain: Domain
    reason: GroupReason
    target: TargetRow | None
    gap: int | None
    students: list[Student]


@dataclass
class SectionDashboard:
    section: Section
    as_of: date
    quiet_since: date
    domains: list[Domain]
    rows: list[StudentRow]
    blocks: list[LevelBlock]
    cells: dict[tuple[int, int], MasteryCell]
    distribution_level: int
    distribution: list[TargetDistribution] = field(default_factory=list)
    next_target: dict[tuple[int, int], TargetRow] = field(default_factory=dict)
    suggestions: list[GroupSuggestion] = field(default_factory=list)
    leftovers: dict[int, list[Student]] = field(default_factory=dict)  # per domain

    @property
    def quiet(self) -> list[StudentRow]:
        """Students with no evidence since `quiet_since` (or none at all), oldest first."""
        rows = [
            r
            for r in self.rows
            if r.last_evidence_on is None or r.last_evidence_on < self.quiet_since
        ]
        return sorted(rows, key=lambda r: (r.last_evidence_on or date.min, r.student.family_name))

    @property
    def slowed(self) -> list[tuple[StudentRow, StudentStanding]]:
        return [(row, s) for row in self.rows for s in row.standings if s.slowed]


def section_domains(*, section: Section) -> list[Domain]:
    """The domains of the section's course frameworks, academic first, in continuum order."""
    return list(
        Domain.objects.filter(framework__courses=section.course_id)
        .select_related("framework")
        .order_by("kind", "framework__title", "position", "code")
    )


def _window(domain_ids: Iterable[int], low: int, high: int) -> list[TargetRow]:
    """Top-level, current targets of the domains belonging to any level from `low` to `high`
    (one query), in continuum order."""
    rows = (
        LearningTarget.objects.filter(
            Q(level__lte=high) & (Q(level__gte=low) | Q(level_high__gte=low)),
            competency__domain_id__in=list(domain_ids),
            parent__isnull=True,
            is_retired=False,
        )
        .values_list(
            "id",
            "code",
            "statement",
            "level",
            "level_high",
            "position",
            "competency__position",
            "competency__code",
            "competency__domain_id",
            "competency__domain__framework__scale_id",
        )
        .order_by()
    )
    targets = [
        TargetRow(pk, code, statement, level, high, position, (c_pos, c_code), domain, scale)
        for pk, code, statement, level, high, position, c_pos, c_code, domain, scale in rows
    ]
    targets.sort(key=lambda t: t.order)
    return targets


def _predecessors(target_ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
    """Target id -> the ids of the targets that precede it on the continuum (one query)."""
    found: dict[int, list[int]] = defaultdict(list)
    links = TargetLink.objects.filter(
        kind=TargetLink.Kind.PRECEDES, destination_id__in=list(target_ids)
    ).values_list("destination_id", "source_id")
    for destination_id, source_id in links:
        found[destination_id].append(source_id)
    return {key: tuple(sorted(ids)) for key, ids in found.items()}


def _cells(
    student_ids: Sequence[int], targets: Sequence[TargetRow]
) -> dict[tuple[int, int], MasteryCell]:
    """Every current estimate of the students on the targets as a cell (number, label, band,
    proficiency by the one level rule of the target's scale), in two queries: estimates and
    scale levels. The tooltip names the method; the evidence page behind each cell shows how
    the value was computed (the gradebook's explanation reads every score, too slow here)."""
    scale_of = {t.pk: t.scale_id for t in targets}
    scales = scales_by_id(set(scale_of.values()))
    rows = MasteryEstimate.objects.filter(
        student_id__in=list(student_ids), target_id__in=list(scale_of)
    ).values_list("student_id", "target_id", "value", "method", "evidence_count")
    cells = {}
    for student_id, target_id, value, method, count in rows:
        scale = scales[scale_of[target_id]]
        level = scale.level(value, method) if value is not None else None
        cells[(student_id, target_id)] = MasteryCell(
            student_id=student_id,
            target_id=target_id,
            value=value,
            level_label=level.label if level else "",
            is_proficient=bool(level and level.is_proficient),
            evidence_count=count,
            method=method,
            explanation=METHOD_LABELS.get(method, method),
            band=level.band if level else 0,
            display_value=scale.display(value, method, decimals=1),
        )
    return cells


def _next_target(
    student: Student,
    standing: StudentStanding,
    domain_targets: Sequence[TargetRow],
    ends: Sequence[int],
    predecessors: dict[int, tuple[int, ...]],
    proficient: set[tuple[int, int]],
) -> int | None:
    """The first target the student learns next in the standing's domain (engine.pathway);
    `ends` holds the level each of `domain_targets` completes (ascending: they are in order)."""
    low, high = standing.level, standing.level + LOOKAHEAD_LEVELS
    window = domain_targets[bisect_left(ends, low) : bisect_right(ends, high)]
    path = [
        PathTarget(
            id=t.pk,
            level=float(t.completes),
            order=t.position,
            is_proficient=(student.pk, t.pk) in proficient,
            predecessors=predecessors.get(t.pk, ()),
        )
        for t in window
    ]
    chosen = next_targets(path, working_level=standing.level, limit=1)
    return chosen[0] if chosen else None


def _suggest(
    domain: Domain,
    rows: Sequence[StudentRow],
    next_of: dict[tuple[int, int], TargetRow],
    order: Sequence[int],
    by_id: dict[int, TargetRow],
) -> tuple[list[GroupSuggestion], list[Student]]:
    students = {row.student.pk: row.student for row in rows}
    candidates = []
    for row in rows:
        standing = next(s for s in row.standings if s.domain.pk == domain.pk)
        target = next_of.get((row.student.pk, domain.pk))
        gap = standing.position.words.gap if standing.position is not None else None
        candidates.append(GroupCandidate(row.student.pk, target.pk if target else None, gap))
    grouping = flexible_groups(candidates, target_order=order)
    suggestions = [
        GroupSuggestion(
            domain=domain,
            reason=group.reason,
            target=by_id[group.key] if group.reason == GroupReason.TARGET else None,
            gap=group.key if group.reason == GroupReason.GAP else None,
            students=[students[i] for i in group.student_ids],
        )
        for group in grouping.groups
    ]
    return suggestions, [students[i] for i in grouping.leftovers]


def _last_evidence(student_ids: Sequence[int]) -> dict[int, date]:
    rows = (
        Evidence.objects.filter(student_id__in=list(student_ids), is_voided=False)
        .values("student_id")
        .annotate(last=Max("observed_at"))
        .values_list("student_id", "last")
    )
    return {student_id: last.date() for student_id, last in rows if last is not None}


def _standings(
    student: Student,
    domains: list[Domain],
    history: dict[int, list[tuple[date, float]]],
    paces: dict[tuple[int, int], float | None],
    as_of: date,
) -> list[StudentStanding]:
    standings = []
    for domain in domains:
        points = history.get(domain.pk, [])
        position = None
        if points:
            placement = points[-1][1]
            words = placement_words_for(
                placement, grade_level=student.grade_level, domain=data_name(domain.title)
            )
            key = (student.pk, domain.pk)
            pace = pace_words_for(paces[key]) if key in paces else None
            position = Position(placement, words, pace)
        level = working_level(position.placement) if position else max(student.grade_level, 0)
        change = growth_change(points, as_of=as_of)
        standings.append(StudentStanding(domain, position, change, level))
    return standings


def _paces(
    student_ids: Sequence[int], domains: Sequence[Domain]
) -> dict[tuple[int, int], float | None]:
    """(student, domain) -> the pace of the summary read model (one query)."""
    rows = StandingSummary.objects.filter(
        student_id__in=list(student_ids), domain_id__in=[d.pk for d in domains]
    ).values_list("student_id", "domain_id", "pace")
    return {(student_id, domain_id): pace for student_id, domain_id, pace in rows}


@dataclass(frozen=True)
class SectionStandings:
    domains: list[Domain]
    rows: list[StudentRow]


def section_standings(*, section: Section, as_of: date) -> SectionStandings:
    """Each student of the section with where they work in each of the course's domains and
    their latest evidence (a fixed number of queries)."""
    students = student_list_for_scoring(section=section)
    domains = section_domains(section=section)
    ids = [s.pk for s in students]
    history, _ = placement_history(student_ids=ids, until=as_of)
    last = _last_evidence(ids)
    paces = _paces(ids, domains)
    rows = [
        StudentRow(s, _standings(s, domains, history.get(s.pk, {}), paces, as_of), last.get(s.pk))
        for s in students
    ]
    return SectionStandings(domains=domains, rows=rows)


def section_dashboard(
    *,
    section: Section,
    as_of: date,
    quiet_weeks: int = QUIET_WEEKS,
    distribution_level: int | None = None,
) -> SectionDashboard:
    """Everything the section dashboard shows, as of a day (see the module doc)."""
    standings = section_standings(section=section, as_of=as_of)
    domains, rows = standings.domains, standings.rows
    students = [row.student for row in rows]
    if distribution_level is None:
        distribution_level = default_level_for_section(section=section)
    members: dict[tuple[int, int], list[Student]] = defaultdict(list)
    for row in rows:
        for standing in row.standings:
            members[(standing.domain.pk, standing.level)].append(row.student)
    levels = {level for _, level in members} | {distribution_level}
    targets = _window([d.pk for d in domains], min(levels), max(levels) + LOOKAHEAD_LEVELS)
    by_id = {t.pk: t for t in targets}
    by_domain: dict[int, list[TargetRow]] = defaultdict(list)
    for target in targets:
        by_domain[target.domain_id].append(target)
    blocks = []
    for domain in domains:
        for level in sorted(lv for d, lv in members if d == domain.pk):
            shown = [t for t in by_domain[domain.pk] if t.covers(level)]
            blocks.append(LevelBlock(domain, level, members[(domain.pk, level)], shown))
    distributed = [t for t in targets if t.covers(distribution_level)]
    cells = _cells([s.pk for s in students], targets)
    predecessors = _predecessors([t.pk for t in targets])
    proficient = {key for key, cell in cells.items() if cell.is_proficient}
    next_of: dict[tuple[int, int], TargetRow] = {}
    # once per domain, not per student: a section's window holds thousands of targets
    ends_of = {pk: [t.completes for t in listed] for pk, listed in by_domain.items()}
    for row in rows:
        for standing in row.standings:
            domain_id = standing.domain.pk
            found = _next_target(
                row.student,
                standing,
                by_domain[domain_id],
                ends_of.get(domain_id, []),
                predecessors,
                proficient,
            )
            if found is not None:
                next_of[(row.student.pk, standing.domain.pk)] = by_id[found]
    order = [t.pk for t in targets]
    suggestions: list[GroupSuggestion] = []
    leftovers: dict[int, list[Student]] = {}
    for domain in domains:
        found_groups, left = _suggest(domain, rows, next_of, order, by_id)
        suggestions += found_groups
        leftovers[domain.pk] = left
    distribution = []
    for target in distributed:
        counts = dict.fromkeys((NO_EVIDENCE_BAND, *BANDS), 0)
        for student in students:
            cell = cells.get((student.pk, target.pk))
            band = cell.band if cell is not None and cell.value is not None else 0
            counts[band if band in counts else NO_EVIDENCE_BAND] += 1
        distribution.append(TargetDistribution(target, counts))
    return SectionDashboard(
        section=section,
        as_of=as_of,
        quiet_since=as_of - timedelta(weeks=quiet_weeks),
        domains=domains,
        rows=rows,
        blocks=blocks,
        cells=cells,
        distribution_level=distribution_level,
        distribution=distribution,
        next_target=next_of,
        suggestions=suggestions,
        leftovers=leftovers,
    )
