"""Teacher pages through HTTP: access for each role, the htmx cell save and undo, imports,
uploads, corrections, and the gradebook's fixed query budget."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from masterypath.evidence.models import (
    Artifact,
    Assessment,
    Evidence,
    EvidenceKind,
    EvidenceSource,
    Observation,
)
from masterypath.evidence.services import assessment_create
from tests import factories as f
from tests.conftest import World, user_of


def _client(world: World, person: str) -> Client:
    client = Client()
    client.force_login(user_of(world, person))
    return client


def _assessment(world: World, **fields) -> Assessment:  # type: ignore[no-untyped-def]
    return assessment_create(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        title="Quiz 1",
        kind=fields.pop("kind", EvidenceKind.QUIZ),
        assessed_on=timezone.localdate(),
        targets=fields.pop("targets", world.targets),
        **fields,
    )


SECTION_PAGES = [
    "gradebook",
    "assessment-list",
    "assessment-new",
    "exit-ticket-new",
    "observation-new",
    "work-list",
    "import",
]


@pytest.mark.parametrize("page", SECTION_PAGES)
@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("teacher_a", 200),
        ("principal_a", 200),
        ("admin_d1", 200),
        ("teacher_a2", 404),
        ("counselor_a", 404),
        ("principal_b", 404),
        ("admin_d2", 404),
        ("s1", 404),
        ("g1", 404),
    ],
)
def test_section_pages_by_role(world: World, page: str, person: str, status: int) -> None:
    """Who teaches (or leads) the section opens its pages; everyone else gets 404."""
    url = reverse(f"teacher:{page}", args=[world.sections["S1"].pk])
    response = _client(world, person).get(url)
    assert response.status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(reverse("teacher:gradebook", args=[world.sections["S1"].pk]))
    assert response.status_code == 302
    assert "/login/" in response.url


def test_gradebook_shows_mastery_with_explanation_and_count(
    world: World,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    """After scoring, the cell shows the estimate, its level, the method and the count."""
    assessment = _assessment(world)
    client = _client(world, "teacher_a")
    with django_capture_on_commit_callbacks(execute=True):
        for score in ("2", "3"):
            client.post(
                reverse("teacher:cell-save", args=[assessment.pk]),
                {"student": world.students["s2"].pk, "target": world.targets[1].pk, "score": score},
            )
    html = client.get(reverse("teacher:gradebook", args=[world.sections["S1"].pk])).content.decode()
    assert "4.NF.2" in html
    assert "Okafor, Ben" in html
    cell = html.split(f'id="gb-{world.students["s2"].pk}-{world.targets[1].pk}"')[1][:300]
    assert "1 evidence" in cell  # the 2 was replaced by the 3
    assert "Quiz 1" in html


def _gradebook_queries(client: Client, section_id: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("teacher:gradebook", args=[section_id]))
    assert response.status_code == 200
    return len(queries)


def test_gradebook_needs_a_fixed_number_of_queries(world: World) -> None:
    """More students, targets and evidence cost no extra query."""
    client = _client(world, "teacher_a")
    section = world.sections["S1"]
    small = _gradebook_queries(client, section.pk)
    competency = world.targets[0].competency
    more_targets = [
        f.TargetFactory(competency=competency, code=f"4.NF.{n}", level=4) for n in range(10, 25)
    ]
    for _ in range(12):
        student = f.StudentFactory(school=section.school)
        f.enroll(section, student)
        for target in more_targets[:5]:
            f.add_evidence(student, target, 3)
    large = _gradebook_queries(client, section.pk)
    assert large == small
    assert small <= 16


def test_cell_save_confirms_and_offers_undo(world: World) -> None:
    assessment = _assessment(world)
    client = _client(world, "teacher_a")
    url = reverse("teacher:cell-save", args=[assessment.pk])
    response = client.post(
        url, {"student": world.students["s1"].pk, "target": world.targets[0].pk, "score": "3"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    evidence = Evidence.objects.get(assessment=assessment)
    assert "Saved 3 for Ana Lopez on 4.NF.1" in html
    assert f'"evidence": "{evidence.pk}"' in html
    assert "Undo" in html
    undo = client.post(
        reverse("teacher:cell-undo", args=[assessment.pk]), {"evidence": evidence.pk}
    )
    assert undo.status_code == 200
    assert "the cell is empty again" in undo.content.decode()
    evidence.refresh_from_db()
    assert evidence.is_voided


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("7", "off the scale"),
        ("abc", "is not a score"),
        ("", "is not a score"),
    ],
)
def test_bad_cell_scores_get_422_with_the_reason(world: World, score: str, message: str) -> None:
    assessment = _assessment(world)
    response = _client(world, "teacher_a").post(
        reverse("teacher:cell-save", args=[assessment.pk]),
        {"student": world.students["s1"].pk, "target": world.targets[0].pk, "score": score},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Evidence.objects.filter(assessment=assessment).exists()


@pytest.mark.parametrize("person", ["teacher_a2", "counselor_a", "s1", "g1", "admin_d2"])
def test_others_cannot_score_or_see_the_grid(world: World, person: str) -> None:
    assessment = _assessment(world)
    client = _client(world, person)
    assert client.get(reverse("teacher:assessment-score", args=[assessment.pk])).status_code == 404
    response = client.post(
        reverse("teacher:cell-save", args=[assessment.pk]),
        {"student": world.students["s1"].pk, "target": world.targets[0].pk, "score": "3"},
    )
    assert response.status_code == 404
    assert not Evidence.objects.filter(assessment=assessment).exists()


def test_student_of_another_section_cannot_be_scored_on_the_grid(world: World) -> None:
    assessment = _assessment(world)
    response = _client(world, "teacher_a").post(
        reverse("teacher:cell-save", args=[assessment.pk]),
        {"student": world.students["s3"].pk, "target": world.targets[0].pk, "score": "3"},
    )
    assert response.status_code == 404


def test_creating_an_assessment_through_the_form(world: World) -> None:
    client = _client(world, "teacher_a")
    section = world.sections["S1"]
    response = client.post(
        reverse("teacher:assessment-new", args=[section.pk]) + "?level=4",
        {
            "title": "Unit test",
            "kind": "summative",
            "assessed_on": timezone.localdate().isoformat(),
            "dok": "3",
            "targets": [world.targets[0].pk, world.targets[2].pk],
        },
    )
    assessment = Assessment.objects.get(title="Unit test")
    assert response.status_code == 302
    assert response.url == reverse("teacher:assessment-score", args=[assessment.pk])
    page = client.get(response.url).content.decode()
    assert 'aria-label="Ana Lopez, 4.NF.1"' in page


def test_exit_ticket_with_four_targets_is_refused(world: World) -> None:
    extra = f.TargetFactory(competency=world.targets[0].competency, code="4.NF.8", level=4)
    response = _client(world, "teacher_a").post(
        reverse("teacher:exit-ticket-new", args=[world.sections["S1"].pk]),
        {"targets": [t.pk for t in [*world.targets, extra]]},
    )
    assert response.status_code == 422
    assert "1 to 3 targets" in response.content.decode()
    assert not Assessment.objects.exists()


def test_student_answers_an_exit_ticket_on_their_own_login(world: World) -> None:
    ticket = _assessment(
        world,
        kind=EvidenceKind.EXIT_TICKET,
        targets=[world.targets[0]],
        allows_self_assessment=True,
    )
    client = _client(world, "s1")
    listing = client.get(reverse("me:exit-tickets")).content.decode()
    assert ticket.title in listing
    response = client.post(
        reverse("me:exit-ticket", args=[ticket.pk]), {f"target-{world.targets[0].pk}": "2"}
    )
    assert response.status_code == 302
    mine = Evidence.objects.get(assessment=ticket)
    assert (mine.source, mine.kind) == (EvidenceSource.STUDENT, EvidenceKind.SELF_ASSESSMENT)
    assert _client(world, "s3").get(reverse("me:exit-ticket", args=[ticket.pk])).status_code == 404
    assert _client(world, "teacher_a").get(reverse("me:exit-tickets")).status_code == 404


def test_observation_form_and_student_record(world: World) -> None:
    """The observation shows on the student's record for staff, not for the family."""
    client = _client(world, "teacher_a")
    section = world.sections["S1"]
    form = client.get(reverse("teacher:observation-new", args=[section.pk])).content.decode()
    token = form.split('name="submission" value="')[1].split('"')[0]
    data = {
        "students": [world.students["s1"].pk],
        "note": "Persevered on a hard problem.",
        "targets": [world.targets[0].pk],
        "score": "3",
        "submission": token,
    }
    url = reverse("teacher:observation-new", args=[section.pk]) + "?level=4"
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 422
    assert "already saved" in again.content.decode()
    assert Observation.objects.count() == 1
    record = reverse("student-detail", args=[world.students["s1"].pk])
    assert "Persevered on a hard problem." in client.get(record).content.decode()
    assert "Persevered" not in _client(world, "g1").get(record).content.decode()


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


