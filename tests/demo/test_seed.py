"""The demo district: realistic, deterministic, with every role's login."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from masterypath.accounts.models import Role, User
from masterypath.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from masterypath.evidence.models import Evidence
from masterypath.mastery.models import MasteryEstimate, Placement
from masterypath.roster.access import students_visible_to
from masterypath.roster.models import Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(db: None) -> None:
    seed_demo(seed=7, students=60, as_of=date(2026, 11, 20))


def test_small_demo_builds_every_kind_of_row(small_demo: None) -> None:
    out = StringIO()
    call_command("stats", "--json", stdout=out)
    counts = json.loads(out.getvalue())
    assert counts["districts"] == 1
    assert counts["schools"] == 3
    assert counts["students"] == 60
    assert counts["frameworks"] == 4
    assert counts["guardians"] >= 60 * 0.8
    assert counts["staff"] == 45
    assert counts["evidence"] > 60 * 100
    assert MasteryEstimate.objects.exists()
    assert Placement.objects.exists()


def test_demo_logins_exist_with_their_roles_and_password(small_demo: None) -> None:
    for role, username in DEMO_LOGINS.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)


def test_demo_people_are_connected(small_demo: None) -> None:
    """The demo guardian sees the demo student; the demo teacher teaches them."""
    student = Student.objects.get(user__username=DEMO_LOGINS[Role.STUDENT])
    for role in (Role.GUARDIAN, Role.TEACHER, Role.PRINCIPAL, Role.COUNSELOR, Role.DISTRICT_ADMIN):
        user = User.objects.get(username=DEMO_LOGINS[role])
        assert students_visible_to(user).filter(pk=student.pk).exists(), role


def test_demographics_follow_public_school_shares(small_demo: None) -> None:
    students = Student.objects.all()
    total = students.count()
    assert 0.2 <= students.filter(is_economically_disadvantaged=True).count() / total <= 0.8
    assert students.filter(is_hispanic_latino=True).exists()
    assert students.exclude(disability="").count() < total / 2


def test_evidence_lies_within_the_scale_and_before_as_of(small_demo: None) -> None:
    assert not Evidence.objects.filter(score__lt=1).exists()
    assert not Evidence.objects.filter(score__gt=4).exists()
    latest = Evidence.objects.order_by("-observed_at").first()
    assert latest is not None
    assert latest.observed_at.date() <= date(2026, 11, 20)


def test_same_seed_gives_the_same_district(db: None) -> None:
    def fingerprint() -> list[tuple[object, ...]]:
        return list(
            Evidence.objects.order_by("id").values_list(
                "student__local_id", "target__code", "score", "observed_at"
            )[:500]
        )

    with transaction.atomic():
        seed_demo(seed=3, students=30)
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Evidence.objects.exists()
    seed_demo(seed=3, students=30)
    assert fingerprint() == first


def test_seed_command_runs_once_then_reuses(db: None) -> None:
    out = StringIO()
    call_command("seed_demo", "--students", "20", stdout=out)
    assert "Demo district built" in out.getvalue()
    out = StringIO()
    call_command("seed_demo", "--students", "20", stdout=out)
    assert "already loaded" in out.getvalue()
    assert "demo-teacher" in out.getvalue()
    assert Student.objects.count() == 20
