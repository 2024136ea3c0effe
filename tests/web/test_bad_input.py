"""Bad input on the pages answers a clear 400 or a form error, never a server error."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masterypath.evidence.models import Evidence, EvidenceKind, Observation
from masterypath.evidence.services import assessment_create
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def _client(world: World, person: str) -> Client:
    client = Client()
    client.force_login(user_of(world, person))
    return client


LEVEL_PAGES = [
    "gradebook",
    "assessment-new",
    "exit-ticket-new",
    "observation-new",
    "work-list",
]


@pytest.mark.parametrize("page", LEVEL_PAGES)
@pytest.mark.parametrize("level", ["²", "٣", "4.5", "four", "3x", "0x4"])
def test_a_level_that_is_not_a_whole_number_is_a_bad_request(
    world: World, page: str, level: str
) -> None:
    """`?level=²` passed str.isdigit() and then failed in int(): a 400 that says what fits."""
    url = reverse(f"teacher:{page}", args=[world.sections["S1"].pk])
    response = _client(world, "teacher_a").get(url, {"level": level})
    assert response.status_code == 400
    assert "The level must be a whole number from 0" in response.content.decode()


@pytest.mark.parametrize(("level", "shown"), [("99", "12"), ("9" * 5000, "12"), ("-3", "0")])
def test_a_level_out_of_range_is_clamped(world: World, level: str, shown: str) -> None:
    """A whole number past either end shows the nearest level (even 5,000 digits)."""
    url = reverse("teacher:gradebook", args=[world.sections["S1"].pk])
    response = _client(world, "teacher_a").get(url, {"level": level})
    assert response.status_code == 200
    assert f'value="{shown}" selected' in response.content.decode()


def test_a_bad_level_on_the_history_page_is_a_bad_request(world: World) -> None:
    """The history page passes the level on to its links: it reads it the same way."""
    url = reverse(
        "teacher:evidence-history",
        args=[world.sections["S1"].pk, world.students["s1"].pk, world.targets[0].pk],
    )
    assert _client(world, "teacher_a").get(url, {"level": "²"}).status_code == 400


@pytest.mark.parametrize("person", ["principal_a", "admin_d1"])
def test_a_nul_character_in_a_search_is_a_bad_request(world: World, person: str) -> None:
    """`?q=%00` was a server error on PostgreSQL ("PostgreSQL text fields cannot contain NUL
    (0x00) bytes"); every page refuses it before the database sees it."""
    response = _client(world, person).get("/", {"q": "Lo\x00pez"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_nul_character_in_an_admin_search_is_a_bad_request(world: World) -> None:
    """The admin's search boxes are guarded as the pages' are."""
    user = user_of(world, "admin_d1")
    user.is_staff = user.is_superuser = True
    user.save()
    response = _client(world, "admin_d1").get("/admin/roster/student/", {"q": "\x00"})
    assert response.status_code == 400


def test_the_api_keeps_its_own_answer_to_a_nul(world: World) -> None:
    """The API validates its own parameters (422 with the field), untouched by the pages'
    guard."""
    response = _client(world, "admin_d1").get("/api/v1/students", {"q": "\x00"})
    assert response.status_code == 422


def _assessment(world: World):  # type: ignore[no-untyped-def]
    return assessment_create(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        title="Quiz 1",
        kind=EvidenceKind.QUIZ,
        assessed_on=timezone.localdate(),
        targets=world.targets,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("student", "abc"),
        ("student", "1.5"),
        ("target", "x"),
        ("criterion", "one"),
        ("student", ""),
    ],
)
def test_a_cell_save_with_a_non_integer_id_is_a_bad_request(
    world: World, field: str, value: str
) -> None:
    """Each id of a cell save (student, target, criterion) answers 400 naming the field;
    nothing is saved."""
    assessment = _assessment(world)
    data = {"student": world.students["s1"].pk, "target": world.targets[0].pk, "score": "3"}
    data[field] = value
    response = _client(world, "teacher_a").post(
        reverse("teacher:cell-save", args=[assessment.pk]), data
    )
    assert response.status_code == 400
    assert f"The field {field!r}" in html.unescape(response.content.decode())
    assert not Evidence.objects.filter(assessment=assessment).exists()


def test_an_undo_with_a_non_integer_evidence_is_a_bad_request(world: World) -> None:
    """The 400 names the field it could not read."""
    assessment = _assessment(world)
    response = _client(world, "teacher_a").post(
        reverse("teacher:cell-undo", args=[assessment.pk]), {"evidence": "latest"}
    )
    assert response.status_code == 400
    assert "'evidence' must be a whole number" in html.unescape(response.content.decode())


def test_a_copy_to_a_non_integer_section_is_a_bad_request(world: World) -> None:
    """`int(request.POST["section"])` once raised ValueError: a 500."""
    assessment = _assessment(world)
    response = _client(world, "teacher_a").post(
        reverse("teacher:assessment-copy", args=[assessment.pk]), {"section": "S2"}
    )
    assert response.status_code == 400


def test_a_void_with_a_non_integer_section_is_a_bad_request(world: World) -> None:
    """Nothing is voided when the section cannot be read."""
    evidence = Evidence.objects.filter(student=world.students["s1"]).first()
    assert evidence is not None
    response = _client(world, "teacher_a").post(
        reverse("teacher:evidence-void", args=[evidence.pk]), {"section": "1;", "reason": "x"}
    )
    assert response.status_code == 400
    evidence.refresh_from_db()
    assert not evidence.is_voided


def test_work_scored_on_a_non_integer_target_is_a_bad_request(world: World) -> None:
    """Scoring a piece of work reads its target id the same way."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from masterypath.evidence.artifacts import artifact_upload

    artifact = artifact_upload(
        actor=user_of(world, "s1"),
        student=world.students["s1"],
        upload=SimpleUploadedFile("essay.pdf", b"%PDF-1.4\n%%EOF\n"),
        title="Essay",
        targets=[world.targets[0]],
    )
    response = _client(world, "teacher_a").post(
        reverse("teacher:work-detail", args=[artifact.pk]), {"target": "first", "score": "3"}
    )
    assert response.status_code == 400


def test_an_observation_form_id_over_255_characters_is_a_form_error(world: World) -> None:
    """The id is stored with the student's id in a 255-character column: a long one is
    refused on the form (PostgreSQL refused it as a server error; SQLite stored it)."""
    section = world.sections["S1"]
    response = _client(world, "teacher_a").post(
        reverse("teacher:observation-new", args=[section.pk]) + "?level=4",
        {
            "students": [world.students["s1"].pk],
            "note": "Helped a peer.",
            "targets": [world.targets[0].pk],
            "score": "3",
            "submission": "x" * 300,
        },
    )
    assert response.status_code == 200
    assert "This form's id is too long" in html.unescape(response.content.decode())
    assert not Observation.objects.exists()


@pytest.mark.parametrize("framework", ["²", "1e3"])
def test_a_method_choice_for_a_non_integer_framework_is_a_bad_request(
    world: World, framework: str
) -> None:
    """The district admin's method form read the framework with str.isdigit() then int()."""
    response = _client(world, "admin_d1").post(
        reverse("method-choose"), {"method": "mean", "framework": framework}
    )
    assert response.status_code == 400


def test_a_method_choice_for_another_districts_framework_is_not_found(world: World) -> None:
    from masterypath.mastery.models import MasteryPolicy
    from tests import factories as f

    theirs = f.FrameworkFactory(district=world.staff["admin_d2"].district)
    response = _client(world, "admin_d1").post(
        reverse("method-choose"), {"method": "mean", "framework": theirs.pk}
    )
    assert response.status_code == 404
    assert not MasteryPolicy.objects.exists()
