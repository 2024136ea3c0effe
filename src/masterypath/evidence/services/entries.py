"""Writes of one entry at a time: record, void, assessments, class scoring, exit tickets,
observations (batches of rows go through `evidence_record_many` in `many.py`).

Each service validates, saves, audits, then publishes an event on commit (`EvidenceRecorded`,
`EvidenceVoided`) so that mastery follows at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from masterypath.accounts.actors import Actor
from masterypath.accounts.models import Role, User
from masterypath.common import events
from masterypath.common.audit import audit_record
from masterypath.common.event_types import EvidenceRecorded, EvidenceVoided
from masterypath.common.models import AuditAction
from masterypath.continuum.access import is_framework_visible_in_district
from masterypath.continuum.models import LearningTarget, Rubric, RubricCriterion
from masterypath.evidence.access import can_score_section
from masterypath.evidence.errors import EvidenceError, EvidenceErrorCode
from masterypath.evidence.models import (
    Artifact,
    Assessment,
    Evidence,
    EvidenceKind,
    EvidenceSource,
    Observation,
)
from masterypath.evidence.selectors import section_target_ids
from masterypath.roster.access import active_user, can_record_evidence_for
from masterypath.roster.models import Enrollment, EnrollmentRole, Section, Staff, Student

# A clock skew allowance: a device a few minutes ahead of the server is not "the future".
FUTURE_TOLERANCE = timedelta(minutes=5)
EXIT_TICKET_MAX_TARGETS = 3
UNDO_REASON = "Undone right after entry."


def _check_score(target: LearningTarget, score: Decimal) -> None:
    scale = target.competency.domain.framework.scale
    if not score.is_finite():
        raise EvidenceError(EvidenceErrorCode.SCORE_OFF_SCALE, f"{score} is not a score.")
    if not scale.contains(score):
        raise EvidenceError(
            EvidenceErrorCode.SCORE_OFF_SCALE,
            f"Score {score} is off the scale of {target.code} ({scale.minimum}-{scale.maximum}).",
            score=score,
            target=target.code,
        )


def _check_target_in_district(target: LearningTarget, student: Student) -> None:
    """Evidence goes only on a shared target or one of the student's own district (the
    framework is loaded with the scale, so this costs no query)."""
    framework = target.competency.domain.framework
    if not is_framework_visible_in_district(framework, student.district_id):
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "No such learning target.")


def parse_score(raw: object) -> Decimal:
    """A score typed by a person ("3", "2.5"); EvidenceError when it is not a number."""
    try:
        score = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        score = Decimal("NaN")
    if not score.is_finite():
        raise EvidenceError(
            EvidenceErrorCode.SCORE_OFF_SCALE,
            f"{str(raw).strip()!r} is not a score: type a number.",
        )
    return score


def _check_not_future(observed_at: datetime) -> None:
    if observed_at > timezone.now() + FUTURE_TOLERANCE:
        raise EvidenceError(
            EvidenceErrorCode.FUTURE_DATE,
            f"The date {timezone.localtime(observed_at):%Y-%m-%d} is in the future.",
        )


def _person(actor: Actor) -> User:
    """The signed-in, active person behind `actor`: every entry names who made it, so nobody
    else writes (the access guards refuse them first; this keeps the type honest)."""
    user = active_user(actor)
    if user is None:
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "Sign in to record evidence.")
    return user


def _check_dok(dok: int | None) -> None:
    if dok is not None and not 1 <= dok <= 4:
        raise EvidenceError(EvidenceErrorCode.DOK_OUT_OF_RANGE, f"DOK must be 1-4, not {dok}.")


def _create(
    *,
    actor: Actor,
    student: Student,
    target: LearningTarget,
    score: Decimal,
    observed_at: datetime,
    kind: EvidenceKind | str,
    source: EvidenceSource | str,
    **fields: Any,
) -> Evidence:
    """Validate the score and date, save, audit and publish; the caller checked access."""
    score = Decimal(score)
    _check_target_in_district(target, student)
    _check_score(target, score)
    _check_not_future(observed_at)
    _check_dok(fields.get("dok"))
    evidence = Evidence(
        student=student,
        target=target,
        score=score,
        observed_at=observed_at,
        kind=EvidenceKind(kind),
        source=EvidenceSource(source),
        recorded_by=_person(actor),
        **fields,
    )
    evidence.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        subject=evidence,
        student_id=student.pk,
        detail={"target": target.code, "score": str(score), "kind": str(evidence.kind)},
    )
    events.publish_on_commit(EvidenceRecorded(evidence_id=evidence.pk))
    return evidence


@transaction.atomic
def evidence_record(
    *,
    actor: Actor,
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
    criterion: RubricCriterion | None = None,
    observation: Observation | None = None,
    artifact: Artifact | None = None,
    replaces: Evidence | None = None,
) -> Evidence:
    """Store one score of `student` on `target`; the actor must serve the student."""
    if not can_record_evidence_for(actor, student):
        raise EvidenceError(
            EvidenceErrorCode.NOT_ALLOWED, "You may not record evidence for this student."
        )
    return _create(
        actor=actor,
        student=student,
        target=target,
        score=score,
        observed_at=observed_at,
        kind=kind,
        source=source,
        assessment=assessment,
        dok=dok,
        comment=comment,
        source_id=source_id,
        criterion=criterion,
        observation=observation,
        artifact=artifact,
        replaces=replaces,
    )


@transaction.atomic
def evidence_void(*, actor: Actor, evidence: Evidence, reason: str) -> Evidence:
    """Mark a wrong entry void; it stays in the history with who voided it and why."""
    evidence = Evidence.objects.select_for_update().select_related("student").get(pk=evidence.pk)
    is_own_self_assessment = (
        getattr(actor, "role", "") == Role.STUDENT
        and evidence.source == EvidenceSource.STUDENT
        and evidence.student.user_id == actor.pk
    )
    if not (is_own_self_assessment or can_record_evidence_for(actor, evidence.student)):
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "You may not change this evidence.")
    if evidence.is_voided:
        raise EvidenceError(EvidenceErrorCode.ALREADY_VOIDED, "This evidence is already void.")
    if not reason.strip():
        raise EvidenceError(EvidenceErrorCode.REASON_REQUIRED, "Say why the entry is void.")
    evidence.is_voided = True
    evidence.voided_reason = reason.strip()
    evidence.voided_by = _person(actor)
    evidence.voided_at = timezone.now()
    evidence.save(update_fields=["is_voided", "voided_reason", "voided_by", "voided_at"])
    audit_record(
        actor=actor,
        action=AuditAction.VOID,
        subject=evidence,
        student_id=evidence.student_id,
        detail={"reason": evidence.voided_reason},
    )
    events.publish_on_commit(EvidenceVoided(evidence_id=evidence.pk))
    return evidence


# -- assessments ----------------------------------------------------------------------------


def _require_scorer(actor: Actor, section: Section) -> None:
    if not can_score_section(actor, section):
        raise EvidenceError(
            EvidenceErrorCode.NOT_ALLOWED, "You may not record evidence for this section."
        )


def _require_course_targets(section: Section, targets: Sequence[LearningTarget]) -> None:
    allowed = section_target_ids(section=section)
    outside = sorted(target.code for target in targets if target.pk not in allowed)
    if outside:
        raise EvidenceError(
            EvidenceErrorCode.TARGET_NOT_IN_COURSE,
            f"Not a target of this course's frameworks: {', '.join(outside)}.",
            targets=outside,
        )


def _noon_of(day: date) -> datetime:
    """When evidence of an assessment dated `day` was observed: noon that day, or now if
    that is still ahead (an assessment given this morning)."""
    noon = timezone.make_aware(datetime.combine(day, time(12)))
    return min(noon, timezone.now())


@transaction.atomic
def assessment_create(
    *,
    actor: Actor,
    section: Section,
    title: str,
    kind: EvidenceKind | str,
    assessed_on: date,
    targets: Sequence[LearningTarget],
    dok: int | None = None,
    rubric: Rubric | None = None,
    allows_self_assessment: bool = False,
    copied_from: Assessment | None = None,
) -> Assessment:
    """An assessment of `section` measuring `targets` (with a rubric, its criteria's targets)."""
    _require_scorer(actor, section)
    title = title.strip()
    if not title:
        raise EvidenceError(EvidenceErrorCode.TITLE_REQUIRED, "Give the assessment a title.")
    kind = EvidenceKind(kind)
    _check_dok(dok)
    if assessed_on > timezone.localdate():
        raise EvidenceError(
            EvidenceErrorCode.FUTURE_DATE, f"The date {assessed_on:%Y-%m-%d} is in the future."
        )
    measured = {target.pk: target for target in targets}
    if rubric is not None:
        criteria = list(rubric.criteria.select_related("target"))
        unlinked = [criterion.title for criterion in criteria if criterion.target is None]
        if not criteria or unlinked:
            raise EvidenceError(
                EvidenceErrorCode.RUBRIC_MISMATCH,
                "Every criterion of the rubric must score a learning target"
                + (f" (not: {', '.join(unlinked)})." if unlinked else "."),
            )
        measured.update({c.target.pk: c.target for c in criteria if c.target is not None})
    if not measured:
        raise EvidenceError(EvidenceErrorCode.TARGETS_REQUIRED, "Choose at least one target.")
    if kind == EvidenceKind.EXIT_TICKET and len(measured) > EXIT_TICKET_MAX_TARGETS:
        raise EvidenceError(
            EvidenceErrorCode.TOO_MANY_TARGETS,
            f"An exit ticket checks 1 to {EXIT_TICKET_MAX_TARGETS} targets, not {len(measured)}.",
        )
    _require_course_targets(section, list(measured.values()))
    assessment = Assessment.objects.create(
        section=section,
        title=title,
        kind=kind,
        assessed_on=assessed_on,
        dok=dok,
        rubric=rubric,
        allows_self_assessment=allows_self_assessment and kind == EvidenceKind.EXIT_TICKET,
        created_by=_person(actor),
        copied_from=copied_from,
    )
    assessment.targets.set(list(measured.values()))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        subject=assessment,
        detail={"section": section.pk, "targets": sorted(t.code for t in measured.values())},
    )
    return assessment


