"""Mastery: a student's estimates and continuum placements, a section's grid.

Reads only, through the mastery app's selectors; the same access guards as the pages (404 when
the caller may not see the student or the section).
"""

from dataclasses import asdict
from datetime import date
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.params import functions as param

from masterypath.api.schemas import MasteryOut, PlacementOut, SectionMasteryOut
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.common.read_ledger import note_students_read
from masterypath.continuum.models import LearningTarget
from masterypath.mastery.selectors import (
    mastery_cells_for_section,
    mastery_list_for_student,
    standings_for_student,
)
from masterypath.roster.access import (
    access_section_by_id,
    access_student_by_id,
    enrolled_in_section_q,
)
from masterypath.roster.models import Student

router = Router(tags=["mastery"])

ID = param.Path(..., ge=1, le=2**62)
# Placements are dated school days; far-off dates only make projections overflow.
# ninja types the bounds as floats; pydantic compares dates with them just as well.
AS_OF = param.Query(None, ge=date(1950, 1, 1), le=date(2200, 12, 31))  # type: ignore[arg-type]


def _audit_read(request: HttpRequest, student: Student, what: str) -> None:
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        subject=student,
        student_id=student.pk,
        detail={"via": "api", "read": what},
    )


@router.get("/students/{student_id}/mastery", response=list[MasteryOut])
def student_mastery(request: HttpRequest, student_id: int = ID) -> list[dict[str, Any]]:
    """The student's current estimate on every target with evidence (or a teacher's
    judgement), ordered by framework, level and code."""
    student = access_student_by_id(request.user, student_id)
    _audit_read(request, student, "mastery")
    rows = mastery_list_for_student(student=student)
    return [
        {
            "target_id": row.target.pk,
            "code": row.target.code,
            "method": row.method,
            "value": row.value,
            "level_label": row.level_label,
            "is_proficient": row.is_proficient,
            "status": row.status,
            "evidence_count": row.evidence_count,
            "last_observed_at": row.last_observed_at,
        }
        for row in rows
    ]


@router.get("/students/{student_id}/placements", response=list[PlacementOut])
def student_placements(
    request: HttpRequest,
    student_id: int = ID,
    as_of: date | None = AS_OF,
) -> list[dict[str, Any]]:
    """The latest placement per domain on or before `as_of` (default today), with growth:
    levels per month, pace (1.0 = one level per school year), projected date to reach the
    student's grade level, and whether growth is slowing."""
    student = access_student_by_id(request.user, student_id)
    _audit_read(request, student, "placements")
    standings = standings_for_student(student=student, as_of=as_of or timezone.localdate())
    return [
        {
            "domain_id": s.domain.pk,
            "domain": s.domain.title,
            "framework_id": s.domain.framework_id,
            "placed_on": s.placed_on,
            "completed": s.completed,
            "level": s.level,
            "grade_level": s.grade_level,
            "growth": {
                "levels_per_month": s.growth.levels_per_month,
                "pace": s.growth.pace,
                "projected_on": s.growth.projected_on,
                "is_slowing": s.growth.is_slowing,
                "n_placements": s.growth.n_placements,
            },
        }
        for s in standings
    ]


@router.get("/sections/{section_id}/mastery", response=SectionMasteryOut)
def section_mastery(request: HttpRequest, section_id: int = ID) -> dict[str, Any]:
    """The section's grid: its students (rows), the targets of its course's frameworks
    (columns, continuum order) and one cell per (student, target) with an estimate."""
    section = access_section_by_id(request.user, section_id)
    cells = mastery_cells_for_section(section=section)
    students = list(
        Student.objects.filter(enrolled_in_section_q(section))
        .order_by("family_name", "given_name", "id")
        .values("id", "given_name", "family_name")
        .distinct()
    )
    note_students_read(row["id"] for row in students)  # plain values: no record loaded
    with_cells = {target_id for _, target_id in cells}
    targets = (
        LearningTarget.objects.filter(
            Q(competency__domain__framework__in=section.course.frameworks.all(), is_retired=False)
            | Q(pk__in=with_cells)
        )
        .order_by("competency__domain__framework_id", "level", "position", "code", "id")
        .values("id", "code", "level")
    )
    return {
        "section_id": section.pk,
        "students": students,
        "targets": list(targets),
        "cells": [asdict(cell) for _, cell in sorted(cells.items())],
    }
