"""Teacher flows in headless Chromium, keyboard only, with screenshots and axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from masterypath.evidence.models import Evidence, EvidenceKind, EvidenceSource
from masterypath.evidence.services import assessment_create
from tests import factories as f
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World, build_world, user_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """Playwright evaluates the string predicates of `wait_for_function` with eval, which the
    site's Content-Security-Policy (no 'unsafe-eval') forbids; this file's pages run with the
    policy bypassed for the test's own scripts. The other browser tests keep it."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def class_world(transactional_db: None) -> World:
    """The small world, with S1 grown to 30 students."""
    world = build_world()
    section = world.sections["S1"]
    for n in range(28):
        f.enroll(
            section,
            f.StudentFactory(
                school=section.school, given_name=f"Kid{n:02d}", family_name=f"Zed{n:02d}"
            ),
        )
    return world


def _teacher(page: Any, live_server: Any, world: World) -> None:
    sign_in(page, live_server.url, user_of(world, "teacher_a").username, PASSWORD)


def test_teacher_scores_thirty_students_with_the_keyboard_only(
    page: Any,
    live_server: Any,
    class_world: World,
) -> None:
    """Digits and Enter save 30 cells one by one (htmx), no reload, then Ctrl+Z undoes one."""
    world = class_world
    assessment = assessment_create(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        title="Fractions check",
        kind=EvidenceKind.FORMATIVE,
        assessed_on=timezone.localdate(),
        targets=world.targets,
    )
    _teacher(page, live_server, world)
    page.goto(f"{live_server.url}/teach/assessments/{assessment.pk}/")
    page.evaluate("window.__noReload = true")
    page.locator("input[data-cell]").first.focus()
    scores = [str(1 + n % 4) for n in range(30)]
    for score in scores:
        page.keyboard.type(score)
        page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelectorAll('.cell-status.ok').length === 30", timeout=20_000
    )
    assert page.evaluate("window.__noReload") is True
    live = Evidence.objects.filter(assessment=assessment, is_voided=False)
    assert live.count() == 30
    status = page.locator("#score-status")
    assert "Saved" in status.inner_text()
    # Move right to the next target column and back, then undo the last save with Ctrl+Z.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert_accessible(page, "teacher-score-grid")
    page.keyboard.press("Control+z")
    page.wait_for_function("document.querySelector('#score-status').innerText.includes('Undone')")
    assert Evidence.objects.filter(assessment=assessment, is_voided=False).count() == 29
    page.wait_for_function(
        "document.activeElement.getAttribute('aria-label') === 'Kid27 Zed27, 4.NF.1'"
    )
    # A wrong level is refused in place.
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector('#score-status').innerText.includes('off the scale')"
    )
    assert_accessible(page, "teacher-score-grid-error")


def test_gradebook_shows_the_class_and_explains_a_cell_on_focus(
    page: Any,
    live_server: Any,
    class_world: World,
) -> None:
    world = class_world
    _teacher(page, live_server, world)
    follow(page.get_by_role("link", name="Gradebook of Math 4 · Period 1"))
    assert page.get_by_role("heading", level=1).inner_text() == "Gradebook · Math 4 · Period 1"
    first = page.locator("a[data-cell]").first
    first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('aria-describedby')")
    assert focused
    assert page.locator(f"#{focused}").is_visible()
    assert_accessible(page, "teacher-gradebook")


def test_exit_ticket_created_and_scored_with_the_keyboard(
    page: Any,
    live_server: Any,
    class_world: World,
) -> None:
    world = class_world
    _teacher(page, live_server, world)
    page.goto(f"{live_server.url}/teach/sections/{world.sections['S1'].pk}/exit-ticket/?level=4")
    assert_accessible(page, "teacher-exit-ticket-new")
    page.get_by_label("4.NF.1", exact=False).focus()
    page.keyboard.press("Space")
    page.get_by_label("Students also rate themselves").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Start the exit ticket").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "Exit ticket" in page.get_by_role("heading", level=1).inner_text()
    page.locator("input[data-cell]").first.focus()
    for score in "3423":
        page.keyboard.type(score)
        page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.cell-status.ok').length === 4")
    assert Evidence.objects.filter(kind=EvidenceKind.EXIT_TICKET).count() == 4


