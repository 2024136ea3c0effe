"""The method report page in headless Chromium with axe-core: a district admin computes it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World, build_world, user_of
from tests.factories import PASSWORD, add_evidence

pytestmark = pytest.mark.django_db(transaction=True)


def test_district_admin_computes_and_reads_the_method_report(
    page: Any,
    live_server: Any,
    transactional_db: None,
) -> None:
    world: World = build_world()
    for key in ("s1", "s2", "s3"):
        for target in world.targets:
            for days_ago, score in [(60, 1), (45, 2), (30, 2), (20, 3), (10, 4), (5, 3)]:
                add_evidence(world.students[key], target, score, days_ago=days_ago)
    sign_in(page, live_server.url, user_of(world, "admin_d1").username, PASSWORD)
    follow(page.get_by_role("link", name="Which mastery method predicts best"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Which mastery method predicts best?"
    assert page.get_by_text("No report yet").is_visible()
    assert_accessible(page, "method-report-empty")
    follow(page.get_by_role("button", name="Compute the report"))
    table = page.get_by_role("table").first
    assert table.get_by_role("rowheader", name="Decaying average in use").is_visible()
    # a header and ten methods; n times proficient has no 3 proficient scores before another
    assert table.get_by_role("row").count() == 1 + 10
    assert page.get_by_text("Not scored").inner_text().endswith(": n times proficient.")
    by_framework = page.get_by_role("table", name="By framework")
    assert by_framework.get_by_role("rowheader").count() == 1  # the test world's one framework
    assert_accessible(page, "method-report")
    # the framework's best method is not the one in use: one click makes it so
    framework = world.targets[0].competency.domain.framework.title
    follow(by_framework.get_by_role("button", name=re.compile(f"^Use .* for {framework}$")))
    assert page.get_by_role("status").first.inner_text().endswith("mastery is being recomputed.")
    assert page.get_by_role("table", name="By framework").get_by_text("the best").is_visible()
    assert_accessible(page, "method-report-chosen")