@transaction.atomic
def assessment_copy(
    *,
    actor: Actor,
    assessment: Assessment,
    section: Section,
    assessed_on: date | None = None,
) -> Assessment:
    """The same assessment (title, kind, DOK, targets, rubric) for another section; no scores."""
    if assessment.section is None or not can_score_section(actor, assessment.section):
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "You may not copy this assessment.")
    return assessment_create(
        actor=actor,
        section=section,
        title=assessment.title,
        kind=assessment.kind,
        assessed_on=assessed_on or assessment.assessed_on,
        dok=assessment.dok,
        targets=list(assessment.targets.select_related("competency")),
        rubric=assessment.rubric,
        allows_self_assessment=assessment.allows_self_assessment,
        copied_from=assessment,
    )


@dataclass(frozen=True)
class CellSave:
    """What a class-scoring cell save did: the live entry now, and what happened."""

    evidence: Evidence
    replaced: Evidence | None
    is_unchanged: bool


def _is_enrolled(student: Student, section: Section) -> bool:
    return Enrollment.objects.filter(
        section=section, student=student, role=EnrollmentRole.STUDENT
    ).exists()


def _cell_live(
    actor: Actor,
    assessment: Assessment,
    student: Student,
    target: LearningTarget,
    criterion: RubricCriterion | None,
    source: EvidenceSource,
) -> Evidence | None:
    """The actor's own live entry in a cell: a re-score replaces only one's own score, so two
    teachers scoring the same student at once both keep their evidence."""
    return (
        Evidence.objects.select_for_update()
        .filter(
            assessment=assessment,
            student=student,
            target=target,
            criterion=criterion,
            source=source,
            recorded_by=_person(actor),
            is_voided=False,
        )
        .order_by("-recorded_at", "-id")
        .first()
    )


