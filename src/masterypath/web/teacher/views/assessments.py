"""A section's assessments: the list, a new one, and a copy for another section."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from masterypath.evidence.access import access_assessment_by_id, access_scorable_section_by_id
from masterypath.evidence.errors import EvidenceError
from masterypath.evidence.selectors import (
    assessment_list_for_section,
    rubric_list_for_targets,
    target_list_for_section,
)
from masterypath.evidence.services import assessment_copy, assessment_create
from masterypath.web.inputs import post_id
from masterypath.web.teacher.forms import AssessmentForm
from masterypath.web.teacher.views.common import LEVELS, section_level, section_nav


@login_required
def assessment_list(request: HttpRequest, section_id: int) -> HttpResponse:
    section = access_scorable_section_by_id(request.user, section_id)
    context = {
        **section_nav(section, "assessments"),
        "assessments": assessment_list_for_section(section=section),
    }
    return render(request, "teacher/assessment_list.html", context)


@login_required
def assessment_new(request: HttpRequest, section_id: int) -> HttpResponse:
    """Create an assessment: kind, date, DOK, targets and an optional rubric."""
    section = access_scorable_section_by_id(request.user, section_id)
    level = section_level(request, section)
    targets = target_list_for_section(section=section, level=level)
    form = AssessmentForm(
        request.POST or None, targets=targets, rubrics=rubric_list_for_targets(targets=targets)
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = assessment_create(
                actor=request.user,
                section=section,
                title=data["title"],
                kind=data["kind"],
                assessed_on=data["assessed_on"],
                dok=data["dok"],
                targets=list(data["targets"]),
                rubric=data["rubric"],
            )
        except EvidenceError as failure:
            error = failure.message
        else:
            messages.success(request, f"Created {assessment.title}. Score it below.")
            return redirect("teacher:assessment-score", assessment.pk)
    context = {
        **section_nav(section, "assessments"),
        "form": form,
        "error": error,
        "level": level,
        "levels": LEVELS,
    }
    return render(request, "teacher/assessment_new.html", context, status=422 if error else 200)


@login_required
@require_POST
def assessment_copy_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The same assessment, without scores, for another section the teacher scores."""
    assessment = access_assessment_by_id(request.user, assessment_id)
    section = access_scorable_section_by_id(request.user, post_id(request, "section"))
    try:
        copy = assessment_copy(actor=request.user, assessment=assessment, section=section)
    except EvidenceError as failure:
        messages.error(request, failure.message)
        return redirect("teacher:assessment-score", assessment.pk)
    messages.success(request, f"Copied {assessment.title} to {section.title}.")
    return redirect("teacher:assessment-score", copy.pk)
