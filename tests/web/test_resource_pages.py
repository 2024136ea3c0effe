"""Resource pages through HTTP: a teacher suggests, a curator approves, a student finds it in
the plan's suggestions, adds it to a step, opens and completes it; the impact report."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from masterypath.plans.models import ActionStep, GoalKind
from masterypath.plans.services import goal_add, plan_create, step_add
from masterypath.resources.models import Resource, ResourceUse, ReviewStatus
from masterypath.resources.services import resource_create, resource_review
from tests.conftest import World, user_of


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(user_of(world, who))
    return client


def _submit(world: World, **extra: str) -> Client:
    client = _client(world, "teacher_a")
    data = {
        "title": "Fraction strips",
        "kind": "practice",
        "url": "https://example.org/strips",
        "targets": "4.NF.3",
        "minutes": "15",
        "language": "en",
    }
    data.update(extra)
    return client.post("/resources/new/", data)  # type: ignore[return-value]


def test_teacher_suggests_and_bad_input_names_the_field(world: World) -> None:
    response = _submit(world, url="", title="No link")
    assert response.status_code == 400
    assert "Give either a link or a file, not both." in response.content.decode()
    unknown = _submit(world, targets="ZZ.9")
    assert unknown.status_code == 400
    assert "ZZ.9" in unknown.content.decode()
    assert _submit(world).status_code == 302
    assert Resource.objects.get().status == ReviewStatus.SUBMITTED


def test_a_file_of_the_wrong_type_is_refused_on_the_page(world: World, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    client = _client(world, "teacher_a")
    response = client.post(
        "/resources/new/",
        {
            "title": "Sheet",
            "kind": "reading",
            "targets": "4.NF.1",
            "minutes": "5",
            "language": "en",
            "upload": SimpleUploadedFile(
                "sheet.pdf", b"plain words", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 400
    assert "does not look like a PDF" in response.content.decode()


def test_curator_approves_from_the_queue_and_a_teacher_cannot(world: World) -> None:
    _submit(world)
    resource = Resource.objects.get()
    assert _client(world, "teacher_a").get("/resources/review/").status_code == 404
    curator = _client(world, "principal_a")
    assert "Fraction strips" in curator.get("/resources/review/").content.decode()
    refused = curator.post(f"/resources/{resource.pk}/review/", {"approve": "0", "note": ""})
    assert refused.status_code == 400
    assert "Say why it is not approved." in refused.content.decode()
    assert curator.post(f"/resources/{resource.pk}/review/", {"approve": "1"}).status_code == 302
    resource.refresh_from_db()
    assert resource.status == ReviewStatus.APPROVED
    assert (
        _client(world, "admin_d2")
        .post(f"/resources/{resource.pk}/review/", {"approve": "0", "note": "x"})
        .status_code
        == 404
    )


def test_student_sees_a_suggestion_adds_it_to_a_step_opens_and_completes(world: World) -> None:
    teacher = world.staff["teacher_a"]
    resource = resource_create(
        actor=teacher.user,
        district=teacher.district,
        title="Strips",
        kind="practice",
        minutes=10,
        targets=[world.targets[2]],
        url="https://example.org/strips",
    )
    resource_review(actor=user_of(world, "principal_a"), resource=resource, approve=True)
    student = world.students["s1"]
    today = timezone.localdate()
    plan = plan_create(
        actor=student.user,
        student=student,
        title="Term",
        starts_on=today,
        ends_on=today + timedelta(days=60),
    )
    goal = goal_add(
        actor=student.user,
        plan=plan,
        kind=GoalKind.ACADEMIC,
        title="Decimals",
        measure="",
        target_on=today + timedelta(days=30),
        targets=[world.targets[2]],
    )
    step = step_add(actor=student.user, goal=goal, what="Practice", due_on=today)
    client = _client(world, "s1")
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Resources for my goals" in page
    assert "Strips" in page
    assert client.post(f"/resources/{resource.pk}/step/", {"step": step.pk}).status_code == 302
    opened = client.post(f"/resources/{resource.pk}/use/opened/")
    assert opened.status_code == 302
    assert opened["Location"] == "https://example.org/strips"
    client.post(f"/resources/{resource.pk}/use/completed/", {"next": "https://evil.example/"})
    assert list(ResourceUse.objects.values_list("action", flat=True)) == ["opened", "completed"]
    assert ActionStep.objects.get().pk == step.pk
    assert "Open “Strips”" in client.get(f"/plans/{plan.pk}/").content.decode()
    # Another student cannot put it on s1's step.
    assert (
        _client(world, "s2").post(f"/resources/{resource.pk}/step/", {"step": step.pk}).status_code
        == 404
    )


def test_students_do_not_see_resources_waiting_for_review(world: World) -> None:
    _submit(world)
    page = _client(world, "s1").get("/resources/").content.decode()
    assert "Fraction strips" not in page
    assert "Fraction strips" in _client(world, "teacher_a").get("/resources/").content.decode()


def test_impact_report_is_for_staff(world: World) -> None:
    assert _client(world, "s1").get("/resources/impact/").status_code == 404
    assert _client(world, "principal_a").get("/resources/impact/").status_code == 200
