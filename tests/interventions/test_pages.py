"""The intervention pages through HTTP: start from a student or a section, log sessions and
checks, close with an outcome, the caseload; bad input answers 422 with the error in words;
other people get 404; each page has a query budget."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masterypath.continuum.models import Domain
from masterypath.interventions.models import (
    Intervention,
    InterventionStatus,
    Outcome,
    RootCause,
    Strategy,
)
from masterypath.interventions.services import intervention_start, progress_check_record
from masterypath.mastery.models import Placement
from tests.conftest import World, user_of


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(user_of(world, who))
    return client


def _day(offset: int) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


@pytest.fixture
def current(world: World, strategy: Strategy, domain: Domain) -> Intervention:
    """Ana and Ben, started two weeks ago by counselor_a, six weeks to go."""
    today = timezone.localdate()
    Placement.objects.create(
        student=world.students["s1"],
        domain=domain,
        placed_on=today - timedelta(days=20),
        completed=2.0,
        level=2.2,
    )
    intervention = intervention_start(
        actor=world.staff["counselor_a"].user,
        strategy=strategy,
        students=[world.students["s1"], world.students["s2"]],
        staff=world.staff["counselor_a"],
        domain=domain,
        starts_on=today - timedelta(days=14),
        ends_on=today + timedelta(days=42),
        goal_on=today + timedelta(days=42),
        goal_gain=0.6,
        today=today - timedelta(days=14),
    )
    ana = intervention.participants.get(student=world.students["s1"])
    for days_ago, level in ((10, 2.25), (3, 2.3)):
        progress_check_record(
            actor=world.staff["counselor_a"].user,
            participant=ana,
            checked_on=today - timedelta(days=days_ago),
            level=level,
        )
    return intervention


def test_a_counselor_starts_an_intervention_for_a_student(
    world: World, strategy: Strategy, domain: Domain
) -> None:
    """From the student's profile link: the form, then the new intervention's page."""
    client = _client(world, "counselor_a")
    s1 = world.students["s1"]
    profile = client.get(f"/students/{s1.pk}/").content.decode()
    assert f"/interventions/start/?student={s1.pk}" in profile
    page = client.get(f"/interventions/start/?student={s1.pk}")
    assert page.status_code == 200
    assert "Small-group fractions" in page.content.decode()
    response = client.post(
        f"/interventions/start/?student={s1.pk}",
        {
            "students": [s1.pk],
            "strategy": strategy.pk,
            "domain": domain.pk,
            "starts_on": _day(0),
            "ends_on": _day(56),
            "goal_on": _day(56),
            "goal_gain": "0.5",
        },
    )
    intervention = Intervention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/interventions/{intervention.pk}/"
    assert list(intervention.participants.values_list("student", flat=True)) == [s1.pk]


def test_an_end_before_the_start_is_shown_on_the_form(
    world: World, strategy: Strategy, domain: Domain
) -> None:
    """422, the sentence beside the field, nothing saved."""
    client = _client(world, "counselor_a")
    s1 = world.students["s1"]
    response = client.post(
        f"/interventions/start/?student={s1.pk}",
        {
            "students": [s1.pk],
            "strategy": strategy.pk,
            "domain": domain.pk,
            "starts_on": _day(10),
            "ends_on": _day(2),
            "goal_on": _day(10),
            "goal_gain": "0.5",
        },
    )
    assert response.status_code == 422
    assert "is before the start" in response.content.decode()
    assert not Intervention.objects.exists()


def test_a_goal_in_the_past_is_shown_on_the_form(
    world: World, strategy: Strategy, domain: Domain
) -> None:
    """A goal date before today: 422 and the reason."""
    client = _client(world, "counselor_a")
    s1 = world.students["s1"]
    response = client.post(
        f"/interventions/start/?student={s1.pk}",
        {
            "students": [s1.pk],
            "strategy": strategy.pk,
            "domain": domain.pk,
            "starts_on": _day(-30),
            "ends_on": _day(30),
            "goal_on": _day(-1),
            "goal_gain": "0.5",
        },
    )
    assert response.status_code == 422
    assert "is in the past" in response.content.decode()


def test_a_teacher_starts_one_for_a_group_from_a_section(
    world: World, strategy: Strategy, domain: Domain
) -> None:
    """The section's roster is offered; the ticked students become participants."""
    client = _client(world, "teacher_a")
    section = world.sections["S1"]
    page = client.get(f"/interventions/start/?section={section.pk}").content.decode()
    assert "Lopez" in page
    assert "Okafor" in page
    response = client.post(
        f"/interventions/start/?section={section.pk}",
        {
            "students": [world.students["s1"].pk, world.students["s2"].pk],
            "strategy": strategy.pk,
            "domain": domain.pk,
            "starts_on": _day(0),
            "ends_on": _day(56),
            "goal_on": _day(56),
            "goal_gain": "0.5",
        },
    )
    assert response.status_code == 302
    assert Intervention.objects.get().section == section
    assert Intervention.objects.get().participants.count() == 2


