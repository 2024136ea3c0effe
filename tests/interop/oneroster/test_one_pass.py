"""OneRoster validation reports every problem of a bundle in one pass, with messages that do
not mislead: refused rows say why, empty fields say so, OneRoster 1.0 names get a hint."""

from __future__ import annotations

import shutil
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from masterypath.interop.oneroster.errors import Issue, OneRosterImportError
from masterypath.interop.oneroster.reader import read_bundle
from masterypath.interop.oneroster.services import oneroster_bundle_import
from masterypath.jobs.models import Job, JobStatus
from masterypath.roster.models import Enrollment, Staff, Student
from masterypath.schools.models import District
from tests import factories as f
from tests.conftest import World, user_of
from tests.interop.conftest import ONEROSTER_DATA

pytestmark = pytest.mark.django_db

EDFI = ONEROSTER_DATA / "edfi-lms-toolkit-v1p1"
ENGLISH = "25590100101Trad120ENG112011"


def _bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(EDFI, folder)
    return folder


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1))


def _issues(folder: Path, district: District) -> list[Issue]:
    with pytest.raises(OneRosterImportError) as caught:
        oneroster_bundle_import(bundle=read_bundle(folder), district=district)
    return caught.value.issues


def _import(folder: Path, district: District, **options: Any) -> dict[str, Any]:
    return oneroster_bundle_import(bundle=read_bundle(folder), district=district, **options)


def test_a_header_error_does_not_hide_the_row_errors_of_other_files(tmp_path: Path) -> None:
    folder = _bundle(tmp_path)
    # demographics.csv written with the OneRoster 1.0 column name
    _edit(folder, "demographics.csv", "sourcedId", "userSourcedId")
    # classes.csv line 2: no course; enrollments.csv line 2: a class that does not exist
    _edit(folder, "classes.csv", ",09,ENG-1,English I", ",09,,English I")
    _edit(folder, "enrollments.csv", f",,,{ENGLISH},255901001,604863", ",,,nope,255901001,604863")
    issues = _issues(folder, f.DistrictFactory())
    found = {(i.file, i.line, i.column) for i in issues}
    assert ("demographics.csv", 1, "sourcedId") in found
    assert ("classes.csv", 2, "courseSourcedId") in found
    assert ("enrollments.csv", 2, "classSourcedId") in found
    header = next(i for i in issues if i.file == "demographics.csv")
    assert "userSourcedId is the OneRoster 1.0 name of sourcedId" in header.message
    course = next(i for i in issues if (i.file, i.line) == ("classes.csv", 2))
    assert course.message == "required field courseSourcedId is empty."
    assert not Student.objects.exists()


def test_a_row_pointing_at_a_refused_row_says_it_was_refused_and_why(tmp_path: Path) -> None:
    folder = _bundle(tmp_path)
    # The English class names a school that does not exist: refused for its own reason.
    _edit(folder, "classes.csv", "scheduled,120,255901001", "scheduled,120,elsewhere")
    issues = _issues(folder, f.DistrictFactory())
    own = [i for i in issues if i.file == "classes.csv"]
    assert [(i.line, i.column) for i in own] == [(2, "schoolSourcedId")]
    assert "School 'elsewhere' is not in orgs.csv" in own[0].message
    pointing = [i for i in issues if i.file == "enrollments.csv"]
    assert pointing, issues
    for issue in pointing:
        assert issue.message.startswith(
            f"Class {ENGLISH!r} is in classes.csv line 2 but was refused: School 'elsewhere'"
        ), issue.message
        assert "is not in classes.csv" not in issue.message


def test_rows_of_a_file_with_a_broken_header_are_refused_by_name(tmp_path: Path) -> None:
    folder = _bundle(tmp_path)
    _edit(folder, "courses.csv", ",orgSourcedId,", ",organization,")
    issues = _issues(folder, f.DistrictFactory())
    assert ("courses.csv", 1, "orgSourcedId") in {(i.file, i.line, i.column) for i in issues}
    classes = [i for i in issues if i.file == "classes.csv"]
    assert len(classes) == 2
    assert all(
        "but was refused: the header of courses.csv lacks orgSourcedId" in i.message
        for i in classes
    ), classes


def test_unknown_manifest_keys_and_one_point_zero_columns_warn(tmp_path: Path) -> None:
    folder = _bundle(tmp_path)
    _edit(
        folder,
        "manifest.csv",
        "file.demographics,bulk",
        "file.demographics,bulk\nfiel.demographics,bulk",
    )
    _edit(folder, "users.csv", ",agentSourcedIds,grades,", ",agentSourcedIds,grade,")
    outcome = _import(folder, f.DistrictFactory())
    messages = {(w["file"], w["column"]): w["message"] for w in outcome["warnings"]}
    assert messages[("manifest.csv", "propertyName")] == (
        "Unknown property 'fiel.demographics'; ignored. Did you mean file.demographics?"
    )
    assert "grade is the OneRoster 1.0 name of grades" in messages[("users.csv", "grade")]


