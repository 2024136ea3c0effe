"""Curated resources: submit (link or checked file), review by a curator, use, suggestions;
who sees what across two districts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from masterypath.plans.models import GoalKind
from masterypath.plans.services import goal_add, plan_create, step_add
from masterypath.resources.access import access_resource_by_id
from masterypath.resources.errors import ResourceError, ResourceErrorCode
from masterypath.resources.models import Resource, ReviewStatus, UseAction
from masterypath.resources.selectors import (
    resource_library,
    resource_suggestions_for_student,
    resources_on_steps,
)
from masterypath.resources.services import (
    resource_add_to_step,
    resource_assign_to_section,
    resource_create,
    resource_review,
    resource_use_record,
)
from tests.conftest import World, user_of

TODAY = date(2026, 10, 1)


def _resource(world: World, **extra: object) -> Resource:
    fields: dict[str, object] = {
        "title": "Fractions on a number line",
        "kind": "video",
        "minutes": 12,
        "targets": [world.targets[1]],
        "url": "https://example.org/fractions",
    }
    fields.update(extra)
    teacher = world.staff["teacher_a"]
    return resource_create(actor=teacher.user, district=teacher.district, **fields)  # type: ignore[arg-type]


def _approve(world: World, resource: Resource) -> Resource:
    return resource_review(actor=user_of(world, "principal_a"), resource=resource, approve=True)


def test_a_submitted_resource_waits_for_a_curator(world: World) -> None:
    resource = _resource(world)
    assert resource.status == ReviewStatus.SUBMITTED
    with pytest.raises(Http404):
        access_resource_by_id(user_of(world, "s1"), resource.pk)
    with pytest.raises(ResourceError) as caught:
        resource_review(actor=user_of(world, "teacher_a"), resource=resource, approve=True)
    assert caught.value.code == ResourceErrorCode.NOT_ALLOWED
    _approve(world, resource)
    assert access_resource_by_id(user_of(world, "s1"), resource.pk) == resource
    assert resource.reviewed_by == user_of(world, "principal_a")


def test_rejecting_needs_a_note(world: World) -> None:
    resource = _resource(world)
    with pytest.raises(ResourceError) as caught:
        resource_review(actor=user_of(world, "admin_d1"), resource=resource, approve=False)
    assert caught.value.code == ResourceErrorCode.NOTE_REQUIRED
    resource_review(
        actor=user_of(world, "admin_d1"), resource=resource, approve=False, note="Broken link"
    )
    assert resource.status == ReviewStatus.REJECTED


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"title": " "}, ResourceErrorCode.TITLE_REQUIRED, "title"),
        ({"url": "ftp://x"}, ResourceErrorCode.BAD_LINK, "url"),
        ({"url": ""}, ResourceErrorCode.LINK_OR_FILE, "url"),
        ({"minutes": 0}, ResourceErrorCode.BAD_CHOICE, "minutes"),
        ({"dok": 5}, ResourceErrorCode.BAD_CHOICE, "dok"),
        ({"targets": []}, ResourceErrorCode.TARGETS_REQUIRED, "targets"),
        ({"kind": "podcast"}, ResourceErrorCode.BAD_CHOICE, "kind"),
    ],
)
def test_bad_input_names_its_field(
    world: World, extra: dict[str, object], code: ResourceErrorCode, field: str
) -> None:
    with pytest.raises(ResourceError) as caught:
        _resource(world, **extra)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_files_are_checked_for_type_and_size(world: World, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The content must match the extension, within the upload limit, of an allowed type."""
    settings.ARTIFACT_MAX_BYTES = 100
    settings.MEDIA_ROOT = str(tmp_path)
    fake = SimpleUploadedFile("sheet.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ResourceError) as wrong:
        _resource(world, url="", upload=fake)
    assert wrong.value.code == ResourceErrorCode.FILE_TYPE_NOT_ALLOWED
    assert "sheet.pdf" in str(wrong.value)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"x" * 200, content_type="application/pdf")
    with pytest.raises(ResourceError) as large:
        _resource(world, url="", upload=big)
    assert large.value.code == ResourceErrorCode.FILE_TOO_LARGE
    exe = SimpleUploadedFile("run.exe", b"MZ....", content_type="application/octet-stream")
    with pytest.raises(ResourceError) as kind:
        _resource(world, url="", upload=exe)
    assert kind.value.code == ResourceErrorCode.FILE_TYPE_NOT_ALLOWED
    good = SimpleUploadedFile("ok.pdf", b"%PDF-1.4\nhello", content_type="application/pdf")
    resource = _resource(world, url="", upload=good)
    assert resource.file_type == "application/pdf"
    assert resource.file_size == len(b"%PDF-1.4\nhello")


