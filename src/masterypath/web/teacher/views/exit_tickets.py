"""A quick exit ticket: 1-3 targets, today, then straight to its scoring grid."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from masterypath.evidence.access import access_scorable_section_by_id
from masterypath.evidence.errors import EvidenceError
from masterypath.evidence.models import EvidenceKind
from masterypath.evidence.selectors import target_list_for_section
from masterypath.evidence.services import assessment_create
from masterypath.web.teacher.forms import ExitTicketForm
from masterypath.web.teacher.views.common import LEVELS, section_level, section_nav


@login_required
def exit_ticket_new(request: HttpRequest, section_id: int) -> HttpResponse:
    section = access_scorable_section_by_id(request.user, section_id)
    level = section_level(request, section)
    targets = target_list_for_section(section=section, level=level)
    form = ExitTicketForm(request.POST or None, targets=targets)
    error = ""
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["targets"])
        today = timezone.localdate()
        title = form.cleaned_data["title"] or (
            f"Exit ticket {today:%b %-d}: {', '.join(t.code for t in chosen)}"
        )
        try:
            ticket = assessment_create(
                actor=request.user,
                section=section,
                title=title,
                kind=EvidenceKind.EXIT_TICKET,
                assessed_on=today,
                targets=chosen,
                allows_self_assessment=form.cleaned_data["allows_self_assessment"],
            )
        except EvidenceError as failure:
            error = failure.message
        else:
            messages.success(request, f"Exit ticket ready: {ticket.title}.")
            return redirect("teacher:assessment-score", ticket.pk)
    context = {
        **section_nav(section, "exit"),
        "form": form,
        "error": error,
        "level": level,
        "levels": LEVELS,
    }
    return render(request, "teacher/exit_ticket_new.html", context, status=422 if error else 200)
