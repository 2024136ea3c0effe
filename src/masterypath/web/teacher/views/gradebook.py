"""The gradebook page: students x targets at one continuum level, coloured by mastery."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from masterypath.evidence.access import access_scorable_section_by_id
from masterypath.evidence.selectors import assessment_list_for_section
from masterypath.web.teacher.gradebook import gradebook_build
from masterypath.web.teacher.views.common import LEVELS, section_level, section_nav


@login_required
def gradebook(request: HttpRequest, section_id: int) -> HttpResponse:
    section = access_scorable_section_by_id(request.user, section_id)
    book = gradebook_build(section=section, level=section_level(request, section))
    context = {
        **section_nav(section, "gradebook"),
        "book": book,
        "levels": LEVELS,
        "assessments": assessment_list_for_section(section=section, limit=8),
    }
    return render(request, "teacher/gradebook.html", context)
