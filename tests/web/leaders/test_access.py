"""Who reaches which leader page and export: each role, two districts, 404 for the hidden."""

from __future__ import annotations

import pytest
from django.test import Client

from masterypath.common.models import AuditEntry
from tests import factories as f
from tests.leaders_world import LeaderWorld
from tests.web.leaders.conftest import client_for


def _school_urls(school_id: int) -> list[str]:
    base = f"/schools/{school_id}"
    return [
        f"{base}/",
        f"{base}/students/",
        f"{base}/groups/?by=race",
        f"{base}/export/overview/on-grade-level.csv",
        f"{base}/export/groups/gaps.csv?by=sex",
        f"{base}/export/students/students.csv",
    ]


DISTRICT_URLS = [
    "/district/",
    "/district/groups/?by=economic",
    "/district/settings/",
    "/district/export/overview/schools-on-grade-level.csv",
    "/district/export/groups/on-grade-level-by-group.csv?by=disability",
]


@pytest.mark.parametrize("person", ["principal", "counselor", "admin"])
def test_leaders_of_a_school_reach_its_pages(leaders: LeaderWorld, person: str) -> None:
    """Its principal, its counselor and the district's admin see every page of the school."""
    client = client_for(leaders, person)
    for url in _school_urls(leaders.elementary.pk):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("person", ["principal", "counselor", "principal_middle"])
def test_school_leaders_get_404_for_another_school(leaders: LeaderWorld, person: str) -> None:
    """A principal or counselor never reaches another school, in or out of the district."""
    client = client_for(leaders, person)
    others = [leaders.other_school.pk]
    others.append(leaders.middle.pk if person != "principal_middle" else leaders.elementary.pk)
    for school_id in others:
        for url in _school_urls(school_id):
            assert client.get(url).status_code == 404, url


def test_a_district_admin_gets_404_for_another_district(leaders: LeaderWorld) -> None:
    client = client_for(leaders, "other_admin")
    for url in _school_urls(leaders.elementary.pk):
        assert client.get(url).status_code == 404, url
    # Their own district pages show only their own district.
    html = client.get("/district/").content.decode()
    assert "Hillview" in html
    assert "Lakeside" not in html


@pytest.mark.parametrize("person", ["principal", "counselor", "teacher"])
def test_only_district_admins_reach_district_pages(leaders: LeaderWorld, person: str) -> None:
    client = client_for(leaders, person)
    for url in DISTRICT_URLS:
        assert client.get(url).status_code == 404, url


def test_the_district_admin_reaches_the_district_pages(leaders: LeaderWorld) -> None:
    client = client_for(leaders, "admin")
    for url in DISTRICT_URLS:
        assert client.get(url).status_code == 200, url


def test_teachers_students_and_guardians_get_404_everywhere(leaders: LeaderWorld) -> None:
    """No teacher, student or guardian reaches a leader page or export."""
    guardian = f.GuardianFactory(district=leaders.district)
    f.link_guardian(guardian, leaders.students[0])
    users = [leaders.staff["teacher"].user, leaders.students[0].user, guardian.user]
    for user in users:
        client = Client()
        client.force_login(user)
        for url in [*_school_urls(leaders.elementary.pk), *DISTRICT_URLS]:
            assert client.get(url).status_code == 404, (user.role, url)


def test_signed_out_visitors_are_sent_to_sign_in(leaders: LeaderWorld) -> None:
    response = Client().get(f"/schools/{leaders.elementary.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_aggregate_views_and_exports_are_audited(leaders: LeaderWorld) -> None:
    """Each dashboard view and export writes who looked at which school or district; the
    student list writes one entry per student shown."""
    client = client_for(leaders, "principal")
    school = leaders.elementary
    client.get(f"/schools/{school.pk}/groups/?by=sex")
    client.get(f"/schools/{school.pk}/export/overview/growth.csv")
    entries = AuditEntry.objects.filter(actor=leaders.staff["principal"].user)
    pages = [entry.detail["page"] for entry in entries.filter(subject_type="schools.school")]
    assert "school-groups" in pages
    assert "export-overview-growth" in pages
    client.get(f"/schools/{school.pk}/students/")
    assert entries.filter(subject_type="roster.student").count() == 36
