"""The leader dashboards in headless Chromium: each page as its leader sees it, charts drawn as
SVG with marks, axe-core (WCAG 2.1 AA) without violations, a screenshot of each."""

from __future__ import annotations

from typing import Any

import pytest

from masterypath.reports.summaries import dashboard_summary_refresh
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.factories import PASSWORD
from tests.leaders_world import LeaderWorld, build_leader_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def leaders(transactional_db: None) -> LeaderWorld:
    world = build_leader_world()
    dashboard_summary_refresh(district=world.district)
    return world


def _charts_drawn(page: Any, count: int) -> None:
    """Every chart on the page rendered an SVG with marks, and none failed."""
    page.wait_for_selector(f"[data-chart][data-rendered=true] >> nth={count - 1}")
    canvases = page.locator("[data-chart]")
    assert canvases.count() == count
    for index in range(count):
        marks = canvases.nth(index).locator(
            "svg .mark-line, svg .mark-symbol, svg .mark-rect, svg .mark-text"
        )
        assert marks.count() > 0
    assert page.locator("[data-chart][data-error]").count() == 0


def _sign_in(page: Any, live_server: Any, world: LeaderWorld, person: str) -> None:
    sign_in(page, live_server.url, world.staff[person].user.username, PASSWORD)


def test_principal_dashboard(page: Any, live_server: Any, leaders: LeaderWorld) -> None:
    """The principal lands on the school's dashboard: four charts, readable tables."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, leaders, "principal")
    assert page.get_by_role("heading", level=1).inner_text() == "Lakeside Elementary"
    _charts_drawn(page, 3)
    assert page.get_by_role("heading", name="Who to support first").is_visible()
    assert page.get_by_role("heading", name="Teachers' sections").is_visible()
    assert errors == []
    assert_accessible(page, "leaders-school")


def test_principal_filters_the_student_list(
    page: Any, live_server: Any, leaders: LeaderWorld
) -> None:
    """From the dashboard to the students 2 or more grades below, by keyboard-usable form."""
    _sign_in(page, live_server, leaders, "principal")
    follow(page.get_by_role("link", name="Students", exact=True))
    page.get_by_label("Placement").select_option("below")
    page.get_by_label("Grade").select_option("4")
    follow(page.get_by_role("button", name="Show students"))
    status = page.get_by_role("status").inner_text()
    assert "grade 4, below grade level" in status
    assert page.locator("tbody tr").count() >= 1
    assert_accessible(page, "leaders-students")


def test_principal_compares_student_groups(
    page: Any, live_server: Any, leaders: LeaderWorld
) -> None:
    """By race/ethnicity: small groups read "Hidden", the gaps have a chart and a trend."""
    _sign_in(page, live_server, leaders, "principal")
    follow(page.get_by_role("link", name="Student groups"))
    _charts_drawn(page, 2)
    assert page.locator("td.hidden-cell").count() > 0
    assert_accessible(page, "leaders-groups")


def test_district_admin_dashboard(page: Any, live_server: Any, leaders: LeaderWorld) -> None:
    """The district admin lands on the schools side by side, with the district tools."""
    _sign_in(page, live_server, leaders, "admin")
    assert page.get_by_role("heading", level=1).inner_text() == "Lakeside"
    assert page.get_by_role("link", name="Import standards and rosters").is_visible()
    _charts_drawn(page, 2)
    assert_accessible(page, "leaders-district")
    follow(page.get_by_role("link", name="Lakeside Middle").first)
    assert page.get_by_role("heading", level=1).inner_text() == "Lakeside Middle"


def test_district_admin_groups_and_settings(
    page: Any, live_server: Any, leaders: LeaderWorld
) -> None:
    _sign_in(page, live_server, leaders, "admin")
    follow(page.get_by_role("link", name="Student groups"))
    page.get_by_label("Compare students by").select_option("economic")
    follow(page.get_by_role("button", name="Show"))
    assert "economic disadvantage" in page.get_by_role("heading", level=2).first.inner_text()
    _charts_drawn(page, 2)
    assert_accessible(page, "leaders-district-groups")
    follow(page.get_by_role("link", name="Report settings"))
    page.get_by_label("Smallest group of students shown in reports").fill("12")
    follow(page.get_by_role("button", name="Save"))
    assert "fewer than 12 students" in page.get_by_role("status").inner_text()
    assert_accessible(page, "leaders-settings")
