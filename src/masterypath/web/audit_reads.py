"""Every read of students' records leaves one audit entry per request, naming the students."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models

from masterypath.accounts.actors import Actor
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction, AuditEntry
from masterypath.roster.models import Student


def audit_students_read(
    *,
    actor: Actor,
    students: Sequence[Student],
    page: str,
    subject: models.Model | None = None,
    detail: dict[str, object] | None = None,
) -> AuditEntry | None:
    """One `view` entry for a page that shows these students' records (none for no one).

    `student_id` is set when the page shows one student, so a student's audit trail finds
    it by index; `detail` always lists every student shown and names the page.
    """
    if not students:
        return None
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        subject=subject if subject is not None else students[0],
        student_id=students[0].pk if len(students) == 1 else None,
        detail={"page": page, "students": [s.pk for s in students], **(detail or {})},
    )
