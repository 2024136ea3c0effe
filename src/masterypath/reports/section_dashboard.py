"""A teacher's section dashboard: where each student works, mastery at each student's own
level, how the section spreads over the levels of each target, and who needs a look (no
recent evidence, growth slowed).

A fixed number of queries whatever the number of students, targets or evidence: students,
the course's domains, placements (and their domains), targets at the levels shown, the mastery
selector's own set, and each student's latest evidence.
"""

from __future__ import annotations

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
from masterypath.engine.wording import working_level
from masterypath.evidence.models import Evidence
from masterypath.evidence.selectors import default_level_for_section, student_list_for_scoring
from masterypath.mastery.selectors import MasteryCell, mastery_cells_for_section
from masterypath.reports.student_words import DomainPosition, domain_positions, placement_history
from masterypath.roster.models import Section, Student

QUIET_WEEKS = 3  # default window of "no recent evidence"
# How far above a student's working level the pathway looks for the next target.
LOOKAHEAD_LEVELS = 4
# Colour bands of the level rule (`engine.levels`): 0 stands for "not enough evidence".
BANDS = (1, 2, 3, 4)
NO_EVIDENCE_BAND = 0


@dataclass(frozen=True)
class StudentStanding:
    """A student in one of the section's domains: the placement in words (None: not placed
    yet) and whether growth slowed (None: not enough placements to tell)."""

    domain: Domain
    position: DomainPosition | None
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
    targets: list[LearningTarget]

    @property
    def is_grade_level_for_all(self) -> bool:
        return all(s.grade_level == self.level for s in self.students)


@dataclass(frozen=True)
class TargetDistribution:
    """How many of the section's students are at each band of one target."""

    target: LearningTarget
    counts: dict[int, int]  # band (0: not enough evidence) -> students

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class GroupSuggestion:
    """Students who share a next target (`target`) or a gap to grade level (`gap`)."""

    domain: Domain
    reason: GroupReason
    target: LearningTarget | None
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
    next_target: dict[tuple[int, int], LearningTarget] = field(default_factory=dict)
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


def covers(target: LearningTarget, level: int) -> bool:
    """Whether a target belongs to a level (a K-2 band target belongs to 0, 1 and 2)."""
    high = target.level_high if target.level_high is not None else target.level
    return target.level <= level <= high


def completes(target: LearningTarget) -> int:
    """The level a target completes: the end of its band."""
    return target.level_high if target.level_high is not None else target.level


def _targets_between(domain_ids: Iterable[int], low: int, high: int) -> list[LearningTarget]:
    """Top-level, current targets of the domains belonging to any level from `low` to `high`
    (one query), in competency then level order."""
    window = Q(level__lte=high) & (Q(level__gte=low) | Q(level_high__gte=low))
    return list(
        LearningTarget.objects.filter(
            window,
            competency__domain_id__in=list(domain_ids),
            parent__isnull=True,
            is_retired=False,
        )
        .select_related("competency__domain")
        .order_by("competency__position", "competency__code", "level", "position", "code")
    )


def _predecessors(targets: Sequence[LearningTarget]) -> dict[int, tuple[int, ...]]:
    """Target id -> the ids of the targets that precede it on the continuum (one query)."""
    found: dict[int, list[int]] = defaultdict(list)
    links = TargetLink.objects.filter(
        kind=TargetLink.Kind.PRECEDES, destination_id__in=[t.pk for t in targets]
    ).values_list("destination_id", "source_id")
    for destination_id, source_id in links:
        found[destination_id].append(source_id)
    return {key: tuple(sorted(ids)) for key, ids in found.items()}


def _next_target(
    student: Student,
    standing: StudentStanding,
    targets: Sequence[LearningTarget],
    predecessors: dict[int, tuple[int, ...]],
    cells: dict[tuple[int, int], MasteryCell],
) -> int | None:
    """The first target the student learns next in the standing's domain (engine.pathway)."""

    def proficient(target_id: int) -> bool:
        cell = cells.get((student.pk, target_id))
        return cell is not None and cell.is_proficient

    path = [
        PathTarget(
            id=t.pk,
            level=float(completes(t)),
            order=t.position,
            is_proficient=proficient(t.pk),
            predecessors=predecessors.get(t.pk, ()),
        )
        for t in targets
        if t.competency.domain_id == standing.domain.pk
        and standing.level <= completes(t) <= standing.level + LOOKAHEAD_LEVELS
    ]
    chosen = next_targets(path, working_level=standing.level, limit=1)
    return chosen[0] if chosen else None


def _suggest(
    domain: Domain,
    rows: Sequence[StudentRow],
    next_of: dict[tuple[int, int], LearningTarget],
    order: Sequence[int],
    by_id: dict[int, LearningTarget],
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
    known: dict[int, Domain],
    as_of: date,
) -> list[StudentStanding]:
    positions = {
        p.domain.pk: p
        for p in domain_positions(student=student, history=history, domains=known, as_of=as_of)
    }
    standings = []
    for domain in domains:
        position = positions.get(domain.pk)
        level = working_level(position.placement) if position else max(student.grade_level, 0)
        change = growth_change(history.get(domain.pk, []), as_of=as_of)
        standings.append(StudentStanding(domain, position, change, level))
    return standings


@dataclass(frozen=True)
class SectionStandings:
    domains: list[Domain]
    rows: list[StudentRow]


def section_standings(*, section: Section, as_of: date) -> SectionStandings:
    """Each student of the section with where they work in each of the course's domains and
    their latest evidence (a fixed number of queries)."""
    students = student_list_for_scoring(section=section)
    domains = section_domains(section=section)
    history, known = placement_history(student_ids=[s.pk for s in students], until=as_of)
    last = _last_evidence([s.pk for s in students])
    rows = [
        StudentRow(s, _standings(s, domains, history.get(s.pk, {}), known, as_of), last.get(s.pk))
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
    targets = _targets_between([d.pk for d in domains], min(levels), max(levels) + LOOKAHEAD_LEVELS)
    cells = mastery_cells_for_section(section=section, target_ids=[t.pk for t in targets])
    predecessors = _predecessors(targets)
    by_id = {t.pk: t for t in targets}
    next_of: dict[tuple[int, int], LearningTarget] = {}
    for row in rows:
        for standing in row.standings:
            found = _next_target(row.student, standing, targets, predecessors, cells)
            if found is not None:
                next_of[(row.student.pk, standing.domain.pk)] = by_id[found]
    order = [
        t.pk
        for t in sorted(
            targets, key=lambda t: (completes(t), t.competency.position, t.position, t.code)
        )
    ]
    suggestions: list[GroupSuggestion] = []
    leftovers: dict[int, list[Student]] = {}
    for domain in domains:
        found_groups, left = _suggest(domain, rows, next_of, order, by_id)
        suggestions += found_groups
        leftovers[domain.pk] = left
    blocks = []
    for domain in domains:
        for level in sorted(lv for d, lv in members if d == domain.pk):
            shown = [t for t in targets if t.competency.domain_id == domain.pk and covers(t, level)]
            blocks.append(LevelBlock(domain, level, members[(domain.pk, level)], shown))
    distribution = []
    for target in targets:
        if not covers(target, distribution_level):
            continue
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
