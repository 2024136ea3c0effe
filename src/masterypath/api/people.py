"""Students and sections, with the access rules of the pages (roster/access.py)."""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.params import functions as param

from masterypath.api.pagination import Pages
from masterypath.api.schemas import NO_NUL, SectionOut, StudentOut, as_utc
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.roster.access import (
    access_section_by_id,
    access_student_by_id,
    enrolled_in_section_q,
    sections_visible_to,
    students_visible_to,
)
from masterypath.roster.models import Section, Student

router = Router(tags=["students and sections"])

ID = param.Path(..., ge=1, le=2**62)


@router.get("/students", response=list[StudentOut])
@paginate(Pages)
def student_list(
    request: HttpRequest,
    q: str = param.Query("", max_length=100, pattern=NO_NUL),
    updated_since: datetime | None = None,
) -> QuerySet[Student]:
    """Students the caller may see; `q` searches names and ids; `updated_since` filters."""
    students = students_visible_to(request.user).order_by("family_name", "given_name", "id")
    if q:
        from django.db.models import Q

        students = students.filter(
            Q(given_name__icontains=q) | Q(family_name__icontains=q) | Q(local_id=q)
        )
    if updated_since is not None:
        students = students.filter(updated_at__gte=as_utc(updated_since))
    return students


@router.get("/students/{student_id}", response=StudentOut)
def student_get(request: HttpRequest, student_id: int = ID) -> Student:
    student = access_student_by_id(request.user, student_id)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        subject=student,
        student_id=student.pk,
        detail={"via": "api"},
    )
    return student


@router.get("/sections", response=list[SectionOut])
@paginate(Pages)
def section_list(request: HttpRequest) -> QuerySet[Section]:
    """Sections whose roster the caller may see."""
    return sections_visible_to(request.user).select_related("course").order_by("title", "id")


@router.get("/sections/{section_id}", response=SectionOut)
def section_get(request: HttpRequest, section_id: int = ID) -> Section:
    return access_section_by_id(request.user, section_id)


@router.get("/sections/{section_id}/students", response=list[StudentOut])
@paginate(Pages)
def section_students(request: HttpRequest, section_id: int = ID) -> Any:
    section = access_section_by_id(request.user, section_id)
    return Student.objects.filter(enrolled_in_section_q(section)).order_by(
        "family_name", "given_name", "id"
    )
