"""Who may score which section, and guards that find evidence-side records for an actor.

A teacher scores the students of the sections they teach, on the targets of the frameworks of
the section's course; a principal or district admin may do the same in their school or
district. Guards raise Http404 for what the actor may not see, so hidden records look absent.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from masterypath.accounts.actors import Actor
from masterypath.accounts.models import Role
from masterypath.continuum.access import access_target_by_id
from masterypath.continuum.models import LearningTarget, RubricCriterion
from masterypath.evidence.models import Artifact, Assessment, Evidence, ScoreImport
from masterypath.roster.access import (
    SCORING_ROLES,
    active_user,
    sections_visible_to,
    students_visible_to,
)
from masterypath.roster.models import EnrollmentRole, Section, Student

SCALE_RELATED = "competency__domain__framework__scale"
SCALE_LEVELS = "competency__domain__framework__scale__levels"


def may_score(actor: Actor | None) -> bool:
    """Whether `actor` has a role that records evidence (teachers and school leaders)."""
    user = active_user(actor)
    return user is not None and user.role in SCORING_ROLES


def sections_scorable_by(actor: Actor) -> QuerySet[Section]:
    """The sections whose students `actor` may score (none for counselors, students and
    families)."""
    return sections_visible_to(actor) if may_score(actor) else Section.objects.none()


def can_score_section(actor: Actor, section: Section) -> bool:
    """Whether `actor` may record evidence for the students of `section`."""
    return sections_scorable_by(actor).filter(pk=section.pk).exists()


def access_scorable_section_by_id(actor: Actor, section_id: int) -> Section:
    """The section if `actor` may score it; Http404 otherwise (also for counselors)."""
    section = (
        sections_scorable_by(actor)
        .filter(pk=section_id)
        .select_related("course", "school", "session")
        .first()
    )
    if section is None:
        raise Http404("No such section.")
    return section


def access_assessment_by_id(actor: Actor, assessment_id: int) -> Assessment:
    """An assessment of a section `actor` may score; Http404 otherwise."""
    assessment = (
        Assessment.objects.filter(pk=assessment_id, section__in=sections_scorable_by(actor))
        .select_related("section__course", "section__school", "section__session", "rubric")
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def access_assessment_target_by_id(assessment: Assessment, target_id: int) -> LearningTarget:
    """One of the assessment's targets, with its scale; Http404 for any other target."""
    target = (
        assessment.targets.filter(pk=target_id)
        .select_related(SCALE_RELATED)
        .prefetch_related(SCALE_LEVELS)
        .first()
    )
    if target is None:
        raise Http404("No such target on this assessment.")
    return target


def access_assessment_criterion_by_id(assessment: Assessment, criterion_id: int) -> RubricCriterion:
    """A criterion of the assessment's rubric; Http404 for any other."""
    rubric_id = assessment.rubric_id
    criterion = (
        RubricCriterion.objects.filter(pk=criterion_id, rubric_id=rubric_id).first()
        if rubric_id is not None
        else None
    )
    if criterion is None:
        raise Http404("No such criterion on this assessment's rubric.")
    return criterion


def access_evidence_by_id(actor: Actor, evidence_id: int) -> Evidence:
    """Evidence on a student `actor` may score; Http404 otherwise."""
    if not may_score(actor):
        raise Http404("No such evidence.")
    evidence = (
        Evidence.objects.filter(pk=evidence_id, student__in=students_visible_to(actor))
        .select_related("student", "target", "assessment", "criterion")
        .first()
    )
    if evidence is None:
        raise Http404("No such evidence.")
    return evidence


def access_section_target_by_id(actor: Actor, section: Section, target_id: int) -> LearningTarget:
    """A target `actor` may use that the section's course teaches (not retired); Http404
    otherwise."""
    target = access_target_by_id(actor, target_id)
    taught = LearningTarget.objects.filter(
        pk=target.pk,
        competency__domain__framework__courses=section.course_id,
        is_retired=False,
    ).exists()
    if not taught:
        raise Http404("No such target in this section.")
    return target


def access_artifact_by_id(actor: Actor, artifact_id: int) -> Artifact:
    """Student work `actor` may see: their own as a student, their students' as staff."""
    user = active_user(actor)
    if user is None or user.role == Role.GUARDIAN:
        raise Http404("No such file.")
    artifact = (
        Artifact.objects.filter(pk=artifact_id, student__in=students_visible_to(user))
        .select_related("student")
        .first()
    )
    if artifact is None:
        raise Http404("No such file.")
    return artifact


def access_scorable_artifact_by_id(actor: Actor, artifact_id: int) -> Artifact:
    """Student work `actor` may score (staff who score its student); Http404 otherwise."""
    if not may_score(actor):
        raise Http404("No such work.")
    return access_artifact_by_id(actor, artifact_id)


def access_artifact_target_by_id(artifact: Artifact, target_id: int) -> LearningTarget:
    """One of the targets the work is tagged with, with its scale; Http404 for any other."""
    target = artifact.targets.filter(pk=target_id).select_related(SCALE_RELATED).first()
    if target is None:
        raise Http404("No such target on this work.")
    return target


def access_score_import_by_id(actor: Actor, import_id: int) -> ScoreImport:
    """A score file `actor` uploaded, for a section they may still score; Http404 otherwise."""
    user = active_user(actor)
    if user is None:
        raise Http404("No such import.")
    score_import = ScoreImport.objects.filter(
        pk=import_id, uploaded_by=user, section__in=sections_scorable_by(user)
    ).first()
    if score_import is None:
        raise Http404("No such import.")
    return score_import


def access_exit_ticket_by_id(student: Student, assessment_id: int) -> Assessment:
    """An exit ticket of one of `student`'s classes that asks them to rate themselves;
    Http404 for any other assessment."""
    ticket = Assessment.objects.filter(
        pk=assessment_id,
        allows_self_assessment=True,
        section__enrollments__student=student,
        section__enrollments__role=EnrollmentRole.STUDENT,
    ).first()
    if ticket is None:
        raise Http404("No such exit ticket.")
    return ticket
