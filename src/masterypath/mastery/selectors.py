"""Reads of mastery for pages, the API and the recompute job."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import polars as pl
from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.functions import Cast

from masterypath.continuum.models import Domain, LearningTarget
from masterypath.engine.continuum import Growth, growth
from masterypath.engine.evaluation import MethodScore, compare_methods
from masterypath.engine.mastery import Method, method_of
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.mastery.config import PolicyBook, TargetScale, targets_with_scales
from masterypath.mastery.models import (
    DEFAULT_METHOD,
    METHOD_LABELS,
    MasteryEstimate,
    MasteryPolicy,
    Placement,
)
from masterypath.roster.access import enrolled_in_section_q
from masterypath.roster.models import Section, Student
from masterypath.schools.models import District

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

# Months without school do not count as time for growth (US summer); see engine.growth.
SUMMER_BREAK = frozenset({7, 8})
# Slowing down compares the last 3 school months with the 6 before them.
EARLIER_MONTHS = 6.0
EVIDENCE_SCHEMA: dict[str, PolarsDataType] = {
    "student_id": pl.Int64,
    "target_id": pl.Int64,
    "observed_at": pl.Datetime("us", "UTC"),
    "score": pl.Float64,
    "kind": pl.Utf8,
    "dok": pl.Int64,
}


def counted_evidence() -> QuerySet[Evidence]:
    """Evidence that counts toward mastery: not voided, and not a student's self-assessment
    (kept apart from teacher evidence)."""
    return Evidence.objects.filter(is_voided=False).exclude(kind=EvidenceKind.SELF_ASSESSMENT)


def evidence_frame(evidence: QuerySet[Evidence]) -> pl.DataFrame:
    """Counted (not voided) evidence as a frame for the engine, in one query.

    The rows go straight from the cursor into polars (no per-value ORM converters): the score
    is cast to a float in SQL, and SQLite's text timestamps (stored in UTC) are parsed by polars.
    """
    query = (
        evidence.filter(is_voided=False)
        .annotate(score_value=Cast("score", FloatField()))
        .values_list("student_id", "target_id", "observed_at", "score_value", "kind", "dok")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    text_times = bool(rows) and isinstance(rows[0][2], str)
    schema: dict[str, PolarsDataType] = (
        {**EVIDENCE_SCHEMA, "observed_at": pl.Utf8} if text_times else EVIDENCE_SCHEMA
    )
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    if text_times:
        frame = frame.with_columns(
            pl.col("observed_at").str.to_datetime(time_unit="us").dt.replace_time_zone("UTC")
        )
    return frame


@dataclass(frozen=True)
class MasteryCell:
    """One gradebook cell. Its number (one decimal: what fits a cell), label, colour band and
    proficiency come from the one level rule (`TargetScale.level`)."""

    student_id: int
    target_id: int
    value: float | None
    level_label: str
    is_proficient: bool
    evidence_count: int
    method: str
    explanation: str
    band: int = 0
    display_value: str = ""


def _explanation(
    method: str,
    config_weight: float,
    scores: list[float],
    value: float | None,
    status: str,
    scale: TargetScale,
) -> str:
    label = METHOD_LABELS.get(method, method)
    if status == "override":
        return f"Teacher judgement: {value:g}" if value is not None else "Teacher judgement"
    if value is None:
        return f"{label}: not enough evidence yet ({len(scores)} score(s))"
    if method in {Method.DECAYING_AVERAGE, Method.WEIGHTED_AVERAGE}:
        label = f"{label} (w = {config_weight:g})"
    shown = ", ".join(f"{score:g}" for score in scores[-8:])
    more = f"{len(scores) - 8} earlier and " if len(scores) > 8 else ""
    number = scale.display(value, method)
    result = f"P(mastered) {number}" if method == Method.BKT else number
    return f"{label} of {more}{shown} \u2192 {result}"


def mastery_cells_for_section(
    *, section: Section, target_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], MasteryCell]:
    """Current mastery of every student of the section on every target with an estimate.

    A fixed number of queries whatever the size: students, estimates, evidence scores, targets
    with scales, policies.
    """
    student_ids = list(
        Student.objects.filter(enrolled_in_section_q(section)).values_list("pk", flat=True)
    )
    estimates = MasteryEstimate.objects.filter(student_id__in=student_ids)
    evidence = counted_evidence().filter(student_id__in=student_ids)
    if target_ids is not None:
        wanted = list(target_ids)
        estimates = estimates.filter(target_id__in=wanted)
        evidence = evidence.filter(target_id__in=wanted)
    else:
        frameworks = section.course.frameworks.all()
        estimates = estimates.filter(target__competency__domain__framework__in=frameworks)
        evidence = evidence.filter(target__competency__domain__framework__in=frameworks)
    scores: dict[tuple[int, int], list[float]] = defaultdict(list)
    for student_id, target_id, score in evidence.order_by("observed_at", "id").values_list(
        "student_id", "target_id", "score"
    ):
        scores[(student_id, target_id)].append(float(score))
    rows = list(
        estimates.values_list(
            "student_id", "target_id", "value", "status", "evidence_count", "method"
        )
    )
    targets = targets_with_scales({row[1] for row in rows})
    book = PolicyBook(district_id=section.school.district_id)
    per_target = {
        target_id: (book.scale_for(target), book.config_for(target).weight)
        for target_id, target in targets.items()
    }
    cells = {}
    for student_id, target_id, value, status, count, method in rows:
        scale, weight = per_target[target_id]
        key = (student_id, target_id)
        cells[key] = MasteryCell(
            student_id=student_id,
            target_id=target_id,
            value=value,
            level_label=scale.label_for(value, method),
            is_proficient=scale.is_proficient(value, method),
            evidence_count=count,
            method=method,
            explanation=_explanation(method, weight, scores.get(key, []), value, status, scale),
            band=scale.band(value, method),
            display_value=scale.display(value, method, decimals=1),
        )
    return cells


@dataclass(frozen=True)
class TargetMastery:
    """A student's estimate on one target; number, label, band and proficiency from the one
    level rule (`TargetScale.level`)."""

    target: LearningTarget
    value: float | None
    level_label: str
    is_proficient: bool
    evidence_count: int
    status: str
    last_observed_at: datetime | None
    method: str = ""
    band: int = 0
    display_value: str = ""


def mastery_list_for_student(*, student: Student) -> list[TargetMastery]:
    """Every estimate of the student with its target, ordered by domain, level and code."""
    rows = list(MasteryEstimate.objects.filter(student=student))
    targets = targets_with_scales({row.target_id for row in rows})
    book = PolicyBook(district_id=student.district_id)
    result = []
    for row in rows:
        target = targets[row.target_id]
        scale: TargetScale = book.scale_for(target)
        result.append(
            TargetMastery(
                target=target,
                value=row.value,
                level_label=scale.label_for(row.value, row.method),
                is_proficient=scale.is_proficient(row.value, row.method),
                evidence_count=row.evidence_count,
                status=row.status,
                last_observed_at=row.last_observed_at,
                method=row.method,
                band=scale.band(row.value, row.method),
                display_value=scale.display(row.value, row.method),
            )
        )
    result.sort(
        key=lambda r: (r.target.competency.domain.framework.title, r.target.level, r.target.code)
    )
    return result


@dataclass(frozen=True)
class DomainStanding:
    domain: Domain
    level: float
    completed: float
    placed_on: date
    growth: Growth
    grade_level: int


def standings_for_student(*, student: Student, as_of: date) -> list[DomainStanding]:
    """Latest placement per domain with growth (levels per month, pace, projection, slowing)."""
    history: dict[int, list[Placement]] = defaultdict(list)
    for placement in Placement.objects.filter(student=student, placed_on__lte=as_of).order_by(
        "placed_on"
    ):
        history[placement.domain_id].append(placement)
    domains = Domain.objects.in_bulk(list(history))
    standings = []
    for domain_id, points in history.items():
        latest = points[-1]
        standings.append(
            DomainStanding(
                domain=domains[domain_id],
                level=latest.level,
                completed=latest.completed,
                placed_on=latest.placed_on,
                growth=growth(
                    [(p.placed_on, p.level) for p in points],
                    as_of=as_of,
                    break_months=SUMMER_BREAK,
                    earlier_months=EARLIER_MONTHS,
                    grade_level=float(student.grade_level),
                ),
                grade_level=student.grade_level,
            )
        )
    standings.sort(key=lambda s: (s.domain.framework_id, s.domain.position))
    return standings


@dataclass(frozen=True)
class _DistrictEvidence:
    frame: pl.DataFrame
    targets: dict[int, LearningTarget]
    book: PolicyBook

    def scores(self, target_ids: list[int]) -> list[MethodScore]:
        """Every method on the evidence of these targets (one scale: the first target's)."""
        scale = self.book.scale_for(self.targets[target_ids[0]]).engine_scale
        return compare_methods(
            self.frame.filter(pl.col("target_id").is_in(target_ids)),
            scale_proficient=scale.proficient,
            scale_minimum=scale.minimum,
            scale_maximum=scale.maximum,
        )


def _district_evidence(district: District) -> _DistrictEvidence | None:
    frame = evidence_frame(counted_evidence().filter(student__district=district))
    if frame.height == 0:
        return None
    targets = targets_with_scales(frame.get_column("target_id").unique().to_list())
    return _DistrictEvidence(frame, targets, PolicyBook(district_id=district.pk))


def method_comparison_for_district(*, district: District) -> list[MethodScore]:
    """Every method's one-step-ahead accuracy on the district's evidence (one scale assumed:
    the most common scale among the evidence's targets; other targets are left out)."""
    evidence = _district_evidence(district)
    return [] if evidence is None else _overall(evidence)


def _overall(evidence: _DistrictEvidence) -> list[MethodScore]:
    by_scale: dict[int, list[int]] = defaultdict(list)
    for target in evidence.targets.values():
        by_scale[target.competency.domain.framework.scale_id].append(target.pk)
    return evidence.scores(max(by_scale.values(), key=len))


@dataclass(frozen=True)
class FrameworkMethodScores:
    """Every method's accuracy on one framework's evidence, and the method it uses now."""

    framework_id: int
    title: str
    method_in_use: Method
    scores: list[MethodScore]


def method_report_for_district(
    *, district: District
) -> tuple[list[MethodScore], list[FrameworkMethodScores]]:
    """`method_comparison_for_district`, and the same per framework (each on its own scale) for
    a district that sets a method per framework, from one read of the evidence; frameworks
    without two scores on a target are left out."""
    evidence = _district_evidence(district)
    if evidence is None:
        return [], []
    return _overall(evidence), _by_framework(evidence, district)


def _by_framework(evidence: _DistrictEvidence, district: District) -> list[FrameworkMethodScores]:
    by_framework: dict[int, list[int]] = defaultdict(list)
    for target in evidence.targets.values():
        by_framework[target.competency.domain.framework_id].append(target.pk)
    framework_methods = framework_methods_in_use(district_id=district.pk)
    default = district_policy(district_id=district.pk).method
    results = []
    for framework_id, target_ids in by_framework.items():
        scores = evidence.scores(target_ids)
        if scores:
            framework = evidence.targets[target_ids[0]].competency.domain.framework
            results.append(
                FrameworkMethodScores(
                    framework_id,
                    framework.title,
                    framework_methods.get(framework_id, default),
                    scores,
                )
            )
    results.sort(key=lambda r: r.title)
    return results


def framework_methods_in_use(*, district_id: int) -> dict[int, Method]:
    """The method of every framework that has a policy of its own in the district."""
    rows = MasteryPolicy.objects.filter(
        district_id=district_id, framework__isnull=False, target__isnull=True
    ).values_list("framework_id", "method")
    return {framework_id: method_of(method) for framework_id, method in rows}


@dataclass(frozen=True)
class DistrictPolicy:
    """The method a district uses by default, and how many frameworks or targets differ."""

    method: Method
    label: str
    specific_policies: int


def district_policy(*, district_id: int) -> DistrictPolicy:
    policies = MasteryPolicy.objects.filter(district_id=district_id)
    default = policies.filter(framework__isnull=True, target__isnull=True).first()
    method = method_of(default.method) if default is not None else DEFAULT_METHOD
    specific = policies.exclude(framework__isnull=True, target__isnull=True).count()
    return DistrictPolicy(method, METHOD_LABELS[method], specific)
