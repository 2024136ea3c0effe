"""The student's, the family's and the student profile pages in Chromium: axe-core (WCAG 2.1
AA), charts drawn as SVG with marks, a 390 px phone without sideways scrolling, Spanish."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World, build_world, user_of
from tests.factories import PASSWORD
from tests.web.dashboards.world import FEEDBACK, add_dashboard_data

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def learner_world(transactional_db: None) -> World:
    world = build_world()
    add_dashboard_data(world)
    return world


def _charts_drawn(page: Any, count: int) -> None:
    """`count` charts rendered by vega-embed, each an SVG with marks."""
    page.wait_for_selector(f"[data-chart][data-rendered=true] >> nth={count - 1}")
    canvases = page.locator("[data-chart]")
    assert canvases.count() == count
    for index in range(count):
        marks = canvases.nth(index).locator("svg .mark-line, svg .mark-symbol, svg .mark-rect")
        assert marks.count() > 0


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 390 px phone"


def test_student_home_is_accessible_with_charts(
    page: Any, live_server: Any, learner_world: World
) -> None:
    """My continuum: track and growth charts drawn, targets collapsed, no violation."""
    sign_in(page, live_server.url, user_of(learner_world, "s1").username, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "My learning, Ana Lopez"
    _charts_drawn(page, 2)
    assert page.get_by_text("I am working at grade 4 level.").is_visible()
    assert not page.locator("details.target-group").first.evaluate("d => d.open")
    assert_accessible(page, "student-home")


def test_student_home_fits_a_phone(browser: Any, live_server: Any, learner_world: World) -> None:
    """At 390 px nothing scrolls sideways, opened target groups included."""
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    try:
        sign_in(page, live_server.url, user_of(learner_world, "s1").username, PASSWORD)
        _charts_drawn(page, 2)
        page.locator("details.target-group summary").first.click()
        _no_sideways_scroll(page)
        assert_accessible(page, "student-home-phone")
    finally:
        context.close()


def test_family_home_is_accessible_with_each_child(
    page: Any, live_server: Any, learner_world: World
) -> None:
    """Both children, each with a track chart; a growth line where there are two placements."""
    sign_in(page, live_server.url, user_of(learner_world, "g1").username, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "My children"
    assert page.get_by_role("heading", name="Ana Lopez").is_visible()
    assert page.get_by_role("heading", name="Ben Okafor").is_visible()
    _charts_drawn(page, 3)
    assert page.get_by_text(FEEDBACK).first.is_visible()
    assert_accessible(page, "family-home")


def test_family_home_fits_a_phone(browser: Any, live_server: Any, learner_world: World) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    try:
        sign_in(page, live_server.url, user_of(learner_world, "g1").username, PASSWORD)
        _charts_drawn(page, 3)
        _no_sideways_scroll(page)
        assert_accessible(page, "family-home-phone")
    finally:
        context.close()


def test_a_spanish_family_page_is_really_spanish(
    page: Any, live_server: Any, learner_world: World
) -> None:
    """A guardian who reads Spanish gets Spanish headings, sentences and chart tables."""
    user = user_of(learner_world, "g1")
    user.preferred_language = "es"
    user.save()
    sign_in(page, live_server.url, user.username, PASSWORD)
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Mis hijos"
    body = page.locator("main").inner_text()
    for spanish in ("¿Va al día?", "Trabaja a nivel de grado 4", "Trabajo reciente", "Al día"):
        assert spanish in body
    for english in ("On track", "Recent work", "Working at grade", "Teachers and how"):
        assert english not in body
    _charts_drawn(page, 3)
    assert_accessible(page, "family-home-es")


def test_the_report_form_downloads_a_pdf(page: Any, live_server: Any, learner_world: World) -> None:
    """The family's report button returns a PDF for the chosen period."""
    sign_in(page, live_server.url, user_of(learner_world, "g1").username, PASSWORD)
    article = page.locator(f"#child-{learner_world.students['s1'].pk}")
    action = article.locator("form.report-form").get_attribute("action")
    start = article.locator("input[name=start]").input_value()
    end = article.locator("input[name=end]").input_value()
    response = page.request.get(f"{live_server.url}{action}?start={start}&end={end}")
    assert response.status == 200
    assert response.body().startswith(b"%PDF-")


def test_student_profile_is_accessible_with_charts(
    page: Any, live_server: Any, learner_world: World
) -> None:
    """A teacher opens a student from the section roster: the profile, its charts, the year."""
    sign_in(page, live_server.url, user_of(learner_world, "teacher_a").username, PASSWORD)
    follow(page.get_by_role("link", name="Math 4 · Period 1", exact=True))
    follow(page.get_by_role("link", name="Lopez, Ana"))
    assert page.get_by_role("heading", level=1).inner_text() == "Ana Lopez"
    _charts_drawn(page, 2)
    assert page.get_by_role("heading", name="Evidence timeline").is_visible()
    assert page.get_by_text("Helped a classmate get started.").is_visible()
    assert_accessible(page, "student-profile")
