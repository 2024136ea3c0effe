"""A district administrator downloads one student's whole record as a zip of JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from masterypath.reports.student_record import student_record_get
from masterypath.roster.access import access_student_by_id
from masterypath.web.audit_reads import audit_students_read
from masterypath.web.district import admin_district_id


def _csv(rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


@login_required
def student_record_zip(request: HttpRequest, student_id: int) -> HttpResponse:
    district_id = admin_district_id(request)
    student = access_student_by_id(request.user, student_id)
    if student.district_id != district_id:
        raise Http404("No such student.")
    record = student_record_get(student=student)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("profile.json", json.dumps(record.profile, indent=2, ensure_ascii=False))
        for name, rows in record.tables.items():
            archive.writestr(f"{name}.csv", _csv(rows))
        for artifact, row in zip(record.artifacts, record.tables["artifacts"], strict=True):
            if artifact.file and row["file"]:
                with artifact.file.open("rb") as handle:
                    archive.writestr(str(row["file"]), handle.read())
    audit_students_read(actor=request.user, students=[student], page="student.record_zip")
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="student-{student.local_id}.zip"'
    return response
