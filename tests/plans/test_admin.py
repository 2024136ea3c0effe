"""Operators read plans and resources in the admin; nobody edits them there (the services keep
the history)."""

from __future__ import annotations

from datetime import date

from django.test import Client

from masterypath.plans.services import plan_create
from masterypath.resources.models import Resource
from tests.conftest import World, user_of
from tests.plans.conftest import TODAY


def test_admin_lists_plans_and_resources_read_only(world: World) -> None:
    student = world.students["s1"]
    plan_create(
        actor=student.user,
        student=student,
        title="Fall term",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 18),
        today=TODAY,
    )
    Resource.objects.create(
        district=student.district,
        title="Strips",
        kind="practice",
        minutes=5,
        url="https://example.org",
    )
    user = user_of(world, "admin_d1")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    assert "Fall term" in client.get("/admin/plans/learningplan/").content.decode()
    assert "Strips" in client.get("/admin/resources/resource/").content.decode()
    assert client.get("/admin/plans/learningplan/add/").status_code == 403
