"""District administrators read their district's audit log, filter it and export it as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction, AuditEntry
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def _client(world: World, key: str) -> Client:
    client = Client()
    client.force_login(user_of(world, key))
    return client


@pytest.fixture
def entries(world: World) -> dict[str, AuditEntry]:
    s1, s2, s5 = (world.students[k] for k in ("s1", "s2", "s5"))
    teacher = user_of(world, "teacher_a")
    old = audit_record(
        actor=teacher, action=AuditAction.VIEW, subject=s2, student_id=s2.pk, detail={"page": "p"}
    )
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))
    return {
        "s1": audit_record(
            actor=teacher,
            action=AuditAction.VIEW,
            subject=s1,
            student_id=s1.pk,
            detail={"page": "student.profile", "students": [s1.pk]},
        ),
        "roster": audit_record(
            actor=user_of(world, "principal_a"),
            action=AuditAction.VIEW,
            subject=s1,
            detail={"page": "api-v1:section_students", "students": [s1.pk, s2.pk]},
        ),
        "old_s2": old,
        "other_district": audit_record(
            actor=user_of(world, "admin_d2"),
            action=AuditAction.VIEW,
            subject=s5,
            student_id=s5.pk,
            detail={"page": "student.profile", "students": [s5.pk]},
        ),
    }


def _csv_ids(response: object) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


def test_the_log_lists_the_districts_entries_only(world: World, entries: dict) -> None:
    response = _client(world, "admin_d1").get("/district/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "api-v1:section_students" in html
    assert "Lopez" in html  # s1, named by the page
    assert "Jones" not in html  # s5 belongs to district 2
    assert "4 entries" not in html
    d2 = _client(world, "admin_d2").get("/district/audit/").content.decode()
    assert "Jones" in d2
    assert "Lopez" not in d2


@pytest.mark.parametrize("key", ["teacher_a", "principal_a", "counselor_a", "s1", "g1"])
def test_only_district_admins_reach_the_log(world: World, key: str) -> None:
    client = _client(world, key)
    assert client.get("/district/audit/").status_code == 404
    assert client.get("/district/audit/audit-log.csv").status_code == 404


def test_filter_by_student_finds_entries_naming_them_alone_or_among_others(
    world: World, entries: dict
) -> None:
    s2 = world.students["s2"]
    response = _client(world, "admin_d1").get(
        f"/district/audit/audit-log.csv?student={s2.local_id}"
    )
    rows = _csv_ids(response)
    assert rows[0][0] == "at"
    pages = sorted(row[4] for row in rows[1:])
    # Looking a student up in the log is itself a read of their record, and is listed.
    assert pages == ["api-v1:section_students", "audit-log-csv", "p"]


def test_filter_by_user_and_dates(world: World, entries: dict) -> None:
    client = _client(world, "admin_d1")
    teacher = user_of(world, "teacher_a").username
    rows = _csv_ids(client.get(f"/district/audit/audit-log.csv?user={teacher}"))
    assert sorted(row[4] for row in rows[1:]) == ["p", "student.profile"]
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    rows = _csv_ids(client.get(f"/district/audit/audit-log.csv?user={teacher}&since={since}"))
    assert [row[4] for row in rows[1:]] == ["student.profile"]
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    rows = _csv_ids(client.get(f"/district/audit/audit-log.csv?until={until}"))
    assert [row[4] for row in rows[1:]] == ["p"]


def test_a_bad_filter_says_what_is_wrong(world: World, entries: dict) -> None:
    client = _client(world, "admin_d1")
    s5 = world.students["s5"]
    page = client.get(f"/district/audit/?student={s5.local_id}").content.decode()
    assert f"No student with local id {s5.local_id} in the district." in page
    assert "No entries match." in page
    response = client.get("/district/audit/audit-log.csv?since=2026-05-01&until=2026-04-01")
    assert response.status_code == 400
    assert "The end date comes before the start date." in response.content.decode()
