"""Reads of evidence for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeAlias

from django.db.models import Count, Max, Q, QuerySet

from masterypath.accounts.actors import Actor
from masterypath.continuum.models import LearningTarget, PerformanceLevel, Rubric, RubricCriterion
from masterypath.evidence.access import SCALE_LEVELS, SCALE_RELATED, sections_scorable_by
from masterypath.evidence.models import Artifact, Assessment, Evidence, EvidenceSource, Observation
from masterypath.roster.access import enrolled_in_section_q
from masterypath.roster.models import EnrollmentRole, Section, Student

# Every source of evidence but students' own ratings of themselves, which stay apart.
TEACHER_SIDE_SOURCES = [source for source in EvidenceSource if source != EvidenceSource.STUDENT]


@dataclass(frozen=True)
class TargetProgress:
    """The latest evidence of one student on one target, for a progress table."""

    target_id: int
    code: str
    statement: str
    level_label: str
    domain_title: str
    competency_title: str
    latest_score: Decimal
    latest_at: datetime
    evidence_count: int
    is_proficient: bool


def evidence_list_for_student(*, student: Student, limit: int = 50) -> list[Evidence]:
    """The student's most recent evidence first, voided entries included (marked)."""
    return list(
        Evidence.objects.filter(student=student)
        .select_related("target", "assessment", "recorded_by")
        .order_by("-observed_at", "-id")[:limit]
    )


def target_progress_for_student(*, student: Student) -> list[TargetProgress]:
    """One row per target the student has evidence on: the latest score and how many.

    Two queries: per-target aggregates, then the latest rows themselves.
    """
    live = Evidence.objects.filter(student=student, is_voided=False)
    aggregates = {
        row["target_id"]: row
        for row in live.values("target_id").annotate(count=Count("id"), latest=Max("observed_at"))
    }
    latest_rows: dict[int, Evidence] = {}
    candidates = (
        live.filter(observed_at__in=[row["latest"] for row in aggregates.values()])
        .select_related(
            "target__competency__domain__framework__scale",
        )
        .prefetch_related("target__competency__domain__framework__scale__levels")
        .order_by("observed_at", "id")
    )
    for evidence in candidates:
        if evidence.observed_at == aggregates[evidence.target_id]["latest"]:
            latest_rows[evidence.target_id] = evidence
    rows = []
    for target_id, evidence in latest_rows.items():
        target = evidence.target
        scale = target.competency.domain.framework.scale
        rows.append(
            TargetProgress(
                target_id=target_id,
                code=target.code,
                statement=target.statement,
                level_label=target.level_label,
                domain_title=target.competency.domain.title,
                competency_title=target.competency.title,
                latest_score=evidence.score,
                latest_at=evidence.observed_at,
                evidence_count=aggregates[target_id]["count"],
                is_proficient=evidence.score >= scale.proficient_value,
            )
        )
    rows.sort(key=lambda row: (row.domain_title, row.level_label, row.code))
    return rows


def section_target_ids(*, section: Section) -> set[int]:
    """Ids of the learning targets a section may be scored on: its course's frameworks."""
    return set(
        LearningTarget.objects.filter(
            competency__domain__framework__courses=section.course_id, is_retired=False
        ).values_list("id", flat=True)
    )


def target_list_for_section(*, section: Section, level: int | None = None) -> list[LearningTarget]:
    """Targets of the section's course frameworks (optionally at one continuum level), in
    framework, domain, competency order, with their framework and scale loaded."""
    targets = LearningTarget.objects.filter(
        competency__domain__framework__courses=section.course_id, is_retired=False
    )
    if level is not None:
        targets = targets.filter(level__lte=level).filter(Q(level=level) | Q(level_high__gte=level))
    return list(
        targets.select_related("competency__domain__framework").order_by(
            "competency__domain__framework__title",
            "competency__domain__position",
            "competency__domain__code",
            "competency__position",
            "competency__code",
            "level",
            "position",
            "code",
        )
    )


def student_list_for_scoring(*, section: Section) -> list[Student]:
    """The section's students in roster order."""
    return list(
        Student.objects.filter(enrolled_in_section_q(section)).order_by(
            "family_name", "given_name", "id"
        )
    )


def assessment_list_for_section(*, section: Section, limit: int | None = None) -> list[Assessment]:
    """The section's assessments, newest first, each with `scored`: its live scores (all
    sources, as its scoring grid shows them; students' self-assessments apart)."""
    assessments = (
        Assessment.objects.filter(section=section)
        .annotate(
            scored=Count(
                "evidence",
                filter=Q(evidence__is_voided=False, evidence__source__in=TEACHER_SIDE_SOURCES),
            )
        )
        .prefetch_related("targets")
        .order_by("-assessed_on", "-id")
    )
    return list(assessments[:limit] if limit is not None else assessments)


