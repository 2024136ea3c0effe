"""Attendance and behaviour from CSV: a preview first, then all or nothing.

Attendance (one row per student and school day)::

    sourcedId,studentSourcedId,date,status
    att-1,student-100001,2026-09-01,present

``status`` is present, tardy, absent_excused or absent_unexcused. Incidents::

    sourcedId,studentSourcedId,date,category,severity
    inc-1,student-100001,2026-09-14,disruption,minor

``severity`` is minor, moderate or major. Students are found by their OneRoster
``sourcedId`` in the importing district. Every error names the file, the row (the header is
row 1) and the field; with any error nothing is written. Importing the same file again
changes nothing: attendance is one row per student and day, an incident is kept by its
``sourcedId``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from masterypath.accounts.models import User
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.earlywarning.models import (
    AttendanceDay,
    AttendanceStatus,
    Incident,
    IncidentSeverity,
)
from masterypath.roster.models import Student
from masterypath.schools.models import District

COLUMNS = {
    "attendance": ("sourcedId", "studentSourcedId", "date", "status"),
    "incidents": ("sourcedId", "studentSourcedId", "date", "category", "severity"),
}


@dataclass(frozen=True, slots=True)
class RowError:
    file: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, {self.field}: {self.message}"


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False


def _read(text: str, kind: str, file_name: str) -> tuple[list[dict[str, str]], list[RowError]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    wanted = COLUMNS[kind]
    missing = [name for name in wanted if name not in (reader.fieldnames or [])]
    if missing:
        return [], [RowError(file_name, 1, name, "column missing") for name in missing]
    return [dict(row) for row in reader], []


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def attendance_import(
    *, actor: User | None, district: District, kind: str, file_name: str, text: str, commit: bool
) -> ImportResult:
    """Check every row; with ``commit`` and no error, write them all in one transaction."""
    if kind not in COLUMNS:
        raise ValueError(f"kind must be one of {', '.join(COLUMNS)}, not {kind!r}")
    result = ImportResult(kind=kind)
    rows, result.errors = _read(text, kind, file_name)
    result.rows = len(rows)
    students = dict(
        Student.objects.filter(
            district=district, source_id__in={row.get("studentSourcedId", "") for row in rows}
        ).values_list("source_id", "pk")
    )
    parsed: list[tuple[str, int, date, str, str]] = []
    seen: set[tuple[int, date]] = set()
    for number, row in enumerate(rows, start=2):
        errors = []
        student_id = students.get(row["studentSourcedId"].strip())
        if student_id is None:
            errors.append(
                RowError(file_name, number, "studentSourcedId", "no such student in the district")
            )
        day = _date(row["date"])
        if day is None:
            errors.append(RowError(file_name, number, "date", "not a date (YYYY-MM-DD)"))
        if kind == "attendance":
            value = row["status"].strip()
            if value not in AttendanceStatus.values:
                errors.append(
                    RowError(
                        file_name, number, "status", f"one of {', '.join(AttendanceStatus.values)}"
                    )
                )
            extra = ""
            if student_id is not None and day is not None:
                if (student_id, day) in seen:
                    errors.append(RowError(file_name, number, "date", "a second row for that day"))
                seen.add((student_id, day))
        else:
            value = row["severity"].strip()
            extra = row["category"].strip()
            if value not in IncidentSeverity.values:
                errors.append(
                    RowError(
                        file_name,
                        number,
                        "severity",
                        f"one of {', '.join(IncidentSeverity.values)}",
                    )
                )
            if not extra:
                errors.append(RowError(file_name, number, "category", "required"))
            if not row["sourcedId"].strip():
                errors.append(RowError(file_name, number, "sourcedId", "required"))
        result.errors.extend(errors)
        if not errors and student_id is not None and day is not None:
            parsed.append((row["sourcedId"].strip(), student_id, day, value, extra))
    if result.errors:
        return result
    with transaction.atomic():
        _write(result, kind, parsed, district)
        if commit:
            result.committed = True
            audit_record(
                actor=actor,
                action=AuditAction.IMPORT,
                subject=district,
                detail={"file": file_name, "kind": kind, "rows": result.rows},
            )
        else:
            transaction.set_rollback(True)  # a preview: the counts, nothing kept
    return result


def _write(
    result: ImportResult,
    kind: str,
    parsed: list[tuple[str, int, date, str, str]],
    district: District,
) -> None:
    if kind == "attendance":
        existing = {
            (row.student_id, row.on): row
            for row in AttendanceDay.objects.filter(
                student_id__in={p[1] for p in parsed}, on__in={p[2] for p in parsed}
            )
        }
        new, changed = [], []
        for source_id, student_id, day, status, _ in parsed:
            stored = existing.get((student_id, day))
            if stored is None:
                new.append(
                    AttendanceDay(student_id=student_id, on=day, status=status, source_id=source_id)
                )
            elif stored.status != status:
                stored.status = status
                changed.append(stored)
            else:
                result.unchanged += 1
        AttendanceDay.objects.bulk_create(new, batch_size=2000)
        AttendanceDay.objects.bulk_update(changed, ["status"], batch_size=2000)
        result.created, result.updated = len(new), len(changed)
        return
    stored_incidents = {
        row.source_id: row for row in Incident.objects.filter(source_id__in={p[0] for p in parsed})
    }
    fresh, edited = [], []
    for source_id, student_id, day, severity, category in parsed:
        incident = stored_incidents.get(source_id)
        if incident is None:
            fresh.append(
                Incident(
                    student_id=student_id,
                    occurred_on=day,
                    category=category,
                    severity=severity,
                    source_id=source_id,
                )
            )
        elif (incident.student_id, incident.occurred_on, incident.category, incident.severity) != (
            student_id,
            day,
            category,
            severity,
        ):
            incident.student_id, incident.occurred_on = student_id, day
            incident.category, incident.severity = category, severity
            edited.append(incident)
        else:
            result.unchanged += 1
    Incident.objects.bulk_create(fresh, batch_size=2000)
    Incident.objects.bulk_update(
        edited, ["student", "occurred_on", "category", "severity"], batch_size=2000
    )
    result.created, result.updated = len(fresh), len(edited)


@transaction.atomic
def attendance_insert_many(*, days: list[AttendanceDay], incidents: list[Incident]) -> None:
    """Store attendance rows and incidents already built and checked by the caller (the demo
    seed draws them); the CSV import above is the way in for a district's own data."""
    AttendanceDay.objects.bulk_create(days, batch_size=5000)
    Incident.objects.bulk_create(incidents, batch_size=2000)
