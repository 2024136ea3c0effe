"""The early warning page: the exception lists of the students the signed-in staff member may
see (a teacher's own students, a school's for its principal and counselors, the district's for
its administrators), with filters, the reasons in plain words and a CSV export."""

from __future__ import annotations

import csv
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from masterypath.accounts.models import Role, User
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.earlywarning.lists import exception_lists_for, parse_filters
from masterypath.earlywarning.models import Alert
from masterypath.earlywarning.selectors import alerts_for_recipient
from masterypath.earlywarning.services.alerts import alerts_mark_read
from masterypath.engine.exceptions import RULE_TITLES, Rule
from masterypath.roster.models import Staff
from masterypath.schools.models import District

ALERTS_SHOWN = 300
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
            "unread_alerts": alerts_for_recipient(recipient=request.user)
            .filter(read_at__isnull=True)
            .count(),
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


@login_required
def early_warning_alerts(request: HttpRequest) -> HttpResponse:
    """The signed-in staff member's alerts, newest first, by the day they were found."""
    _district_of(request)
    alerts = list(alerts_for_recipient(recipient=request.user)[:ALERTS_SHOWN])
    days: dict[date, list[Alert]] = {}
    for alert in alerts:
        alert.title = RULE_TITLES[Rule(alert.rule)]  # type: ignore[attr-defined]
        days.setdefault(alert.found_on, []).append(alert)
    return render(
        request,
        "earlywarning/alerts.html",
        {"days": list(days.items()), "unread": sum(1 for a in alerts if a.read_at is None)},
    )


@login_required
@require_POST
def early_warning_alerts_read(request: HttpRequest) -> HttpResponse:
    _district_of(request)
    if isinstance(request.user, User):  # always: _district_of lets only staff through
        alerts_mark_read(recipient=request.user)
    return redirect("earlywarning:alerts")
