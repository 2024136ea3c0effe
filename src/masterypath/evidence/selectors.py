"""Reads of evidence for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Max

from masterypath.evidence.models import Evidence
from masterypath.roster.models import Student


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