CellKey: TypeAlias = tuple[int, int, int | None]  # (student, target, criterion)


def assessment_live_scores(
    *, assessment: Assessment, self_assessed: bool = False
) -> dict[CellKey, Evidence]:
    """The live entry of each cell of an assessment, the latest where there are several.

    Every source counts (typed here, imported from a file or OneRoster, sent over xAPI,
    seeded, another teacher's), except students' self-assessments, which are kept apart:
    `self_assessed=True` returns only those.
    """
    rows = Evidence.objects.filter(assessment=assessment, is_voided=False)
    if self_assessed:
        rows = rows.filter(source=EvidenceSource.STUDENT)
    else:
        rows = rows.exclude(source=EvidenceSource.STUDENT)
    cells: dict[CellKey, Evidence] = {}
    for evidence in rows.order_by("recorded_at", "id").only(
        "id", "student_id", "target_id", "criterion_id", "score"
    ):
        cells[(evidence.student_id, evidence.target_id, evidence.criterion_id)] = evidence
    return cells


def assessment_cell_live_score(
    *, assessment: Assessment, student_id: int, target_id: int, criterion_id: int | None
) -> Evidence | None:
    """The live entry one cell of the scoring grid shows (as `assessment_live_scores`)."""
    return (
        Evidence.objects.filter(
            assessment=assessment,
            student_id=student_id,
            target_id=target_id,
            criterion_id=criterion_id,
            is_voided=False,
        )
        .exclude(source=EvidenceSource.STUDENT)
        .order_by("-recorded_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class ScoreColumn:
    """A column of an assessment's scoring grid: a target, or a rubric criterion of one."""

    target: LearningTarget
    criterion: RubricCriterion | None
    label: str

    @property
    def criterion_id(self) -> int | None:
        return self.criterion.pk if self.criterion is not None else None


def target_list_for_assessment(*, assessment: Assessment) -> list[LearningTarget]:
    """The assessment's targets with framework, scale and scale levels loaded, in continuum
    order (level, position, code)."""
    return list(
        assessment.targets.select_related(SCALE_RELATED)
        .prefetch_related(SCALE_LEVELS)
        .order_by("level", "position", "code", "pk")
    )


def assessment_columns(
    *, assessment: Assessment, live: dict[CellKey, Evidence] | None = None
) -> list[ScoreColumn]:
    """The columns of the scoring grid: one per target, or per rubric criterion (under its
    target's code). Scores in `live` that no such column holds (a score without a criterion
    on a rubric assessment, a score on a target the assessment no longer lists) get a column
    of their own, so that every live score shows."""
    targets = target_list_for_assessment(assessment=assessment)
    by_id = {target.pk: target for target in targets}
    columns: list[ScoreColumn] = []
    if assessment.rubric_id:
        criteria = RubricCriterion.objects.filter(rubric_id=assessment.rubric_id).order_by(
            "position", "pk"
        )
        for rubric_row in criteria:
            target = by_id.get(rubric_row.target_id) if rubric_row.target_id else None
            if target is not None:
                label = f"{rubric_row.title} ({target.code})"
                columns.append(ScoreColumn(target=target, criterion=rubric_row, label=label))
    else:
        columns = [ScoreColumn(target=t, criterion=None, label=t.code) for t in targets]
    held = {(column.target.pk, column.criterion_id) for column in columns}
    missing = {(t, c) for _, t, c in (live or {}) if (t, c) not in held}
    if missing:
        criteria_by_id = RubricCriterion.objects.in_bulk({c for _, c in missing if c})
        others = {target.pk: target for target in _targets_with_scales({t for t, _ in missing})}
        for target_id, criterion_id in sorted(missing, key=lambda key: (key[0], key[1] or 0)):
            target = others[target_id]
            criterion = criteria_by_id.get(criterion_id) if criterion_id else None
            label = f"{criterion.title} ({target.code})" if criterion else target.code
            columns.append(ScoreColumn(target=target, criterion=criterion, label=label))
    return columns


def _targets_with_scales(target_ids: set[int]) -> list[LearningTarget]:
    return list(
        LearningTarget.objects.filter(pk__in=target_ids)
        .select_related(SCALE_RELATED)
        .prefetch_related(SCALE_LEVELS)
    )


def scale_levels_of(target: LearningTarget) -> list[PerformanceLevel]:
    """The levels of the target's scale, lowest first (prefetch `SCALE_LEVELS` first)."""
    return sorted(target.competency.domain.framework.scale.levels.all(), key=lambda lv: lv.value)


def rubric_list_for_targets(*, targets: list[LearningTarget]) -> QuerySet[Rubric]:
    """Rubrics an assessment on these targets may use: a rubric for one of them, or with a
    criterion on one of them."""
    return (
        Rubric.objects.filter(Q(targets__in=targets) | Q(criteria__target__in=targets))
        .distinct()
        .order_by("title")
    )


def section_list_for_assessment_copy(*, actor: Actor, section: Section) -> list[Section]:
    """Other sections `actor` may score whose course teaches one of the section's frameworks
    (where a copy of one of its assessments can go), newest term first; at most 50."""
    return list(
        sections_scorable_by(actor)
        .exclude(pk=section.pk)
        .filter(
            pk__in=Section.objects.filter(
                course__frameworks__in=section.course.frameworks.all()
            ).values("pk")
        )
        .select_related("session")
        .order_by("-session__starts_on", "title")[:50]
    )


def exit_ticket_list_for_student(*, student: Student, limit: int = 20) -> list[Assessment]:
    """Exit tickets of the student's classes that ask them to rate themselves, newest first."""
    return list(
        Assessment.objects.filter(
            pk__in=Assessment.objects.filter(
                allows_self_assessment=True,
                section__enrollments__student=student,
                section__enrollments__role=EnrollmentRole.STUDENT,
            ).values("pk")
        )
        .select_related("section")
        .prefetch_related("targets")
        .order_by("-assessed_on", "-id")[:limit]
    )


def target_list_for_student(*, student: Student, level: int) -> list[LearningTarget]:
    """Targets of the student's courses at continuum level `level`, by code."""
    return list(
        LearningTarget.objects.filter(pk__in=target_ids_for_student(student=student), level=level)
        .select_related("competency")
        .order_by("code")
    )


def evidence_list_for_artifact(*, artifact: Artifact) -> list[Evidence]:
    """The scores given to a piece of work, newest first."""
    return list(
        artifact.evidence.select_related("target", "recorded_by").order_by("-recorded_at", "-id")
    )


def target_list_for_artifact(*, artifact: Artifact) -> list[LearningTarget]:
    """The targets a piece of work is tagged with, with their scale levels."""
    return list(
        artifact.targets.select_related(SCALE_RELATED)
        .prefetch_related(SCALE_LEVELS)
        .order_by("level", "position", "code", "pk")
    )


def evidence_history(*, student: Student, target: LearningTarget) -> list[Evidence]:
    """Every entry of a student on a target, voided ones included, newest first."""
    return list(
        Evidence.objects.filter(student=student, target=target)
        .select_related(
            "assessment", "recorded_by", "voided_by", "criterion", "artifact", "observation"
        )
        .order_by("-observed_at", "-id")
    )


def observation_list_for_student(*, student: Student, limit: int = 20) -> list[Observation]:
    return list(
        Observation.objects.filter(student=student)
        .select_related("author", "section")
        .prefetch_related("targets", "evidence")
        .order_by("-observed_at", "-id")[:limit]
    )


def artifact_list_for_student(*, student: Student) -> list[Artifact]:
    return list(
        Artifact.objects.filter(student=student)
        .select_related("uploaded_by")
        .prefetch_related("targets", "evidence__target")
        .order_by("-created_at", "-id")
    )


def artifact_list_for_section(*, section: Section) -> list[Artifact]:
    return list(
        Artifact.objects.filter(enrolled_in_section_q(section, prefix="student__"))
        .select_related("student", "uploaded_by")
        .prefetch_related("targets", "evidence__target")
        .order_by("-created_at", "-id")
    )


def target_ids_for_student(*, student: Student) -> set[int]:
    """Targets of the frameworks of every course the student is enrolled in."""
    return set(
        LearningTarget.objects.filter(
            competency__domain__framework__courses__sections__enrollments__student=student,
            is_retired=False,
        ).values_list("id", flat=True)
    )


def default_level_for_section(*, section: Section) -> int:
    """The continuum level a section works at: its course's grade, else most students' grade."""
    if section.course.grade_low is not None:
        return section.course.grade_low
    commonest = (
        Student.objects.filter(enrollments__section=section, enrollments__role="student")
        .values("grade_level")
        .annotate(n=Count("id"))
        .order_by("-n", "grade_level")
        .first()
    )
    return max(int(commonest["grade_level"]), 0) if commonest else 0
