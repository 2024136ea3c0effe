"""The student and advisor plan flows in Chromium: a student drafts a plan with a goal and a
daily step on a 390 px phone (in Spanish too), the advisor reviews and approves it; axe-core
(WCAG 2.1 AA) on every page, screenshots in test-results/screenshots/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from masterypath.plans.models import LearningPlan, PlanState
from masterypath.plans.services import advising_assign
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World, build_world, user_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def plan_world(transactional_db: None) -> World:
    world = build_world()
    advisor = world.staff["teacher_a"]
    advising_assign(actor=advisor.user, advisor=advisor, students=[world.students["s1"]])
    return world


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 390 px phone"


def _student_drafts(page: Any, base: str, world: World) -> None:
    student = world.students["s1"]
    today = timezone.localdate()
    page.goto(f"{base}/plans/students/{student.pk}/")
    page.fill("#plan-title", "Fall term")
    page.fill("#plan-starts_on", today.isoformat())
    page.fill("#plan-ends_on", (today + timedelta(days=90)).isoformat())
    follow(page.locator("form button[type=submit]").last)
    # An empty goal is refused next to its field.
    page.select_option("#goal-kind", "academic")
    page.fill("#goal-target_on", (today + timedelta(days=30)).isoformat())
    page.fill("#goal-targets", "4.NF.1")
    follow(page.get_by_role("button", name="Add the goal"))
    assert page.get_by_text("Write what the goal is.").is_visible()
    page.fill("#goal-title", "Reach proficient on fractions")
    page.fill("#goal-measure", "A 3 on the unit check")
    follow(page.get_by_role("button", name="Add the goal"))
    page.get_by_text("Add a step").first.click()
    page.locator("input[name=what]").first.fill("Finish practice set B")
    page.locator("input[name=is_daily]").first.check()
    follow(page.get_by_role("button", name="Add the step").first)


def test_student_drafts_a_plan_on_a_phone(
    browser: Any, live_server: Any, plan_world: World
) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, user_of(plan_world, "s1").username, PASSWORD)
        _student_drafts(page, live_server.url, plan_world)
        assert page.get_by_role("heading", name="My steps for today").is_visible()
        assert page.locator(".steps").first.get_by_text("Finish practice set B").is_visible()
        _no_sideways_scroll(page)
        assert_accessible(page, "plan-student-draft-phone")
        follow(page.get_by_role("button", name="Send for review"))
        assert page.locator(".lede .pill").inner_text() == "In review"
        page.goto(f"{live_server.url}/")
        slot = page.locator("#learning-plan")
        assert slot.get_by_text("Reach proficient on fractions").is_visible()
        assert slot.get_by_text("Finish practice set B").is_visible()
        _no_sideways_scroll(page)
        assert_accessible(page, "plan-student-home-phone")
    finally:
        context.close()


def test_student_plan_reads_in_spanish(browser: Any, live_server: Any, plan_world: World) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, user_of(plan_world, "s1").username, PASSWORD)
        _student_drafts(page, live_server.url, plan_world)
        page.get_by_role("button", name="Español").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("heading", name="Mis pasos de hoy").is_visible()
        assert page.get_by_role("button", name="Enviar a revisión").is_visible()
        _no_sideways_scroll(page)
        assert_accessible(page, "plan-student-es-phone")
    finally:
        context.close()


def test_advisor_reviews_and_approves(page: Any, live_server: Any, plan_world: World) -> None:
    student = plan_world.students["s1"]
    sign_in(page, live_server.url, student.user.username, PASSWORD)
    _student_drafts(page, live_server.url, plan_world)
    follow(page.get_by_role("button", name="Send for review"))
    page.context.clear_cookies()
    sign_in(page, live_server.url, user_of(plan_world, "teacher_a").username, PASSWORD)
    page.goto(f"{live_server.url}/plans/advisees/")
    assert page.get_by_role("heading", name="My advisees").is_visible()
    assert page.get_by_text("Waiting for your review").is_visible()
    page.get_by_text("Check-in prep").first.click()
    assert_accessible(page, "plan-advisees")
    follow(page.get_by_role("link", name="Fall term"))
    page.fill("#note-body", "Nice goal. Add a second daily step next week.")
    page.select_option("#note-kind", "feedback")
    follow(page.get_by_role("button", name="Add", exact=True))
    follow(page.get_by_role("button", name="Approve the plan"))
    assert page.locator(".lede .pill").inner_text() == "Active"
    assert page.get_by_text("Nice goal.").is_visible()
    assert_accessible(page, "plan-advisor-approved")
    plan = LearningPlan.objects.get(student=student)
    assert plan.state == PlanState.ACTIVE
