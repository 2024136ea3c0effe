"""Pages. Views stay thin: access guards decide visibility, selectors fetch, templates show."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from masterypath.accounts.models import Role, User
from masterypath.evidence.access import can_score_section
from masterypath.reports.section_dashboard import section_standings
from masterypath.roster.access import (
    access_section_by_id,
    active_user,
    district_administered_by,
    schools_visible_to,
)
from masterypath.roster.selectors import (
    school_summaries_for_user,
    section_list_for_user,
    student_grade_counts,
    student_search_for_user,
)
from masterypath.schools.models import District
from masterypath.web.audit_reads import audit_students_read
from masterypath.web.family import views as family_views
from masterypath.web.leaders import views as leaders
from masterypath.web.student import views as student_views

STUDENTS_PER_PAGE = 50
LEADER_ROLES = frozenset({Role.COUNSELOR, Role.PRINCIPAL, Role.DISTRICT_ADMIN})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What this user may see, by role."""
    user = active_user(request.user)
    role = user.role if user is not None else ""
    if role == Role.STUDENT:
        return student_views.my_continuum(request, cast(User, user))
    if role == Role.GUARDIAN:
        return family_views.family_home(request, cast(User, user))
    if role == Role.TEACHER:
        sections = section_list_for_user(user=request.user)
        return render(request, "web/home_teacher.html", {"sections": sections})
    if role in {Role.COUNSELOR, Role.PRINCIPAL}:
        school = schools_visible_to(user).select_related("district").first()
        if school is not None:
            return leaders.render_school_dashboard(request, school)
    if role == Role.DISTRICT_ADMIN and (district_id := district_administered_by(user)):
        return leaders.render_district_dashboard(request, District.objects.get(pk=district_id))
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
    standings = section_standings(section=section, as_of=timezone.localdate())
    students = [row.student for row in standings.rows]
    audit_students_read(actor=request.user, students=students, page="section", subject=section)
    context = {
        "section": section,
        "standings": standings,
        "students": students,
        "dashboard": can_score_section(request.user, section),
    }
    return render(request, "web/section_detail.html", context)
