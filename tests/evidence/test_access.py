"""The evidence-side guards: who may score which section, and the records they find."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from masterypath.evidence.access import (
    access_assessment_criterion_by_id,
    access_assessment_target_by_id,
    access_exit_ticket_by_id,
    access_scorable_artifact_by_id,
    access_score_import_by_id,
    access_section_target_by_id,
    sections_scorable_by,
)
from masterypath.evidence.models import Artifact, EvidenceKind, ScoreImport
from masterypath.evidence.services import assessment_create
from masterypath.roster.access import access_own_student, access_section_student_by_id
from tests import factories as f
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db

SCORABLE = {
    "teacher_a": {"S1"},
    "teacher_a2": {"S2"},
    "principal_a": {"S1", "S2"},
    "admin_d1": {"S1", "S2"},
    "counselor_a": set(),
    "principal_b": set(),
    "admin_d2": set(),
    "s1": set(),
    "g1": set(),
}


@pytest.mark.parametrize("person", sorted(SCORABLE))
def test_sections_scorable_by_each_role(world: World, person: str) -> None:
    """Teachers score their sections, leaders their school's or district's; counselors,
    students and families score none."""
    found = set(sections_scorable_by(user_of(world, person)).values_list("pk", flat=True))
    assert found == {world.sections[key].pk for key in SCORABLE[person]}


def test_nobody_signed_out_scores_anything(world: World) -> None:
    assert not sections_scorable_by(AnonymousUser()).exists()


def test_a_student_finds_only_their_own_record(world: World) -> None:
    assert access_own_student(user_of(world, "s1")) == world.students["s1"]
    for person in ("teacher_a", "g1"):
        with pytest.raises(Http404):
            access_own_student(user_of(world, person))
    with pytest.raises(Http404):
        access_own_student(AnonymousUser())


def test_a_section_finds_only_its_own_students(world: World) -> None:
    section = world.sections["S1"]
    assert access_section_student_by_id(section, world.students["s2"].pk) == world.students["s2"]
    with pytest.raises(Http404):
        access_section_student_by_id(section, world.students["s3"].pk)


def test_a_section_target_must_be_taught_and_visible(world: World) -> None:
    """A target of the course's frameworks is found; one of another framework is not, nor a
    retired one."""
    teacher, section = user_of(world, "teacher_a"), world.sections["S1"]
    assert access_section_target_by_id(teacher, section, world.targets[0].pk) == world.targets[0]
    with pytest.raises(Http404):
        access_section_target_by_id(teacher, section, f.TargetFactory(code="X.1").pk)
    world.targets[1].is_retired = True
    world.targets[1].save()
    with pytest.raises(Http404):
        access_section_target_by_id(teacher, section, world.targets[1].pk)


def test_an_assessment_finds_only_its_own_targets_and_criteria(world: World) -> None:
    assessment = assessment_create(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        title="Quiz",
        kind=EvidenceKind.QUIZ,
        assessed_on=timezone.localdate(),
        targets=world.targets[:1],
    )
    assert access_assessment_target_by_id(assessment, world.targets[0].pk) == world.targets[0]
    with pytest.raises(Http404):
        access_assessment_target_by_id(assessment, world.targets[1].pk)
    with pytest.raises(Http404):
        access_assessment_criterion_by_id(assessment, 1)  # no rubric: no criterion


def test_only_the_students_classes_exit_tickets_are_found(world: World) -> None:
    ticket = assessment_create(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        title="Ticket",
        kind=EvidenceKind.EXIT_TICKET,
        assessed_on=timezone.localdate(),
        targets=world.targets[:1],
        allows_self_assessment=True,
    )
    assert access_exit_ticket_by_id(world.students["s1"], ticket.pk) == ticket
    with pytest.raises(Http404):
        access_exit_ticket_by_id(world.students["s3"], ticket.pk)


def test_work_is_scored_by_staff_who_score_its_student(world: World) -> None:
    artifact = Artifact.objects.create(student=world.students["s1"], title="Essay", file="x.pdf")
    assert access_scorable_artifact_by_id(user_of(world, "teacher_a"), artifact.pk) == artifact
    for person in ("s1", "g1", "counselor_a", "teacher_a2"):
        with pytest.raises(Http404):
            access_scorable_artifact_by_id(user_of(world, person), artifact.pk)


def test_a_score_file_is_found_only_by_who_uploaded_it(world: World) -> None:
    upload = ScoreImport.objects.create(
        section=world.sections["S1"],
        uploaded_by=user_of(world, "teacher_a"),
        filename="scores.csv",
        content="",
        sha256="0" * 64,
    )
    assert access_score_import_by_id(user_of(world, "teacher_a"), upload.pk) == upload
    for person in ("principal_a", "teacher_a2", "s1"):
        with pytest.raises(Http404):
            access_score_import_by_id(user_of(world, person), upload.pk)
