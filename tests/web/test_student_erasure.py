"""The erasure page: only the student's district admin reaches it, and it erases only after
the student's local id is typed."""

from __future__ import annotations

import pytest
from django.test import Client

from masterypath.evidence.models import Evidence
from masterypath.roster.models import Student
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def _client(world: World, key: str) -> Client:
    client = Client()
    client.force_login(user_of(world, key))
    return client


def _url(student: Student) -> str:
    return f"/district/students/{student.pk}/erase"


def test_the_admin_sees_the_confirmation_then_erases(world: World) -> None:
    s1 = world.students["s1"]
    client = _client(world, "admin_d1")
    page = client.get(_url(s1))
    assert page.status_code == 200
    assert "Type the student&#x27;s local id to confirm" in page.content.decode()
    assert s1.local_id in page.content.decode()
    done = client.post(_url(s1), {"confirm_local_id": s1.local_id})
    assert done.status_code == 200
    assert "The record is erased. 2 evidence entries were voided" in done.content.decode()
    assert Student.objects.get(pk=s1.pk).given_name == "Erased"
    assert "erased already" in client.get(_url(s1)).content.decode()


def test_a_wrong_local_id_is_refused_with_a_clear_error(world: World) -> None:
    s1 = world.students["s1"]
    response = _client(world, "admin_d1").post(_url(s1), {"confirm_local_id": "wrong"})
    assert response.status_code == 400
    assert "Type the student&#x27;s local id exactly to confirm." in response.content.decode()
    assert Evidence.objects.filter(student=s1, is_voided=False).count() == 2


@pytest.mark.parametrize("key", ["teacher_a", "principal_a", "counselor_a", "g1", "s1"])
def test_no_one_else_reaches_the_page(world: World, key: str) -> None:
    s1 = world.students["s1"]
    client = _client(world, key)
    assert client.get(_url(s1)).status_code == 404
    assert client.post(_url(s1), {"confirm_local_id": s1.local_id}).status_code == 404
    assert Student.objects.get(pk=s1.pk).given_name == "Ana"


def test_another_districts_admin_gets_404(world: World) -> None:
    s1 = world.students["s1"]
    client = _client(world, "admin_d2")
    assert client.get(_url(s1)).status_code == 404
    assert client.post(_url(s1), {"confirm_local_id": s1.local_id}).status_code == 404
    assert Student.objects.get(pk=s1.pk).given_name == "Ana"


def test_signed_out_visitors_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(_url(world.students["s1"]))
    assert response.status_code == 302


def test_the_student_page_links_the_record_and_erasure_for_the_district_admin_only(
    world: World,
) -> None:
    s1 = world.students["s1"]
    admin_page = _client(world, "admin_d1").get(f"/students/{s1.pk}/").content.decode()
    assert f'href="{_url(s1)}"' in admin_page
    assert f'href="/district/students/{s1.pk}/record.zip"' in admin_page
    teacher_page = _client(world, "teacher_a").get(f"/students/{s1.pk}/").content.decode()
    assert _url(s1) not in teacher_page
    assert "record.zip" not in teacher_page
