"""The scoring grid of an assessment, and its cells: save one (htmx) and undo a save."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from masterypath.evidence.access import (
    access_assessment_by_id,
    access_assessment_criterion_by_id,
    access_assessment_target_by_id,
    access_evidence_by_id,
)
from masterypath.evidence.errors import EvidenceError
from masterypath.evidence.models import Assessment, Evidence
from masterypath.evidence.selectors import (
    ScoreColumn,
    assessment_cell_live_score,
    section_list_for_assessment_copy,
)
from masterypath.evidence.services import assessment_score, assessment_score_undo, parse_score
from masterypath.roster.access import access_section_student_by_id
from masterypath.roster.models import Section, Student
from masterypath.web.inputs import optional_post_id, post_id
from masterypath.web.teacher.scoring import save_url_of, score_cell_html, score_grid_build
from masterypath.web.teacher.views.common import section_nav


def _section_of(assessment: Assessment) -> Section:
    if assessment.section is None:  # the guard only finds section assessments
        raise Http404("No such assessment.")
    return assessment.section


@login_required
def assessment_score_page(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The class-scoring grid: students x targets (or rubric criteria), keyboard only."""
    assessment = access_assessment_by_id(request.user, assessment_id)
    section = _section_of(assessment)
    grid = score_grid_build(assessment=assessment)
    context = {
        **section_nav(section, "assessments"),
        "assessment": assessment,
        "grid": grid,
        "other_sections": section_list_for_assessment_copy(actor=request.user, section=section),
    }
    return render(request, "teacher/assessment_score.html", context)


def _cell_context(
    assessment: Assessment,
    student: Student,
    column: ScoreColumn,
    evidence: Evidence | None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "assessment": assessment,
        "student": student,
        "cell": {"target": column.target, "criterion": column.criterion, "evidence": evidence},
        **extra,
    }


@login_required
@require_POST
def assessment_cell_save(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Save one cell (htmx): 200 with a confirmation and an undo, 422 with the reason."""
    assessment = access_assessment_by_id(request.user, assessment_id)
    section = _section_of(assessment)
    student = access_section_student_by_id(section, post_id(request, "student"))
    target = access_assessment_target_by_id(assessment, post_id(request, "target"))
    criterion_id = optional_post_id(request, "criterion")
    criterion = (
        access_assessment_criterion_by_id(assessment, criterion_id) if criterion_id else None
    )
    column = ScoreColumn(target=target, criterion=criterion, label=target.code)
    try:
        result = assessment_score(
            actor=request.user,
            assessment=assessment,
            student=student,
            target=target,
            score=parse_score(request.POST.get("score", "").strip()),
            criterion=criterion,
        )
    except EvidenceError as failure:
        context = _cell_context(assessment, student, column, None, error=failure.message)
        return render(request, "teacher/_cell_result.html", context, status=422)
    context = _cell_context(
        assessment,
        student,
        column,
        result.evidence,
        unchanged=result.is_unchanged,
        replaced=result.replaced,
    )
    return render(request, "teacher/_cell_result.html", context)


@login_required
@require_POST
def assessment_cell_undo(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Undo the last save of a cell (htmx): the cell shows its previous value again."""
    assessment = access_assessment_by_id(request.user, assessment_id)
    evidence = access_evidence_by_id(request.user, post_id(request, "evidence"))
    if evidence.assessment_id != assessment.pk or evidence.is_voided:
        raise Http404("No such entry.")
    restored = assessment_score_undo(actor=request.user, evidence=evidence)
    # The cell now shows its latest live score: the one brought back, or one from elsewhere
    # (an import, another teacher) that the undone save stood in front of.
    shown = restored or assessment_cell_live_score(
        assessment=assessment,
        student_id=evidence.student_id,
        target_id=evidence.target_id,
        criterion_id=evidence.criterion_id,
    )
    student = evidence.student
    column = ScoreColumn(target=evidence.target, criterion=evidence.criterion, label="")
    cell_html = score_cell_html(
        save_url=save_url_of(assessment), student=student, column=column, evidence=shown
    )
    context = _cell_context(
        assessment, student, column, shown, undone=evidence, cell_html=cell_html
    )
    return render(request, "teacher/_cell_undone.html", context)
