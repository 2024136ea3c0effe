"""The family's pages through HTTP: every linked child in plain words, what changed since the
last visit, recent work, teachers, the PDF report and its period, access and the audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masterypath.common.models import AuditAction, AuditEntry
from masterypath.evidence.models import Evidence
from masterypath.reports.family import VISIT_GAP
from tests import factories as f
from tests.conftest import World, user_of
from tests.web.dashboards.world import FEEDBACK, Dashboards, add_dashboard_data

# Session and user, the children, the previous visit, placements and domains, new scores,
# recent work and its scales, teachers (two), school year per child, the audit entry, the
# children's interventions.
FAMILY_HOME_QUERIES = 15


@pytest.fixture
def data(world: World) -> Dashboards:
    return add_dashboard_data(world)


def _client(world: World, person: str) -> Client:
    client = Client()
    client.force_login(user_of(world, person))
    return client


def _visit_days_ago(world: World, person: str, days: int) -> AuditEntry:
    """A family-home visit `days` ago, as the page itself records it."""
    _client(world, person).get("/")
    entry = AuditEntry.objects.filter(detail__page="family.home").latest("at")
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - timedelta(days=days))
    entry.refresh_from_db()
    return entry


def test_family_home_shows_every_linked_child_and_no_other(data: Dashboards) -> None:
    """g1 guards s1 and s2: both appear; s3 (same school) and s5 (other district) do not."""
    html = _client(data.world, "g1").get("/").content.decode()
    assert "Ana Lopez" in html
    assert "Ben Okafor" in html
    assert "Chen" not in html
    assert "Eli" not in html


def test_each_area_says_on_track_or_not_in_plain_words(data: Dashboards) -> None:
    """s1 works at grade 4 in grade 4: on track, with the engine's sentence."""
    world = data.world
    html = _client(world, "g1").get("/").content.decode()
    child = html.split(f'id="child-{world.students["s1"].pk}"')[1].split("</article>")[0]
    domain = world.targets[0].competency.domain.title
    assert (
        f"Working at grade 4 level in {domain}; grade-level expectation: grade 4 "
        "(on grade level)." in child
    )
    assert "On track or ahead in 1 of 1 area." in child


def test_changes_since_the_last_visit_count_new_scores_and_moves(data: Dashboards) -> None:
    """A visit 45 days ago: placement then 2.4 (grade 3), now grade 4; the scores recorded
    since then are counted from the evidence table directly."""
    world = data.world
    visit = _visit_days_ago(world, "g1", 45)
    s1 = world.students["s1"]
    new = Evidence.objects.filter(student=s1, is_voided=False, recorded_at__gt=visit.at).count()
    assert new == 3
    html = _client(world, "g1").get("/").content.decode()
    child = html.split(f'id="child-{s1.pk}"')[1].split("</article>")[0]
    day = date_filter(timezone.localtime(visit.at), "DATE_FORMAT")
    assert f"Since {day}: {new} new scores." in child
    domain = world.targets[0].competency.domain.title
    assert f"{domain}: up 1 grade level, now at grade 4 level." in child


def test_a_reload_within_the_hour_keeps_showing_the_same_changes(data: Dashboards) -> None:
    """Page views closer than VISIT_GAP are one visit: the second view still counts from the
    visit before, not from the first view a minute ago."""
    world = data.world
    _visit_days_ago(world, "g1", 45)
    client = _client(world, "g1")
    first = client.get("/").content.decode()
    second = client.get("/").content.decode()
    assert timedelta(minutes=30) <= VISIT_GAP
    assert "new scores." in first
    assert first.split("What changed")[1][:400] == second.split("What changed")[1][:400]


def test_a_first_visit_says_so(data: Dashboards) -> None:
    """Without an earlier visit the page says it is the first."""
    html = _client(data.world, "g1").get("/").content.decode()
    assert "This is your first visit" in html


def test_recent_work_and_teachers_with_their_email(data: Dashboards) -> None:
    """The latest work carries the teacher's comment; teacher_a is reachable by email."""
    world = data.world
    html = _client(world, "g1").get("/").content.decode()
    child = html.split(f'id="child-{world.students["s1"].pk}"')[1].split("</article>")[0]
    assert FEEDBACK in child
    assert 'href="mailto:alex.teacher@school-a.example.org"' in child
    assert world.staff["teacher_a"].family_name in child


def test_a_guardian_never_reaches_another_child_by_changing_the_id(data: Dashboards) -> None:
    """Every family address answers 404 for a child who is not linked, in or out of the
    district; the linked child's page and report answer."""
    world = data.world
    client = _client(world, "g1")
    period = {"start": (data.today - timedelta(days=30)).isoformat(), "end": data.today}
    for key in ("s3", "s4", "s5"):
        pk = world.students[key].pk
        assert client.get(f"/family/children/{pk}/").status_code == 404
        assert client.get(f"/family/children/{pk}/report.pdf", period).status_code == 404
        assert client.get(f"/students/{pk}/").status_code == 404
        assert client.get(f"/students/{pk}/evidence.csv").status_code == 404
    s1 = world.students["s1"].pk
    assert client.get(f"/family/children/{s1}/").status_code == 200
    assert client.get(f"/students/{s1}/")["Location"] == f"/family/children/{s1}/"


