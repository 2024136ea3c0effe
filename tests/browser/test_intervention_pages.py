"""The intervention flow in headless Chromium: a counselor starts one from a student's
profile, logs a session and a check, sees progress against the goal line, then the caseload;
axe-core (WCAG 2.1 AA) on each page and a screenshot of each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from masterypath.interventions.models import Intervention
from masterypath.interventions.services import progress_check_record, strategy_create
from masterypath.mastery.models import Placement
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World, build_world
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db: None) -> World:
    world = build_world()
    domain = world.targets[0].competency.domain
    strategy_create(
        actor=world.staff["admin_d1"].user,
        district=world.students["s1"].district,
        name="Small-group fractions",
        tier=2,
        domains=[domain],
    )
    today = timezone.localdate()
    for days, level in ((40, 2.0), (20, 2.1)):
        Placement.objects.create(
            student=world.students["s1"],
            domain=domain,
            placed_on=today - timedelta(days=days),
            completed=2.0,
            level=level,
        )
    return world


def test_start_follow_and_caseload(page: Any, live_server: Any, world: World) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server.url, world.staff["counselor_a"].user.username, PASSWORD)
    s1 = world.students["s1"]
    page.goto(f"{live_server.url}/students/{s1.pk}/")
    follow(page.get_by_role("link", name="Start an intervention"))
    assert page.get_by_role("heading", level=1).inner_text() == "Start an intervention"
    assert_accessible(page, "interventions-start")
    today = timezone.localdate()
    page.get_by_label("Strategy").select_option(label="Small-group fractions")
    page.get_by_label("Area").select_option(index=1)
    page.get_by_label("Start").fill((today - timedelta(days=14)).isoformat())
    follow(page.get_by_role("button", name="Start"))
    assert page.get_by_role("heading", level=1).inner_text() == "Small-group fractions"

    intervention = Intervention.objects.get()
    participant = intervention.participants.get()
    for days, level in ((10, 2.12), (3, 2.2)):
        progress_check_record(
            actor=world.staff["counselor_a"].user,
            participant=participant,
            checked_on=today - timedelta(days=days),
            level=level,
        )
    page.get_by_label("Minutes").fill("25")
    follow(page.get_by_role("button", name="Log the session"))
    assert page.get_by_text("Session logged.").is_visible()
    page.wait_for_selector("[data-chart][data-rendered=true]")
    assert page.locator("[data-chart] svg .mark-line").count() > 0
    assert_accessible(page, "interventions-detail")

    page.goto(f"{live_server.url}/interventions/caseload/")
    assert page.get_by_role("link", name="Small-group fractions").is_visible()
    assert_accessible(page, "interventions-caseload")

    page.goto(f"{live_server.url}/interventions/root-causes/new/?student={s1.pk}")
    assert_accessible(page, "interventions-root-cause")
    assert errors == []
