"""Re-importing the project's own OneRoster export into the same district creates nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from masterypath.evidence.models import Assessment, Evidence
from masterypath.interop.oneroster.exporter import oneroster_district_export_zip
from masterypath.interop.oneroster.ids import by_export_sid, export_sid, own_export_pk
from masterypath.interop.oneroster.reader import read_bundle
from masterypath.interop.oneroster.services import oneroster_bundle_import
from masterypath.roster.models import Course, Enrollment, Guardian, Section, Staff, Student
from masterypath.schools.models import AcademicSession, District, School
from tests import factories as f
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _counts(district: District) -> dict[str, Any]:
    return {
        "schools": School.objects.filter(district=district).count(),
        "sessions": AcademicSession.objects.filter(district=district).count(),
        "courses": Course.objects.filter(district=district).count(),
        "sections": Section.objects.filter(school__district=district).count(),
        "students": Student.objects.filter(district=district).count(),
        "staff": Staff.objects.filter(district=district).count(),
        "guardians": Guardian.objects.filter(district=district).count(),
        "enrollments": Enrollment.objects.filter(section__school__district=district).count(),
        "evidence": Evidence.objects.filter(student__district=district).count(),
        "assessments": Assessment.objects.count(),
        "source ids": sorted(
            Student.objects.filter(district=district).values_list("source_id", flat=True)
        ),
    }


def _export_and_import(world: World, tmp_path: Path) -> tuple[District, dict[str, Any]]:
    district = world.students["s1"].district
    archive = tmp_path / "export.zip"
    archive.write_bytes(oneroster_district_export_zip(district=district))
    outcome = oneroster_bundle_import(bundle=read_bundle(archive), district=district)
    return district, outcome


def test_own_export_reimported_into_the_same_district_changes_nothing(
    world: World, tmp_path: Path
) -> None:
    """Rows authored here are exported as mp-<kind>-<id> and read back to themselves: no
    second school, student, class, enrollment or score appears, and nothing is updated."""
    district = world.students["s1"].district
    before = _counts(district)
    _, outcome = _export_and_import(world, tmp_path)
    assert outcome["counts"] == {}
    assert _counts(district) == before
    district.refresh_from_db()
    assert district.source_id == ""


def test_own_export_ids_name_rows_of_this_district_only(world: World) -> None:
    """An mp- id is read back only to the row it names in the district given, and only
    while that row has no sourcedId of its own."""
    school = world.students["s1"].school
    other = world.students["s5"].school
    assert export_sid(school, "school") == f"mp-school-{school.pk}"
    assert own_export_pk(f"mp-school-{school.pk}", "school") == school.pk
    assert own_export_pk(f"mp-school-{school.pk}", "class") is None
    assert own_export_pk("school-12", "school") is None
    mapped = by_export_sid(School.objects.filter(district=school.district), "school")
    assert mapped[f"mp-school-{school.pk}"] == school
    assert f"mp-school-{other.pk}" not in mapped
    school.source_id = "sis-9"
    assert by_export_sid([school], "school") == {"sis-9": school}


@pytest.mark.parametrize("results", [10, 200])
def test_gradebook_queries_do_not_grow_with_the_results(
    world: World, tmp_path: Path, results: int, django_assert_max_num_queries: Any
) -> None:
    """The same roster with 10 or 200 more results imports in the same number of queries:
    results are checked and written in bulk, and mastery is recomputed as one batch."""
    s1, s2 = world.students["s1"], world.students["s2"]
    now = timezone.now()
    Evidence.objects.bulk_create(
        Evidence(
            student=(s1, s2)[n % 2],
            target=world.targets[n % 3],
            score=Decimal(1 + n % 4),
            observed_at=now - timedelta(days=1 + n),
            kind="formative",
        )
        for n in range(results)
    )
    archive = tmp_path / "export.zip"
    archive.write_bytes(oneroster_district_export_zip(district=s1.district))
    bundle = read_bundle(archive)
    copy = f.DistrictFactory()
    with django_assert_max_num_queries(41):
        outcome = oneroster_bundle_import(bundle=bundle, district=copy)
    assert (
        outcome["counts"]["evidence created"]
        == Evidence.objects.filter(student__district=s1.district).count()
    )
