"""OneRoster bundles: every public sample set, all-or-nothing, idempotent, delta, gradebook."""

from __future__ import annotations

import shutil
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from masterypath.evidence.models import Evidence, EvidenceKind, EvidenceSource
from masterypath.interop.oneroster.errors import OneRosterImportError
from masterypath.interop.oneroster.exporter import oneroster_district_export_zip
from masterypath.interop.oneroster.reader import read_bundle
from masterypath.interop.oneroster.services import oneroster_bundle_import
from masterypath.roster.models import Enrollment, Guardian, Section, Staff, Student
from masterypath.schools.models import District, School
from tests import factories as f
from tests.interop.conftest import ONEROSTER_DATA

pytestmark = pytest.mark.django_db

EDFI = "edfi-lms-toolkit-v1p1"
GRADEBOOK = ONEROSTER_DATA / "gradebook-v1p2"
# Each public sample set in tests/fixtures/oneroster, and what it must give: "ok", or the
# issues expected (file, column).
SAMPLE_SETS = {
    EDFI: "ok",
    "moodle-enrol_oneroster/oneroster_test_data": "ok",
    "edfi-lms-toolkit-lms-udm": [("manifest.csv", "")],
    "moodle-enrol_oneroster/Test_full_data_set": [("classes.csv", "courseSourcedId")],
    "moodle-enrol_oneroster/Test_minimal_data_set": [("classes.csv", "courseSourcedId")],
    "moodle-enrol_oneroster/v1p2_full_dataset": [
        ("users.csv", "dateLastModified"),
        ("enrollments.csv", "classSourcedId"),
    ],
}


def _import(location: Path, district: District) -> dict[str, Any]:
    return oneroster_bundle_import(bundle=read_bundle(location), district=district)


def roster_snapshot(district: District) -> dict[str, Any]:
    students = Student.objects.filter(district=district)
    return {
        "schools": sorted(School.objects.filter(district=district).values_list("name", flat=True)),
        "students": sorted(
            students.values_list(
                "local_id",
                "given_name",
                "family_name",
                "grade_level",
                "sex",
                "birth_on",
                "is_hispanic_latino",
                "is_white",
                "is_asian",
                "is_active",
                "school__name",
            )
        ),
        "staff": sorted(
            Staff.objects.filter(district=district).values_list(
                "given_name", "family_name", "role", "email"
            )
        ),
        "guardians": sorted(
            Guardian.objects.filter(district=district).values_list(
                "given_name", "family_name", "links__student__local_id"
            )
        ),
        "sections": sorted(
            Section.objects.filter(school__district=district).values_list(
                "title", "course__title", "session__title", "period"
            )
        ),
        "enrollments": sorted(
            Enrollment.objects.filter(section__school__district=district).values_list(
                "section__title",
                "role",
                "student__local_id",
                "staff__family_name",
                "begins_on",
                "ends_on",
            )
        ),
        "evidence": sorted(
            Evidence.objects.filter(student__district=district).values_list(
                "student__local_id", "target__code", "score", "observed_at__date", "kind"
            )
        ),
    }


@pytest.mark.parametrize(("name", "expected"), list(SAMPLE_SETS.items()))
def test_every_public_sample_set_imports_or_fails_cleanly(name: str, expected: Any) -> None:
    """Each real set either imports or is refused with issues naming file, line and column;
    a refused set writes nothing."""
    location = ONEROSTER_DATA / name
    district = f.DistrictFactory()
    if expected == "ok":
        outcome = _import(location, district)
        assert outcome["counts"]
        assert Student.objects.filter(district=district).exists()
        return
    with pytest.raises(OneRosterImportError) as caught:
        _import(location, district)
    issues = caught.value.issues
    for file, column in expected:
        assert any(i.file == file and i.column == column for i in issues), issues
    assert all(i.line > 0 for i in issues if i.file != "manifest.csv")
    assert not Student.objects.exists()
    assert not School.objects.exists()


