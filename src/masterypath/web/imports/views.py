"""District admins upload CASE packages and OneRoster bundles and watch the import jobs.

Anyone who is not a district admin gets 404, like every page that is not theirs.
"""

from __future__ import annotations

import csv
import shutil
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from masterypath.interop.case.tasks import KIND as CASE_KIND
from masterypath.interop.oneroster.tasks import KIND as ONEROSTER_KIND
from masterypath.jobs.errors import JobError, JobErrorCode
from masterypath.jobs.models import Job
from masterypath.jobs.selectors import job_get_for_district, job_list_for_district
from masterypath.jobs.services import job_enqueue, job_kind_title, job_refresh
from masterypath.web.district import admin_district_id

MAX_UPLOAD = 200 * 1024 * 1024


class CaseUploadForm(forms.Form):
    package = forms.FileField(label="CASE package (.json CFPackage or .csv spreadsheet)")
    mode = forms.ChoiceField(
        label="Checking",
        initial="strict",
        choices=[
            ("strict", "Strict: must pass the CASE 1.0/1.1 JSON Schema"),
            ("lenient", "Lenient: accept older drafts and report what was guessed"),
        ],
        widget=forms.RadioSelect,
    )

    def clean_package(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["package"]
        if not (upload.name or "").lower().endswith((".json", ".csv")):
            raise forms.ValidationError("Choose a .json or .csv file.")
        if (upload.size or 0) > MAX_UPLOAD:
            raise forms.ValidationError("The file is over 200 MB.")
        return upload


class OneRosterUploadForm(forms.Form):
    bundle = forms.FileField(label="OneRoster bundle (.zip with manifest.csv)")
    role_from_enrollments = forms.BooleanField(
        required=False,
        label="Import people whose role is student but who teach a class as teachers",
    )

    def clean_bundle(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["bundle"]
        if not (upload.name or "").lower().endswith(".zip"):
            raise forms.ValidationError("Choose a .zip file.")
        if (upload.size or 0) > MAX_UPLOAD:
            raise forms.ValidationError("The file is over 200 MB.")
        return upload


def _store(upload: UploadedFile[bytes]) -> Path:
    folder = Path(settings.DATA_DIR) / "imports" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    safe = "".join(c for c in Path(upload.name or "upload").name if c.isalnum() or c in "._-")
    path = folder / (safe or "upload")
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def _index(
    request: HttpRequest,
    district_id: int,
    case_form: CaseUploadForm,
    oneroster_form: OneRosterUploadForm,
    status: int = 200,
) -> HttpResponse:
    jobs = job_list_for_district(district_id=district_id, kinds=(CASE_KIND, ONEROSTER_KIND))
    return render(
        request,
        "imports/index.html",
        {
            "case_form": case_form,
            "oneroster_form": oneroster_form,
            "jobs": jobs,
        },
        status=status,
    )


@login_required
def import_index(request: HttpRequest) -> HttpResponse:
    district_id = admin_district_id(request)
    return _index(request, district_id, CaseUploadForm(), OneRosterUploadForm())


@login_required
@require_POST
def case_upload(request: HttpRequest) -> HttpResponse:
    district_id = admin_district_id(request)
    form = CaseUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, district_id, form, OneRosterUploadForm(), status=400)
    path = _store(form.cleaned_data["package"])
    params = {
        "files": [str(path)],
        "district_id": district_id,
        "strict": form.cleaned_data["mode"] == "strict",
        "actor_id": request.user.pk,
    }
    return _start(request, CASE_KIND, district_id, path, params)


@login_required
@require_POST
def oneroster_upload(request: HttpRequest) -> HttpResponse:
    district_id = admin_district_id(request)
    form = OneRosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, district_id, CaseUploadForm(), form, status=400)
    path = _store(form.cleaned_data["bundle"])
    params = {
        "path": str(path),
        "district_id": district_id,
        "actor_id": request.user.pk,
        "role_from_enrollments": form.cleaned_data["role_from_enrollments"],
    }
    return _start(request, ONEROSTER_KIND, district_id, path, params)


def _start(
    request: HttpRequest, kind: str, district_id: int, path: Path, params: dict[str, Any]
) -> HttpResponse:
    """Queue the import and show its page; one import runs at a time in a district, so while
    another one is queued or running this upload is dropped and that import's page says why."""
    try:
        job = job_enqueue(
            kind=kind,
            created_by=request.user,
            district_id=district_id,
            params=params,
            message=f"Waiting to import {path.name}.",
        )
    except JobError as error:
        if error.code != JobErrorCode.ALREADY_RUNNING:
            raise
        shutil.rmtree(path.parent, ignore_errors=True)
        messages.error(request, error.message)
        return redirect("imports-job", job_id=error.context["job_id"])
    return redirect("imports-job", job_id=job.pk)


def _job(request: HttpRequest, job_id: int) -> Job:
    job = job_get_for_district(job_id=job_id, district_id=admin_district_id(request))
    if job is None:
        raise Http404("No such import.")
    return job_refresh(job)


def _where(entry: dict[str, Any]) -> str:
    if "path" in entry:
        return str(entry.get("path") or "")
    line = entry.get("line")
    return f"line {line}" if line else ""


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    rows = [{**e, "where": _where(e)} for e in job.errors[:500]]
    warnings = [{**w, "where": _where(w)} for w in job.warnings[:500]]
    return render(
        request,
        "imports/job.html",
        {
            "job": job,
            "errors": rows,
            "error_count": len(job.errors),
            "warnings": warnings,
            "warning_count": len(job.warnings),
            "kind_label": _label(job.kind),
        },
    )


@login_required
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment the job page polls while the import runs."""
    job = _job(request, job_id)
    return render(request, "imports/_progress.html", {"job": job})


@login_required
def job_errors_csv(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    writer = csv.writer(response)
    writer.writerow(["severity", "file", "where", "column", "message"])
    for severity, entries in (("error", job.errors), ("warning", job.warnings)):
        for entry in entries:
            writer.writerow(
                [
                    severity,
                    entry.get("file", ""),
                    _where(entry),
                    entry.get("column", ""),
                    entry.get("message", ""),
                ]
            )
    return response


def _label(kind: str) -> str:
    return {CASE_KIND: "CASE standards", ONEROSTER_KIND: "OneRoster roster"}.get(
        kind, job_kind_title(kind)
    )
