"""The section dashboard through HTTP: each student at their own level, the per-target
distribution checked against the evidence rows, the students to look at, access for every
role and across districts, bad input, the audit entry and a fixed query budget."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masterypath.common.models import AuditAction, AuditEntry
from masterypath.evidence.models import Evidence
from masterypath.groups.services import student_group_save
from masterypath.roster.models import Student
from tests import factories as f
from tests.conftest import World, user_of
from tests.web.teacher.section_world import SectionWorld, add_section_data

# Session, user and staff, the section, students, domains, placements and their domains,
# latest evidence, paces (summaries), the section's level, targets and the links between
# them, estimates and scale levels for the next targets, the mastery selector (students,
# evidence, estimates, targets, scale levels, policies), the audit entry, saved groups and
# their students.
DASHBOARD_QUERIES = 24


@pytest.fixture
def data(world: World) -> SectionWorld:
    return add_section_data(world)


def _client(world: World, person: str) -> Client:
    client = Client()
    client.force_login(user_of(world, person))
    return client


def _url(world: World, section: str = "S1", query: str = "") -> str:
    return f"/teach/sections/{world.sections[section].pk}/dashboard/{query}"


def _band(value: float) -> int:
    """The 1-4 scale's band of a value: the level it rounds to, halves up."""
    return min(max(int(value + 0.5), 1), 4)


def _decaying(student: Student, target_id: int) -> float | None:
    """The decaying average (w = 0.65) of the student's scores on a target, from the rows."""
    value = None
    rows = Evidence.objects.filter(student=student, target_id=target_id, is_voided=False)
    for e in rows.order_by("observed_at"):
        value = float(e.score) if value is None else 0.35 * value + 0.65 * float(e.score)
    return value


def _section(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_heatmap_opens_on_each_students_own_level(data: SectionWorld) -> None:
    """Cara works at grade 3 level, so she appears with the grade-3 targets; Ana and Ben (not
    Dev (not placed, grade 4) with the grade-4 ones."""
    world = data.world
    html = _client(world, "teacher_a").get(_url(world)).content.decode()
    heatmap = _section(html, 'id="heatmap-heading"', 'id="groups-heading"')
    blocks = heatmap.split("<h3")[1:]
    assert len(blocks) == 2
    grade3, grade4 = blocks
    assert "1 student working at grade 3 level" in grade3
    assert "Diaz, Cara" in grade3
    assert "Lopez, Ana" not in grade3
    assert "3.NF.1" in grade3
    assert "4.NF.1" not in grade3
    assert "3 students working at grade 4 level" in grade4
    assert "Lopez, Ana" in grade4
    assert "Patel, Dev" in grade4
    assert "Diaz, Cara" not in grade4
    assert re.findall(r">(4\.NF\.\d)</abbr>", grade4) == ["4.NF.1", "4.NF.2", "4.NF.3"]


def test_standings_are_in_plain_words(data: SectionWorld) -> None:
    world = data.world
    html = _client(world, "teacher_a").get(_url(world)).content.decode()
    table = _section(html, 'id="standings"', "</table>")
    cara = _section(table, "Diaz, Cara", "</tr>")
    assert "Working at grade 3 level · 1 grade below" in cara
    ana = _section(table, "Lopez, Ana", "</tr>")
    assert "Working at grade 4 level · on grade level" in ana
    assert "Not placed yet" in _section(table, "Patel, Dev", "</tr>")


def test_distribution_counts_match_the_evidence(data: SectionWorld) -> None:
    """Per grade-4 target, the students at each band, from the evidence rows themselves."""
    world = data.world
    students = [world.students["s1"], world.students["s2"], data.cara, data.dev]
    html = _client(world, "teacher_a").get(_url(world)).content.decode()
    table = _section(html, 'id="distribution-heading"', "</table>")
    rows = re.findall(r"<tr>((?:<td>[^<]*</td>)+)</tr>", table)
    shown = {
        cells[0]: [int(c) for c in cells[1:]]
        for cells in (re.findall(r"<td>([^<]*)</td>", row) for row in rows)
    }
    for target in world.targets:
        bands = Counter()
        for student in students:
            value = _decaying(student, target.pk)
            bands[_band(value) if value is not None else 0] += 1
        assert shown[target.code] == [bands[1], bands[2], bands[3], bands[4], bands[0]]
    # 4.NF.1: Ana 2 then 3 (2.65: proficient), Ben 4; 4.NF.2: Ana 2; 4.NF.3: Cara 1.
    assert shown["4.NF.1"] == [0, 0, 1, 1, 2]
    assert shown["4.NF.2"] == [0, 1, 0, 0, 3]
    assert shown["4.NF.3"] == [1, 0, 0, 0, 3]


def test_distribution_at_another_level(data: SectionWorld) -> None:
    world = data.world
    html = _client(world, "teacher_a").get(_url(world, query="?level=3")).content.decode()
    table = _section(html, 'id="distribution-heading"', "</table>")
    assert "3.NF.1" in table
    assert "4.NF.1" not in table


def test_students_to_look_at(data: SectionWorld) -> None:
    """Default window 3 weeks: Dev (no evidence) and Cara (30 days ago); Cara's growth
    slowed. With 5 weeks only Dev is left."""
    world = data.world
    client = _client(world, "teacher_a")
    html = client.get(_url(world)).content.decode()
    quiet = _section(html, 'id="quiet-students"', 'id="slowed-students"')
    assert "No evidence in the last 3 weeks" in quiet
    assert "Dev Patel</a>: no evidence yet" in quiet
    assert "Cara Diaz</a>: last evidence" in quiet
    assert "Ana Lopez" not in quiet
    assert "Ben Okafor" not in quiet
    slowed = _section(html, 'id="slowed-students"', "</section>")
    assert "Cara Diaz</a> in" in slowed
    assert "gained 0.1 grade levels in the last 6 weeks, against 0.2 per 6 weeks" in slowed
    assert "Ana Lopez" not in slowed
    quiet5 = _section(
        client.get(_url(world, query="?weeks=5")).content.decode(),
        'id="quiet-students"',
        'id="slowed-students"',
    )
    assert "Dev Patel" in quiet5
    assert "Cara Diaz" not in quiet5


@pytest.mark.parametrize("weeks", ["0", "abc", "27"])
def test_a_bad_window_is_a_form_error(data: SectionWorld, weeks: str) -> None:
    world = data.world
    response = _client(world, "teacher_a").get(_url(world, query=f"?weeks={weeks}"))
    assert response.status_code == 400
    assert 'id="weeks-error"' in response.content.decode()


@pytest.mark.parametrize(
    ("person", "section", "status"),
    [
        ("teacher_a", "S1", 200),
        ("teacher_a2", "S1", 404),
        ("teacher_a", "S2", 404),
        ("counselor_a", "S1", 404),
        ("s1", "S1", 404),
        ("g1", "S1", 404),
        ("admin_d2", "S1", 404),
    ],
)
def test_access(data: SectionWorld, person: str, section: str, status: int) -> None:
    world = data.world
    assert _client(world, person).get(_url(world, section)).status_code == status


def test_a_teacher_of_another_district_gets_404(data: SectionWorld) -> None:
    world = data.world
    school_c = world.students["s5"].school
    other = f.StaffFactory(school=school_c, role="teacher")
    own = f.SectionFactory(school=school_c)
    f.enroll(own, other, world.students["s5"])
    client = Client()
    client.force_login(other.user)
    assert client.get(f"/teach/sections/{own.pk}/dashboard/").status_code == 200
    assert client.get(_url(world)).status_code == 404


def test_the_read_is_audited(data: SectionWorld) -> None:
    world = data.world
    _client(world, "teacher_a").get(_url(world))
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW).latest("id")
    assert entry.detail["page"] == "teacher.section_dashboard"
    assert sorted(entry.detail["students"]) == sorted(
        [world.students["s1"].pk, world.students["s2"].pk, data.cara.pk, data.dev.pk]
    )


