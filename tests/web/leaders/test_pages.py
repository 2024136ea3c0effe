"""The leader pages through HTTP: numbers against a hand count of the stored placements,
filters and sorting of the student list, CSV exports with the page's suppression, query
budgets, the district's group-size setting, and each leader's home."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from masterypath.common.models import AuditEntry
from masterypath.mastery.models import Placement
from masterypath.reports.summaries import dashboard_summary_refresh
from masterypath.schools.models import District
from tests import factories as f
from tests.leaders_world import AS_OF, LeaderWorld, build_leader_world
from tests.web.leaders.conftest import client_for


def _gap(level: float, grade: int) -> int:
    return min(math.floor(level + 1e-9) + 1, 12) - min(grade, 12)


def _latest(world: LeaderWorld, domain_id: int) -> dict[int, float]:
    """Each student's latest placement, read from the placements table."""
    latest: dict[int, tuple[Any, float]] = {}
    for student_id, placed_on, level in Placement.objects.filter(domain_id=domain_id).values_list(
        "student_id", "placed_on", "level"
    ):
        if student_id not in latest or placed_on > latest[student_id][0]:
            latest[student_id] = (placed_on, level)
    return {student_id: level for student_id, (_, level) in latest.items()}


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_share_on_grade_level_matches_a_hand_count(leaders: LeaderWorld) -> None:
    """Each grade's "on or above" share and count on the school page equal a count of the
    students' latest placements."""
    latest = _latest(leaders, leaders.math.pk)
    client = client_for(leaders, "principal")
    html = client.get(f"/schools/{leaders.elementary.pk}/").content.decode()
    section = html[html.index('id="on-grade-level"') : html.index('id="distance"')]
    for grade in (3, 4, 5):
        students = [s for s in leaders.students[:36] if s.grade_level == grade]
        on = sum(1 for s in students if _gap(latest[s.pk], grade) >= 0)
        share = f"{round(100 * on / len(students))}% of {len(students)}"
        row = re.search(rf"<td>Grade {grade}</td><td>(.*?)</td>", section)
        assert row is not None
        assert row.group(1) == share


def test_csv_export_has_the_pages_numbers(leaders: LeaderWorld) -> None:
    """The on-grade-level CSV has the same shares as a hand count, as numbers."""
    latest = _latest(leaders, leaders.math.pk)
    client = client_for(leaders, "principal")
    rows = _csv(client.get(f"/schools/{leaders.elementary.pk}/export/overview/on-grade-level.csv"))
    header = rows[1]
    column = header.index("Mathematics")
    everyone = leaders.students[:36]
    on = sum(1 for s in everyone if _gap(latest[s.pk], s.grade_level) >= 0)
    all_grades = next(row for row in rows if row and row[0] == "All grades")
    assert float(all_grades[column]) == pytest.approx(round(on / 36, 4))


def test_growth_is_the_average_gain_since_the_year_began(leaders: LeaderWorld) -> None:
    """Grade levels gained since August 1: latest minus the last placement of June."""
    client = client_for(leaders, "principal")
    rows = _csv(client.get(f"/schools/{leaders.elementary.pk}/export/overview/growth.csv"))
    column = rows[1].index("Mathematics")
    gains = [
        leaders.levels[(s.pk, leaders.math.pk, AS_OF)]
        - leaders.levels[(s.pk, leaders.math.pk, date(2026, 6, 30))]
        for s in leaders.students[:36]
    ]
    all_grades = next(row for row in rows if row and row[0] == "All grades")
    assert float(all_grades[column]) == pytest.approx(sum(gains) / len(gains), abs=1e-3)


def test_hidden_groups_are_suppressed_alike_on_the_page_and_in_the_csv(
    leaders: LeaderWorld,
) -> None:
    """The 4 Black and 2 Asian students are hidden on the page and "suppressed" in its CSV,
    and so are the same complements."""
    client = client_for(leaders, "principal")
    url = f"/schools/{leaders.elementary.pk}/groups/?by=race&domain={leaders.math.pk}"
    html = client.get(url).content.decode()
    table = html[html.index("Students on or above grade level by race/ethnicity") :]
    table = table[: table.index("</table>")]
    page_hidden = {
        label
        for label in ("Asian", "Black or African American", "Hispanic or Latino", "White")
        if re.search(rf"<th scope=\"row\">{label}</th><td class=\"hidden-cell\"", table)
    }
    assert {"Asian", "Black or African American"} <= page_hidden
    rows = _csv(
        client.get(
            f"/schools/{leaders.elementary.pk}/export/groups/on-grade-level-by-group.csv"
            f"?by=race&domain={leaders.math.pk}"
        )
    )
    csv_hidden = {row[0] for row in rows[2:] if len(row) > 1 and row[1] == "suppressed"}
    assert page_hidden <= csv_hidden
    assert csv_hidden - page_hidden <= {"American Indian or Alaska Native", "Not reported"} or (
        csv_hidden == page_hidden
    )
    assert "Students on or above" in rows[0][0]


