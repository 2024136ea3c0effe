"""Writes of evidence: record and void. Each validates, saves, audits, then publishes an event."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from masterypath.common import events
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.continuum.models import LearningTarget
from masterypath.evidence.errors import EvidenceError, EvidenceErrorCode
from masterypath.evidence.models import Assessment, Evidence, EvidenceKind, EvidenceSource
from masterypath.roster.access import can_record_evidence_for
from masterypath.roster.models import Student

# A clock skew allowance: a device a few minutes ahead of the server is not "the future".
FUTURE_TOLERANCE = timedelta(minutes=5)


def _check_score(target: LearningTarget, score: Decimal) -> None:
    scale = target.competency.domain.framework.scale
    if not scale.contains(score):
        raise EvidenceError(
            EvidenceErrorCode.SCORE_OFF_SCALE,
            f"Score {score} is off the scale of {target.code} ({scale.minimum}-{scale.maximum}).",
            score=score, target=target.code,
        )


@transaction.atomic
def evidence_record(
    *,
    actor: Any,
    student: Student,
    target: LearningTarget,
    score: Decimal,
    observed_at: datetime,
    kind: EvidenceKind | str,
    source: EvidenceSource | str = EvidenceSource.TEACHER,
    assessment: Assessment | None = None,
    dok: int | None = None,
    comment: str = "",
    source_id: str = "",
) -> Evidence:
    """Store one score of `student` on `target`; the actor must serve the student."""
    if not can_record_evidence_for(actor, student):
        raise EvidenceError(
            EvidenceErrorCode.NOT_ALLOWED, "You may not record evidence for this student."
        )
    score = Decimal(score)
    _check_score(target, score)
    if observed_at > timezone.now() + FUTURE_TOLERANCE:
        raise EvidenceError(
            EvidenceErrorCode.FUTURE_DATE, f"The date {observed_at:%Y-%m-%d} is in the future."
        )
    if dok is not None and not 1 <= dok <= 4:
        raise EvidenceError(EvidenceErrorCode.DOK_OUT_OF_RANGE, f"DOK must be 1-4, not {dok}.")
    evidence = Evidence(
        student=student, target=target, score=score, observed_at=observed_at,
        kind=EvidenceKind(kind), source=EvidenceSource(source), assessment=assessment,
        dok=dok, comment=comment, source_id=source_id, recorded_by=actor,
    )
    evidence.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, subject=evidence, student_id=student.pk,
        detail={"target": target.code, "score": str(score)},
    )
    transaction.on_commit(
        lambda: events.publish("evidence.recorded", evidence_id=evidence.pk)
    )
    return evidence


@transaction.atomic
def evidence_void(*, actor: Any, evidence: Evidence, reason: str) -> Evidence:
    """Mark a wrong entry void; it stays in the history with who voided it and why."""
    evidence = Evidence.objects.select_for_update().select_related("student").get(pk=evidence.pk)
    if not can_record_evidence_for(actor, evidence.student):
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "You may not change this evidence.")
    if evidence.is_voided:
        raise EvidenceError(EvidenceErrorCode.ALREADY_VOIDED, "This evidence is already void.")
    if not reason.strip():
        raise EvidenceError(EvidenceErrorCode.REASON_REQUIRED, "Say why the entry is void.")
    evidence.is_voided = True
    evidence.voided_reason = reason.strip()
    evidence.voided_by = actor
    evidence.voided_at = timezone.now()
    evidence.save(update_fields=["is_voided", "voided_reason", "voided_by", "voided_at"])
    audit_record(
        actor=actor, action=AuditAction.VOID, subject=evidence, student_id=evidence.student_id,
        detail={"reason": evidence.voided_reason},
    )
    transaction.on_commit(lambda: events.publish("evidence.voided", evidence_id=evidence.pk))
    return evidence
