"""The student's "my continuum": where I am per domain, my growth, my next targets, my
targets by domain and competency (this school year first) and my recent evidence with the
teacher's feedback. A fixed number of queries whatever the number of targets or evidence;
rows are read as plain values (no model instances) so the page stays fast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, IntegerField, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from masterypath.continuum.models import LearningTarget, PerformanceLevel, TargetLink
from masterypath.engine.pathway import PathTarget, next_targets
from masterypath.engine.wording import working_level
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.mastery.config import TargetScale
from masterypath.mastery.models import MasteryEstimate
from masterypath.reports.student_words import (
    DomainPosition,
    SchoolYear,
    data_name,
    domain_positions,
    placement_history,
    school_year_of,
)
from masterypath.roster.models import Student
from masterypath.schools.models import grade_label

NEXT_TARGETS_PER_DOMAIN = 3
RECENT_EVIDENCE = 8
# How far above the working level the pathway looks for next targets (a band spans up to 4).
LOOKAHEAD_LEVELS = 4


@dataclass(frozen=True)
class TargetInfo:
    """A learning target with the names of its competency and domain, read as values."""

    id: int
    code: str
    statement: str
    level: int
    level_high: int | None
    position: int
    competency_id: int
    competency_title: str
    competency_order: tuple[int, str]
    domain_id: int
    domain_title: str  # in the reader's language
    domain_order: tuple[str, int]
    scale_id: int

    @property
    def level_label(self) -> str:
        if self.level_high is not None and self.level_high != self.level:
            return f"{grade_label(self.level)}-{grade_label(self.level_high)}"
        return grade_label(self.level)

    @property
    def completes(self) -> float:
        """The level the target completes: the end of its band."""
        return float(self.level_high if self.level_high is not None else self.level)

    @property
    def sort_key(self) -> tuple[object, ...]:
        return (self.domain_order, self.competency_order, self.level, self.position, self.code)


TARGET_FIELDS = (
    "code",
    "statement",
    "level",
    "level_high",
    "position",
    "competency_id",
    "competency__title",
    "competency__position",
    "competency__code",
    "competency__domain_id",
    "competency__domain__title",
    "competency__domain__framework__title",
    "competency__domain__position",
    "competency__domain__framework__scale_id",
)


def _target_info(target_id: int, values: Sequence[Any]) -> TargetInfo:
    """A `TARGET_FIELDS` value row (database values) as a `TargetInfo`."""
    (code, statement, level, high, position, comp_id, comp_title, comp_pos, comp_code) = values[:9]
    domain_id, domain_title, framework_title, domain_pos, scale_id = values[9:14]
    return TargetInfo(
        id=target_id,
        code=str(code),
        statement=str(statement),
        level=int(level),
        level_high=None if high is None else int(high),
        position=int(position),
        competency_id=int(comp_id),
        competency_title=str(comp_title),
        competency_order=(int(comp_pos), str(comp_code)),
        domain_id=int(domain_id),
        domain_title=data_name(str(domain_title)),
        domain_order=(str(framework_title), int(domain_pos)),
        scale_id=int(scale_id),
    )


def scales_by_id(scale_ids: Iterable[int]) -> dict[int, TargetScale]:
    """Each scale's levels as plain numbers (one query)."""
    levels: dict[int, list[tuple[float, str, bool]]] = defaultdict(list)
    for scale_id, value, label, is_proficient in PerformanceLevel.objects.filter(
        scale_id__in=set(scale_ids)
    ).values_list("scale_id", "value", "label", "is_proficient"):
        levels[scale_id].append((float(value), label, is_proficient))
    scales = {}
    for scale_id, rows in levels.items():
        rows.sort()
        proficient = min((v for v, _, p in rows if p), default=rows[-1][0])
        scales[scale_id] = TargetScale(tuple((v, label) for v, label, _ in rows), proficient)
    return scales


@dataclass(frozen=True)
class TargetStatus:
    """A student's current mastery of one target, in the scale's words."""

    target: TargetInfo
    value: float | None
    method: str
    level_label: str  # in the reader's language
    is_proficient: bool
    evidence_count: int
    last_observed_at: datetime | None
    display_value: str  # one decimal (a percentage for BKT), never rounded into another level