@transaction.atomic
def assessment_score(
    *,
    actor: Actor,
    assessment: Assessment,
    student: Student,
    target: LearningTarget,
    score: Decimal,
    criterion: RubricCriterion | None = None,
) -> CellSave:
    """One cell of class scoring: the score of `student` on `target` (or a rubric criterion).

    Saving the same score again writes nothing; a different score voids the old entry
    ("Changed to ...") and records the new one pointing back at it, so history shows both.
    """
    section = assessment.section
    if section is None:
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "This assessment has no section.")
    _require_scorer(actor, section)
    if not _is_enrolled(student, section):
        raise EvidenceError(
            EvidenceErrorCode.STUDENT_NOT_IN_SECTION, f"{student} is not in {section}."
        )
    if not assessment.targets.filter(pk=target.pk).exists():
        raise EvidenceError(
            EvidenceErrorCode.TARGET_NOT_IN_COURSE,
            f"{target.code} is not measured by {assessment.title}.",
        )
    if criterion is not None and (
        criterion.rubric_id != assessment.rubric_id or criterion.target_id != target.pk
    ):
        raise EvidenceError(
            EvidenceErrorCode.RUBRIC_MISMATCH,
            f"{criterion.title} is not a criterion of {assessment.title} for {target.code}.",
        )
    score = Decimal(score)
    _check_score(target, score)
    previous = _cell_live(actor, assessment, student, target, criterion, EvidenceSource.TEACHER)
    if previous is not None and previous.score == score:
        return CellSave(evidence=previous, replaced=None, is_unchanged=True)
    # Record first, then void: subscribers see the new entry before the old one goes, so an
    # incremental update never folds the same entry twice.
    evidence = _create(
        actor=actor,
        student=student,
        target=target,
        score=score,
        observed_at=_noon_of(assessment.assessed_on),
        kind=assessment.kind,
        source=EvidenceSource.TEACHER,
        assessment=assessment,
        dok=assessment.dok,
        criterion=criterion,
        replaces=previous,
    )
    if previous is not None:
        evidence_void(actor=actor, evidence=previous, reason=f"Changed to {score.normalize()}.")
    return CellSave(evidence=evidence, replaced=previous, is_unchanged=False)


