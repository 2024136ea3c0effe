"""The section dashboard: mastery at each student's own level, the spread per target, and the
students who need a look. Numbers come from `reports.section_dashboard`."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from masterypath.evidence.access import access_scorable_section_by_id
from masterypath.groups.selectors import student_group_list_for_section
from masterypath.reports.section_dashboard import QUIET_WEEKS, section_dashboard
from masterypath.web.audit_reads import audit_students_read
from masterypath.web.inputs import query_level
from masterypath.web.teacher.dashboard import (
    band_name,
    distribution_chart,
    heatmap_blocks,
    level_heading,
    suggestion_cards,
)
from masterypath.web.teacher.views.common import LEVELS, section_nav

MAX_QUIET_WEEKS = 26


class QuietForm(forms.Form):
    weeks = forms.IntegerField(
        label="No evidence for at least (weeks)",
        min_value=1,
        max_value=MAX_QUIET_WEEKS,
        required=False,
    )


@login_required
def section_dashboard_page(request: HttpRequest, section_id: int) -> HttpResponse:
    section = access_scorable_section_by_id(request.user, section_id)
    form = QuietForm(request.GET or None)
    weeks = QUIET_WEEKS
    if form.is_bound and form.is_valid() and form.cleaned_data["weeks"]:
        weeks = form.cleaned_data["weeks"]
    board = section_dashboard(
        section=section,
        as_of=timezone.localdate(),
        quiet_weeks=weeks,
        distribution_level=query_level(request),
    )
    audit_students_read(
        actor=request.user,
        students=[row.student for row in board.rows],
        page="teacher.section_dashboard",
        subject=section,
    )
    context = {
        **section_nav(section, "dashboard"),
        "board": board,
        "form": form,
        "weeks": weeks,
        "levels": LEVELS,
        "heatmap": heatmap_blocks(board),
        "chart": distribution_chart(board.distribution, level=board.distribution_level),
        "legend": [(band, band_name(band)) for band in (1, 2, 3, 4)],
        "distribution_heading": level_heading(board.distribution_level),
        "suggestions": suggestion_cards(board),
        "saved_groups": student_group_list_for_section(section=section),
        "leftovers": [
            (domain, board.leftovers[domain.pk])
            for domain in board.domains
            if board.leftovers.get(domain.pk)
        ],
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "teacher/section_dashboard.html", context, status=status)
