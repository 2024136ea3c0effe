"""Every foundation page, signed in as each role, in headless Chromium with axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World, build_world, user_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_world(transactional_db: None) -> World:
    return build_world()


def test_login_page_is_accessible(page: Any, live_server: Any, transactional_db: None) -> None:
    page.goto(f"{live_server.url}/login/")
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert_accessible(page, "login")


def test_wrong_password_shows_an_alert(page: Any, live_server: Any, browser_world: World) -> None:
    sign_in(page, live_server.url, user_of(browser_world, "s1").username, "wrong-password")
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, "login-error")


@pytest.mark.parametrize(
    ("person", "heading"),
    [
        ("s1", "My learning, Ana Lopez"),
        ("g1", "My children"),
        ("teacher_a", "My classes"),
        ("counselor_a", "School A"),
        ("principal_a", "School A"),
        ("admin_d1", "District One"),
    ],
)
def test_home_page_of_each_role(
    page: Any, live_server: Any, browser_world: World, person: str, heading: str
) -> None:
    sign_in(page, live_server.url, user_of(browser_world, person).username, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert_accessible(page, f"home-{person}")


def test_teacher_opens_a_section_then_a_student(
    page: Any, live_server: Any, browser_world: World
) -> None:
    sign_in(page, live_server.url, user_of(browser_world, "teacher_a").username, PASSWORD)
    follow(page.get_by_role("link", name="Math 4 · Period 1", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Math 4 · Period 1"
    assert_accessible(page, "section-detail")
    follow(page.get_by_role("link", name="Lopez, Ana"))
    assert page.get_by_role("heading", level=1).inner_text() == "Ana Lopez"
    assert page.get_by_text("4.NF.1").first.is_visible()
    assert_accessible(page, "student-detail")


def test_hidden_student_is_not_found(page: Any, live_server: Any, browser_world: World) -> None:
    sign_in(page, live_server.url, user_of(browser_world, "teacher_a").username, PASSWORD)
    response = page.goto(f"{live_server.url}/students/{browser_world.students['s5'].pk}/")
    assert response.status == 404


def test_keyboard_user_can_sign_out(page: Any, live_server: Any, browser_world: World) -> None:
    sign_in(page, live_server.url, user_of(browser_world, "g1").username, PASSWORD)
    page.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/login/")


def test_not_found_page_is_accessible(page: Any, live_server: Any, browser_world: World) -> None:
    sign_in(page, live_server.url, user_of(browser_world, "s1").username, PASSWORD)
    response = page.goto(f"{live_server.url}/students/{browser_world.students['s2'].pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Not found"
    assert_accessible(page, "not-found")


def test_district_admin_reaches_the_administration(
    page: Any, live_server: Any, browser_world: World
) -> None:
    user = user_of(browser_world, "admin_d1")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    sign_in(page, live_server.url, user.username, PASSWORD)
    follow(page.get_by_role("link", name="Administration"))
    assert "Site administration" in page.title()
    follow(page.get_by_role("link", name="Students").first)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Select student")
    assert_accessible(page, "admin-students")


def test_bad_request_page_is_accessible(page: Any, live_server: Any, browser_world: World) -> None:
    """Bad input in an address answers a 400 page that says what was wrong."""
    sign_in(page, live_server.url, user_of(browser_world, "principal_a").username, PASSWORD)
    response = page.goto(f"{live_server.url}/?q=%00")
    assert response.status == 400
    assert page.get_by_role("heading", level=1).inner_text() == "Bad request"
    assert "NUL character" in page.get_by_role("alert").inner_text()
    assert_accessible(page, "bad-request")


def test_admin_evidence_list_is_accessible(
    page: Any, live_server: Any, browser_world: World
) -> None:
    user = user_of(browser_world, "admin_d1")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    sign_in(page, live_server.url, user.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/evidence/evidence/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Select evidence")
    assert "3 evidence" in page.locator("p.paginator").inner_text()
    assert_accessible(page, "admin-evidence")
