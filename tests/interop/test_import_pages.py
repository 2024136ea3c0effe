"""The district imports pages through HTTP: who may use them, uploads, job pages, reports."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from masterypath.continuum.models import Framework
from masterypath.jobs.models import Job, JobStatus
from tests.conftest import World, user_of
from tests.interop.conftest import CASE_DATA, ONEROSTER_DATA

pytestmark = pytest.mark.django_db
SBAC5 = "sbac-case-v1p0/sbac-pkg5-english-language-arts-specification-grade-5-claim-1-target-6.json"


def _client(world: World, key: str) -> Client:
    client = Client()
    client.force_login(user_of(world, key))
    return client


def _zip(folder: str) -> SimpleUploadedFile:
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in (ONEROSTER_DATA / folder).iterdir():
            archive.write(path, path.name)
    return SimpleUploadedFile("bundle.zip", buffer.getvalue(), content_type="application/zip")


@pytest.mark.parametrize("key", ["s1", "g1", "teacher_a", "counselor_a", "principal_a"])
def test_only_district_admins_see_the_imports_pages(world: World, key: str) -> None:
    client = _client(world, key)
    assert client.get("/district/imports/").status_code == 404
    assert client.post("/district/imports/case/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    response = Client().get("/district/imports/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_admin_uploads_a_case_package_and_sees_the_result(world: World) -> None:
    client = _client(world, "admin_d1")
    assert client.get("/district/imports/").status_code == 200
    upload = SimpleUploadedFile("sbac.json", (CASE_DATA / SBAC5).read_bytes())
    response = client.post("/district/imports/case/", {"package": upload, "mode": "strict"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.errors
    framework = Framework.objects.get(case_uuid="bbc88b2e-cf0e-11e7-8986-0d6dd40bd034")
    assert framework.district == world.staff["admin_d1"].district
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"Succeeded" in page.content
    assert client.get(f"/district/imports/jobs/{job.pk}/progress/").status_code == 200


def test_failed_import_lists_errors_and_offers_a_csv_report(world: World) -> None:
    client = _client(world, "admin_d1")
    response = client.post(
        "/district/imports/oneroster/",
        {"bundle": _zip("moodle-enrol_oneroster/Test_minimal_data_set")},
    )
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    page = client.get(response["Location"])
    assert b"nothing was imported" in page.content
    assert b"courseSourcedId" in page.content
    report = client.get(f"/district/imports/jobs/{job.pk}/errors.csv")
    assert report["Content-Type"].startswith("text/csv")
    assert b"classes.csv,line 2,courseSourcedId" in report.content


def test_admin_of_another_district_cannot_see_the_job(world: World) -> None:
    client = _client(world, "admin_d1")
    client.post("/district/imports/oneroster/", {"bundle": _zip("edfi-lms-toolkit-v1p1")})
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.errors
    other = _client(world, "admin_d2")
    assert other.get(f"/district/imports/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/district/imports/jobs/{job.pk}/errors.csv").status_code == 404


def test_wrong_file_type_is_refused_on_the_form(world: World) -> None:
    client = _client(world, "admin_d1")
    response = client.post(
        "/district/imports/oneroster/", {"bundle": SimpleUploadedFile("users.csv", b"a,b")}
    )
    assert response.status_code == 400
    assert b"Choose a .zip file" in response.content
    assert not Job.objects.exists()


def test_job_page_query_budget(world: World, django_assert_max_num_queries: Any) -> None:
    client = _client(world, "admin_d1")
    client.post("/district/imports/oneroster/", {"bundle": _zip("edfi-lms-toolkit-v1p1")})
    job = Job.objects.get()
    with django_assert_max_num_queries(8):
        client.get(f"/district/imports/jobs/{job.pk}/")
