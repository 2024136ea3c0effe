"""The leaders' "what works" and improvement-cycle pages in headless Chromium, on the planted
district of tests/reports/test_what_works.py: axe-core (WCAG 2.1 AA) and a screenshot each."""

from __future__ import annotations

from typing import Any

import pytest

from masterypath.roster.models import StaffRole
from tests import factories as f
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.reports.test_what_works import _cycle, _district

pytestmark = pytest.mark.django_db(transaction=True)


def test_what_works_and_cycles(page: Any, live_server: Any, transactional_db: None) -> None:
    district, staff, _strategies, students = _district()
    _cycle(district, staff, students)
    principal = f.StaffFactory(school=staff.school, role=StaffRole.PRINCIPAL)
    sign_in(page, live_server.url, principal.user.username, PASSWORD)
    page.goto(f"{live_server.url}/interventions/what-works/")
    assert page.get_by_role("heading", level=1).inner_text() == "What works, for whom"
    assert page.get_by_role("link", name="Works", exact=True).is_visible()
    assert_accessible(page, "interventions-what-works")
    page.goto(f"{live_server.url}/interventions/cycles/")
    assert page.get_by_role("heading", name="Number line first").is_visible()
    assert_accessible(page, "interventions-cycles")
