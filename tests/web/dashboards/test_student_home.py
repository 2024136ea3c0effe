"""The student's "my continuum" home through HTTP: plain words, next targets, groups, feedback,
access, the audit entry and a fixed query budget."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masterypath.common.models import AuditAction, AuditEntry
from masterypath.evidence.models import Evidence
from masterypath.mastery.models import Placement
from tests import factories as f
from tests.conftest import World, user_of
from tests.web.dashboards.world import FEEDBACK, Dashboards, add_dashboard_data

# Session and user, the student, the school year, placements and domains, estimates and
# scales, pathway targets and links, recent evidence and scales, the audit entry, the open
# learning plans (goals, targets, steps: 3 more with a plan).
STUDENT_HOME_QUERIES = 14


@pytest.fixture
def data(world: World) -> Dashboards:
    return add_dashboard_data(world)


def _client(world: World, person: str) -> Client:
    client = Client()
    client.force_login(user_of(world, person))
    return client


def _expected_placement(world: World) -> float:
    """Computed from the evidence, not through the pages' selectors: of the three level-4
    targets, s1 is proficient on those whose decaying average (w = 0.65) reaches 2.5."""
    proficient = 0
    for target in world.targets:
        scores = [
            float(e.score)
            for e in Evidence.objects.filter(student=world.students["s1"], target=target).order_by(
                "observed_at"
            )
        ]
        value = None
        for score in scores:
            value = score if value is None else 0.35 * value + 0.65 * score
        proficient += value is not None and value >= 2.5
    return 3 + min(proficient / 3 / 0.8, 1.0)


def test_student_home_says_where_i_am_in_plain_words(data: Dashboards) -> None:
    """Placement 3.42 of a grade-4 student reads 'working at grade 4 level', on grade level."""
    world = data.world
    assert _expected_placement(world) == pytest.approx(3 + (1 / 3) / 0.8)
    stored = Placement.objects.filter(student=world.students["s1"]).latest("placed_on")
    assert stored.level == pytest.approx(_expected_placement(world))
    html = _client(world, "s1").get("/").content.decode()
    assert "I am working at grade 4 level." in html
    assert "My grade is grade 4." in html
    assert "on grade level" in html
    assert "levels are grades" not in html  # no jargon
    assert "0.0" not in html.split("My targets")[0].split("Where I am")[1]


def test_next_targets_are_the_unfinished_ones_of_my_level(data: Dashboards) -> None:
    """4.NF.1 is proficient (2 then 3: 2.65), so the next targets are 4.NF.2 and 4.NF.3."""
    html = _client(data.world, "s1").get("/").content.decode()
    section = html.split("My next targets")[1].split("</ul>")[0]
    assert "4.NF.2" in section
    assert "4.NF.3" in section
    assert "4.NF.1" not in section


def test_targets_are_grouped_and_collapsed_with_this_year_first(data: Dashboards) -> None:
    """Targets sit in closed <details> per domain, under this school year's heading."""
    world = data.world
    html = _client(world, "s1").get("/").content.decode()
    targets = html.split('id="targets-heading"')[1]
    assert targets.index("This school year") < targets.index("4.NF.1")
    assert '<details class="target-group">' in targets  # closed by default
    group = targets.split("<details")[1].split("</details>")[0]
    assert world.targets[0].competency.domain.title in group
    assert "1 of 2 targets proficient" in group


def test_recent_work_shows_the_teachers_feedback(data: Dashboards) -> None:
    """The comment of the latest evidence shows with the teacher's name."""
    html = _client(data.world, "s1").get("/").content.decode()
    work = html.split('id="work-heading"')[1]
    assert FEEDBACK in work
    assert data.world.staff["teacher_a"].user.get_full_name() in work


def test_the_learning_plan_has_its_place_at_the_top(data: Dashboards) -> None:
    """The plan's section comes before where I am (a later issue fills it)."""
    html = _client(data.world, "s1").get("/").content.decode()
    assert 'id="learning-plan"' in html
    assert html.index('id="learning-plan"') < html.index('id="where-heading"')


def test_the_home_shows_only_my_own_record(data: Dashboards) -> None:
    """No classmate's name or work appears on a student's home."""
    html = _client(data.world, "s1").get("/").content.decode()
    assert "Okafor" not in html
    assert "Wu" not in html


def test_reading_my_home_is_audited_once(data: Dashboards) -> None:
    """One view entry per request, naming the student and the page."""
    world = data.world
    before = AuditEntry.objects.filter(action=AuditAction.VIEW).count()
    _client(world, "s1").get("/")
    entries = AuditEntry.objects.filter(action=AuditAction.VIEW)
    assert entries.count() == before + 1
    entry = entries.first()
    assert entry is not None
    assert entry.student_id == world.students["s1"].pk
    assert entry.detail == {"page": "student.home", "students": [world.students["s1"].pk]}


def test_the_student_home_has_a_fixed_query_budget(data: Dashboards) -> None:
    """More targets, evidence and placements add no query."""
    world = data.world
    client = _client(world, "s1")
    with CaptureQueriesContext(connection) as before:
        assert client.get("/").status_code == 200
    competency = f.CompetencyFactory(domain=world.targets[0].competency.domain)
    for n in range(12):
        target = f.TargetFactory(competency=competency, code=f"4.OA.{n}", level=4 + n % 2)
        f.add_evidence(world.students["s1"], target, 1 + n % 4, days_ago=n + 1)
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    assert len(after) == len(before) <= STUDENT_HOME_QUERIES


def test_a_student_without_placement_reads_what_comes_next(world: World) -> None:
    """No evidence yet: the page says the place shows up once work is scored."""
    html = _client(world, "s2").get("/").content.decode()
    assert "My place on the continuum shows up after my teachers score my work." in html