def test_a_student_who_teaches_is_refused_unless_roles_come_from_enrollments(
    tmp_path: Path,
) -> None:
    folder = _bundle(tmp_path)
    _edit(folder, "users.csv", "255901001,teacher,Kelley", "255901001,student,Kelley")
    district = f.DistrictFactory()
    issues = _issues(folder, district)
    assert issues
    assert all(i.file == "enrollments.csv" and i.column == "userSourcedId" for i in issues)
    assert all("is enrolled as a teacher but is not staff" in i.message for i in issues)
    assert "--role-from-enrollments" in issues[0].message
    outcome = _import(folder, district, role_from_enrollments=True)
    kelley = Staff.objects.get(district=district, family_name="Christian")
    assert kelley.role == "teacher"
    assert Enrollment.objects.filter(staff=kelley).count() == 1
    assert not Student.objects.filter(family_name="Christian").exists()
    assert any("imported as a teacher" in w["message"] for w in outcome["warnings"])


def test_the_command_line_option_takes_roles_from_enrollments(tmp_path: Path) -> None:
    folder = _bundle(tmp_path)
    _edit(folder, "users.csv", "255901001,teacher,Kelley", "255901001,student,Kelley")
    district = f.DistrictFactory()
    with pytest.raises(CommandError):
        call_command("import-oneroster", str(folder), "--district", str(district.pk))
    call_command(
        "import-oneroster", str(folder), "--district", str(district.pk), "--role-from-enrollments"
    )
    assert Staff.objects.filter(district=district, family_name="Christian").exists()


def test_district_create_and_the_message_when_no_district_exists(tmp_path: Path) -> None:
    folder = _bundle(tmp_path)
    # No org of type district: the import cannot create the district itself.
    _edit(folder, "orgs.csv", "255901,,,Grand Bend ISD,district,,,,,,,\n", "")
    _edit(folder, "orgs.csv", ",school,,255901,", ",school,,,")
    with pytest.raises(CommandError, match="masterypath district create"):
        call_command("import-oneroster", str(folder))
    call_command("district", "create", "--name", "Grand Bend ISD", "--source-id", "255901")
    district = District.objects.get()
    assert (district.name, district.source_id) == ("Grand Bend ISD", "255901")
    with pytest.raises(CommandError, match="already exists"):
        call_command("district", "create", "--name", "Again", "--source-id", "255901")
    call_command("import-oneroster", str(folder))
    assert Student.objects.filter(district=district).count() == 8
    f.DistrictFactory()
    with pytest.raises(CommandError, match="district list"):
        call_command("import-oneroster", str(folder))


def test_roster_and_gradebook_problems_come_in_one_pass(tmp_path: Path) -> None:
    folder = tmp_path / "gradebook"
    shutil.copytree(ONEROSTER_DATA / "gradebook-v1p2", folder)
    competency = f.CompetencyFactory()
    for n in (1, 2):
        f.TargetFactory(competency=competency, code=f"4.NF.{n}", level=4)
    # Ana (s-1) has no family name: refused. Her results then say so; Ben's res-2 is off
    # the scale and said too, in the same pass.
    _edit(folder, "users.csv", ",Ana,Ortiz,", ",Ana,,")
    _edit(folder, "results.csv", "s-2,fully graded,2,", "s-2,fully graded,9,")
    issues = _issues(folder, f.DistrictFactory())
    assert ("users.csv", "familyName") in {(i.file, i.column) for i in issues}
    ana = [i for i in issues if i.file == "results.csv" and i.column == "studentSourcedId"]
    assert [i.line for i in ana] == [2, 4]
    assert all(
        i.message == "Student 's-1' is in users.csv line 3 but was refused: "
        "required field familyName is empty."
        for i in ana
    ), ana
    ben = [i for i in issues if i.column == "score"]
    assert [(i.file, i.line) for i in ben] == [("results.csv", 3)], issues
    assert "off the scale" in ben[0].message
    assert not Student.objects.exists()


def _zipped(folder: Path) -> SimpleUploadedFile:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, path.name)
    return SimpleUploadedFile("bundle.zip", buffer.getvalue(), content_type="application/zip")


def test_the_imports_page_offers_roles_from_enrollments(world: World, tmp_path: Path) -> None:
    folder = _bundle(tmp_path)
    _edit(folder, "users.csv", "255901001,teacher,Kelley", "255901001,student,Kelley")
    client = Client()
    admin = user_of(world, "admin_d1")
    client.force_login(admin)
    page = client.get("/district/imports/")
    assert b'name="role_from_enrollments"' in page.content
    client.post("/district/imports/oneroster/", {"bundle": _zipped(folder)})
    refused = Job.objects.get()
    assert refused.status == JobStatus.FAILED
    assert "--role-from-enrollments" in str(refused.errors)
    client.post(
        "/district/imports/oneroster/", {"bundle": _zipped(folder), "role_from_enrollments": "on"}
    )
    done = Job.objects.exclude(pk=refused.pk).get()
    assert done.status == JobStatus.SUCCEEDED, done.errors
    district = world.staff["admin_d1"].district
    assert Staff.objects.filter(district=district, family_name="Christian").exists()
    other = world.staff["admin_d2"].district
    assert not Staff.objects.filter(district=other, family_name="Christian").exists()