def test_student_list_filters_by_placement_and_grade(leaders: LeaderWorld) -> None:
    """Grade 3, 2 or more grades below in math: exactly the students a hand count finds."""
    latest = _latest(leaders, leaders.math.pk)
    expected = {
        s.family_name
        for s in leaders.students[:36]
        if s.grade_level == 3 and _gap(latest[s.pk], 3) <= -2
    }
    client = client_for(leaders, "principal")
    html = client.get(
        f"/schools/{leaders.elementary.pk}/students/",
        {"domain": leaders.math.pk, "grade": 3, "placement": "two_below"},
    ).content.decode()
    shown = set(re.findall(r">(Family\d\d), ", html))
    assert shown == expected
    assert f"of {len(expected)}" in html or not expected


def test_student_list_sorts_by_placement(leaders: LeaderWorld) -> None:
    """Sorted by placement, the furthest below come first."""
    client = client_for(leaders, "principal")
    html = client.get(
        f"/schools/{leaders.elementary.pk}/students/",
        {"domain": leaders.math.pk, "sort": "placement"},
    ).content.decode()
    latest = _latest(leaders, leaders.math.pk)
    order = re.findall(r">(Family\d\d), ", html)
    by_name = {s.family_name: s for s in leaders.students}
    gaps = [_gap(latest[by_name[name].pk], by_name[name].grade_level) for name in order]
    assert gaps == sorted(gaps)


def test_student_list_says_the_pace_in_words(leaders: LeaderWorld) -> None:
    """Pace reads as engine.wording says it, never as a bare number."""
    client = client_for(leaders, "principal")
    html = client.get(f"/schools/{leaders.elementary.pk}/students/").content.decode()
    assert "grade levels per school year (expected 1.0)" in html
    assert "Working at grade" in html


