"""A student's own pages under /me/: exit tickets to rate, and work to upload.

They open for the student's own login only (404 for anyone else).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from masterypath.evidence.access import access_exit_ticket_by_id
from masterypath.evidence.artifacts import artifact_max_bytes, artifact_upload
from masterypath.evidence.errors import EvidenceError
from masterypath.evidence.selectors import (
    artifact_list_for_student,
    assessment_live_scores,
    exit_ticket_list_for_student,
    scale_levels_of,
    target_list_for_assessment,
    target_list_for_student,
)
from masterypath.evidence.services import parse_score, self_assessment_record
from masterypath.reports.student_words import data_name
from masterypath.roster.access import access_own_student
from masterypath.web.forms import ArtifactForm
from masterypath.web.inputs import too_large

# -- my exit tickets ------------------------------------------------------------------------


@login_required
def my_exit_tickets(request: HttpRequest) -> HttpResponse:
    """Exit tickets of my classes that ask me to rate myself."""
    student = access_own_student(request.user)
    tickets = exit_ticket_list_for_student(student=student)
    return render(request, "me/my_exit_tickets.html", {"student": student, "tickets": tickets})


@login_required
def my_exit_ticket(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Rate myself on each target of an exit ticket; kept apart from my teacher's scores."""
    student = access_own_student(request.user)
    ticket = access_exit_ticket_by_id(student, assessment_id)
    targets = target_list_for_assessment(assessment=ticket)
    error = ""
    if request.method == "POST":
        try:
            for target in targets:
                raw = request.POST.get(f"target-{target.pk}", "")
                if raw:
                    self_assessment_record(
                        actor=request.user, assessment=ticket, target=target, score=parse_score(raw)
                    )
        except EvidenceError as failure:
            error = failure.message
        else:
            messages.success(request, gettext("Thank you: your answers are saved."))
            return redirect("me:exit-tickets")
    mine = assessment_live_scores(assessment=ticket, self_assessed=True)
    items = [
        {
            "target": target,
            "levels": [
                {"value": level.value, "label": data_name(level.label)}
                for level in scale_levels_of(target)
            ],
            "current": mine.get((student.pk, target.pk, None)),
        }
        for target in targets
    ]
    return render(
        request,
        "me/my_exit_ticket.html",
        {"ticket": ticket, "items": items, "error": error},
        status=422 if error else 200,
    )


# -- my work --------------------------------------------------------------------------------


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """My uploads, and a form to add one (only for myself)."""
    student = access_own_student(request.user)
    targets = target_list_for_student(student=student, level=student.grade_level)
    error = too_large(request, artifact_max_bytes()) if request.method == "POST" else ""
    form = ArtifactForm(
        None if error else (request.POST or None),
        None if error else (request.FILES or None),
        targets=targets,
    )
    if request.method == "POST" and not error and form.is_valid():
        data = form.cleaned_data
        try:
            artifact_upload(
                actor=request.user,
                student=student,
                upload=data["file"],
                title=data["title"],
                targets=list(data["targets"]),
                dok=data["dok"],
            )
        except EvidenceError as failure:
            error = failure.message
        else:
            messages.success(request, gettext("Uploaded. Your teacher can now see and score it."))
            return redirect("me:work")
    context = {
        "student": student,
        "form": form,
        "error": error,
        "artifacts": artifact_list_for_student(student=student),
        "max_mb": artifact_max_bytes() / 1048576,
    }
    status = 413 if error.startswith("The file is") else 422 if error else 200
    return render(request, "me/my_work.html", context, status=status)
