"""The early warning page and its CSV export, per role and across two districts."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from masterypath.accounts.models import User
from masterypath.earlywarning.services import exceptions_recompute
from masterypath.roster.models import StaffRole, Student
from tests import factories as f
from tests.earlywarning.world import AS_OF, World, build_world, pupil, rising, school_days

pytestmark = pytest.mark.django_db
DAYS = school_days(date(2026, 1, 5))
URL = reverse("earlywarning:list")


@dataclass
class Scene:
    world: World
    other: World
    taught: Student  # behind, in the teacher's section
    untaught: Student  # behind, not taught by the teacher
    stranger: Student  # behind, other district
    users: dict[str, User]


def _behind(world: World, name: str, grade: int) -> Student:
    return pupil(
        world,
        grade=grade,
        name=name,
        tracks={world.math: rising(3.9, 0.1, DAYS), world.reading: rising(4.0, 0.1, DAYS)},
    )


@pytest.fixture
def scene() -> Scene:
    world = build_world()
    other = build_world("Hillview")
    taught = _behind(world, "Ana", 7)
    untaught = _behind(world, "Ben", 8)
    stranger = _behind(other, "Cal", 7)
    staff = {
        "principal": f.StaffFactory(school=world.school, role=StaffRole.PRINCIPAL),
        "counselor": f.StaffFactory(school=world.school, role=StaffRole.COUNSELOR),
        "teacher": f.StaffFactory(school=world.school, role=StaffRole.TEACHER),
        "admin": f.StaffFactory(
            school=None, district=world.district, role=StaffRole.DISTRICT_ADMIN
        ),
        "other_admin": f.StaffFactory(
            school=None, district=other.district, role=StaffRole.DISTRICT_ADMIN
        ),
    }
    section = f.SectionFactory(school=world.school)
    f.enroll(section, staff["teacher"], taught)
    for district in (world.district, other.district):
        exceptions_recompute(district=district, as_of=AS_OF)
    users = {role: member.user for role, member in staff.items()}
    users["student"] = taught.user
    return Scene(world, other, taught, untaught, stranger, users)


def _page(user: User, query: str = "") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("role", "sees_ana", "sees_ben"),
    [
        ("principal", True, True),
        ("counselor", True, True),
        ("admin", True, True),
        ("teacher", True, False),
        ("other_admin", False, False),
    ],
)
def test_each_role_sees_the_hits_of_its_own_students(
    scene: Scene, role: str, sees_ana: bool, sees_ben: bool
) -> None:
    page = _page(scene.users[role])
    assert ("Ana" in page) is sees_ana
    assert ("Ben" in page) is sees_ben
    assert "Cal" not in page or role == "other_admin"


def test_students_and_families_get_not_found(scene: Scene) -> None:
    client = Client()
    client.force_login(scene.users["student"])
    assert client.get(URL).status_code == 404
    assert client.get(reverse("earlywarning:export")).status_code == 404


def test_who_to_support_first_lists_the_most_behind_first_with_reasons(scene: Scene) -> None:
    """Ben (grade 8) is further behind than Ana (grade 7) at the same level: Ben first."""
    page = _page(scene.users["principal"])
    assert "Who to support first" in page
    assert page.index("Ben") < page.index("Ana")
    assert "4 grades below in Mathematics: working at grade 4, expected grade 8" in page
    assert "Struggling in several areas <strong>2</strong>" in page
    # Counted in students, as the list's count: two students, four entries, all new.
    assert "Two or more grades below <strong>2</strong>" in page
    assert "2 new" in page
    assert "4 new" not in page


def test_filters_narrow_the_list(scene: Scene) -> None:
    page = _page(scene.users["principal"], "?rule=two_below&grade=7")
    assert "Ana" in page
    assert "Ben" not in page
    page = _page(scene.users["principal"], f"?rule=two_below&domain={scene.world.reading.pk}")
    assert "in Reading" in page
    assert "in Mathematics" not in page


def test_the_page_keeps_a_fixed_number_of_queries(
    scene: Scene,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = Client()
    client.force_login(scene.users["admin"])
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200


def test_csv_export_has_every_row_with_the_reasons(scene: Scene) -> None:
    client = Client()
    client.force_login(scene.users["principal"])
    response = client.get(reverse("earlywarning:export") + "?rule=two_below")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Two or more grades below (as of 2026-11-20)"]
    assert rows[1][:5] == ["Student", "Local id", "School", "Grade", "Area"]
    assert {row[0].split(", ")[1] for row in rows[2:]} == {"Ana", "Ben"}
    assert len(rows) == 2 + 4  # two students, two areas each


def test_gains_by_school_are_shown_to_leaders_only(scene: Scene) -> None:
    assert "Students who gained a grade level or more" in _page(scene.users["principal"])
    assert "Students who gained a grade level or more" not in _page(scene.users["teacher"])


def test_each_listed_student_links_to_starting_an_intervention(scene: Scene) -> None:
    """From the list, a counselor starts a support for the student in one click, and the
    start page opens for that student."""
    page = _page(scene.users["counselor"])
    start = f"{reverse('interventions:start')}?student={scene.taught.pk}"
    assert f'href="{start}"' in page
    client = Client()
    client.force_login(scene.users["counselor"])
    assert client.get(start).status_code == 200
