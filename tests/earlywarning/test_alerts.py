"""Alerts to a student's teachers and counselors when the student newly meets a rule, at most
once per rule, area and school year; the digest page; email when turned on."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from masterypath.earlywarning.models import Alert, ExceptionHit
from masterypath.earlywarning.services import exceptions_recompute
from masterypath.earlywarning.services.alerts import alert_emails_send
from masterypath.engine.exceptions import Rule
from masterypath.roster.models import Staff, StaffRole, Student
from tests import factories as f
from tests.earlywarning.world import AS_OF, World, build_world, pupil, rising, school_days

pytestmark = pytest.mark.django_db
DAYS = school_days(date(2026, 1, 5))
BEFORE = date(2026, 3, 1)  # the baseline run: the student is not yet far enough behind


def _setup() -> tuple[World, Student, dict[str, Staff]]:
    world = build_world()
    # About a year behind in spring (rising), then a drop in the autumn: newly two below.
    spring = rising(6.0, 0.1, [day for day in DAYS if day < date(2026, 7, 1)])
    autumn = rising(4.0, 0.05, [day for day in DAYS if day >= date(2026, 9, 1)])
    student = pupil(world, grade=7, tracks={world.math: spring + autumn})
    staff = {
        "teacher": f.StaffFactory(
            school=world.school, role=StaffRole.TEACHER, email="teacher@lakeside.example.org"
        ),
        "other_teacher": f.StaffFactory(school=world.school, role=StaffRole.TEACHER),
        "counselor": f.StaffFactory(
            school=world.school, role=StaffRole.COUNSELOR, email="counselor@lakeside.example.org"
        ),
    }
    session = f.SessionFactory(
        district=world.district, starts_on=date(2026, 8, 20), ends_on=date(2027, 6, 10)
    )
    section = f.SectionFactory(school=world.school, session=session)
    f.enroll(section, staff["teacher"], student)
    f.enroll(f.SectionFactory(school=world.school, session=session), staff["other_teacher"])
    return world, student, staff


def test_a_new_hit_alerts_the_teachers_and_counselors_once() -> None:
    world, student, staff = _setup()
    first = exceptions_recompute(district=world.district, as_of=BEFORE)
    assert first["alerts"] == 0  # the baseline tells nobody anything
    counts = exceptions_recompute(district=world.district, as_of=AS_OF)
    alerts = Alert.objects.filter(rule=Rule.TWO_BELOW)
    assert {a.recipient_id for a in alerts} == {
        staff["teacher"].user_id,
        staff["counselor"].user_id,
    }
    assert counts["alerts"] == Alert.objects.count()
    (alert,) = alerts.filter(recipient_id=staff["teacher"].user_id)
    assert (alert.student_id, alert.period, alert.found_on) == (student.pk, "2026-27", AS_OF)
    assert alert.sentence.startswith("3 grades below in Mathematics")
    # Off the list and back on within the school year: no second alert.
    Alert.objects.update(found_on=BEFORE)
    ExceptionHit.objects.all().delete()
    again = exceptions_recompute(district=world.district, as_of=AS_OF)
    assert again["new"] > 0
    assert again["alerts"] == 0


def test_alerts_are_emailed_when_turned_on(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MASTERYPATH_ALERT_EMAILS = True
    world, _, staff = _setup()
    exceptions_recompute(district=world.district, as_of=BEFORE)
    exceptions_recompute(district=world.district, as_of=AS_OF)
    sent = alert_emails_send(found_on=AS_OF)
    assert sent == 2
    expected = {staff[who].user.email or staff[who].email for who in ("teacher", "counselor")}
    assert {m.to[0] for m in mail.outbox} == expected
    assert "3 grades below in Mathematics" in mail.outbox[0].body
    assert alert_emails_send(found_on=AS_OF) == 0  # each alert is emailed once


def test_the_digest_shows_ones_own_alerts_and_marks_them_read() -> None:
    world, _, staff = _setup()
    exceptions_recompute(district=world.district, as_of=BEFORE)
    exceptions_recompute(district=world.district, as_of=AS_OF)
    client = Client()
    client.force_login(staff["teacher"].user)
    page = client.get(reverse("earlywarning:alerts")).content.decode()
    assert "Found 20 November 2026" in page
    assert "Two or more grades below" in page
    assert "Mark all" in page
    assert client.post(reverse("earlywarning:alerts-read")).status_code == 302
    assert not Alert.objects.filter(recipient=staff["teacher"].user, read_at__isnull=True)
    client.force_login(staff["other_teacher"].user)
    assert "No alerts yet" in client.get(reverse("earlywarning:alerts")).content.decode()
