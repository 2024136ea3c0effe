"""Pages. Views stay thin: access guards decide visibility, selectors fetch, templates show."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from masterypath.accounts.models import Role
from masterypath.roster.access import access_own_student, access_section_by_id, active_user
from masterypath.roster.selectors import (
    school_summaries_for_user,
    section_list_for_user,
    student_grade_counts,
    student_list_for_section,
    student_search_for_user,
)
from masterypath.web.students.views import student_record_context

STUDENTS_PER_PAGE = 50
LEADER_ROLES = frozenset({Role.COUNSELOR, Role.PRINCIPAL, Role.DISTRICT_ADMIN})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What this user may see, by role."""
    user = active_user(request.user)
    role = user.role if user is not None else ""
    if role == Role.STUDENT:
        try:
            student = access_own_student(request.user)
        except Http404:  # a student login not linked to a student record yet
            return render(request, "web/home_empty.html")
        return render(request, "web/home_student.html", student_record_context(request, student))
    if role == Role.GUARDIAN:
        children = student_search_for_user(user=request.user)
        return render(request, "web/home_guardian.html", {"children": children})
    if role == Role.TEACHER:
        sections = section_list_for_user(user=request.user)
        return render(request, "web/home_teacher.html", {"sections": sections})
    if role in LEADER_ROLES or (user is not None and user.is_superuser):
        return _leader_home(request)
    return render(request, "web/home_empty.html")


def _leader_home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    students = student_search_for_user(user=request.user, query=query)
    page = Paginator(students, STUDENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "schools": school_summaries_for_user(user=request.user),
        "grade_counts": student_grade_counts(students=student_search_for_user(user=request.user)),
        "page": page,
        "query": query,
    }
    return render(request, "web/home_leader.html", context)


@login_required
def section_detail(request: HttpRequest, section_id: int) -> HttpResponse:
    """A section's roster; 404 for anyone who may not see it."""
    section = access_section_by_id(request.user, section_id)
    students = student_list_for_section(section=section)
    return render(request, "web/section_detail.html", {"section": section, "students": students})
