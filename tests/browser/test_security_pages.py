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