def test_query_budget_does_not_grow_with_students(
    data: SectionWorld, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    world = data.world
    client = _client(world, "teacher_a")
    student_group_save(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        name="Saved",
        student_ids=[world.students["s1"].pk],
    )
    client.get(_url(world))
    with CaptureQueriesContext(connection) as few:
        client.get(_url(world))
    for n in range(6):
        extra = f.StudentFactory(school=world.sections["S1"].school, grade_level=3 + n % 3)
        f.enroll(world.sections["S1"], extra)
        f.add_evidence(extra, world.targets[n % 3], 1 + n % 4, days_ago=n)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(_url(world))
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as many:
        client.get(_url(world))
    assert len(many) == len(few)


def test_teacher_home_links_each_sections_dashboard(data: SectionWorld) -> None:
    world = data.world
    html = _client(world, "teacher_a").get("/").content.decode()
    assert f'href="{_url(world)}"' in html


def test_section_page_shows_where_each_student_works(data: SectionWorld) -> None:
    """The section's roster reads placements, not only names, for the teacher and the
    principal; only the teacher gets the dashboard link."""
    world = data.world
    url = f"/sections/{world.sections['S1'].pk}/"
    html = _client(world, "teacher_a").get(url).content.decode()
    table = _section(html, 'id="section-students"', "</table>")
    assert "Working at grade 3 level · 1 grade below" in _section(table, "Diaz, Cara", "</tr>")
    assert "Not placed yet" in _section(table, "Patel, Dev", "</tr>")
    assert "None yet" in _section(table, "Patel, Dev", "</tr>")
    assert _url(world) in html
    principal = _client(world, "principal_a").get(url)
    assert principal.status_code == 200
    assert "Working at grade 3 level" in principal.content.decode()
    assert _client(world, "teacher_a2").get(url).status_code == 404
