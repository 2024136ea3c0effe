"""Erasing one student's record under the district's retention policy (docs/security.md,
"Retention and erasure").

This composes the owners' services, each of which writes its own app's rows: evidence is
voided through the evidence void path (one batch) and the staff's comments, notes and the
student's work files removed by evidence, the learner profile and the
words of learning plans are blanked by plans, staff's words in interventions by
interventions,
the personal fields and guardian links by roster, the login closed by accounts. It lives
here, above every app it touches, because the layer order lets no lower app call evidence
or plans. One transaction: all of it happens, or none.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db import transaction

from masterypath.accounts.actors import SystemActor
from masterypath.accounts.models import User
from masterypath.accounts.services import user_erase
from masterypath.common.audit import audit_record
from masterypath.common.errors import ApplicationError
from masterypath.common.models import AuditAction
from masterypath.evidence.models import Evidence
from masterypath.evidence.services import evidence_void_many
from masterypath.evidence.services.erasure import evidence_text_erase
from masterypath.interventions.services import interventions_text_erase
from masterypath.plans.services import learner_profile_erase, plans_text_erase
from masterypath.roster.access import district_administered_by
from masterypath.roster.models import Student
from masterypath.roster.services import is_erased, student_personal_erase

ERASURE_REASON = "Student record erased under the district's retention policy."


class ErasureErrorCode(enum.Enum):
    NOT_ALLOWED = "not_allowed"
    CONFIRMATION = "confirmation"
    ALREADY_ERASED = "already_erased"


class ErasureError(ApplicationError):
    """The erasure was refused; nothing was changed."""


@dataclass(frozen=True, slots=True)
class ErasureResult:
    student_id: int
    evidence_voided: int
    comments_blanked: int
    observations_blanked: int
    files_removed: int
    guardian_links_removed: int
    profile_erased: bool
    plans_blanked: int
    intervention_texts_blanked: int
    login_closed: bool


def _may_erase(actor: User | SystemActor, student: Student) -> bool:
    if isinstance(actor, SystemActor):
        return actor.district_id == student.district_id
    return district_administered_by(actor) == student.district_id


@transaction.atomic
def student_erase(
    *, actor: User | SystemActor, student: Student, confirm_local_id: str
) -> ErasureResult:
    """Erase `student`'s record: only their district's administrator (or a command run for
    that district) may, and only after typing the student's local id. Raises `ErasureError`
    (and changes nothing) otherwise. One audit entry names the student and what was done."""
    if not _may_erase(actor, student):
        raise ErasureError(ErasureErrorCode.NOT_ALLOWED, "Only the district's admin may erase.")
    student = Student.objects.select_for_update().get(pk=student.pk)
    if is_erased(student):
        raise ErasureError(ErasureErrorCode.ALREADY_ERASED, "This record is erased already.")
    if confirm_local_id.strip() != student.local_id:
        raise ErasureError(
            ErasureErrorCode.CONFIRMATION, "Type the student's local id exactly to confirm."
        )
    evidence_ids = list(
        Evidence.objects.filter(student=student, is_voided=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    voided = (
        evidence_void_many(actor=actor, evidence_ids=evidence_ids, reason=ERASURE_REASON)
        if evidence_ids
        else 0
    )
    text = evidence_text_erase(student=student)
    profile_erased = learner_profile_erase(student=student)
    plans = plans_text_erase(student=student)
    intervention_texts = interventions_text_erase(student=student)
    user_id = student.user_id
    links = student_personal_erase(student=student)
    login_closed = bool(user_id and user_erase(user_id=user_id))
    detail: dict[str, object] = {
        "erasure": True,
        "evidence_voided": voided,
        "comments_blanked": text.comments,
        "observations_blanked": text.observations,
        "files_removed": text.files,
        "guardian_links_removed": links,
        "profile_erased": profile_erased,
        "plans_blanked": plans,
        "intervention_texts_blanked": intervention_texts,
        "login_closed": login_closed,
    }
    if isinstance(actor, SystemActor):
        detail = {"system": actor.name, "district": actor.district_id, **detail}
    audit_record(
        actor=actor if isinstance(actor, User) else None,
        action=AuditAction.UPDATE,
        subject=student,
        student_id=student.pk,
        detail=detail,
    )
    return ErasureResult(
        student_id=student.pk,
        evidence_voided=voided,
        comments_blanked=text.comments,
        observations_blanked=text.observations,
        files_removed=text.files,
        guardian_links_removed=links,
        profile_erased=profile_erased,
        plans_blanked=plans,
        intervention_texts_blanked=intervention_texts,
        login_closed=login_closed,
    )