def target_statuses_for_student(*, student: Student) -> list[TargetStatus]:
    """Every estimate of the student with its target's names and level (two queries)."""
    rows = list(
        MasteryEstimate.objects.filter(student=student).values_list(
            "target_id",
            "value",
            "method",
            "evidence_count",
            "last_observed_at",
            *(f"target__{name}" for name in TARGET_FIELDS),
        )
    )
    infos = [_target_info(row[0], row[5:]) for row in rows]
    scales = scales_by_id(info.scale_id for info in infos)
    statuses = []
    for row, info in zip(rows, infos, strict=True):
        value, method = row[1], row[2]
        scale = scales[info.scale_id]
        statuses.append(
            TargetStatus(
                target=info,
                value=value,
                method=method,
                level_label=data_name(scale.label_for(value, method)),
                is_proficient=scale.is_proficient(value, method),
                evidence_count=row[3],
                last_observed_at=row[4],
                display_value=scale.display(value, method, decimals=1),
            )
        )
    statuses.sort(key=lambda status: status.target.sort_key)
    return statuses


@dataclass(frozen=True)
class NextTarget:
    target: TargetInfo
    status: TargetStatus | None  # None: no evidence yet


@dataclass(frozen=True)
class DomainCard:
    position: DomainPosition
    next_targets: list[NextTarget]


@dataclass
class CompetencyGroup:
    title: str
    rows: list[TargetStatus] = field(default_factory=list)

    @property
    def proficient_count(self) -> int:
        return sum(1 for row in self.rows if row.is_proficient)


@dataclass
class DomainGroup:
    title: str
    competencies: list[CompetencyGroup] = field(default_factory=list)

    @property
    def target_count(self) -> int:
        return sum(len(c.rows) for c in self.competencies)

    @property
    def proficient_count(self) -> int:
        return sum(c.proficient_count for c in self.competencies)


def group_targets(rows: Iterable[TargetStatus]) -> list[DomainGroup]:
    """Targets by domain, then competency, in continuum order (level, then position)."""
    domains: dict[int, DomainGroup] = {}
    competencies: dict[int, CompetencyGroup] = {}
    for row in sorted(rows, key=lambda r: r.target.sort_key):
        info = row.target
        if info.domain_id not in domains:
            domains[info.domain_id] = DomainGroup(title=info.domain_title)
        if info.competency_id not in competencies:
            competencies[info.competency_id] = CompetencyGroup(title=info.competency_title)
            domains[info.domain_id].competencies.append(competencies[info.competency_id])
        competencies[info.competency_id].rows.append(row)
    return list(domains.values())


@dataclass(frozen=True)
class _Pathway:
    targets: dict[int, list[TargetInfo]]  # per domain, from the working level up
    predecessors: dict[int, list[int]]  # target id -> ids of the targets preceding it
    source_levels: dict[int, float]  # preceding target id -> the level it completes


def _pathway(positions: Sequence[DomainPosition]) -> _Pathway:
    """Top-level targets of each domain from its working level up (one query), and the
    targets preceding them (one query)."""
    if not positions:
        return _Pathway({}, {}, {})
    window = Q()
    for position in positions:
        level = working_level(position.placement)
        window |= Q(
            competency__domain_id=position.domain.pk,
            completes__gte=level,
            completes__lte=level + LOOKAHEAD_LEVELS,
        )
    rows = (
        LearningTarget.objects.filter(parent__isnull=True, is_retired=False)
        .annotate(completes=Coalesce(F("level_high"), F("level"), output_field=IntegerField()))
        .filter(window)
        .values_list("id", *TARGET_FIELDS)
    )
    by_domain: dict[int, list[TargetInfo]] = defaultdict(list)
    for row in rows:
        info = _target_info(row[0], row[1:])
        by_domain[info.domain_id].append(info)
    predecessors: dict[int, list[int]] = defaultdict(list)
    source_levels: dict[int, float] = {}
    links = TargetLink.objects.filter(
        kind=TargetLink.Kind.PRECEDES,
        destination_id__in=[t.id for targets in by_domain.values() for t in targets],
    ).values_list("destination_id", "source_id", "source__level", "source__level_high")
    for destination_id, source_id, low, high in links:
        predecessors[destination_id].append(source_id)
        source_levels[source_id] = float(high if high is not None else low)
    return _Pathway(by_domain, predecessors, source_levels)


def _next_targets(
    position: DomainPosition, pathway: _Pathway, mastery: dict[int, TargetStatus]
) -> list[NextTarget]:
    def proficient(target_id: int) -> bool:
        return target_id in mastery and mastery[target_id].is_proficient

    targets = pathway.targets.get(position.domain.pk, [])
    path = [
        PathTarget(
            id=t.id,
            level=t.completes,
            order=t.position,
            is_proficient=proficient(t.id),
            predecessors=tuple(pathway.predecessors.get(t.id, ())),
        )
        for t in targets
    ]
    listed = {t.id for t in targets}
    # Preceding targets below the window: known by their level and the student's mastery.
    sources = {s for p in path for s in p.predecessors if s not in listed}
    path += [
        PathTarget(id=s, level=pathway.source_levels[s], order=0, is_proficient=proficient(s))
        for s in sorted(sources)
    ]
    by_id = {t.id: t for t in targets}
    chosen = next_targets(
        path, working_level=working_level(position.placement), limit=NEXT_TARGETS_PER_DOMAIN
    )
    return [NextTarget(by_id[i], mastery.get(i)) for i in chosen if i in by_id]


