"""The early warning page: the exception lists of the students the signed-in staff member may
see (a teacher's own students, a school's for its principal and counselors, the district's for
its administrators), with filters, the reasons in plain words and a CSV export."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from masterypath.accounts.models import Role, User
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.earlywarning.lists import exception_lists_for, parse_filters
from masterypath.roster.models import Staff
from masterypath.schools.models import District

STAFF_ROLES = {Role.TEACHER, Role.COUNSELOR, Role.PRINCIPAL, Role.DISTRICT_ADMIN}


def _district_of(request: HttpRequest) -> District:
    """The signed-in staff member's district; 404 for students, families and others."""
    user = request.user
    if not isinstance(user, User) or user.role not in STAFF_ROLES:
        raise Http404("No such page.")
    staff = Staff.objects.filter(user=user).select_related("district").first()
    if staff is None:
        raise Http404("No such page.")
    return staff.district


@login_required
def early_warning_page(request: HttpRequest) -> HttpResponse:
    district = _district_of(request)
    filters = parse_filters(request.GET.dict())
    lists = exception_lists_for(actor=request.user, filters=filters, district_id=district.pk)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        subject=district,
        detail={"page": "early-warning", **filters.query()},
    )
    return render(
        request,
        "earlywarning/list.html",
        {
            "lists": lists,
            "filters": filters,
            "query": urlencode(filters.query()),
            "base_query": urlencode({k: v for k, v in filters.query().items() if k != "rule"}),
        },
    )


@login_required
def early_warning_export(request: HttpRequest) -> HttpResponse:
    """The selected list with the page's filters, every row, as CSV."""
    district = _district_of(request)
    filters = parse_filters(request.GET.dict())
    lists = exception_lists_for(
        actor=request.user, filters=filters, district_id=district.pk, limit=None
    )
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        subject=district,
        detail={"page": "early-warning-export", **filters.query()},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="early-warning-{filters.rule}.csv"'
    writer = csv.writer(response)
    as_of = lists.run.as_of.isoformat() if lists.run else ""
    writer.writerow([f"{lists.title} (as of {as_of})"])
    writer.writerow(
        ["Student", "Local id", "School", "Grade", "Area", "Why", "Since", "First listed"]
    )
    for hit in lists.rows:
        writer.writerow(
            [
                f"{hit.student.family_name}, {hit.student.given_name}",
                hit.student.local_id,
                hit.school.name,
                hit.student.grade_label,
                hit.domain.title if hit.domain else "All areas",
                hit.sentence,
                hit.detected_on.isoformat(),
                hit.first_seen_on.isoformat(),
            ]
        )
    return response
