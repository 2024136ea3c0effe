"""A district administrator exports one student's whole record as a zip of JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.test import Client

from masterypath.common.models import AuditEntry
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def _client(world: World, key: str) -> Client:
    client = Client()
    client.force_login(user_of(world, key))
    return client


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


def test_the_record_holds_profile_enrollments_evidence_estimates_and_reads(
    world: World,
) -> None:
    s1 = world.students["s1"]
    teacher = _client(world, "teacher_a")
    assert teacher.get(f"/students/{s1.pk}/").status_code == 200  # a read, to be listed
    response = _client(world, "admin_d1").get(f"/district/students/{s1.pk}/record.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"profile.json", "evidence.csv", "estimates.csv", "enrollments.csv", "audit.csv"} <= (
        names
    )
    profile = json.loads(archive.read("profile.json"))
    assert (profile["given_name"], profile["family_name"]) == ("Ana", "Lopez")
    assert len(_rows(archive, "evidence.csv")) == 2
    assert {row["target"] for row in _rows(archive, "estimates.csv")} == {"4.NF.1"}
    reads = _rows(archive, "audit.csv")
    assert user_of(world, "teacher_a").username in {row["user"] for row in reads}
    entry = AuditEntry.objects.latest("id")
    assert entry.detail["page"] == "student.record_zip"
    assert entry.student_id == s1.pk


@pytest.mark.parametrize("key", ["teacher_a", "principal_a", "counselor_a", "g1", "s1"])
def test_only_the_district_admin_exports_a_record(world: World, key: str) -> None:
    s1 = world.students["s1"]
    assert _client(world, key).get(f"/district/students/{s1.pk}/record.zip").status_code == 404


def test_another_districts_admin_gets_404(world: World) -> None:
    s1 = world.students["s1"]
    response = _client(world, "admin_d2").get(f"/district/students/{s1.pk}/record.zip")
    assert response.status_code == 404
