"""Security pages in headless Chromium: the district's audit log (and, below, sign-in
defences), each with a screenshot and axe-core (WCAG 2.1 AA) without violations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World, build_world, user_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sworld(transactional_db: None) -> World:
    return build_world()


def test_the_district_admin_reads_and_filters_the_audit_log(
    page: Any, live_server: Any, sworld: World
) -> None:
    teacher = user_of(sworld, "teacher_a")
    sign_in(page, live_server.url, teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/students/{sworld.students['s1'].pk}/")
    page.context.clear_cookies()
    sign_in(page, live_server.url, user_of(sworld, "admin_d1").username, PASSWORD)
    page.goto(f"{live_server.url}/district/audit/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("audit log")
    assert page.get_by_role("cell", name="Ana Lopez", exact=False).count() >= 1
    page.get_by_label("User (username)").fill(teacher.username)
    follow(page.get_by_role("button", name="Filter"))
    rows = page.locator("table.audit-log tbody tr")
    assert rows.count() >= 1
    assert teacher.username in rows.first.inner_text()
    assert_accessible(page, "security-audit-log")


def test_wrong_passwords_pause_the_sign_in_with_a_clear_page(
    page: Any, live_server: Any, sworld: World
) -> None:
    username = user_of(sworld, "teacher_a").username
    for n in range(5):
        sign_in(page, live_server.url, username, f"wrong-{n}")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in paused"
    assert "Too many wrong passwords" in page.get_by_role("alert").inner_text()
    assert_accessible(page, "security-locked-out")


def test_a_password_is_reset_from_the_sign_in_page(
    page: Any, live_server: Any, sworld: World
) -> None:
    from django.core import mail

    teacher = user_of(sworld, "teacher_a")
    teacher.email = "teacher@example.org"
    teacher.save()
    page.goto(f"{live_server.url}/login/")
    follow(page.get_by_role("link", name="Forgot your password?"))
    page.get_by_label("Email address").fill("teacher@example.org")
    assert_accessible(page, "security-reset-form")
    follow(page.get_by_role("button", name="Send the link"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    [message] = mail.outbox
    link = next(word for word in message.body.split() if "/password-reset/" in word)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("a-long-new-passphrase-9")
    page.get_by_label("New password again").fill("a-long-new-passphrase-9")
    assert_accessible(page, "security-reset-confirm")
    follow(page.get_by_role("button", name="Save the new password"))
    assert page.get_by_role("heading", level=1).inner_text() == "Password changed"
    sign_in(page, live_server.url, teacher.username, "a-long-new-passphrase-9")
    assert "/login/" not in page.url