def test_student_list_pages_through_a_large_school(
    leaders: LeaderWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten a page: 36 students make four pages, the last with six."""
    from masterypath.web.leaders import views

    monkeypatch.setattr(views, "STUDENTS_PER_PAGE", 10)
    client = client_for(leaders, "principal")
    html = client.get(f"/schools/{leaders.elementary.pk}/students/", {"page": 4}).content.decode()
    assert "Students 31\u201336 of 36" in html
    assert "Page 4 of 4" in html


def test_bad_filter_values_fall_back_to_the_defaults(leaders: LeaderWorld) -> None:
    """Nonsense in the query string never breaks the list."""
    client = client_for(leaders, "principal")
    response = client.get(
        f"/schools/{leaders.elementary.pk}/students/",
        {"domain": "x", "grade": "²", "placement": "nope", "sort": "evil", "order": "up"},
    )
    assert response.status_code == 200


def test_district_page_shows_schools_side_by_side_and_its_tools(leaders: LeaderWorld) -> None:
    client = client_for(leaders, "admin")
    html = client.get("/district/").content.decode()
    assert "Lakeside Elementary" in html
    assert "Lakeside Middle" in html
    assert "Hillview School" not in html
    for tool in ("Import standards and rosters", "Which mastery method", "xAPI statements"):
        assert tool in html
    rows = _csv(client.get("/district/export/overview/schools-on-grade-level.csv"))
    latest = _latest(leaders, leaders.math.pk)
    middle = leaders.students[36:66]
    on = sum(1 for s in middle if _gap(latest[s.pk], s.grade_level) >= 0)
    row = next(r for r in rows if r and r[0] == "Lakeside Middle")
    assert float(row[rows[1].index("Mathematics")]) == pytest.approx(round(on / 30, 4))


def test_district_trends_by_school_year(leaders: LeaderWorld) -> None:
    """The end of 2025-26 and now, from the placements of June 30 and November 20."""
    client = client_for(leaders, "admin")
    rows = _csv(
        client.get(f"/district/export/overview/trends-by-school-year.csv?domain={leaders.math.pk}")
    )
    header = rows[1]
    assert "On or above grade level, end of 2025-26" in header
    assert "On or above grade level, now" in header
    students = leaders.students[:36]
    june = date(2026, 6, 30)
    on = sum(
        1
        for s in students
        if _gap(leaders.levels[(s.pk, leaders.math.pk, june)], s.grade_level - 1) >= 0
    )
    row = next(r for r in rows if r and r[0] == "Lakeside Elementary")
    assert float(row[header.index("On or above grade level, end of 2025-26")]) == pytest.approx(
        round(on / 36, 4)
    )


@pytest.mark.parametrize(
    ("person", "url", "budget"),
    [
        ("principal", "/", 20),
        ("principal", "/schools/{school}/students/", 16),
        ("principal", "/schools/{school}/groups/?by=race", 16),
        ("admin", "/", 16),
        ("admin", "/district/groups/?by=sex", 16),
    ],
)
def test_pages_keep_their_query_budget(
    leaders: LeaderWorld,
    django_assert_max_num_queries: Any,
    person: str,
    url: str,
    budget: int,
) -> None:
    """A fixed number of queries, whatever the number of students."""
    client = client_for(leaders, person)
    with django_assert_max_num_queries(budget):
        assert client.get(url.format(school=leaders.elementary.pk)).status_code == 200


def test_query_count_does_not_grow_with_students(leaders: LeaderWorld) -> None:
    """Adding twenty students (and their placements) adds no query to the school page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(leaders, "principal")
    url = f"/schools/{leaders.elementary.pk}/"
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for index in range(20):
        student = f.StudentFactory(school=leaders.elementary, grade_level=4)
        Placement.objects.create(
            student=student,
            domain=leaders.math,
            placed_on=AS_OF,
            level=3.0 + index / 20,
            completed=3.0,
        )
    dashboard_summary_refresh(district=leaders.district)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_district_admin_sets_the_smallest_group(leaders: LeaderWorld) -> None:
    """Setting 11 hides the 10 Hispanic students; the change is audited; 3 is refused."""
    client = client_for(leaders, "admin")
    response = client.post("/district/settings/", {"min_group_size": 11}, follow=True)
    assert "fewer than 11 students" in response.content.decode()
    assert District.objects.get(pk=leaders.district.pk).min_group_size == 11
    entry = AuditEntry.objects.filter(subject_type="schools.district", action="update").get()
    assert entry.detail == {"min_group_size": 11, "was": 10}
    rows = _csv(
        client.get(
            f"/schools/{leaders.elementary.pk}/export/groups/on-grade-level-by-group.csv"
            f"?by=race&domain={leaders.math.pk}"
        )
    )
    hispanic = next(r for r in rows if r and r[0] == "Hispanic or Latino")
    assert hispanic[1] == "suppressed"
    refused = client.post("/district/settings/", {"min_group_size": 3})
    assert refused.status_code == 200
    assert "greater than or equal to 5" in refused.content.decode()
    assert District.objects.get(pk=leaders.district.pk).min_group_size == 11


def test_each_leader_lands_on_their_dashboard(leaders: LeaderWorld) -> None:
    """Principal and counselor: their school's dashboard; district admin: the district's."""
    for person in ("principal", "counselor"):
        html = client_for(leaders, person).get("/").content.decode()
        assert "<h1>Lakeside Elementary</h1>" in html
        assert "Who to support first" in html
    html = client_for(leaders, "admin").get("/").content.decode()
    assert "<h1>Lakeside</h1>" in html
    assert "Schools side by side" in html


def test_pages_without_figures_say_so(db: None) -> None:
    """Before the first refresh, the dashboards explain where the figures come from."""
    world = build_leader_world()
    client = Client()
    client.force_login(world.staff["principal"].user)
    assert "have not been computed yet" in client.get("/").content.decode()
    students = client.get(f"/schools/{world.elementary.pk}/students/").content.decode()
    assert "Family00" in students  # the roster, with no placement yet


def test_student_csv_has_every_page_of_the_filter(leaders: LeaderWorld) -> None:
    """The students' CSV: every student the filter keeps (not just one page), in words and
    with the pace as a number."""
    client = client_for(leaders, "principal")
    rows = _csv(
        client.get(
            f"/schools/{leaders.elementary.pk}/export/students/students.csv",
            {"domain": leaders.math.pk},
        )
    )
    header = rows[1]
    body = [row for row in rows[2:] if row]
    assert len(body) == 36
    assert header[:3] == ["Student", "Id", "Grade"]
    working = body[0][header.index("Working at")]
    assert working.startswith("working at")
    pace = body[0][header.index("Grade levels per school year")]
    assert float(pace) > 0
