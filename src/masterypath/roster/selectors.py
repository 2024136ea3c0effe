"""Reads of the roster for pages and the API, with related rows fetched up front."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Q, QuerySet

from masterypath.accounts.actors import Actor
from masterypath.roster.access import (
    enrolled_in_section_q,
    sections_visible_to,
    students_visible_to,
)
from masterypath.roster.models import EnrollmentRole, Section, Student
from masterypath.schools.models import School


def section_list_for_user(*, user: Actor) -> QuerySet[Section]:
    """Visible sections with their course, school, term and student count.

    The sections are picked by id first: a teacher's visible sections come through the
    teacher's own enrollment, and counting on that join would count the teacher's row only
    (and, filtered to students, nothing).
    """
    return (
        Section.objects.filter(pk__in=sections_visible_to(user).values("pk"))
        .select_related("course", "school", "session")
        .annotate(
            student_count=Count("enrollments", filter=Q(enrollments__role=EnrollmentRole.STUDENT))
        )
        .order_by("-session__starts_on", "title")
    )


def student_list_for_section(*, section: Section) -> QuerySet[Student]:
    return Student.objects.filter(enrolled_in_section_q(section)).order_by(
        "family_name", "given_name"
    )


def student_search_for_user(*, user: Actor, query: str = "") -> QuerySet[Student]:
    """Visible students whose name or local id contains `query`."""
    students = students_visible_to(user).select_related("school")
    query = query.strip()
    if query:
        students = students.filter(
            Q(given_name__icontains=query)
            | Q(family_name__icontains=query)
            | Q(local_id__icontains=query)
        )
    return students.order_by("family_name", "given_name")


@dataclass(frozen=True)
class SchoolSummary:
    school: School
    student_count: int
    section_count: int
    staff_count: int


def school_summaries_for_user(*, user: Actor) -> list[SchoolSummary]:
    """One row per school with at least one student visible to `user`."""
    counts = {
        row["school_id"]: row["count"]
        for row in students_visible_to(user).values("school_id").annotate(count=Count("id"))
    }
    schools = School.objects.filter(pk__in=counts).annotate(
        section_count=Count("sections", distinct=True), staff_count=Count("staff", distinct=True)
    )
    return [
        SchoolSummary(
            school=school,
            student_count=counts[school.pk],
            section_count=school.section_count,
            staff_count=school.staff_count,
        )
        for school in schools
    ]


def student_grade_counts(*, students: QuerySet[Student]) -> list[dict[str, Any]]:
    rows = students.values("grade_level").annotate(count=Count("id")).order_by("grade_level")
    return cast("list[dict[str, Any]]", list(rows))