def test_observation_import_and_void_pages(
    page: Any, live_server: Any, class_world: World, tmp_path: Path
) -> None:
    world = class_world
    section = world.sections["S1"]
    _teacher(page, live_server, world)
    page.goto(f"{live_server.url}/teach/sections/{section.pk}/observations/new/?level=4")
    page.get_by_label("Lopez, Ana").check()
    page.get_by_label("What you observed").fill("Explained equivalent fractions to a peer.")
    page.get_by_label("4.NF.1", exact=False).check()
    page.get_by_label("Level (optional)").fill("3")
    assert_accessible(page, "teacher-observation")
    page.get_by_role("button", name="Save observation").press("Enter")
    page.wait_for_load_state("networkidle")
    assert "Observation saved for 1 student" in page.content()

    bad = tmp_path / "scores.csv"
    bad.write_text("student_id;target_code;score;date\n1;4.NF.1;3;2026-01-01\n")
    page.goto(f"{live_server.url}/teach/sections/{section.pk}/import/")
    page.get_by_label("CSV file").set_input_files(str(bad))
    follow(page.get_by_role("button", name="Preview"))
    assert "separated by semicolons" in page.content()
    good = tmp_path / "good.csv"
    day = timezone.localdate().isoformat()
    good.write_text(
        f"student_id,target_code,score,date\n"
        f"{world.students['s2'].local_id},4.NF.3,2,{day}\n"
        f"{world.students['s1'].local_id},4.NF.2,4,{day}\n"
        "nobody,4.NF.2,4,2020-01-01\n"
    )
    page.get_by_label("CSV file").set_input_files(str(good))
    follow(page.get_by_role("button", name="Preview"))
    assert "No student with id" in page.content()
    assert_accessible(page, "teacher-import-errors")
    good.write_text("\n".join(good.read_text().splitlines()[:3]) + "\n")
    page.get_by_label("CSV file").set_input_files(str(good))
    follow(page.get_by_role("button", name="Preview"))
    assert_accessible(page, "teacher-import-preview")
    page.get_by_role("button", name="Import 2 scores").press("Enter")
    page.wait_for_load_state("networkidle")
    assert Evidence.objects.filter(source=EvidenceSource.IMPORT).count() == 2

    student, target = world.students["s1"], world.targets[0]
    page.goto(
        f"{live_server.url}/teach/sections/{section.pk}/students/{student.pk}/targets/{target.pk}/"
    )
    page.locator("input[name=reason]").first.fill("Scored the wrong student")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "Void: Scored the wrong student" in page.content()
    assert_accessible(page, "teacher-evidence-history")


def test_student_uploads_work_and_answers_an_exit_ticket(
    page: Any,
    live_server: Any,
    class_world: World,
    tmp_path: Path,
    settings: Any,
) -> None:
    world = class_world
    settings.MEDIA_ROOT = tmp_path / "media"
    ticket = assessment_create(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        title="Ticket today",
        kind=EvidenceKind.EXIT_TICKET,
        assessed_on=timezone.localdate(),
        targets=[world.targets[0]],
        allows_self_assessment=True,
    )
    sign_in(page, live_server.url, user_of(world, "s1").username, PASSWORD)
    page.goto(f"{live_server.url}/me/exit-tickets/{ticket.pk}/")
    page.get_by_label("3 · Proficient").check()
    assert_accessible(page, "student-exit-ticket")
    follow(page.get_by_role("button", name="Send my answers"))
    assert Evidence.objects.get(assessment=ticket).source == EvidenceSource.STUDENT
    work = tmp_path / "essay.pdf"
    work.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.goto(f"{live_server.url}/me/work/")
    page.get_by_label("File").set_input_files(str(work))
    page.get_by_label("Title").fill("Fractions essay")
    follow(page.get_by_role("button", name="Upload"))
    assert "Uploaded" in page.content()
    assert_accessible(page, "student-my-work")
    exe = tmp_path / "game.exe"
    exe.write_bytes(b"MZ\x90\x00")
    page.get_by_label("File").set_input_files(str(exe))
    follow(page.get_by_role("button", name="Upload"))
    assert ".exe cannot be uploaded" in page.content()
