"""Recording reads and writes of student data in the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from masterypath.common.models import AuditAction, AuditEntry
from masterypath.common.read_ledger import note_students_audited


def _subject_label(subject: models.Model) -> str:
    return subject._meta.label_lower


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    subject: models.Model,
    student_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one audit entry; `student_id` names whose record it touches."""
    if AuditAction(action) == AuditAction.VIEW:
        named = (detail or {}).get("students", [])
        note_students_audited([student_id, *(named if isinstance(named, list) else [])])
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditAction(action),
        subject_type=_subject_label(subject),
        subject_id=subject.pk,
        student_id=student_id,
        detail=detail or {},
    )


def audit_record_many(
    *,
    actor: Any,
    action: AuditAction | str,
    subjects: Iterable[models.Model],
    student_id_of: Any = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Add one audit entry per subject in a single bulk insert; returns how many."""
    entries = [
        AuditEntry(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=AuditAction(action),
            subject_type=_subject_label(subject),
            subject_id=subject.pk,
            student_id=student_id_of(subject) if student_id_of else None,
            detail=detail or {},
        )
        for subject in subjects
    ]
    if AuditAction(action) == AuditAction.VIEW:
        note_students_audited(entry.student_id for entry in entries)
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def audit_record_batch(
    *,
    actor: Any,
    action: AuditAction | str,
    model: type[models.Model],
    detail: dict[str, Any],
) -> AuditEntry:
    """Add one entry for a batch of `model` rows (no single subject: the detail says which)."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditAction(action),
        subject_type=model._meta.label_lower,
        subject_id=None,
        detail=detail,
    )
