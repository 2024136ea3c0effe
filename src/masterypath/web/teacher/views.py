"""Teacher pages: gradebook, class scoring, exit tickets, observations, student work, imports,
corrections; and the student's side of exit tickets and uploads.

Views stay thin: guards in evidence.access / roster.access decide visibility (404 otherwise),
services write, selectors read.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from masterypath.accounts.models import Role, User
from masterypath.continuum.models import LearningTarget, Rubric, RubricCriterion
from masterypath.evidence import selectors
from masterypath.evidence.access import (
    access_artifact_by_id,
    access_assessment_by_id,
    access_evidence_by_id,
    access_scorable_section_by_id,
)
from masterypath.evidence.artifacts import artifact_max_bytes, artifact_score, artifact_upload
from masterypath.evidence.csv_import import (
    import_max_bytes,
    score_import_commit,
    score_import_preview,
)
from masterypath.evidence.errors import EvidenceError
from masterypath.evidence.models import (
    Assessment,
    Evidence,
    EvidenceKind,
    EvidenceSource,
    ScoreImport,
)
from masterypath.evidence.services import (
    assessment_copy,
    assessment_create,
    assessment_score,
    assessment_score_undo,
    evidence_void,
    observation_create,
    parse_score,
    self_assessment_record,
)
from masterypath.roster.access import sections_visible_to
from masterypath.roster.models import Section, Student
from masterypath.roster.selectors import student_list_for_section
from masterypath.web.teacher.forms import (
    ArtifactForm,
    AssessmentForm,
    ExitTicketForm,
    ImportForm,
    ObservationForm,
    VoidForm,
)
from masterypath.web.teacher.gradebook import MAX_LEVEL, gradebook_build

# Requests bigger than the limit plus room for the other form fields are refused before
# Django reads the body, so a 50 MB upload costs nothing.
FORM_OVERHEAD_BYTES = 64 * 1024


def _user(request: HttpRequest) -> User:
    """The signed-in user: every page here is behind login_required."""
    return cast(User, request.user)


def _too_large(request: HttpRequest, limit: int) -> str:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + FORM_OVERHEAD_BYTES:
        return (
            f"The file is {length / 1048576:.1f} MB; files may be at most "
            f"{limit / 1048576:.1f} MB. Nothing was saved."
        )
    return ""


def _level(request: HttpRequest, section: Section) -> int:
    raw = request.GET.get("level", "")
    if raw.lstrip("-").isdigit():
        return max(0, min(MAX_LEVEL, int(raw)))
    return selectors.default_level_for_section(section=section)


def _section_nav(section: Section, active: str) -> dict[str, Any]:
    return {"section": section, "active": active}


# -- gradebook ------------------------------------------------------------------------------


@login_required
def gradebook(request: HttpRequest, section_id: int) -> HttpResponse:
    """Students x targets at one continuum level, coloured by mastery."""
    section = access_scorable_section_by_id(request.user, section_id)
    book = gradebook_build(section=section, level=_level(request, section))
    context = {
        **_section_nav(section, "gradebook"),
        "book": book,
        "levels": range(MAX_LEVEL + 1),
        "assessments": selectors.assessment_list_for_section(section=section)[:8],
    }
    return render(request, "teacher/gradebook.html", context)


# -- assessments ----------------------------------------------------------------------------


def _rubrics_for(targets: list[LearningTarget]) -> Any:
    return (
        Rubric.objects.filter(Q(targets__in=targets) | Q(criteria__target__in=targets))
        .distinct()
        .order_by("title")
    )


@login_required
def assessment_list(request: HttpRequest, section_id: int) -> HttpResponse:
    section = access_scorable_section_by_id(request.user, section_id)
    context = {
        **_section_nav(section, "assessments"),
        "assessments": selectors.assessment_list_for_section(section=section),
    }
    return render(request, "teacher/assessment_list.html", context)


@login_required
def assessment_new(request: HttpRequest, section_id: int) -> HttpResponse:
    """Create an assessment: kind, date, DOK, targets and an optional rubric."""
    section = access_scorable_section_by_id(request.user, section_id)
    level = _level(request, section)
    targets = selectors.target_list_for_section(section=section, level=level)
    form = AssessmentForm(request.POST or None, targets=targets, rubrics=_rubrics_for(targets))
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
        **_section_nav(section, "assessments"),
        "form": form,
        "error": error,
        "level": level,
        "levels": range(MAX_LEVEL + 1),
    }
    return render(request, "teacher/assessment_new.html", context, status=422 if error else 200)


def _grid_columns(assessment: Assessment) -> list[dict[str, Any]]:
    """One column per target, or per rubric criterion (grouped under its target)."""
    targets = list(
        assessment.targets.select_related("competency__domain__framework__scale").prefetch_related(
            "competency__domain__framework__scale__levels"
        )
    )
    if assessment.rubric_id:
        criteria = list(
            RubricCriterion.objects.filter(rubric_id=assessment.rubric_id)
            .select_related("target")
            .order_by("position", "pk")
        )
        by_target = {t.pk: t for t in targets}
        return [
            {
                "target": by_target[c.target_id],
                "criterion": c,
                "label": f"{c.title} ({c.target.code})" if c.target else c.title,
            }
            for c in criteria
            if c.target_id in by_target
        ]
    return [{"target": t, "criterion": None, "label": t.code} for t in targets]


def _scale_hint(columns: list[dict[str, Any]]) -> str:
    if not columns:
        return ""
    scale = columns[0]["target"].competency.domain.framework.scale
    return ", ".join(
        f"{level.value.normalize()} {level.label}"
        for level in sorted(scale.levels.all(), key=lambda lv: lv.value)
    )


@login_required
def assessment_score_page(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The class-scoring grid: students x targets (or rubric criteria), keyboard only."""
    assessment = access_assessment_by_id(request.user, assessment_id)
    section = assessment.section
    assert section is not None  # noqa: S101 - the guard only finds section assessments
    columns = _grid_columns(assessment)
    students = selectors.student_list_for_scoring(section=section)
    live = selectors.assessment_live_scores(assessment=assessment)
    rows = [
        (
            student,
            [
                {
                    **column,
                    "evidence": live.get(
                        (
                            student.pk,
                            column["target"].pk,
                            column["criterion"].pk if column["criterion"] else None,
                        )
                    ),
                }
                for column in columns
            ],
        )
        for student in students
    ]
    self_scores = {}
    if assessment.allows_self_assessment:
        self_scores = selectors.assessment_live_scores(
            assessment=assessment, source=EvidenceSource.STUDENT
        )
    other_sections = (
        sections_visible_to(request.user)
        .exclude(pk=section.pk)
        .filter(course__frameworks__in=section.course.frameworks.all())
        .distinct()
        .select_related("session")
        .order_by("-session__starts_on", "title")
        if _user(request).role in {Role.TEACHER, Role.PRINCIPAL, Role.DISTRICT_ADMIN}
        else []
    )
    context = {
        **_section_nav(section, "assessments"),
        "assessment": assessment,
        "columns": columns,
        "rows": rows,
        "scale_hint": _scale_hint(columns),
        "self_rows": [
            (student, [self_scores.get((student.pk, c["target"].pk, None)) for c in columns])
            for student in students
        ]
        if self_scores
        else [],
        "other_sections": list(other_sections)[:50],
    }
    return render(request, "teacher/assessment_score.html", context)


