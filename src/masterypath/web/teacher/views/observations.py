"""An observation: a note about students of a section, tagged to targets or habits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from masterypath.evidence.access import access_scorable_section_by_id
from masterypath.evidence.errors import EvidenceError
from masterypath.evidence.selectors import target_list_for_section
from masterypath.evidence.services import observation_create
from masterypath.roster.selectors import student_list_for_section
from masterypath.web.teacher.forms import ObservationForm
from masterypath.web.teacher.views.common import LEVELS, section_level, section_nav


@login_required
def observation_new(request: HttpRequest, section_id: int) -> HttpResponse:
    section = access_scorable_section_by_id(request.user, section_id)
    level = section_level(request, section)
    form = ObservationForm(
        request.POST or None,
        students=student_list_for_section(section=section),
        targets=target_list_for_section(section=section, level=level),
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = observation_create(
                actor=request.user,
                section=section,
                students=list(data["students"]),
                note=data["note"],
                targets=list(data["targets"]),
                score=data["score"],
                submission_id=data["submission"],
            )
        except EvidenceError as failure:
            error = failure.message
        else:
            messages.success(
                request,
                f"Observation saved for {len(saved)} student{'s' if len(saved) != 1 else ''}.",
            )
            return redirect("teacher:gradebook", section.pk)
    context = {
        **section_nav(section, "observe"),
        "form": form,
        "error": error,
        "level": level,
        "levels": LEVELS,
    }
    return render(request, "teacher/observation_new.html", context, status=422 if error else 200)
