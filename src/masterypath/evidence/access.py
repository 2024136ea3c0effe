"""Who may score which section, and guards that find evidence-side records for an actor.

A teacher scores the students of the sections they teach, on the targets of the frameworks of
the section's course; a principal or district admin may do the same in their school or
district. Guards raise Http404 for what the actor may not see, so hidden records look absent.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from masterypath.accounts.actors import Actor, SystemActor
from masterypath.accounts.models import Role
from masterypath.evidence.models import Artifact, Assessment, Evidence
from masterypath.roster.access import sections_visible_to, students_visible_to
from masterypath.roster.models import Section, Student

SCORING_ROLES = frozenset({Role.TEACHER, Role.PRINCIPAL, Role.DISTRICT_ADMIN})


def can_score_section(user: Any, section: Section) -> bool:
    """Whether `user` may record evidence for the students of `section`."""
    if not getattr(user, "is_authenticated", False) or user.role not in SCORING_ROLES:
        return False
    return sections_visible_to(user).filter(pk=section.pk).exists()


def students_scorable_by(actor: Actor | SystemActor) -> QuerySet[Student]:
    """Students `actor` may record evidence for: a teacher's own students, a principal's
    school, a district admin's district; a system actor (an import, the demo seed) every
    student of its district; nobody else any."""
    if isinstance(actor, SystemActor):
        return Student.objects.filter(district_id=actor.district_id)
    if not actor.is_authenticated or actor.role not in SCORING_ROLES:
        return Student.objects.none()
    return students_visible_to(actor)


def access_scorable_section_by_id(user: Any, section_id: int) -> Section:
    """The section if `user` may score it; Http404 otherwise (also for counselors)."""
    if not getattr(user, "is_authenticated", False) or user.role not in SCORING_ROLES:
        raise Http404("No such section.")
    section = (
        sections_visible_to(user)
        .filter(pk=section_id)
        .select_related("course", "school", "session")
        .first()
    )
    if section is None:
        raise Http404("No such section.")
    return section


def access_assessment_by_id(user: Any, assessment_id: int) -> Assessment:
    """An assessment of a section `user` may score; Http404 otherwise."""
    if not getattr(user, "is_authenticated", False) or user.role not in SCORING_ROLES:
        raise Http404("No such assessment.")
    assessment = (
        Assessment.objects.filter(pk=assessment_id, section__in=sections_visible_to(user))
        .select_related("section__course", "section__school", "rubric")
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def access_evidence_by_id(user: Any, evidence_id: int) -> Evidence:
    """Evidence on a student `user` may score; Http404 otherwise."""
    if not getattr(user, "is_authenticated", False) or user.role not in SCORING_ROLES:
        raise Http404("No such evidence.")
    evidence = (
        Evidence.objects.filter(pk=evidence_id, student__in=students_visible_to(user))
        .select_related("student", "target", "assessment")
        .first()
    )
    if evidence is None:
        raise Http404("No such evidence.")
    return evidence


def access_artifact_by_id(user: Any, artifact_id: int) -> Artifact:
    """Student work `user` may see: their own as a student, their students' as staff."""
    artifact = (
        Artifact.objects.filter(pk=artifact_id, student__in=students_visible_to(user))
        .select_related("student")
        .first()
    )
    if artifact is None or getattr(user, "role", "") == Role.GUARDIAN:
        raise Http404("No such file.")
    return artifact