@transaction.atomic
def assessment_score_undo(*, actor: Actor, evidence: Evidence) -> Evidence | None:
    """Undo a cell save: void the entry and, if it replaced one, bring the old score back.

    Returns the live entry of the cell afterwards (None when the cell is empty again).
    """
    previous = evidence.replaces
    restored = None
    if previous is not None:
        restored = _create(
            actor=actor,
            student=evidence.student,
            target=evidence.target,
            score=previous.score,
            observed_at=previous.observed_at,
            kind=previous.kind,
            source=previous.source,
            assessment=previous.assessment,
            dok=previous.dok,
            criterion=previous.criterion,
            replaces=evidence,
            comment=previous.comment,
        )
    evidence_void(actor=actor, evidence=evidence, reason=UNDO_REASON)
    return restored


@transaction.atomic
def self_assessment_record(
    *,
    actor: Actor,
    assessment: Assessment,
    target: LearningTarget,
    score: Decimal,
) -> CellSave:
    """A student's own rating on an exit ticket, kept apart from teacher evidence
    (kind self_assessment, source student)."""
    is_student = getattr(actor, "role", "") == Role.STUDENT
    student = getattr(actor, "student", None) if is_student else None
    section = assessment.section
    if student is None or section is None or not _is_enrolled(student, section):
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "This exit ticket is not yours.")
    if not assessment.allows_self_assessment:
        raise EvidenceError(
            EvidenceErrorCode.SELF_ASSESSMENT_CLOSED, "This exit ticket takes no self-assessment."
        )
    if not assessment.targets.filter(pk=target.pk).exists():
        raise EvidenceError(
            EvidenceErrorCode.TARGET_NOT_IN_COURSE,
            f"{target.code} is not on {assessment.title}.",
        )
    score = Decimal(score)
    _check_score(target, score)
    previous = _cell_live(actor, assessment, student, target, None, EvidenceSource.STUDENT)
    if previous is not None and previous.score == score:
        return CellSave(evidence=previous, replaced=None, is_unchanged=True)
    evidence = _create(
        actor=actor,
        student=student,
        target=target,
        score=score,
        observed_at=timezone.now(),
        kind=EvidenceKind.SELF_ASSESSMENT,
        source=EvidenceSource.STUDENT,
        assessment=assessment,
        replaces=previous,
    )
    if previous is not None:
        evidence_void(actor=actor, evidence=previous, reason="Changed by the student.")
    return CellSave(evidence=evidence, replaced=previous, is_unchanged=False)