@dataclass(frozen=True)
class EvidenceRow:
    """One piece of evidence as a student or a family reads it."""

    id: int
    observed_at: datetime
    recorded_at: datetime
    kind: str
    kind_label: str
    score: Decimal
    target: TargetInfo
    assessment_title: str
    comment: str
    teacher: str
    level_label: str  # the scale's label of the score, in the reader's language
    is_proficient: bool
    is_voided: bool = False
    voided_reason: str = ""


EVIDENCE_FIELDS = (
    "id",
    "observed_at",
    "recorded_at",
    "kind",
    "score",
    "comment",
    "is_voided",
    "voided_reason",
    "assessment__title",
    "recorded_by__first_name",
    "recorded_by__last_name",
    "recorded_by__username",
    "target_id",
    *(f"target__{name}" for name in TARGET_FIELDS),
)


def evidence_rows(queryset: Iterable[tuple[Any, ...]]) -> list[EvidenceRow]:
    """`EVIDENCE_FIELDS` value rows as `EvidenceRow`s (one more query, for the scales)."""
    raw = list(queryset)
    infos = [_target_info(int(row[12]), row[13:]) for row in raw]
    scales = scales_by_id(info.scale_id for info in infos)
    kinds = dict(EvidenceKind.choices)
    rows = []
    for row, info in zip(raw, infos, strict=True):
        pk, observed_at, recorded_at, kind, score, comment, voided, reason = row[:8]
        title, first, last, username = row[8:12]
        scale = scales[info.scale_id]
        value = float(score)
        teacher = " ".join(str(name) for name in (first, last) if name) or str(username or "")
        rows.append(
            EvidenceRow(
                id=int(pk),
                observed_at=observed_at,
                recorded_at=recorded_at,
                kind=str(kind),
                kind_label=data_name(str(kinds.get(str(kind), kind))),
                score=score,
                target=info,
                assessment_title=str(title or ""),
                comment=str(comment or ""),
                teacher=teacher,
                level_label=data_name(scale.label_for(value)),
                is_proficient=scale.is_proficient(value),
                is_voided=bool(voided),
                voided_reason=str(reason or ""),
            )
        )
    return rows


def readable_evidence() -> Q:
    """What a student or family reads: live evidence, not the student's own ratings."""
    return Q(is_voided=False) & ~Q(kind=EvidenceKind.SELF_ASSESSMENT)


def recent_evidence_for_student(
    *, student: Student, limit: int = RECENT_EVIDENCE
) -> list[EvidenceRow]:
    """The latest live evidence a student or family reads, newest first (two queries)."""
    return evidence_rows(
        Evidence.objects.filter(readable_evidence(), student=student)
        .order_by("-observed_at", "-id")
        .values_list(*EVIDENCE_FIELDS)[:limit]
    )


@dataclass(frozen=True)
class StudentContinuum:
    student: Student
    as_of: date
    school_year: SchoolYear
    cards: list[DomainCard]
    this_year: list[DomainGroup]
    earlier: list[DomainGroup]
    recent_evidence: list[EvidenceRow]

    @property
    def positions(self) -> list[DomainPosition]:
        return [card.position for card in self.cards]


def student_continuum(*, student: Student, as_of: date) -> StudentContinuum:
    """Everything the student's home shows, in a fixed number of queries."""
    year = school_year_of(district_id=student.district_id, on=as_of)
    history, domains = placement_history(student_ids=[student.pk], until=as_of)
    positions = domain_positions(
        student=student, history=history.get(student.pk, {}), domains=domains, as_of=as_of
    )
    statuses = target_statuses_for_student(student=student)
    mastery = {status.target.id: status for status in statuses}
    pathway = _pathway(positions)
    cards = [
        DomainCard(position=position, next_targets=_next_targets(position, pathway, mastery))
        for position in positions
    ]
    this_year, earlier = [], []
    for status in statuses:
        seen = status.last_observed_at
        if seen is not None and timezone.localdate(seen) >= year.starts_on:
            this_year.append(status)
        else:
            earlier.append(status)
    return StudentContinuum(
        student=student,
        as_of=as_of,
        school_year=year,
        cards=cards,
        this_year=group_targets(this_year),
        earlier=group_targets(earlier),
        recent_evidence=recent_evidence_for_student(student=student),
    )
