"""Corrections: the history of a student on a target, and voiding an entry with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from masterypath.evidence.access import (
    access_evidence_by_id,
    access_scorable_section_by_id,
    access_section_target_by_id,
)
from masterypath.evidence.errors import EvidenceError
from masterypath.evidence.selectors import evidence_history as history_of
from masterypath.evidence.services import evidence_void
from masterypath.roster.access import access_section_student_by_id
from masterypath.web.inputs import post_id, query_level
from masterypath.web.teacher.forms import VoidForm
from masterypath.web.teacher.views.common import section_nav


@login_required
def evidence_history(
    request: HttpRequest, section_id: int, student_id: int, target_id: int
) -> HttpResponse:
    """Every entry of a student on a target, voided ones too, with a void form per live one."""
    section = access_scorable_section_by_id(request.user, section_id)
    student = access_section_student_by_id(section, student_id)
    target = access_section_target_by_id(request.user, section, target_id)
    level = query_level(request)
    context = {
        **section_nav(section, "gradebook"),
        "student": student,
        "target": target,
        "history": history_of(student=student, target=target),
        "level": "" if level is None else level,
    }
    return render(request, "teacher/evidence_history.html", context)


@login_required
@require_POST
def evidence_void_view(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = access_evidence_by_id(request.user, evidence_id)
    section = access_scorable_section_by_id(request.user, post_id(request, "section"))
    form = VoidForm(request.POST)
    back = reverse(
        "teacher:evidence-history", args=[section.pk, evidence.student_id, evidence.target_id]
    )
    if not form.is_valid():
        messages.error(request, "Say why the entry is void; nothing was changed.")
        return redirect(back)
    try:
        evidence_void(actor=request.user, evidence=evidence, reason=form.cleaned_data["reason"])
    except EvidenceError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(request, "The entry is void; it stays in the history below.")
    return redirect(back)