def _cell_context(
    assessment: Assessment,
    student: Student,
    column: dict[str, Any],
    evidence: Evidence | None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "assessment": assessment,
        "student": student,
        "cell": {**column, "evidence": evidence},
        **extra,
    }


@login_required
@require_POST
def assessment_cell_save(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Save one cell (htmx): 200 with a confirmation and an undo, 422 with the reason."""
    assessment = access_assessment_by_id(request.user, assessment_id)
    section = assessment.section
    assert section is not None  # noqa: S101
    student = get_object_or_404(
        Student.objects.filter(enrollments__section=section), pk=request.POST.get("student") or 0
    )
    target = get_object_or_404(
        assessment.targets.select_related("competency__domain__framework__scale"),
        pk=request.POST.get("target") or 0,
    )
    criterion = None
    if request.POST.get("criterion"):
        criterion = get_object_or_404(
            RubricCriterion, pk=request.POST["criterion"], rubric_id=assessment.rubric_id
        )
    column = {"target": target, "criterion": criterion}
    raw = request.POST.get("score", "").strip()
    try:
        result = assessment_score(
            actor=request.user,
            assessment=assessment,
            student=student,
            target=target,
            score=parse_score(raw),
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
    evidence = access_evidence_by_id(request.user, int(request.POST.get("evidence") or 0))
    if evidence.assessment_id != assessment.pk or evidence.is_voided:
        raise Http404("No such entry.")
    restored = assessment_score_undo(actor=request.user, evidence=evidence)
    column = {"target": evidence.target, "criterion": evidence.criterion}
    context = _cell_context(assessment, evidence.student, column, restored, undone=evidence)
    return render(request, "teacher/_cell_undone.html", context)


@login_required
@require_POST
def assessment_copy_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, assessment_id)
    section = access_scorable_section_by_id(request.user, int(request.POST.get("section") or 0))
    try:
        copy = assessment_copy(actor=request.user, assessment=assessment, section=section)
    except EvidenceError as failure:
        messages.error(request, failure.message)
        return redirect("teacher:assessment-score", assessment.pk)
    messages.success(request, f"Copied {assessment.title} to {section.title}.")
    return redirect("teacher:assessment-score", copy.pk)


# -- exit tickets ---------------------------------------------------------------------------


@login_required
def exit_ticket_new(request: HttpRequest, section_id: int) -> HttpResponse:
    """A quick check: 1-3 targets, today, then straight to the scoring grid."""
    section = access_scorable_section_by_id(request.user, section_id)
    level = _level(request, section)
    targets = selectors.target_list_for_section(section=section, level=level)
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
        **_section_nav(section, "exit"),
        "form": form,
        "error": error,
        "level": level,
        "levels": range(MAX_LEVEL + 1),
    }
    return render(request, "teacher/exit_ticket_new.html", context, status=422 if error else 200)


# -- observations ---------------------------------------------------------------------------


@login_required
def observation_new(request: HttpRequest, section_id: int) -> HttpResponse:
    section = access_scorable_section_by_id(request.user, section_id)
    level = _level(request, section)
    targets = selectors.target_list_for_section(section=section, level=level)
    students = student_list_for_section(section=section)
    form = ObservationForm(request.POST or None, students=students, targets=targets)
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
        **_section_nav(section, "observe"),
        "form": form,
        "error": error,
        "level": level,
        "levels": range(MAX_LEVEL + 1),
    }
    return render(request, "teacher/observation_new.html", context, status=422 if error else 200)


# -- student work ---------------------------------------------------------------------------


@login_required
def work_list(request: HttpRequest, section_id: int) -> HttpResponse:
    """The section's student work, and an upload form for one of its students."""
    section = access_scorable_section_by_id(request.user, section_id)
    level = _level(request, section)
    targets = selectors.target_list_for_section(section=section, level=level)
    students = student_list_for_section(section=section)
    error = ""
    if request.method == "POST":
        error = _too_large(request, artifact_max_bytes())
    form = ArtifactForm(
        request.POST or None if not error else None,
        request.FILES or None if not error else None,
        targets=targets,
        students=students,
    )
    if request.method == "POST" and not error and form.is_valid():
        data = form.cleaned_data
        try:
            artifact = artifact_upload(
                actor=request.user,
                student=data["student"],
                upload=data["file"],
                title=data["title"],
                targets=list(data["targets"]),
                dok=data["dok"],
            )
        except EvidenceError as failure:
            error = failure.message
        else:
            messages.success(request, f"Uploaded {artifact.title}. Score it below.")
            return redirect("teacher:work-detail", artifact.pk)
    context = {
        **_section_nav(section, "work"),
        "form": form,
        "error": error,
        "artifacts": selectors.artifact_list_for_section(section=section),
        "max_mb": artifact_max_bytes() / 1048576,
        "level": level,
        "levels": range(MAX_LEVEL + 1),
    }
    status = 413 if error.startswith("The file is") else 422 if error else 200
    return render(request, "teacher/work_list.html", context, status=status)


@login_required
def work_detail(request: HttpRequest, artifact_id: int) -> HttpResponse:
    """One piece of work: view it, score it on its targets."""
    artifact = access_artifact_by_id(request.user, artifact_id)
    if _user(request).role not in {Role.TEACHER, Role.PRINCIPAL, Role.DISTRICT_ADMIN}:
        raise Http404("No such work.")
    error = ""
    if request.method == "POST":
        target = get_object_or_404(
            artifact.targets.select_related("competency__domain__framework__scale"),
            pk=request.POST.get("target") or 0,
        )
        try:
            evidence = artifact_score(
                actor=request.user,
                artifact=artifact,
                target=target,
                score=parse_score(request.POST.get("score", "")),
                comment=request.POST.get("comment", ""),
            )
        except EvidenceError as failure:
            error = failure.message
        else:
            messages.success(request, f"Scored {evidence.score.normalize()} on {target.code}.")
            return redirect("teacher:work-detail", artifact.pk)
    scores = list(
        artifact.evidence.select_related("target", "recorded_by").order_by("-recorded_at")
    )
    targets = list(
        artifact.targets.select_related("competency__domain__framework__scale").prefetch_related(
            "competency__domain__framework__scale__levels"
        )
    )
    context = {
        "artifact": artifact,
        "scores": scores,
        "targets": targets,
        "error": error,
        "scale_levels": (
            sorted(
                targets[0].competency.domain.framework.scale.levels.all(), key=lambda lv: lv.value
            )
            if targets
            else []
        ),
    }
    return render(request, "teacher/work_detail.html", context, status=422 if error else 200)


@login_required
def work_file(request: HttpRequest, artifact_id: int) -> FileResponse:
    """The file itself, for who may see the work; never served from a public URL."""
    artifact = access_artifact_by_id(request.user, artifact_id)
    response = FileResponse(artifact.file.open("rb"), content_type=artifact.content_type)
    response["Content-Disposition"] = (
        "inline"
        if artifact.content_type.startswith(("image/", "application/pdf"))
        else "attachment"
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


# -- CSV import -----------------------------------------------------------------------------


@login_required
def import_scores(request: HttpRequest, section_id: int) -> HttpResponse:
    """Upload a CSV, see every row and every error; confirm on the next step."""
    section = access_scorable_section_by_id(request.user, section_id)
    preview = None
    score_import = None
    error = ""
    form = ImportForm()
    if request.method == "POST":
        error = _too_large(request, import_max_bytes())
        if not error:
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                if upload.size > import_max_bytes():
                    error = (
                        f"{upload.name} is {upload.size / 1048576:.1f} MB; a score file may "
                        f"be at most {import_max_bytes() / 1048576:.1f} MB. Nothing was "
                        "saved."
                    )
                else:
                    score_import, preview = score_import_preview(
                        actor=request.user,
                        section=section,
                        filename=upload.name,
                        data=upload.read(),
                    )
    context = {
        **_section_nav(section, "import"),
        "form": form,
        "preview": preview,
        "score_import": score_import,
        "error": error,
        "max_mb": import_max_bytes() / 1048576,
    }
    status = 200
    if error:
        status = 413
    elif preview is not None and not preview.is_valid:
        status = 422
    return render(request, "teacher/import.html", context, status=status)


@login_required
@require_POST
def import_confirm(request: HttpRequest, import_id: int) -> HttpResponse:
    score_import = get_object_or_404(
        ScoreImport.objects.filter(
            uploaded_by=_user(request), section__in=sections_visible_to(request.user)
        ),
        pk=import_id,
    )
    try:
        added = score_import_commit(actor=request.user, score_import=score_import)
    except EvidenceError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request,
            f"Imported {added} score{'s' if added != 1 else ''} from {score_import.filename}.",
        )
    return redirect("teacher:gradebook", score_import.section_id)


# -- corrections ----------------------------------------------------------------------------


@login_required
def evidence_history(
    request: HttpRequest, section_id: int, student_id: int, target_id: int
) -> HttpResponse:
    """Every entry of a student on a target, voided ones too, with a void form per live one."""
    section = access_scorable_section_by_id(request.user, section_id)
    student = get_object_or_404(Student.objects.filter(enrollments__section=section), pk=student_id)
    if target_id not in selectors.section_target_ids(section=section):
        raise Http404("No such target.")
    target = get_object_or_404(
        LearningTarget.objects.select_related("competency__domain"), pk=target_id
    )
    context = {
        **_section_nav(section, "gradebook"),
        "student": student,
        "target": target,
        "history": selectors.evidence_history(student=student, target=target),
        "level": request.GET.get("level", ""),
    }
    return render(request, "teacher/evidence_history.html", context)


@login_required
@require_POST
def evidence_void_view(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = access_evidence_by_id(request.user, evidence_id)
    section = access_scorable_section_by_id(request.user, int(request.POST.get("section") or 0))
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


# -- the student's side ---------------------------------------------------------------------


def _student_of(request: HttpRequest) -> Student:
    if getattr(request.user, "role", "") != Role.STUDENT:
        raise Http404("Students only.")
    student = Student.objects.filter(user=_user(request)).first()
    if student is None:
        raise Http404("Students only.")
    return student


@login_required
def my_exit_tickets(request: HttpRequest) -> HttpResponse:
    """Exit tickets of my classes that ask me to rate myself."""
    student = _student_of(request)
    tickets = (
        Assessment.objects.filter(
            section__enrollments__student=student, allows_self_assessment=True
        )
        .select_related("section")
        .prefetch_related("targets")
        .order_by("-assessed_on", "-id")
    )
    return render(
        request, "teacher/my_exit_tickets.html", {"student": student, "tickets": tickets[:20]}
    )


@login_required
def my_exit_ticket(request: HttpRequest, assessment_id: int) -> HttpResponse:
    student = _student_of(request)
    ticket = get_object_or_404(
        Assessment.objects.filter(
            section__enrollments__student=student, allows_self_assessment=True
        ),
        pk=assessment_id,
    )
    targets = list(
        ticket.targets.select_related("competency__domain__framework__scale").prefetch_related(
            "competency__domain__framework__scale__levels"
        )
    )
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
            messages.success(request, "Thank you: your answers are saved.")
            return redirect("teacher:my-exit-tickets")
    mine = selectors.assessment_live_scores(assessment=ticket, source=EvidenceSource.STUDENT)
    items = [
        {
            "target": t,
            "levels": sorted(
                t.competency.domain.framework.scale.levels.all(), key=lambda lv: lv.value
            ),
            "current": mine.get((student.pk, t.pk, None)),
        }
        for t in targets
    ]
    return render(
        request,
        "teacher/my_exit_ticket.html",
        {"ticket": ticket, "items": items, "error": error},
        status=422 if error else 200,
    )


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """My uploads, and a form to add one (only for myself)."""
    student = _student_of(request)
    targets = list(
        LearningTarget.objects.filter(
            pk__in=selectors.target_ids_for_student(student=student), level=student.grade_level
        )
        .select_related("competency")
        .order_by("code")
    )
    error = _too_large(request, artifact_max_bytes()) if request.method == "POST" else ""
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
            messages.success(request, "Uploaded. Your teacher can now see and score it.")
            return redirect("teacher:my-work")
    context = {
        "student": student,
        "form": form,
        "error": error,
        "artifacts": selectors.artifact_list_for_student(student=student),
        "max_mb": artifact_max_bytes() / 1048576,
    }
    status = 413 if error.startswith("The file is") else 422 if error else 200
    return render(request, "teacher/my_work.html", context, status=status)
