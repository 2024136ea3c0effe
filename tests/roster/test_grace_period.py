"""A teacher sees a student while an enrollment in their section is active, then for the grace
period (30 days by default) after it ends, and not after that."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from masterypath.roster.access import students_visible_to
from masterypath.roster.models import Enrollment, EnrollmentRole
from tests import factories as f
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def _teacher(world: World, key: str = "teacher_a") -> Client:
    client = Client()
    client.force_login(user_of(world, key))
    return client


def _end_enrollment(world: World, student_key: str, days_ago: int) -> None:
    ended = timezone.localdate() - timedelta(days=days_ago)
    Enrollment.objects.filter(
        student=world.students[student_key], role=EnrollmentRole.STUDENT
    ).update(begins_on=ended - timedelta(days=100), ends_on=ended)


def _sees(client: Client, student_id: int) -> bool:
    api = client.get(f"/api/v1/students/{student_id}")
    page = client.get(f"/students/{student_id}/")
    assert (api.status_code == 200) == (page.status_code == 200)
    assert api.status_code in {200, 404}
    return api.status_code == 200


@pytest.mark.parametrize(("days_ago", "seen"), [(0, True), (29, True), (30, True), (31, False)])
def test_the_teacher_sees_a_student_until_the_grace_period_ends(
    world: World, days_ago: int, seen: bool
) -> None:
    """Ended 30 days ago: still seen (the last day of grace); 31 days ago: not found."""
    _end_enrollment(world, "s1", days_ago)
    assert _sees(_teacher(world), world.students["s1"].pk) is seen
    assert _sees(_teacher(world), world.students["s2"].pk)  # still enrolled, no end date


def test_a_student_past_the_grace_period_leaves_the_section_roster(world: World) -> None:
    _end_enrollment(world, "s1", 31)
    section = world.sections["S1"]
    client = _teacher(world)
    roster = client.get(f"/api/v1/sections/{section.pk}/students").json()
    ids = {row["id"] for row in roster["items"]}
    assert ids == {world.students["s2"].pk}
    grid = client.get(f"/api/v1/sections/{section.pk}/mastery").json()
    assert {row["id"] for row in grid["students"]} == {world.students["s2"].pk}


def test_a_teacher_whose_own_enrollment_ended_loses_the_section_after_the_grace_period(
    world: World,
) -> None:
    section = world.sections["S1"]
    Enrollment.objects.filter(section=section, role=EnrollmentRole.TEACHER).update(
        ends_on=timezone.localdate() - timedelta(days=31)
    )
    client = _teacher(world)
    assert client.get(f"/api/v1/sections/{section.pk}").status_code == 404
    assert not _sees(client, world.students["s1"].pk)


@override_settings(TEACHER_GRACE_DAYS=7)
def test_the_grace_period_is_a_setting(world: World) -> None:
    _end_enrollment(world, "s1", 8)
    assert not _sees(_teacher(world), world.students["s1"].pk)
    _end_enrollment(world, "s1", 7)
    assert _sees(_teacher(world), world.students["s1"].pk)


def test_leaders_still_see_a_student_whose_enrollment_ended(world: World) -> None:
    """The grace period bounds a teacher's view; a school's principal and the district's
    administrator see their students whatever their enrollments."""
    _end_enrollment(world, "s1", 400)
    s1 = world.students["s1"]
    for key in ("principal_a", "admin_d1"):
        assert students_visible_to(user_of(world, key)).filter(pk=s1.pk).exists(), key


def test_a_teacher_of_another_district_never_sees_the_student(world: World) -> None:
    """An enrollment in another district's section does not count for this district's teacher,
    and the grace period gives nobody a student they never taught."""
    s5 = world.students["s5"]
    other_teacher = f.StaffFactory(school=s5.school)
    section = f.SectionFactory(school=s5.school)
    f.enroll(section, other_teacher, s5)
    assert not _sees(_teacher(world), s5.pk)
    client = Client()
    client.force_login(other_teacher.user)
    assert _sees(client, s5.pk)
    assert not _sees(client, world.students["s1"].pk)
