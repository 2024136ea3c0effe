"""The student profile for staff through HTTP: access per role across two districts, the
whole body of work by school year, CSV exports, the audit entry and the query budget."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masterypath.common.models import AuditEntry
from masterypath.evidence.models import Evidence
from tests import factories as f
from tests.conftest import World, user_of
from tests.web.dashboards.world import FEEDBACK, Dashboards, add_dashboard_data

# Session and user, the student, placements and domains, estimates and scales, evidence span,
# school years, the year's evidence and scales, observations (2), work (3), the audit entry,
# the interventions and the tier history (2), the open learning plans and the learner
# profile (goals, targets, steps: 3 more with a plan).
PROFILE_QUERIES = 20


@pytest.fixture
def data(world: World) -> Dashboards:
    return add_dashboard_data(world)


def _client(world: World, person: str) -> Client:
    client = Client()
    client.force_login(user_of(world, person))
    return client


# Who may open whose profile: teachers their sections, counselors and principals their
# school, district admins their district; nobody crosses into the other district.
VISIBLE = {
    "teacher_a": {"s1", "s2"},
    "teacher_a2": {"s3"},
    "counselor_a": {"s1", "s2", "s3"},
    "principal_a": {"s1", "s2", "s3"},
    "principal_b": {"s4"},
    "admin_d1": {"s1", "s2", "s3", "s4"},
    "admin_d2": {"s5"},
}


@pytest.mark.parametrize("person", sorted(VISIBLE))
def test_staff_open_exactly_the_profiles_their_roster_allows(data: Dashboards, person: str) -> None:
    """200 for the students the role serves, 404 for every other (also for the exports)."""
    client = _client(data.world, person)
    for key, student in data.world.students.items():
        expected = 200 if key in VISIBLE[person] else 404
        assert client.get(f"/students/{student.pk}/").status_code == expected, key
        assert client.get(f"/students/{student.pk}/evidence.csv").status_code == expected, key


def test_a_student_is_sent_home_from_their_own_profile(data: Dashboards) -> None:
    """The profile is for staff: a student's own address leads to their home; another's is
    not found."""
    client = _client(data.world, "s1")
    own = client.get(f"/students/{data.world.students['s1'].pk}/")
    assert own.status_code == 302
    assert own["Location"] == "/"
    assert client.get(f"/students/{data.world.students['s2'].pk}/").status_code == 404


def test_the_profile_shows_the_year_s_whole_body_of_work(data: Dashboards) -> None:
    """Scores counted from the evidence table for the current school year, the exit ticket
    with its feedback, and the observation."""
    world = data.world
    s1 = world.students["s1"]
    session = world.sections["S1"].session
    this_year = [
        e
        for e in Evidence.objects.filter(student=s1, is_voided=False)
        if session.starts_on <= timezone.localdate(e.observed_at) <= session.ends_on
    ]
    html = _client(world, "teacher_a").get(f"/students/{s1.pk}/").content.decode()
    assert f"{len(this_year)} scores in {session.starts_on.year}-" in html
    assert html.count("<tr") >= len(this_year)
    exit_tickets = html.split("Exit tickets")[1].split("</ul>")[0]
    assert world.targets[1].code in exit_tickets
    assert FEEDBACK in html
    assert "Helped a classmate get started." in html
    assert 'id="learning-plan"' in html
    assert 'id="interventions"' in html


def test_the_profile_reads_placements_in_plain_words(data: Dashboards) -> None:
    """The same sentence as every other page: working at grade 4 level, on grade level."""
    world = data.world
    html = _client(world, "principal_a").get(f"/students/{world.students['s1'].pk}/").content
    domain = world.targets[0].competency.domain.title
    assert (
        f"Working at grade 4 level in {domain}; grade-level expectation: grade 4" in html.decode()
    )


def test_an_unknown_school_year_shows_no_record(data: Dashboards) -> None:
    """?year= names a school year by its end; one without a record says so."""
    world = data.world
    html = _client(world, "teacher_a").get(
        f"/students/{world.students['s1'].pk}/", {"year": "1999"}
    )
    assert "No record for that school year." in html.content.decode()


def test_the_evidence_timeline_exports_every_row_to_csv(data: Dashboards) -> None:
    """One CSV row per evidence row of the student, oldest first, voided ones marked."""
    world = data.world
    s1 = world.students["s1"]
    wrong = f.add_evidence(s1, world.targets[2], 1, days_ago=6)
    wrong.is_voided = True
    wrong.voided_reason = "Wrong student"
    wrong.save()
    response = _client(world, "teacher_a").get(f"/students/{s1.pk}/evidence.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    stored = list(Evidence.objects.filter(student=s1).order_by("observed_at", "id"))
    assert [r["target_code"] for r in rows] == [e.target.code for e in stored]
    assert [r["score"] for r in rows] == [f"{e.score:g}" for e in stored]
    voided = [r for r in rows if r["is_voided"] == "yes"]
    assert [r["voided_reason"] for r in voided] == ["Wrong student"]
    assert FEEDBACK in {r["comment"] for r in rows}


def test_placements_export_to_csv(data: Dashboards) -> None:
    """Every stored placement of the student, by domain and date."""
    world = data.world
    s1 = world.students["s1"]
    response = _client(world, "teacher_a").get(f"/students/{s1.pk}/placements.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["placed_on"] for r in rows][:2] == [
        (data.today - timedelta(days=60)).isoformat(),
        (data.today - timedelta(days=30)).isoformat(),
    ]
    assert rows[0]["placement"] == "2.400"


def test_every_profile_read_and_export_is_audited(data: Dashboards) -> None:
    """The page and each export write one view entry naming the student."""
    world = data.world
    s1 = world.students["s1"]
    client = _client(world, "teacher_a")
    for url, page in (
        (f"/students/{s1.pk}/", "student.profile"),
        (f"/students/{s1.pk}/evidence.csv", "student.evidence_csv"),
    ):
        client.get(url)
        entry = AuditEntry.objects.latest("at", "id")
        assert entry.student_id == s1.pk
        assert entry.detail["page"] == page


def test_the_profile_has_a_fixed_query_budget(data: Dashboards) -> None:
    """More evidence, targets and observations add no query."""
    world = data.world
    s1 = world.students["s1"]
    client = _client(world, "teacher_a")
    with CaptureQueriesContext(connection) as before:
        assert client.get(f"/students/{s1.pk}/").status_code == 200
    for n in range(10):
        target = f.TargetFactory(competency=world.targets[0].competency, code=f"4.G.{n}")
        f.add_evidence(s1, target, 1 + n % 4, days_ago=n + 1, comment=f"note {n}")
    with CaptureQueriesContext(connection) as after:
        client.get(f"/students/{s1.pk}/")
    assert len(after) == len(before) <= PROFILE_QUERIES


def test_a_long_year_lists_the_latest_scores_and_points_to_the_csv(
    data: Dashboards, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past TIMELINE_SHOWN rows the page stops, says how many more, and links the export."""
    from masterypath.reports import student_profile

    monkeypatch.setattr(student_profile, "TIMELINE_SHOWN", 2)
    world = data.world
    s1 = world.students["s1"]
    html = _client(world, "teacher_a").get(f"/students/{s1.pk}/").content.decode()
    timeline = html.split("Evidence timeline</h3>")[1].split("</table>")[0]
    assert timeline.count("<tr") == 1 + 2  # the header and the two latest
    assert "1 earlier score of this year is in the CSV export." in html
