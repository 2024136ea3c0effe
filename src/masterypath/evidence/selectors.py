"""Reads of evidence for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Max, Q

from masterypath.continuum.models import LearningTarget
from masterypath.evidence.models import Artifact, Assessment, Evidence, EvidenceSource, Observation
from masterypath.roster.models import EnrollmentRole, Section, Student


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
        Student.objects.filter(
            enrollments__section=section, enrollments__role=EnrollmentRole.STUDENT
        ).order_by("family_name", "given_name", "id")
    )


def assessment_list_for_section(*, section: Section) -> list[Assessment]:
    return list(
        Assessment.objects.filter(section=section)
        .annotate(scored=Count("evidence", filter=Q(evidence__is_voided=False)))
        .prefetch_related("targets")
        .order_by("-assessed_on", "-id")
    )


def assessment_live_scores(
    *,
    assessment: Assessment,
    source: str = EvidenceSource.TEACHER,
) -> dict[tuple[int, int, int | None], Evidence]:
    """The live entry of each cell of an assessment: (student, target, criterion) -> evidence."""
    cells: dict[tuple[int, int, int | None], Evidence] = {}
    rows = Evidence.objects.filter(assessment=assessment, is_voided=False, source=source)
    for evidence in rows.order_by("recorded_at", "id"):
        cells[(evidence.student_id, evidence.target_id, evidence.criterion_id)] = evidence
    return cells


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
        Artifact.objects.filter(
            student__enrollments__section=section,
            student__enrollments__role=EnrollmentRole.STUDENT,
        )
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