def test_a_root_cause_then_the_start_page_with_it_chosen(world: World) -> None:
    """The 5 Whys and fishbone form saves, then leads back to the start page."""
    client = _client(world, "counselor_a")
    s1 = world.students["s1"]
    response = client.post(
        f"/interventions/root-causes/new/?student={s1.pk}",
        {
            "problem": "Fractions stalled",
            "why_1": "She guesses",
            "why_2": "No models",
            "cause_instruction": "No number line\nToo fast",
            "root_cause": "No visual models",
            "held_on": _day(0),
        },
    )
    cause = RootCause.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/interventions/start/?student={s1.pk}&root_cause={cause.pk}"
    assert cause.causes == {"instruction": ["No number line", "Too fast"]}
    assert list(cause.students.all()) == [s1]


@pytest.mark.parametrize("who", ["g1", "s1", "teacher_a2", "admin_d2"])
def test_others_get_404_on_the_staff_pages(world: World, current: Intervention, who: str) -> None:
    """Families, students, another teacher and another district: 404 everywhere."""
    client = _client(world, who)
    s1 = world.students["s1"]
    assert client.get(f"/interventions/{current.pk}/").status_code == 404
    assert client.get(f"/interventions/start/?student={s1.pk}").status_code == 404
    response = client.post(
        f"/interventions/{current.pk}/sessions/",
        {"held_on": _day(0), "minutes": "30", "was_delivered": "on"},
    )
    assert response.status_code == 404
    assert not current.sessions.exists()


def test_the_detail_page_logs_sessions_checks_and_closes(
    world: World, current: Intervention
) -> None:
    """Log a session, record a check, close both participants: the intervention closes."""
    client = _client(world, "counselor_a")
    base = f"/interventions/{current.pk}/"
    page = client.get(base).content.decode()
    assert "Progress against the goal line" in page
    assert "goal: level 2.80" in page
    assert (
        client.post(
            base + "sessions/", {"held_on": _day(0), "minutes": "30", "was_delivered": "on"}
        ).status_code
        == 302
    )
    ana, ben = current.participants.order_by("student__given_name")
    assert (
        client.post(
            base + f"participants/{ana.pk}/checks/", {"checked_on": _day(0), "level": "2.4"}
        ).status_code
        == 302
    )
    missed = client.post(base + "sessions/", {"held_on": _day(0), "minutes": "0"})
    assert missed.status_code == 422
    assert "Say why the session was missed" in missed.content.decode()
    client.post(
        base + f"participants/{ana.pk}/close/", {"outcome": Outcome.MET, "closed_on": _day(0)}
    )
    no_reason = client.post(
        base + f"participants/{ben.pk}/close/",
        {"outcome": Outcome.DISCONTINUED, "closed_on": _day(0)},
    )
    assert no_reason.status_code == 422
    client.post(
        base + f"participants/{ben.pk}/close/",
        {"outcome": Outcome.DISCONTINUED, "closed_on": _day(0), "reason": "Moved"},
    )
    current.refresh_from_db()
    assert current.status == InterventionStatus.CLOSED
    assert current.sessions.count() == 1
    assert ana.checks.count() == 3