def test_another_districts_resources_are_hidden(world: World) -> None:
    resource = _approve(world, _resource(world))
    for who in ("admin_d2",):
        with pytest.raises(Http404):
            access_resource_by_id(user_of(world, who), resource.pk)
    assert access_resource_by_id(user_of(world, "g1"), resource.pk) == resource


def test_student_records_use_and_adds_it_to_a_step(world: World) -> None:
    resource = _approve(world, _resource(world))
    student = world.students["s1"]
    plan = plan_create(
        actor=student.user,
        student=student,
        title="P",
        starts_on=TODAY,
        ends_on=date(2026, 12, 1),
        today=TODAY,
    )
    goal = goal_add(
        actor=student.user,
        plan=plan,
        kind=GoalKind.HABITS,
        title="G",
        measure="",
        target_on=date(2026, 11, 1),
        today=TODAY,
    )
    step = step_add(actor=student.user, goal=goal, what="Watch", due_on=TODAY, today=TODAY)
    resource_add_to_step(actor=student.user, step=step, resource=resource)
    resource_add_to_step(actor=student.user, step=step, resource=resource)
    assert resources_on_steps(step_ids=[step.pk]) == {step.pk: [resource]}
    resource_use_record(
        actor=student.user, resource=resource, student=student, action=UseAction.OPENED
    )
    resource_use_record(
        actor=student.user, resource=resource, student=student, action=UseAction.COMPLETED
    )
    with pytest.raises(ResourceError):
        resource_use_record(
            actor=user_of(world, "s2"), resource=resource, student=student, action="opened"
        )
    row = resource_library(resources=Resource.objects.filter(pk=resource.pk)).get()
    assert (row.n_opened, row.n_completed) == (1, 1)  # type: ignore[attr-defined]


def test_an_unapproved_resource_cannot_go_on_a_step_or_a_section(world: World) -> None:
    resource = _resource(world)
    with pytest.raises(ResourceError) as caught:
        resource_assign_to_section(
            actor=user_of(world, "teacher_a"), resource=resource, section=world.sections["S1"]
        )
    assert caught.value.code == ResourceErrorCode.NOT_APPROVED
    _approve(world, resource)
    assignment = resource_assign_to_section(
        actor=user_of(world, "teacher_a"), resource=resource, section=world.sections["S1"]
    )
    assert assignment.section == world.sections["S1"]


def test_suggestions_put_open_goal_targets_before_gaps(world: World) -> None:
    """s1: 4.NF.1 estimate below 3 (a gap); an open goal on 4.NF.3 (no estimate)."""
    from tests import factories as f

    gap = _approve(world, _resource(world, title="Gap help", targets=[world.targets[0]]))
    goal_help = _approve(world, _resource(world, title="Goal help", targets=[world.targets[2]]))
    _approve(
        world,
        _resource(
            world, title="Spanish goal help", targets=[world.targets[2]], language="es", minutes=5
        ),
    )
    student = world.students["s1"]
    f.add_evidence(student, world.targets[0], 1, days_ago=1)
    plan = plan_create(
        actor=student.user,
        student=student,
        title="P",
        starts_on=TODAY,
        ends_on=date(2026, 12, 1),
        today=TODAY,
    )
    goal_add(
        actor=student.user,
        plan=plan,
        kind=GoalKind.ACADEMIC,
        title="G",
        measure="",
        target_on=date(2026, 11, 1),
        targets=[world.targets[2]],
        today=TODAY,
    )
    suggestions = resource_suggestions_for_student(student=student, language="en")
    assert [s.resource.title for s in suggestions] == ["Goal help", "Spanish goal help", "Gap help"]
    assert [s.reason for s in suggestions] == ["goal", "goal", "gap"]
    spanish = resource_suggestions_for_student(student=student, language="es")
    assert spanish[0].resource.title == "Spanish goal help"
    assert gap in [s.resource for s in suggestions]
    assert goal_help == suggestions[0].resource
