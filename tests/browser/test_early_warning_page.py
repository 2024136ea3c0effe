"""The early warning page in headless Chromium: the principal's lists with their reasons,
filtered by keyboard-usable form, axe-core (WCAG 2.1 AA) clean, a screenshot of each."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from masterypath.earlywarning.services import exceptions_recompute
from masterypath.roster.models import Staff, StaffRole
from tests import factories as f
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.earlywarning.world import AS_OF, build_world, pupil, rising, school_days
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
DAYS = school_days(date(2026, 1, 5))
LIST = "section[aria-labelledby=list-heading] tbody"
LIST_ROWS = f"{LIST} tr"


@pytest.fixture
def principal(transactional_db: None) -> Staff:
    world = build_world()
    for index, (grade, start) in enumerate([(7, 3.9), (8, 4.1), (6, 3.2), (5, 4.3), (7, 6.2)]):
        pupil(
            world,
            grade=grade,
            name=["Ana", "Ben", "Cleo", "Dev", "Eli"][index],
            tracks={
                world.math: rising(start, 0.1, DAYS),
                world.reading: rising(start + 0.3, 0.1 if index != 4 else 0.22, DAYS),
            },
        )
    exceptions_recompute(district=world.district, as_of=AS_OF)
    return f.StaffFactory(school=world.school, role=StaffRole.PRINCIPAL)


def test_principal_reads_who_to_support_first(
    page: Any, live_server: Any, principal: Staff
) -> None:
    sign_in(page, live_server.url, principal.user.username, PASSWORD)
    page.goto(f"{live_server.url}/early-warning/")
    assert page.get_by_role("heading", level=1).inner_text() == "Early warning"
    assert page.get_by_role("heading", name="Who to support first").is_visible()
    first = page.locator(LIST_ROWS).first.inner_text()
    assert "Ben" in first or "Cleo" in first
    assert "grades below in" in page.locator(LIST).inner_text()
    assert_accessible(page, "early-warning")


def test_principal_filters_a_list_by_grade(page: Any, live_server: Any, principal: Staff) -> None:
    sign_in(page, live_server.url, principal.user.username, PASSWORD)
    page.goto(f"{live_server.url}/early-warning/")
    page.get_by_label("Grade", exact=True).select_option("7")
    follow(page.get_by_role("button", name="Show"))
    rows = page.locator(LIST_ROWS)
    assert rows.count() >= 1
    assert "Ben" not in page.locator(LIST).inner_text()
    follow(page.get_by_role("link", name="Struggling in several areas"))
    assert page.get_by_role("heading", name="Struggling in several areas").is_visible()
    assert_accessible(page, "early-warning-several")


def test_teacher_reads_the_alert_digest(
    page: Any, live_server: Any, transactional_db: None
) -> None:
    """A student newly two grades below: the teacher's digest lists it, then marks it read."""
    world = build_world()
    spring = rising(6.0, 0.1, [day for day in DAYS if day < date(2026, 7, 1)])
    autumn = rising(4.0, 0.05, [day for day in DAYS if day >= date(2026, 9, 1)])
    student = pupil(world, grade=7, name="Fay", tracks={world.math: spring + autumn})
    teacher = f.StaffFactory(school=world.school, role=StaffRole.TEACHER)
    session = f.SessionFactory(
        district=world.district, starts_on=date(2026, 8, 20), ends_on=date(2027, 6, 10)
    )
    f.enroll(f.SectionFactory(school=world.school, session=session), teacher, student)
    exceptions_recompute(district=world.district, as_of=date(2026, 3, 1))
    exceptions_recompute(district=world.district, as_of=AS_OF)
    sign_in(page, live_server.url, teacher.user.username, PASSWORD)
    page.goto(f"{live_server.url}/early-warning/")
    follow(page.get_by_role("link", name="Your alerts"))
    assert page.get_by_role("heading", name="Found 20 November 2026").is_visible()
    assert "Fay Lakeside" in page.locator(".alert-list").first.inner_text()
    assert_accessible(page, "early-warning-alerts")
    follow(page.get_by_role("button", name="Mark all"))
    assert page.get_by_role("button", name="Mark all").count() == 0
