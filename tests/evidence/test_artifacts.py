"""Student work uploads: type and size checks, who may upload, and scoring as evidence."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from masterypath.evidence.artifacts import artifact_score, artifact_upload
from masterypath.evidence.errors import EvidenceError, EvidenceErrorCode
from masterypath.evidence.models import Artifact, Evidence, EvidenceKind
from tests.conftest import World, user_of

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def _upload(
    world: World,
    person: str = "s1",
    student: str = "s1",
    name: str = "essay.pdf",
    content: bytes = PDF,
    **fields,
):  # type: ignore[no-untyped-def]
    return artifact_upload(
        actor=user_of(world, person),
        student=world.students[student],
        upload=SimpleUploadedFile(name, content),
        title="My essay",
        targets=fields.pop("targets", [world.targets[0]]),
        **fields,
    )


def test_student_uploads_own_work_and_teacher_scores_it(world: World) -> None:
    artifact = _upload(world, dok=3)
    assert artifact.content_type == "application/pdf"
    assert artifact.size_bytes == len(PDF)
    assert artifact.file.read() == PDF
    evidence = artifact_score(
        actor=user_of(world, "teacher_a"),
        artifact=artifact,
        target=world.targets[0],
        score=Decimal(3),
    )
    assert (evidence.kind, evidence.artifact, evidence.dok) == (
        EvidenceKind.WORK_SAMPLE,
        artifact,
        3,
    )


def test_teacher_uploads_for_a_student_of_their_section(world: World) -> None:
    artifact = _upload(world, person="teacher_a", student="s2", name="poster.png", content=PNG)
    assert artifact.content_type == "image/png"
    assert artifact.uploaded_by == user_of(world, "teacher_a")


@pytest.mark.parametrize(
    ("person", "student"),
    [
        ("s1", "s2"),
        ("g1", "s1"),
        ("teacher_a", "s3"),
        ("counselor_a", "s1"),
    ],
)
def test_nobody_uploads_for_students_they_do_not_serve(
    world: World, person: str, student: str
) -> None:
    with pytest.raises(EvidenceError) as error:
        _upload(world, person=person, student=student)
    assert error.value.code is EvidenceErrorCode.NOT_ALLOWED
    assert not Artifact.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("virus.exe", b"MZ\x90\x00", "cannot be uploaded"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "does not look like a PDF"),
        ("photo.jpg", PNG, "does not look like a JPEG"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_wrong_types_are_refused_with_a_clear_message(
    world: World, name: str, content: bytes, expected: str
) -> None:
    with pytest.raises(EvidenceError) as error:
        _upload(world, name=name, content=content)
    assert expected in str(error.value)
    assert not Artifact.objects.exists()


@override_settings(ARTIFACT_MAX_BYTES=1024)
def test_a_file_over_the_limit_is_refused(world: World) -> None:
    with pytest.raises(EvidenceError) as error:
        _upload(world, content=PDF + b"0" * 2048)
    assert error.value.code is EvidenceErrorCode.FILE_TOO_LARGE
    assert "at most" in str(error.value)


def test_the_same_file_twice_is_a_duplicate(world: World) -> None:
    _upload(world)
    with pytest.raises(EvidenceError) as error:
        _upload(world)
    assert error.value.code is EvidenceErrorCode.DUPLICATE_SUBMISSION
    assert Artifact.objects.count() == 1


def test_work_is_scored_only_on_its_targets_and_only_by_its_teachers(world: World) -> None:
    artifact = _upload(world)
    with pytest.raises(EvidenceError) as error:
        artifact_score(
            actor=user_of(world, "teacher_a"),
            artifact=artifact,
            target=world.targets[2],
            score=Decimal(3),
        )
    assert error.value.code is EvidenceErrorCode.TARGET_NOT_IN_COURSE
    for person in ("s1", "teacher_a2", "counselor_a"):
        with pytest.raises(EvidenceError):
            artifact_score(
                actor=user_of(world, person),
                artifact=artifact,
                target=world.targets[0],
                score=Decimal(3),
            )
    assert not Evidence.objects.filter(artifact=artifact).exists()


def test_tags_outside_the_students_courses_are_refused(world: World) -> None:
    from tests import factories as f

    with pytest.raises(EvidenceError) as error:
        _upload(world, targets=[f.TargetFactory(code="Z.1")])
    assert error.value.code is EvidenceErrorCode.TARGET_NOT_IN_COURSE