def test_the_caseload_shows_what_is_due_this_week(world: World, current: Intervention) -> None:
    """No session yet this week: sessions due; a check 3 days ago: no check due."""
    client = _client(world, "counselor_a")
    page = client.get("/interventions/caseload/").content.decode()
    assert "Small-group fractions" in page
    assert "0 of 3" in page
    assert "3 due" in page
    assert "1 needs something this week" in page
    # Another counselor's caseload is their own: empty.
    other = _client(world, "principal_a").get("/interventions/caseload/").content.decode()
    assert "No active intervention" in other


def test_the_caseload_has_a_query_budget(
    world: World,
    current: Intervention,
    strategy: Strategy,
    domain: Domain,
    django_assert_max_num_queries: object,
) -> None:
    """Three more interventions add no query."""
    today = timezone.localdate()
    for _ in range(3):
        intervention_start(
            actor=world.staff["counselor_a"].user,
            strategy=strategy,
            students=[world.students["s3"]],
            staff=world.staff["counselor_a"],
            domain=domain,
            starts_on=today,
            ends_on=today + timedelta(days=30),
            goal_on=today + timedelta(days=30),
            goal_gain=0.5,
            today=today,
        )
    client = _client(world, "counselor_a")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get("/interventions/caseload/")
    assert response.content.decode().count("Small-group fractions") == 4


def test_the_detail_page_has_a_query_budget(
    world: World, current: Intervention, django_assert_max_num_queries: object
) -> None:
    """A fixed number of queries for a group."""
    client = _client(world, "counselor_a")
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        assert client.get(f"/interventions/{current.pk}/").status_code == 200


def test_the_profile_lists_the_students_interventions(world: World, current: Intervention) -> None:
    """The student's page shows the strategy, its fidelity and the progress chart."""
    page = _client(world, "teacher_a").get(f"/students/{world.students['s1'].pk}/").content
    text = page.decode()
    assert "Small-group fractions" in text
    assert "against the goal line" in text
    assert "tier 2 from" in text


def test_dates_in_the_chart_table(world: World, current: Intervention) -> None:
    """The chart's table lists the starting level, the goal and each probe."""
    text = _client(world, "counselor_a").get(f"/interventions/{current.pk}/").content.decode()
    assert "Starting level" in text
    assert "2.25" in text


def test_the_profile_with_interventions_has_a_query_budget(
    world: World, current: Intervention, django_assert_max_num_queries: object
) -> None:
    """The interventions block costs at most five queries (interventions, participants,
    checks, placements, tiers) on top of the profile's own."""
    client = _client(world, "teacher_a")
    with django_assert_max_num_queries(16 + 5):  # type: ignore[operator]
        assert client.get(f"/students/{world.students['s1'].pk}/").status_code == 200


def test_a_guardian_reads_the_support_in_plain_words(world: World, current: Intervention) -> None:
    """s1's guardian sees the strategy, how often, the goal and how it goes, in words; the
    other participant is not named."""
    text = _client(world, "g1").get(f"/family/children/{world.students['s1'].pk}/").content
    page = text.decode()
    assert "Extra support at school" in page
    assert "Small-group fractions in" in page
    assert "3 times a week, 30 minutes each" in page
    assert "Goal: move from level 2.2 to level 2.8" in page
    assert "Okafor" not in page


def test_the_guardian_reads_it_in_spanish(world: World, current: Intervention) -> None:
    """With Spanish chosen, the support reads in Spanish."""
    client = _client(world, "g1")
    client.post("/language/", {"language": "es", "next": "/"})
    page = client.get(f"/family/children/{world.students['s1'].pk}/").content.decode()
    assert "Apoyo adicional en la escuela" in page
    assert "3 veces por semana" in page