def test_edfi_bundle_maps_people_demographics_and_classes() -> None:
    district = f.DistrictFactory(name="Grand Bend")
    _import(ONEROSTER_DATA / EDFI, district)
    assert district.source_id == "255901"
    mary = Student.objects.get(district=district, source_id="604863")
    assert (mary.given_name, mary.family_name, mary.grade_level) == ("Mary", "Archer", 9)
    assert mary.sex == "F"
    assert mary.is_asian
    assert mary.is_hispanic_latino
    assert str(mary.birth_on) == "1997-05-30"
    assert Section.objects.filter(school__district=district).count() == 2
    # Ed-Fi enrolls each student once per semester: one enrollment spans the year.
    enrollment = Enrollment.objects.get(student=mary, section__source_id__contains="ALG")
    assert (str(enrollment.begins_on), str(enrollment.ends_on)) == ("2020-08-17", "2021-05-28")
    assert Staff.objects.filter(district=district, role="teacher").count() == 2


def test_importing_the_same_bundle_twice_changes_nothing() -> None:
    district = f.DistrictFactory()
    location = ONEROSTER_DATA / EDFI
    _import(location, district)
    before = roster_snapshot(district)
    outcome = _import(location, district)
    assert outcome["counts"] == {}
    assert roster_snapshot(district) == before


def test_bundle_for_another_district_is_refused() -> None:
    district = f.DistrictFactory(source_id="999")
    with pytest.raises(OneRosterImportError) as caught:
        _import(ONEROSTER_DATA / EDFI, district)
    issue = caught.value.issues[0]
    assert (issue.file, issue.line, issue.column) == ("orgs.csv", 2, "sourcedId")


def _gradebook_world(district: District) -> None:
    """A shared framework (1-4 scale) with targets 4.NF.1 and 4.NF.2."""
    competency = f.CompetencyFactory()
    for n in (1, 2):
        f.TargetFactory(competency=competency, code=f"4.NF.{n}", level=4)


def test_gradebook_results_per_objective_become_evidence_once(tmp_path: Path) -> None:
    district = f.DistrictFactory()
    _gradebook_world(district)
    outcome = _import(GRADEBOOK, district)
    assert outcome["counts"]["evidence created"] == 4
    evidence = Evidence.objects.filter(source=EvidenceSource.ONEROSTER)
    ana = evidence.filter(student__local_id="4001")
    assert sorted((e.target.code, e.score) for e in ana) == [
        ("4.NF.1", Decimal("3.00")),
        ("4.NF.1", Decimal("4.00")),
        ("4.NF.2", Decimal("3.00")),
    ]
    assert ana.get(target__code="4.NF.2").kind == EvidenceKind.SUMMATIVE
    ben = evidence.get(student__local_id="4002")
    assert ben.comment == "Needs a number line"
    assert ben.kind == EvidenceKind.FORMATIVE
    assert _import(GRADEBOOK, district)["counts"] == {}
    assert evidence.count() == 4
    guardian = Guardian.objects.get(district=district)
    assert list(guardian.students.values_list("local_id", flat=True)) == ["4001"]
    assert Student.objects.get(local_id="4001").preferred_name == "Annie"


def test_score_off_the_target_scale_is_reported_with_file_line_and_column(tmp_path: Path) -> None:
    district = f.DistrictFactory()
    _gradebook_world(district)
    bundle = tmp_path / "bundle"
    shutil.copytree(GRADEBOOK, bundle)
    path = bundle / "resultLearningObjectiveIds.csv"
    path.write_text(path.read_text().replace("res-3,unknown,4.NF.2,3", "res-3,unknown,4.NF.2,9"))
    with pytest.raises(OneRosterImportError) as caught:
        _import(bundle, district)
    issue = caught.value.issues[0]
    assert (issue.file, issue.line, issue.column) == ("resultLearningObjectiveIds.csv", 3, "score")
    assert "off the scale" in issue.message
    assert not Student.objects.exists()
    assert not Evidence.objects.exists()