# -- observations ---------------------------------------------------------------------------


@transaction.atomic
def observation_create(
    *,
    actor: Actor,
    section: Section,
    students: Sequence[Student],
    note: str,
    targets: Sequence[LearningTarget] = (),
    observed_at: datetime | None = None,
    score: Decimal | None = None,
    submission_id: str = "",
) -> list[Observation]:
    """A note about one or more students of `section`, tagged to targets or habits; with a
    level, each student also gets evidence (kind observation) on each tagged target."""
    _require_scorer(actor, section)
    note = note.strip()
    if not note:
        raise EvidenceError(EvidenceErrorCode.NOTE_REQUIRED, "Write what you observed.")
    if not students:
        raise EvidenceError(EvidenceErrorCode.STUDENTS_REQUIRED, "Choose at least one student.")
    if score is not None and not targets:
        raise EvidenceError(
            EvidenceErrorCode.TARGETS_REQUIRED, "Tag a target to give the observation a level."
        )
    _require_course_targets(section, targets)
    for target in targets:
        if score is not None:
            _check_score(target, Decimal(score))
    enrolled = set(
        Enrollment.objects.filter(section=section, role=EnrollmentRole.STUDENT).values_list(
            "student_id", flat=True
        )
    )
    outside = [str(s) for s in students if s.pk not in enrolled]
    if outside:
        raise EvidenceError(
            EvidenceErrorCode.STUDENT_NOT_IN_SECTION, f"Not in {section}: {', '.join(outside)}."
        )
    observed_at = observed_at or timezone.now()
    _check_not_future(observed_at)
    author = Staff.objects.filter(user=_person(actor)).first()
    if author is None:
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "Only staff write observations.")
    if (
        submission_id
        and Observation.objects.filter(
            author=author, source_id__startswith=f"{submission_id}:"
        ).exists()
    ):
        raise EvidenceError(
            EvidenceErrorCode.DUPLICATE_SUBMISSION, "This observation was already saved."
        )
    observations = []
    try:
        with transaction.atomic():
            for student in students:
                observation = Observation.objects.create(
                    student=student,
                    author=author,
                    observed_at=observed_at,
                    note=note,
                    section=section,
                    source_id=f"{submission_id}:{student.pk}" if submission_id else "",
                )
                observation.targets.set(targets)
                observations.append(observation)
    except IntegrityError as error:  # the same form sent twice at the same moment
        raise EvidenceError(
            EvidenceErrorCode.DUPLICATE_SUBMISSION, "This observation was already saved."
        ) from error
    for observation in observations:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            subject=observation,
            student_id=observation.student_id,
            detail={"targets": [t.code for t in targets]},
        )
        if score is not None:
            for target in targets:
                _create(
                    actor=actor,
                    student=observation.student,
                    target=target,
                    score=score,
                    observed_at=observed_at,
                    kind=EvidenceKind.OBSERVATION,
                    source=EvidenceSource.TEACHER,
                    observation=observation,
                    comment=note[:500],
                )
    return observations
