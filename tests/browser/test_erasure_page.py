"""The erasure page in headless Chromium: a wrong local id is refused with a clear error, the
right one erases; each state screenshotted and checked with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

from typing import Any

import pytest

from masterypath.roster.models import Student
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World, build_world, user_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eworld(transactional_db: None) -> World:
    return build_world()


def test_the_district_admin_confirms_and_erases_a_record(
    page: Any, live_server: Any, eworld: World
) -> None:
    s1 = eworld.students["s1"]
    sign_in(page, live_server.url, user_of(eworld, "admin_d1").username, PASSWORD)
    page.goto(f"{live_server.url}/district/students/{s1.pk}/erase")
    assert page.get_by_role("heading", level=1).inner_text() == "Erase a student's record"
    assert_accessible(page, "erasure-confirm")
    page.get_by_label("Type the student's local id to confirm").fill("not-the-id")
    follow(page.get_by_role("button", name="Erase this record"))
    assert "local id exactly" in page.get_by_role("alert").inner_text()
    assert_accessible(page, "erasure-wrong-id")
    page.get_by_label("Type the student's local id to confirm").fill(s1.local_id)
    follow(page.get_by_role("button", name="Erase this record"))
    assert "The record is erased" in page.get_by_role("status").inner_text()
    assert_accessible(page, "erasure-done")
    assert Student.objects.get(pk=s1.pk).given_name == "Erased"
