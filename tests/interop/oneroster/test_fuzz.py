"""The OneRoster reader and importer never crash on odd CSV: they import or list issues."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masterypath.interop.oneroster.errors import OneRosterImportError
from masterypath.interop.oneroster.reader import read_bundle
from masterypath.interop.oneroster.services import oneroster_bundle_import
from tests import factories as f
from tests.interop.conftest import FIXTURES

GRADEBOOK = FIXTURES / "oneroster" / "gradebook-v1p2"
cells = st.sampled_from(
    [
        "",
        "x",
        "KG",
        "13",
        "true",
        "tobedeleted",
        "2025-13-40",
        "1/05/2023",
        "s-1",
        "sch-1",
        "cls-m4a",
        "9.5",
        "NaN",
        "-1",
        '"',
        ",",
        "\n",
        "é",
    ]
)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    file=st.sampled_from(
        [
            "users.csv",
            "enrollments.csv",
            "classes.csv",
            "results.csv",
            "academicSessions.csv",
            "orgs.csv",
            "demographics.csv",
            "resultLearningObjectiveIds.csv",
            "manifest.csv",
        ]
    ),
    rows=st.lists(st.lists(cells, min_size=0, max_size=25), max_size=4),
    raw=st.binary(max_size=60),
)
def test_mangled_files_give_issues_not_crashes(
    tmp_path_factory: pytest.TempPathFactory, file: str, rows: list[list[str]], raw: bytes
) -> None:
    bundle = tmp_path_factory.mktemp("b") / "bundle"
    shutil.copytree(GRADEBOOK, bundle)
    path: Path = bundle / file
    lines = path.read_text().splitlines()[:2]
    lines += [",".join(row) for row in rows]
    path.write_bytes("\n".join(lines).encode() + raw)
    district = f.DistrictFactory()
    try:
        oneroster_bundle_import(bundle=read_bundle(bundle), district=district)
    except OneRosterImportError as error:
        assert error.issues  # noqa: PT017 - any input is fine; a crash is not
        assert all(issue.file for issue in error.issues)  # noqa: PT017