def test_delta_deactivates_removes_and_skips_stale_rows(tmp_path: Path) -> None:
    district = f.DistrictFactory()
    _gradebook_world(district)
    _import(GRADEBOOK, district)
    delta = tmp_path / "delta"
    delta.mkdir()
    (delta / "manifest.csv").write_text(
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
        "file.users,delta\nfile.roles,delta\nfile.enrollments,delta\n"
    )
    header = (GRADEBOOK / "users.csv").read_text().splitlines()[0]
    (delta / "users.csv").write_text(
        f"{header}\n"
        "s-2,tobedeleted,2025-09-01T00:00:00Z,true,ben,,Ben,Cole,,4002,,,,,04,,,,,,sch-1,\n"
        "s-1,active,2025-07-01T00:00:00Z,true,ana,,Stale,Name,,4001,,,,,04,,,,,,sch-1,\n"
    )
    (delta / "roles.csv").write_text((GRADEBOOK / "roles.csv").read_text())
    (delta / "enrollments.csv").write_text(
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate\n"
        "e-s2,tobedeleted,2025-09-01T00:00:00Z,cls-m4a,sch-1,s-2,student,false,,\n"
    )
    outcome = _import(delta, district)
    assert outcome["counts"] == {"enrollments removed": 1, "students deactivated": 1}
    assert not Student.objects.get(local_id="4002").is_active
    assert Student.objects.get(local_id="4001").given_name == "Ana"
    assert any(w["column"] == "dateLastModified" for w in outcome["warnings"])


def test_changed_enrollment_dates_update_the_enrollment_in_place(tmp_path: Path) -> None:
    district = f.DistrictFactory()
    _gradebook_world(district)
    _import(GRADEBOOK, district)
    ids_before = set(Enrollment.objects.values_list("pk", flat=True))
    bundle = tmp_path / "bundle"
    shutil.copytree(GRADEBOOK, bundle)
    path = bundle / "enrollments.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    changed = lines[1].split(",")
    changed[header.index("endDate")] = "2026-01-31"
    changed[header.index("primary")] = "false"
    path.write_text("\n".join([lines[0], ",".join(changed), *lines[2:]]) + "\n")
    outcome = _import(bundle, district)
    assert outcome["counts"] == {"enrollments updated": 1}
    enrollment = Enrollment.objects.get(source_id=changed[header.index("sourcedId")])
    assert str(enrollment.ends_on) == "2026-01-31"
    assert enrollment.is_primary is False
    assert set(Enrollment.objects.values_list("pk", flat=True)) == ids_before
    assert _import(bundle, district)["counts"] == {}


def test_bulk_users_file_deactivates_students_it_no_longer_lists(tmp_path: Path) -> None:
    district = f.DistrictFactory()
    _gradebook_world(district)
    _import(GRADEBOOK, district)
    bundle = tmp_path / "bundle"
    shutil.copytree(GRADEBOOK, bundle)
    for name in ("users.csv", "roles.csv", "enrollments.csv", "demographics.csv"):
        path = bundle / name
        path.write_text(
            "\n".join(line for line in path.read_text().splitlines() if "s-2" not in line) + "\n"
        )
    outcome = _import(bundle, district)
    assert outcome["counts"]["students deactivated"] == 1
    assert outcome["counts"]["enrollments removed"] == 1


def test_export_reads_back_identically_into_another_district(tmp_path: Path) -> None:
    district = f.DistrictFactory()
    _gradebook_world(district)
    _import(GRADEBOOK, district)
    _import(ONEROSTER_DATA / "moodle-enrol_oneroster/oneroster_test_data", district)
    archive = tmp_path / "export.zip"
    archive.write_bytes(oneroster_district_export_zip(district=district))
    with zipfile.ZipFile(archive) as opened:
        assert "manifest.csv" in opened.namelist()
    copy = f.DistrictFactory()
    _import(archive, copy)
    assert roster_snapshot(copy) == roster_snapshot(district)
    # And into the district it came from: nothing to change.
    assert _import(archive, district)["counts"] == {}


def test_zip_and_command_line(tmp_path: Path) -> None:
    archive = tmp_path / "edfi.zip"
    with zipfile.ZipFile(archive, "w") as opened:
        for path in (ONEROSTER_DATA / EDFI).iterdir():
            opened.write(path, f"export/{path.name}")
    district = f.DistrictFactory()
    call_command("import-oneroster", str(archive), "--district", str(district.pk))
    assert Student.objects.filter(district=district).count() == 8
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import-oneroster",
            str(ONEROSTER_DATA / "edfi-lms-toolkit-lms-udm"),
            "--district",
            str(district.pk),
        )
    out = tmp_path / "out.zip"
    call_command("export-oneroster", str(out), "--district", str(district.pk))
    assert zipfile.is_zipfile(out)
