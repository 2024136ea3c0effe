"""The teacher's section dashboard and flexible groups in Chromium: the distribution chart
drawn as SVG bars, the heatmap at each student's level, a suggested group renamed, saved and
deleted, axe-core (WCAG 2.1 AA) on each state; and a student's own page in Spanish."""

from __future__ import annotations

from typing import Any

import pytest

from masterypath.groups.models import StudentGroup
from tests.browser.conftest import SCREENSHOTS, assert_accessible, follow, sign_in
from tests.conftest import World, build_world, user_of
from tests.factories import PASSWORD
from tests.web.teacher.section_world import add_group_students, add_section_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def section_world(transactional_db: None) -> World:
    world = build_world()
    add_group_students(add_section_data(world))
    return world


def test_section_dashboard_draws_chart_and_groups(
    page: Any, live_server: Any, section_world: World
) -> None:
    world = section_world
    sign_in(page, live_server.url, user_of(world, "teacher_a").username, PASSWORD)
    follow(page.get_by_role("link", name=f"Dashboard of {world.sections['S1'].title}"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Dashboard ·")
    page.wait_for_selector("[data-chart][data-rendered=true]")
    bars = page.locator("[data-chart] svg .mark-rect path")
    assert bars.count() >= 3  # one part per target and level reached at least
    assert page.get_by_role("heading", name="3 students working at grade 3 level").is_visible()
    assert page.get_by_text("Next target 4.NF.2").is_visible()
    assert_accessible(page, "teacher-dashboard")

    name = page.get_by_label("Name").first
    name.fill("Fraction friends")
    follow(page.get_by_role("button", name="Save group").first)
    assert page.get_by_text("Saved the group Fraction friends.").is_visible()
    group = StudentGroup.objects.get()
    assert group.name == "Fraction friends"
    assert group.members.count() == 5
    saved = page.locator("#saved-groups")
    assert saved.get_by_text("Fraction friends").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#groups").screenshot(path=str(SCREENSHOTS / "teacher-groups.png"))
    assert_accessible(page, "teacher-dashboard-saved-group")

    follow(page.get_by_role("button", name="Delete the group Fraction friends"))
    assert page.get_by_text("Deleted the group Fraction friends.").is_visible()
    assert not StudentGroup.objects.exists()


def test_a_bad_group_shows_the_form_with_the_reason(
    page: Any, live_server: Any, section_world: World
) -> None:
    world = section_world
    sign_in(page, live_server.url, user_of(world, "teacher_a").username, PASSWORD)
    page.goto(f"{live_server.url}/teach/sections/{world.sections['S1'].pk}/dashboard/")
    page.get_by_label("Name").first.fill("   ")
    follow(page.get_by_role("button", name="Save group").first)
    assert page.get_by_text("This field is required.").first.is_visible()
    assert_accessible(page, "teacher-group-form-error")


def test_my_work_reads_in_spanish(page: Any, live_server: Any, section_world: World) -> None:
    user = user_of(section_world, "s1")
    user.preferred_language = "es"
    user.save()
    sign_in(page, live_server.url, user.username, PASSWORD)
    page.goto(f"{live_server.url}/me/work/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Mi trabajo"
    assert page.get_by_label("Profundidad de conocimiento (DOK)").is_visible()
    assert_accessible(page, "me-work-es")
