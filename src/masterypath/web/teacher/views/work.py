"""Student work of a section: the list with an upload form, one piece to score, its file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from masterypath.evidence.access import (
    access_artifact_by_id,
    access_artifact_target_by_id,
    access_scorable_artifact_by_id,
    access_scorable_section_by_id,
)
from masterypath.evidence.artifacts import artifact_max_bytes, artifact_score, artifact_upload
from masterypath.evidence.errors import EvidenceError
from masterypath.evidence.selectors import (
    artifact_list_for_section,
    evidence_list_for_artifact,
    scale_levels_of,
    target_list_for_artifact,
    target_list_for_section,
)
from masterypath.evidence.services import parse_score
from masterypath.roster.selectors import student_list_for_section
from masterypath.web.forms import ArtifactForm
from masterypath.web.inputs import post_id, too_large
from masterypath.web.teacher.views.common import LEVELS, section_level, section_nav, status_of


@login_required
def work_list(request: HttpRequest, section_id: int) -> HttpResponse:
    """The section's student work, and an upload form for one of its students."""
    section = access_scorable_section_by_id(request.user, section_id)
    level = section_level(request, section)
    error = too_large(request, artifact_max_bytes()) if request.method == "POST" else ""
    form = ArtifactForm(
        None if error else (request.POST or None),
        None if error else (request.FILES or None),
        targets=target_list_for_section(section=section, level=level),
        students=student_list_for_section(section=section),
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
        **section_nav(section, "work"),
        "form": form,
        "error": error,
        "artifacts": artifact_list_for_section(section=section),
        "max_mb": artifact_max_bytes() / 1048576,
        "level": level,
        "levels": LEVELS,
    }
    return render(request, "teacher/work_list.html", context, status=status_of(error))


@login_required
def work_detail(request: HttpRequest, artifact_id: int) -> HttpResponse:
    """One piece of work: view it, score it on its targets."""
    artifact = access_scorable_artifact_by_id(request.user, artifact_id)
    error = ""
    if request.method == "POST":
        target = access_artifact_target_by_id(artifact, post_id(request, "target"))
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
    targets = target_list_for_artifact(artifact=artifact)
    context = {
        "artifact": artifact,
        "scores": evidence_list_for_artifact(artifact=artifact),
        "targets": targets,
        "error": error,
        "scale_levels": scale_levels_of(targets[0]) if targets else [],
    }
    return render(request, "teacher/work_detail.html", context, status=422 if error else 200)


@login_required
def work_file(request: HttpRequest, artifact_id: int) -> FileResponse:
    """The file itself, for who may see the work (its student too); never a public URL."""
    artifact = access_artifact_by_id(request.user, artifact_id)
    response = FileResponse(artifact.file.open("rb"), content_type=artifact.content_type)
    response["Content-Disposition"] = (
        "inline"
        if artifact.content_type.startswith(("image/", "application/pdf"))
        else "attachment"
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
