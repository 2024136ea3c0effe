"""Pages. Views stay thin: access guards decide visibility, selectors fetch, templates show."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from masterypath.accounts.models import Role
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.evidence.selectors import evidence_list_for_student, observation_list_for_student
from masterypath.mastery.selectors import mastery_list_for_student, standings_for_student
from masterypath.roster.access import (
    access_section_by_id,
    access_student_by_id,
    district_administered_by,
    schools_visible_to,
)
from masterypath.roster.models import Student
from masterypath.roster.selectors import (
    school_summaries_for_user,
    section_list_for_user,
    student_grade_counts,
    student_list_for_section,
    student_search_for_user,
)
from masterypath.schools.models import District
from masterypath.web.leaders import views as leaders

STUDENTS_PER_PAGE = 50


def _student_record_context(request: HttpRequest, student: Student) -> dict[str, object]:
    audit_record(
        actor=request.user, action=AuditAction.VIEW, subject=student, student_id=student.pk
    )
    staff_view = getattr(request.user, "is_staff_member", False)
    return {
        "student": student,
        "observations": observation_list_for_student(student=student) if staff_view else [],
        "standings": standings_for_student(student=student, as_of=timezone.localdate()),
        "mastery": mastery_list_for_student(student=student),
        "recent_evidence": evidence_list_for_student(student=student, limit=20),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What this user may see, by role."""
    user = request.user
    role = getattr(user, "role", "")
    if role == Role.STUDENT:
        student = access_student_by_id(user, user.student.pk)  # type: ignore[union-attr]
        return render(request, "web/home_student.html", _student_record_context(request, student))
    if role == Role.GUARDIAN:
        children = student_search_for_user(user=user)
        return render(request, "web/home_guardian.html", {"children": children})
    if role == Role.TEACHER:
        sections = section_list_for_user(user=user)
        return render(request, "web/home_teacher.html", {"sections": sections})
    if role in {Role.COUNSELOR, Role.PRINCIPAL}:
        school = schools_visible_to(user).select_related("district").first()
        if school is not None:
            return leaders.render_school_dashboard(request, school)
    if role == Role.DISTRICT_ADMIN and (district_id := district_administered_by(user)):
        return leaders.render_district_dashboard(request, District.objects.get(pk=district_id))
    if user.is_superuser:
        return _leader_home(request)
    return render(request, "web/home_empty.html", status=200)


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
def student_detail(request: HttpRequest, student_id: int) -> HttpResponse:
    """A student's record; 404 for anyone who may not see this student."""
    student = access_student_by_id(request.user, student_id)
    return render(request, "web/student_detail.html", _student_record_context(request, student))


@login_required
def section_detail(request: HttpRequest, section_id: int) -> HttpResponse:
    """A section's roster; 404 for anyone who may not see it."""
    section = access_section_by_id(request.user, section_id)
    students = student_list_for_section(section=section)
    return render(request, "web/section_detail.html", {"section": section, "students": students})
