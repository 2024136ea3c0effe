"""Mastery through the REST API: estimates, placements with growth, a section's grid, per role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masterypath.mastery.models import Placement
from tests import factories as f
from tests.conftest import World, user_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def session(world: World, key: str) -> Client:
    client = Client()
    assert client.login(
        request=HttpRequest(), username=user_of(world, key).username, password=PASSWORD
    )
    return client


READERS_OF_S1 = ["s1", "g1", "teacher_a", "counselor_a", "principal_a", "admin_d1"]
NOT_READERS_OF_S1 = ["s2", "g2", "teacher_a2", "principal_b", "admin_d2"]


@pytest.mark.parametrize("key", READERS_OF_S1)
def test_student_mastery_lists_estimates_for_those_who_may_see_the_student(
    world: World, key: str
) -> None:
    """s1's estimate on 4.NF.1 (scores 2 then 3, decaying average) with method, value, level
    label, status and evidence count, for the student, guardian, teacher and leaders."""
    response = session(world, key).get(f"{V1}/students/{world.students['s1'].pk}/mastery")
    assert response.status_code == 200, response.content
    [row] = response.json()
    assert row["target_id"] == world.targets[0].pk
    assert row["code"] == "4.NF.1"
    assert row["method"] == "decaying_average"
    assert row["value"] == pytest.approx(0.35 * 2 + 0.65 * 3)
    assert row["level_label"]
    assert row["is_proficient"] is True
    assert row["status"] == "estimated"
    assert row["evidence_count"] == 2


@pytest.mark.parametrize("key", NOT_READERS_OF_S1)
def test_student_mastery_is_404_when_the_student_is_not_visible(world: World, key: str) -> None:
    """Another student, another student's guardian, another teacher, another school's principal
    and another district's admin get 404 for s1's mastery and placements."""
    client = session(world, key)
    student = world.students["s1"].pk
    for path in ("mastery", "placements"):
        response = client.get(f"{V1}/students/{student}/{path}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_student_mastery_needs_authentication(world: World) -> None:
    """Anonymous callers get 401 on every mastery endpoint."""
    client = Client()
    assert client.get(f"{V1}/students/{world.students['s1'].pk}/mastery").status_code == 401
    assert client.get(f"{V1}/sections/{world.sections['S1'].pk}/mastery").status_code == 401


def test_student_mastery_query_budget(world: World) -> None:
    """A fixed number of queries (auth 4, audit 1, estimates with targets, scales, policies and
    methods 5), however many estimates."""
    client = session(world, "teacher_a")
    student = world.students["s1"]
    url = f"{V1}/students/{student.pk}/mastery"
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for target in world.targets[1:]:
        f.add_evidence(student, target, 2)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(url).json()) == 3
    assert len(three) == len(one) <= 10


@pytest.mark.parametrize("key", READERS_OF_S1)
def test_placements_give_the_latest_per_domain_with_growth(world: World, key: str) -> None:
    """With monthly placements 3.0, 3.5, 4.0 (half a level a month), the latest placement comes
    with levels per month 0.5, pace 5 (levels per 10-month school year) and a projection."""
    student = world.students["s1"]
    domain = world.targets[0].competency.domain
    today = timezone.localdate()
    Placement.objects.filter(student=student).delete()
    for months_ago, level in ((2, 3.0), (1, 3.5), (0, 4.0)):
        Placement.objects.create(
            student=student,
            domain=domain,
            completed=int(level),
            level=level,
            placed_on=today - timedelta(days=30 * months_ago),
        )
    response = session(world, key).get(f"{V1}/students/{student.pk}/placements")
    assert response.status_code == 200, response.content
    [row] = response.json()
    assert (row["domain_id"], row["level"], row["placed_on"]) == (domain.pk, 4.0, today.isoformat())
    assert row["growth"]["levels_per_month"] == pytest.approx(0.5, rel=0.05)
    assert row["growth"]["pace"] == pytest.approx(5.0, rel=0.05)
    assert row["growth"]["n_placements"] == 3
    assert row["growth"]["is_slowing"] is False
    assert row["grade_level"] == student.grade_level
    assert date.fromisoformat(row["growth"]["projected_on"]) >= today


def test_placements_as_of_reads_the_history_up_to_that_day(world: World) -> None:
    """`as_of` ignores later placements; before the first one the list is empty."""
    student = world.students["s1"]
    domain = world.targets[0].competency.domain
    Placement.objects.filter(student=student).delete()
    first = date(2026, 9, 1)
    for n, level in enumerate((2.0, 2.5, 3.0)):
        Placement.objects.create(
            student=student,
            domain=domain,
            completed=int(level),
            level=level,
            placed_on=first + timedelta(days=30 * n),
        )
    client = session(world, "teacher_a")
    url = f"{V1}/students/{student.pk}/placements"
    [row] = client.get(url, {"as_of": "2026-10-05"}).json()
    assert (row["level"], row["growth"]["n_placements"]) == (2.5, 2)
    assert client.get(url, {"as_of": "2026-08-01"}).json() == []
    assert client.get(url, {"as_of": "not-a-date"}).status_code == 422
    assert client.get(url, {"as_of": "9999-12-31"}).status_code == 422


@pytest.mark.parametrize("key", ["teacher_a", "principal_a", "counselor_a", "admin_d1"])
def test_section_grid_for_its_teacher_and_leaders(world: World, key: str) -> None:
    """S1's grid: its two students, its course's targets in continuum order, s1's cell with an
    explanation; s2 has no cell."""
    response = session(world, key).get(f"{V1}/sections/{world.sections['S1'].pk}/mastery")
    assert response.status_code == 200, response.content
    grid = response.json()
    assert {s["id"] for s in grid["students"]} == {world.students["s1"].pk, world.students["s2"].pk}
    assert [t["code"] for t in grid["targets"]] == ["4.NF.1", "4.NF.2", "4.NF.3"]
    [cell] = grid["cells"]
    assert (cell["student_id"], cell["target_id"]) == (world.students["s1"].pk, world.targets[0].pk)
    assert cell["method"] == "decaying_average"
    assert "2, 3" in cell["explanation"]
    assert cell["evidence_count"] == 2


@pytest.mark.parametrize("key", ["teacher_a2", "principal_b", "admin_d2", "s1", "g1"])
def test_section_grid_is_404_for_others(world: World, key: str) -> None:
    """Another teacher, another school's principal, another district, students and guardians
    get 404 for the section's grid."""
    response = session(world, key).get(f"{V1}/sections/{world.sections['S1'].pk}/mastery")
    assert response.status_code == 404


def test_section_grid_query_budget_does_not_grow_with_students(world: World) -> None:
    """The grid costs the same number of queries with 2 students or 8 with evidence on every
    target (12 and the audit entry naming the students shown)."""
    client = session(world, "teacher_a")
    section = world.sections["S1"]
    url = f"{V1}/sections/{section.pk}/mastery"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(6):
        student = f.StudentFactory(school=section.school)
        f.enroll(section, student)
        for target in world.targets:
            f.add_evidence(student, target, 3)
    with CaptureQueriesContext(connection) as large:
        grid = client.get(url).json()
    assert len(grid["students"]) == 8
    assert len(grid["cells"]) == 1 + 6 * 3
    assert len(large) == len(small) <= 13


def test_mastery_endpoints_are_in_the_schema(world: World) -> None:
    """The OpenAPI schema documents the three mastery endpoints."""
    paths = session(world, "teacher_a").get(f"{V1}/openapi.json").json()["paths"]
    for path in (
        "/students/{student_id}/mastery",
        "/students/{student_id}/placements",
        "/sections/{section_id}/mastery",
    ):
        assert f"{V1}{path}" in paths