PDF = b"%PDF-1.4\n%%EOF\n"


def test_student_uploads_work_and_the_teacher_scores_it(world: World, media: Path) -> None:
    student_client = _client(world, "s1")
    response = student_client.post(
        reverse("me:work"),
        {
            "file": SimpleUploadedFile("essay.pdf", PDF),
            "title": "Essay",
            "targets": [world.targets[0].pk],
        },
    )
    assert response.status_code == 302
    artifact = Artifact.objects.get()
    assert artifact.student == world.students["s1"]
    teacher = _client(world, "teacher_a")
    assert teacher.get(reverse("teacher:work-file", args=[artifact.pk])).status_code == 200
    scored = teacher.post(
        reverse("teacher:work-detail", args=[artifact.pk]),
        {"target": world.targets[0].pk, "score": "4"},
    )
    assert scored.status_code == 302
    assert Evidence.objects.get(artifact=artifact).score == Decimal(4)
    for person in ("s2", "g1", "teacher_a2"):
        assert (
            _client(world, person).get(reverse("teacher:work-file", args=[artifact.pk])).status_code
            == 404
        )
    assert student_client.get(reverse("teacher:work-detail", args=[artifact.pk])).status_code == 404


def test_a_50_mb_upload_is_refused_before_it_is_read(world: World, media: Path) -> None:
    """The Content-Length alone decides: the body is never parsed."""
    client = _client(world, "s1")
    response = client.generic(
        "POST",
        reverse("me:work"),
        b"",
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "50.0 MB" in response.content.decode()
    assert not Artifact.objects.exists()
    section = world.sections["S1"]
    response = _client(world, "teacher_a").generic(
        "POST",
        reverse("teacher:import", args=[section.pk]),
        b"",
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "at most 2.0 MB" in response.content.decode()


def test_wrong_file_type_gets_a_clear_message(world: World, media: Path) -> None:
    response = _client(world, "s1").post(
        reverse("me:work"),
        {"file": SimpleUploadedFile("game.exe", b"MZ\x90"), "title": "x"},
    )
    assert response.status_code == 422
    assert ".exe cannot be uploaded" in response.content.decode()


def test_csv_import_preview_then_confirm(world: World) -> None:
    client = _client(world, "teacher_a")
    section = world.sections["S1"]
    day = timezone.localdate().isoformat()
    csv = (
        f"student_id,target_code,score,date\n{world.students['s1'].local_id},4.NF.2,3,{day}\n"
        f"{world.students['s2'].local_id},4.NF.3,2,{day}\n"
    ).encode()
    preview = client.post(
        reverse("teacher:import", args=[section.pk]),
        {"file": SimpleUploadedFile("scores.csv", csv)},
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "2 rows to add" in html
    assert "Import 2 scores" in html
    assert not Evidence.objects.filter(source=EvidenceSource.IMPORT).exists()
    import_id = int(html.split("/teach/imports/")[1].split("/")[0])
    assert (
        _client(world, "principal_a")
        .post(reverse("teacher:import-confirm", args=[import_id]))
        .status_code
        == 404
    )
    done = client.post(reverse("teacher:import-confirm", args=[import_id]))
    assert done.status_code == 302
    assert Evidence.objects.filter(source=EvidenceSource.IMPORT).count() == 2


def test_csv_with_errors_lists_them_and_offers_no_import(world: World) -> None:
    csv = b"student_id,target_code,score,date\n999,4.NF.2,3,2020-01-01\n"
    response = _client(world, "teacher_a").post(
        reverse("teacher:import", args=[world.sections["S1"].pk]),
        {"file": SimpleUploadedFile("scores.csv", csv)},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "No student with id" in html
    assert "student_id" in html
    assert "/teach/imports/" not in html


def test_void_with_reason_keeps_both_in_history(world: World) -> None:
    client = _client(world, "teacher_a")
    student, target = world.students["s1"], world.targets[0]
    evidence = Evidence.objects.filter(student=student, target=target).latest("observed_at")
    section = world.sections["S1"]
    url = reverse("teacher:evidence-void", args=[evidence.pk])
    refused = client.post(url, {"section": section.pk, "reason": ""}, follow=True)
    assert "Say why" in refused.content.decode()
    client.post(url, {"section": section.pk, "reason": "Wrong student"})
    evidence.refresh_from_db()
    assert evidence.is_voided
    assert evidence.voided_reason == "Wrong student"
    history = client.get(
        reverse("teacher:evidence-history", args=[section.pk, student.pk, target.pk])
    ).content.decode()
    assert "Void: Wrong student" in history
    assert history.count("<tr") == 3
    assert (
        _client(world, "teacher_a2").post(url, {"section": section.pk, "reason": "x"}).status_code
        == 404
    )


def test_history_of_a_target_outside_the_course_is_not_found(world: World) -> None:
    stranger = f.TargetFactory(code="Q.1")
    section = world.sections["S1"]
    response = _client(world, "teacher_a").get(
        reverse("teacher:evidence-history", args=[section.pk, world.students["s1"].pk, stranger.pk])
    )
    assert response.status_code == 404


def test_teacher_home_links_each_section_gradebook(world: World) -> None:
    html = _client(world, "teacher_a").get("/").content.decode()
    assert reverse("teacher:gradebook", args=[world.sections["S1"].pk]) in html
