"""The student profile for staff who may see the student, and its CSV exports.

A student or a guardian who opens a profile address lands on their own page for that
student instead; anyone else who may not see the student gets 404 (the access guard).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from masterypath.accounts.models import Role, User
from masterypath.reports.student_profile import evidence_timeline_rows, student_profile
from masterypath.reports.student_words import placement_history
from masterypath.roster.access import access_student_by_id
from masterypath.roster.models import Student
from masterypath.web.audit_reads import audit_students_read
from masterypath.web.family.forms import ReportPeriodForm
from masterypath.web.interventions.views import student_section
from masterypath.web.plans.slot import plan_slot
from masterypath.web.student.views import growth_chart, has_growth, track_chart


def _reader(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind login_required


def _is_staff_reader(user: User) -> bool:
    return user.is_staff_member or user.is_superuser


def _year_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


@login_required
def profile(request: HttpRequest, student_id: int) -> HttpResponse:
    """One page with the student's whole body of work; `?year=2026` picks the school year."""
    user = _reader(request)
    student = access_student_by_id(user, student_id)
    if not _is_staff_reader(user):
        if user.role == Role.GUARDIAN:
            return redirect("family:child", student_id=student.pk)
        return redirect("home")
    today = timezone.localdate()
    data = student_profile(student=student, as_of=today, end_year=_year_param(request))
    audit_students_read(actor=user, students=[student], page="student.profile")
    positions = data.positions
    context = {
        "profile": data,
        "student": student,
        "plan_slot": plan_slot(student=student, on=today, with_profile=True),
        "track": track_chart(positions, title=_("Where the student is on each continuum"))
        if positions
        else None,
        "growth": growth_chart(positions, title=_("Placement per area over time"))
        if has_growth(positions)
        else None,
        "interventions": student_section(user, student),
        "record_admin": user.role == Role.DISTRICT_ADMIN,
        "report_form": ReportPeriodForm(
            initial={"start": data.years[0].year.starts_on, "end": today},
            auto_id=f"report-{student.pk}-%s",
        ),
    }
    return render(request, "student/profile.html", context)


def _csv_response(
    student: Student, name: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(student.display_name) or 'student'}-{student.local_id}-{name}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@login_required
def evidence_csv(request: HttpRequest, student_id: int) -> HttpResponseBase:
    """The whole evidence timeline as CSV, oldest first, voided entries marked."""
    user = _reader(request)
    student = access_student_by_id(user, student_id)
    if not _is_staff_reader(user):
        return redirect("home")
    rows = evidence_timeline_rows(student=student)
    audit_students_read(actor=user, students=[student], page="student.evidence_csv")
    header = [
        "observed_at",
        "domain",
        "competency",
        "target_code",
        "target_statement",
        "target_level",
        "score",
        "level",
        "kind",
        "assessment",
        "recorded_by",
        "comment",
        "is_voided",
        "voided_reason",
    ]
    return _csv_response(
        student,
        "evidence",
        header,
        (
            (
                timezone.localtime(row.observed_at).isoformat(),
                row.target.domain_title,
                row.target.competency_title,
                row.target.code,
                row.target.statement,
                row.target.level_label,
                f"{row.score:g}",
                row.level_label,
                row.kind,
                row.assessment_title,
                row.teacher,
                row.comment,
                "yes" if row.is_voided else "no",
                row.voided_reason,
            )
            for row in rows
        ),
    )


@login_required
def placements_csv(request: HttpRequest, student_id: int) -> HttpResponseBase:
    """Every dated placement per domain as CSV (the growth chart's numbers)."""
    user = _reader(request)
    student = access_student_by_id(user, student_id)
    if not _is_staff_reader(user):
        return redirect("home")
    history, domains = placement_history(student_ids=[student.pk], until=timezone.localdate())
    audit_students_read(actor=user, students=[student], page="student.placements_csv")
    rows = [
        (domains[domain_id].title, day.isoformat(), f"{level:.3f}")
        for domain_id, points in sorted(
            history.get(student.pk, {}).items(), key=lambda item: domains[item[0]].title
        )
        for day, level in points
    ]
    return _csv_response(student, "placements", ["domain", "placed_on", "placement"], rows)
