"""Who sees which student and section, proved through HTTP for every role."""

from __future__ import annotations

import pytest
from django.test import Client

from masterypath.common.models import AuditAction, AuditEntry
from masterypath.roster.access import students_visible_to
from tests.conftest import World, user_of

ALL_STUDENTS = ["s1", "s2", "s3", "s4", "s5"]
VISIBLE = {
    "s1": {"s1"},
    "g1": {"s1"},
    "g2": {"s3"},
    "teacher_a": {"s1", "s2"},
    "teacher_a2": {"s3"},
    "counselor_a": {"s1", "s2", "s3"},
    "principal_a": {"s1", "s2", "s3"},
    "principal_b": {"s4"},
    "admin_d1": {"s1", "s2", "s3", "s4"},
    "admin_d2": {"s5"},
}
SECTIONS_VISIBLE = {
    "s1": set(),
    "g1": set(),
    "teacher_a": {"S1"},
    "teacher_a2": {"S2"},
    "counselor_a": {"S1", "S2"},
    "principal_a": {"S1", "S2"},
    "principal_b": set(),
    "admin_d1": {"S1", "S2"},
    "admin_d2": set(),
}


def _client_for(world: World, person: str) -> Client:
    client = Client()
    client.force_login(user_of(world, person))
    return client


@pytest.mark.parametrize("person", sorted(VISIBLE))
def test_student_record_is_visible_exactly_to_those_who_serve_the_student(
    world: World, person: str
) -> None:
    """Each role gets 200 for the students it serves and 404 for every other student; the
    profile is for staff, so a student or guardian is sent on (302) to their own page."""
    client = _client_for(world, person)
    shown = 302 if person[0] in {"s", "g"} else 200
    for key in ALL_STUDENTS:
        response = client.get(f"/students/{world.students[key].pk}/")
        expected = shown if key in VISIBLE[person] else 404
        assert response.status_code == expected, (person, key, response.status_code)


@pytest.mark.parametrize("person", sorted(SECTIONS_VISIBLE))
def test_section_roster_is_visible_only_to_its_staff(world: World, person: str) -> None:
    """Teachers see their own sections, leaders their school's; students and families none."""
    client = _client_for(world, person)
    for key, section in world.sections.items():
        response = client.get(f"/sections/{section.pk}/")
        expected = 200 if key in SECTIONS_VISIBLE[person] else 404
        assert response.status_code == expected, (person, key, response.status_code)


@pytest.mark.parametrize("person", sorted(VISIBLE))
def test_visible_students_query_matches_the_rules(world: World, person: str) -> None:
    """The queryset guard and the HTTP behaviour agree."""
    visible = set(students_visible_to(user_of(world, person)).values_list("pk", flat=True))
    assert visible == {world.students[key].pk for key in VISIBLE[person]}


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(f"/students/{world.students['s1'].pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_inactive_account_sees_nobody(world: World) -> None:
    user = user_of(world, "admin_d1")
    user.is_active = False
    user.save()
    assert not students_visible_to(user).exists()


def test_viewing_a_student_record_is_audited(world: World) -> None:
    """Every read of a student's record adds a 'view' entry naming the reader."""
    client = _client_for(world, "teacher_a")
    student = world.students["s2"]
    client.get(f"/students/{student.pk}/")
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, student_id=student.pk)
    assert entry.actor == user_of(world, "teacher_a")
    assert entry.subject_type == "roster.student"


def test_a_refused_view_is_not_audited_as_a_read(world: World) -> None:
    client = _client_for(world, "teacher_a")
    client.get(f"/students/{world.students['s3'].pk}/")
    assert not AuditEntry.objects.filter(student_id=world.students["s3"].pk).exists()


def test_admin_changes_to_a_student_are_audited(world: World) -> None:
    user = user_of(world, "admin_d1")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    student = world.students["s2"]
    page = client.get(f"/admin/roster/student/{student.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "given_name": "Benjamin",
            "guardian_links-TOTAL_FORMS": "0",
            "guardian_links-INITIAL_FORMS": "0",
        }
    )
    response = client.post(f"/admin/roster/student/{student.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, student_id=student.pk)
    assert entry.actor == user
    assert "given_name" in entry.detail["fields"]
