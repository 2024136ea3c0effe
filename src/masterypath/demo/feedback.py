"""Teachers' feedback for the demo family: comments on recent work and an observation.

The generated evidence carries scores only; a family page and a student's "my recent work"
read best with some words from a teacher. The demo guardian's children get, from their
current teachers and through the evidence services, a few scored pieces of work with a
comment and one observation on a habit of learning.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from masterypath.accounts.models import User
from masterypath.continuum.models import DomainKind, LearningTarget
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.evidence.services import evidence_record, observation_create
from masterypath.roster.models import Enrollment, EnrollmentRole, Section, Student

FEEDBACK = (
    "Clear steps and a correct answer. Next time, explain why your strategy works.",
    "Good start! Check each step again: one small slip changed the answer.",
    "You used the new vocabulary well. Add one more example to make it stronger.",
    "Much better than last week. Keep practising this at home for ten minutes a day.",
)
OBSERVATION = "Asked a thoughtful question in the group and helped a classmate get started."
TIMEZONE = ZoneInfo("America/New_York")


def _teacher_user(student: Student, on: date) -> tuple[User, int] | None:
    """The login of one current teacher of the student, and that section's id."""
    section_ids = Enrollment.objects.filter(
        role=EnrollmentRole.STUDENT,
        student=student,
        section__session__starts_on__lte=on,
        section__session__ends_on__gte=on,
    ).values_list("section_id", flat=True)
    teaching = (
        Enrollment.objects.filter(role=EnrollmentRole.TEACHER, section_id__in=list(section_ids))
        .select_related("staff__user", "section")
        .order_by("section__course__code")
        .first()
    )
    if teaching is None or teaching.staff is None or teaching.staff.user is None:
        return None
    return teaching.staff.user, teaching.section_id


def add_family_feedback(*, students: list[Student], as_of: date) -> int:
    """Comments on each child's latest work and one observation; returns the rows added."""
    added = 0
    for student in students:
        found = _teacher_user(student, as_of)
        if found is None:
            continue
        teacher, section_id = found
        latest = list(
            Evidence.objects.filter(student=student, is_voided=False)
            .select_related("target")
            .order_by("-observed_at", "-id")[: len(FEEDBACK)]
        )
        for offset, (previous, comment) in enumerate(zip(latest, FEEDBACK, strict=False)):
            day = as_of - timedelta(days=1 + offset)
            observed_at = min(datetime.combine(day, time(14, 30), TIMEZONE), timezone.now())
            evidence_record(
                actor=teacher,
                student=student,
                target=previous.target,
                score=previous.score,
                observed_at=observed_at,
                kind=EvidenceKind.FORMATIVE,
                comment=comment,
            )
            added += 1
        habit = (
            LearningTarget.objects.filter(
                competency__domain__kind=DomainKind.HABITS,
                competency__domain__framework__courses__sections=section_id,
                parent__isnull=True,
            )
            .order_by("level", "position")
            .first()
        )
        observation_create(
            actor=teacher,
            section=Section.objects.get(pk=section_id),
            students=[student],
            note=OBSERVATION,
            targets=[habit] if habit is not None else [],
            observed_at=min(datetime.combine(as_of, time(10), TIMEZONE), timezone.now()),
        )
        added += 1
    return added
