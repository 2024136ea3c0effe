"""Importing a CSV of scores: upload and preview every row and error, then confirm."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from masterypath.evidence.access import access_scorable_section_by_id, access_score_import_by_id
from masterypath.evidence.csv_import import (
    import_max_bytes,
    score_import_commit,
    score_import_preview,
)
from masterypath.evidence.errors import EvidenceError
from masterypath.web.inputs import too_large
from masterypath.web.teacher.forms import ImportForm
from masterypath.web.teacher.views.common import section_nav


@login_required
def import_scores(request: HttpRequest, section_id: int) -> HttpResponse:
    """Upload a CSV, see every row and every error; confirm on the next step."""
    section = access_scorable_section_by_id(request.user, section_id)
    preview = None
    score_import = None
    error = ""
    form = ImportForm()
    if request.method == "POST":
        error = too_large(request, import_max_bytes())
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
        **section_nav(section, "import"),
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
    score_import = access_score_import_by_id(request.user, import_id)
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
