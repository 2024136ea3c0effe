"""A district admin imports a roster and standards in the browser; pages pass axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World, build_world, user_of
from tests.factories import PASSWORD
from tests.interop.conftest import CASE_DATA, ONEROSTER_DATA

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_world(transactional_db: None) -> World:
    return build_world()


def test_admin_imports_standards_then_sees_a_failed_roster_report(
    page: Any, live_server: Any, browser_world: World, tmp_path: Any
) -> None:
    sign_in(page, live_server.url, user_of(browser_world, "admin_d1").username, PASSWORD)
    page.goto(f"{live_server.url}/district/imports/")
    assert page.get_by_role("heading", level=1).inner_text() == "Imports"
    assert_accessible(page, "imports-index")
    assert not page.get_by_label("who teach a class as teachers").is_checked()
    package = CASE_DATA / "sbac-case-v1p0" / "sbac-webb-dok-levels.json"
    page.get_by_label("CASE package").set_input_files(str(package))
    page.get_by_role("button", name="Import standards").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#job-status").inner_text() == "Succeeded"
    assert_accessible(page, "imports-job-succeeded")

    import zipfile

    bundle = tmp_path / "minimal.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        for path in (ONEROSTER_DATA / "moodle-enrol_oneroster" / "Test_minimal_data_set").iterdir():
            archive.write(path, path.name)
    page.goto(f"{live_server.url}/district/imports/")
    page.get_by_label("OneRoster bundle").set_input_files(str(bundle))
    page.get_by_role("button", name="Import roster").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#job-status").inner_text() == "Failed"
    assert page.get_by_role("link", name="Download the error report (CSV)").is_visible()
    assert page.get_by_role("cell", name="courseSourcedId").first.is_visible()
    assert_accessible(page, "imports-job-failed")