def test_a_student_reaches_no_family_page_of_another(data: Dashboards) -> None:
    """A student sees only themself: a classmate's family page is not found."""
    client = _client(data.world, "s1")
    assert client.get(f"/family/children/{data.world.students['s2'].pk}/").status_code == 404


def test_the_family_home_is_audited_once_listing_the_children(data: Dashboards) -> None:
    """One view entry for the request, with both children's ids."""
    world = data.world
    before = AuditEntry.objects.filter(action=AuditAction.VIEW).count()
    _client(world, "g1").get("/")
    assert AuditEntry.objects.filter(action=AuditAction.VIEW).count() == before + 1
    entry = AuditEntry.objects.filter(detail__page="family.home").latest("at")
    assert sorted(entry.detail["students"]) == sorted(
        [world.students["s1"].pk, world.students["s2"].pk]
    )


def test_the_family_home_has_a_fixed_query_budget(data: Dashboards) -> None:
    """More evidence, targets and a third child add no query."""
    world = data.world
    _visit_days_ago(world, "g1", 10)
    client = _client(world, "g1")
    with CaptureQueriesContext(connection) as before:
        assert client.get("/").status_code == 200
    for n in range(8):
        target = f.TargetFactory(competency=world.targets[0].competency, code=f"4.MD.{n}")
        f.add_evidence(world.students["s2"], target, 3, days_ago=n + 1)
    f.link_guardian(world.guardians["g1"], world.students["s3"])
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    assert len(after) == len(before) <= FAMILY_HOME_QUERIES


class _CapturedHTML:
    """Stands in for weasyprint.HTML: keeps the page and returns a tiny PDF."""

    pages: list[str] = []  # shared on purpose, reset by the fixture

    def __init__(self, *, string: str, **kwargs: Any) -> None:
        self.pages.append(string)

    def write_pdf(self) -> bytes:
        return b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import weasyprint

    _CapturedHTML.pages = []
    monkeypatch.setattr(weasyprint, "HTML", _CapturedHTML)
    return _CapturedHTML.pages


def test_the_progress_report_is_a_pdf_of_the_chosen_period(data: Dashboards) -> None:
    """WeasyPrint renders the report: a real PDF, named after the child and the period."""
    world = data.world
    start = (data.today - timedelta(days=40)).isoformat()
    response = _client(world, "g1").get(
        f"/family/children/{world.students['s1'].pk}/report.pdf",
        {"start": start, "end": data.today.isoformat()},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f"ana-lopez-{start}" in response["Content-Disposition"]


def test_the_report_counts_the_period_s_scores_from_the_evidence(
    data: Dashboards, captured: list[str]
) -> None:
    """Scores inside the period only: counted from the evidence table by date."""
    world = data.world
    s1 = world.students["s1"]
    start = data.today - timedelta(days=5)
    in_period = [
        e
        for e in Evidence.objects.filter(student=s1, is_voided=False)
        if timezone.localdate(e.observed_at) >= start
    ]
    assert len(in_period) == 2  # days 2 and 1; day 10 is before the period
    _client(world, "g1").get(
        f"/family/children/{s1.pk}/report.pdf",
        {"start": start.isoformat(), "end": data.today.isoformat()},
    )
    [page] = captured
    proficient = sum(1 for e in in_period if e.score >= 3)
    assert f"2 scores, {proficient} proficient or better" in page
    assert FEEDBACK in page


def test_the_report_is_in_the_guardian_s_language(data: Dashboards, captured: list[str]) -> None:
    """A guardian who reads Spanish gets the report in Spanish."""
    world = data.world
    user = user_of(world, "g1")
    user.preferred_language = "es"
    user.save()
    _client(world, "g1").get(
        f"/family/children/{world.students['s1'].pk}/report.pdf",
        {"start": (data.today - timedelta(days=30)).isoformat(), "end": data.today.isoformat()},
    )
    [page] = captured
    assert '<html lang="es">' in page
    assert "Informe de progreso de Ana Lopez" in page
    assert "Trabaja a nivel de grado 4" in page


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-13-01", "2026-01-01", "Enter a valid date."),
        ("", "", "This field is required."),
        ("2026-03-01", "2026-02-01", "The end date must be on or after the start date."),
        ("1999-12-31", "2000-01-02", "Choose a date in 2000 or later."),
        ("2020-01-01", "2023-01-01", "Choose a period of two years or less."),
        ("2026-01-01", "2999-01-01", "The period cannot end after today."),
    ],
)
def test_a_bad_period_is_refused_with_what_to_fix(
    data: Dashboards, start: str, end: str, message: str
) -> None:
    """The form comes back (400) with the reason; no PDF is made."""
    world = data.world
    response = _client(world, "g1").get(
        f"/family/children/{world.students['s1'].pk}/report.pdf", {"start": start, "end": end}
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_report_draws_the_period_s_placements_as_svg(
    data: Dashboards, captured: list[str]
) -> None:
    """The PDF's growth chart is inline SVG with one point per placement in the period."""
    world = data.world
    _client(world, "g1").get(
        f"/family/children/{world.students['s1'].pk}/report.pdf",
        {"start": (data.today - timedelta(days=45)).isoformat(), "end": data.today.isoformat()},
    )
    [page] = captured
    svg = page.split("<svg")[1].split("</svg>")[0]
    assert svg.count("<circle") == 2  # 30 days ago and today; 60 days ago is before the period
    assert "<polyline" in svg
