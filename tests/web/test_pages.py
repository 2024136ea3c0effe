"""The role-aware home page and the sign-in flow, through HTTP."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masterypath.accounts.models import User
from tests.conftest import World, user_of
from tests.factories import PASSWORD


def _home_for(world: World, person: str) -> str:
    client = Client()
    client.force_login(user_of(world, person))
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_sign_in_with_username_and_password_reaches_home(world: World) -> None:
    user = user_of(world, "teacher_a")
    client = Client()
    response = client.post(
        "/login/", {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "My classes" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(world: World) -> None:
    user = user_of(world, "teacher_a")
    response = Client().post("/login/", {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "didn't match" in response.content.decode()


def test_sign_out_ends_the_session(world: World) -> None:
    client = Client()
    client.force_login(user_of(world, "s1"))
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_home_requires_sign_in(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_student_home_shows_own_targets_with_mastery(world: World) -> None:
    """Scores 2 then 3 give the decaying average 2.65, shown as Proficient."""
    html = _home_for(world, "s1")
    assert "My targets" in html
    assert "Where I am" in html
    row = html[html.index(world.targets[0].code) :].split("</li>")[0]
    assert "Proficient" in row
    assert "Chen" not in html  # another student's name never appears


def test_guardian_home_lists_only_linked_children(world: World) -> None:
    html = _home_for(world, "g1")
    assert "Ana Lopez" in html
    assert "Ben" not in html
    assert "Chen" not in html


def test_teacher_home_lists_taught_sections_with_counts(world: World) -> None:
    html = _home_for(world, "teacher_a")
    assert "Math 4 · Period 1" in html
    assert "Math 4 · Period 2" not in html


def test_teacher_home_counts_the_students_of_each_section(world: World) -> None:
    """S1 has two students: the count no longer reuses the join on the teacher's own
    enrollment (which counted none)."""
    html = _home_for(world, "teacher_a")
    row = html[html.index("Math 4 · Period 1") :].split("</tr>")[0]
    assert row.endswith("<td>2</td>")


def test_principal_students_page_lists_school_students(world: World) -> None:
    """The principal's home is the school dashboard; its Students page lists the school's
    students and no one else's."""
    client = Client()
    client.force_login(user_of(world, "principal_a"))
    school = world.students["s1"].school
    assert f"/schools/{school.pk}/students/" in client.get("/").content.decode()
    html = client.get(f"/schools/{school.pk}/students/").content.decode()
    for name in ("Lopez", "Okafor", "Wu"):
        assert name in html
    assert "Smith" not in html
    assert "Jones" not in html


def test_district_admin_home_lists_every_school_of_the_district(world: World) -> None:
    html = _home_for(world, "admin_d1")
    assert "School A" in html
    assert "School B" in html
    assert "School C" not in html


def test_leader_search_finds_a_student_by_name(world: World) -> None:
    client = Client()
    client.force_login(user_of(world, "admin_d1"))
    html = client.get("/", {"q": "okaf"}).content.decode()
    assert "Okafor" in html
    assert "Lopez" not in html


def test_account_without_a_person_sees_a_welcome(db: None) -> None:
    user = User.objects.create_user(username="lonely", password=PASSWORD)
    client = Client()
    client.force_login(user)
    assert "not linked" in client.get("/").content.decode()


@pytest.mark.parametrize("person", ["s1", "teacher_a", "principal_a"])
def test_pages_use_a_fixed_number_of_queries(world: World, person: str) -> None:
    """Adding evidence does not add queries (no N+1 on the progress tables)."""
    client = Client()
    client.force_login(user_of(world, person))
    url = "/" if person != "principal_a" else f"/students/{world.students['s1'].pk}/"
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    from tests.factories import add_evidence

    for target in world.targets:
        add_evidence(world.students["s1"], target, 2, days_ago=5)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
