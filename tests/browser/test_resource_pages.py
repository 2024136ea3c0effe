"""The curator flow in Chromium: a teacher suggests a resource (a bad link is refused next to
its field), the principal approves it from the review queue, a student finds it in the library
on a phone; axe-core (WCAG 2.1 AA) on every page."""

from __future__ import annotations

from typing import Any

import pytest

from masterypath.resources.models import Resource, ReviewStatus
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World, build_world, user_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def resource_world(transactional_db: None) -> World:
    return build_world()


def test_teacher_suggests_curator_approves_student_finds(
    browser: Any, live_server: Any, resource_world: World
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, user_of(resource_world, "teacher_a").username, PASSWORD)
        page.goto(f"{live_server.url}/resources/new/")
        page.fill("#resource-title", "Fraction strips")
        page.select_option("#resource-kind", "practice")
        page.fill("#resource-url", "example.org/strips")
        page.fill("#resource-targets", "4.NF.3")
        page.fill("#resource-minutes", "15")
        follow(page.get_by_role("button", name="Send for review"))
        assert page.get_by_text("Give a full web address starting with https://.").is_visible()
        assert_accessible(page, "resource-new-error")
        page.fill("#resource-url", "https://example.org/strips")
        follow(page.get_by_role("button", name="Send for review"))
        assert page.get_by_text("Waiting for review").first.is_visible()
        context.clear_cookies()

        sign_in(page, live_server.url, user_of(resource_world, "principal_a").username, PASSWORD)
        page.goto(f"{live_server.url}/resources/review/")
        assert page.get_by_role("heading", name="Fraction strips").is_visible()
        assert_accessible(page, "resource-review-queue")
        follow(page.get_by_role("button", name="Approve"))
        assert page.get_by_text("Nothing waits for review.").is_visible()
        assert Resource.objects.get().status == ReviewStatus.APPROVED
    finally:
        context.close()

    phone = browser.new_context(viewport=PHONE, locale="en-US")
    page = phone.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, user_of(resource_world, "s1").username, PASSWORD)
        page.goto(f"{live_server.url}/resources/")
        assert page.get_by_role("heading", name="Fraction strips").is_visible()
        assert page.get_by_role("button", name="I finished it").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        assert_accessible(page, "resource-library-student-phone")
    finally:
        phone.close()
