"""Suggested flexible groups on the section dashboard, and saving, listing and deleting them:
the suggestions checked against next targets worked out from the evidence rows, bad input as
form errors, the audit entries, access per role and across districts."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from masterypath.common.models import AuditAction, AuditEntry
from masterypath.evidence.models import Evidence
from masterypath.groups.models import GroupBasis, StudentGroup
from masterypath.groups.services import GroupError, GroupErrorCode, student_group_save
from masterypath.roster.models import Student
from tests import factories as f
from tests.conftest import World, user_of
from tests.web.teacher.section_world import SectionWorld, add_group_students, add_section_data


@pytest.fixture
def data(world: World) -> SectionWorld:
    return add_group_students(add_section_data(world))


def _client(world: World, person: str) -> Client:
    client = Client()
    client.force_login(user_of(world, person))
    return client


def _dashboard(world: World) -> str:
    return f"/teach/sections/{world.sections['S1'].pk}/dashboard/"


def _new(world: World, section: str = "S1") -> str:
    return f"/teach/sections/{world.sections[section].pk}/groups/"


def _students(world: World) -> dict[str, Student]:
    return {
        s.given_name: s for s in Student.objects.filter(enrollments__section=world.sections["S1"])
    }


def _next_by_hand(student: Student, targets: list) -> str | None:  # type: ignore[type-arg]
    """The first target of `targets` (continuum order) whose decaying average (w = 0.65) of
    the student's scores is below proficient (2.5), from the evidence rows."""
    for target in targets:
        value = None
        for e in Evidence.objects.filter(student=student, target=target).order_by("observed_at"):
            value = float(e.score) if value is None else 0.35 * value + 0.65 * float(e.score)
        if value is None or value < 2.5:
            return str(target.code)
    return None


def _cards(html: str) -> list[str]:
    suggested = html.split("Suggested groups", 1)[1].split("Saved groups", 1)[0]
    return suggested.split('class="group-card"')[1:]


def test_suggested_groups_share_a_next_target_or_a_gap(data: SectionWorld) -> None:
    world = data.world
    people = _students(world)
    level4 = [people[n] for n in ("Ana", "Ben", "Eva", "Finn", "Gus")]
    assert {_next_by_hand(s, world.targets) for s in level4} == {"4.NF.2"}
    assert _next_by_hand(people["Cara"], data.level3) == "3.NF.1"
    assert _next_by_hand(people["Hana"], data.level3) == "3.NF.2"
    assert _next_by_hand(people["Ivo"], data.level3 + world.targets) == "4.NF.1"
    html = _client(world, "teacher_a").get(_dashboard(world)).content.decode()
    cards = _cards(html)
    assert len(cards) == 2
    target_card, gap_card = cards
    assert "Next target 4.NF.2" in target_card
    members = sorted(re.findall(r"(\w+) (?:Lopez|Okafor|Next|Diaz|Gap|Patel)", target_card))
    assert members == ["Ana", "Ben", "Eva", "Finn", "Gus"]
    assert 'value="4.NF.2 group 1"' in target_card
    assert "1 grade below in" in gap_card
    names = sorted(re.findall(r"(Cara|Hana|Ivo) ", gap_card.split("<form")[0]))
    assert names == ["Cara", "Hana", "Ivo"]
    assert 'value="1 grade below group 1"' in gap_card
    assert "Not in a suggested group" in html
    assert "Dev Patel" in html.split("Not in a suggested group", 1)[1].split("</p>", 1)[0]


def test_saving_a_suggestion_keeps_it_under_its_new_name(data: SectionWorld) -> None:
    world = data.world
    people = _students(world)
    client = _client(world, "teacher_a")
    chosen = [people[n].pk for n in ("Ana", "Ben", "Eva")]
    response = client.post(
        _new(world),
        {
            "name": "  Fractions   crew ",
            "students": chosen,
            "basis": "target",
            "focus_target": world.targets[1].pk,
        },
    )
    assert response.status_code == 302
    group = StudentGroup.objects.get()
    assert group.name == "Fractions crew"
    assert group.basis == GroupBasis.TARGET
    assert group.focus_target_id == world.targets[1].pk
    assert sorted(group.members.values_list("pk", flat=True)) == sorted(chosen)
    entry = AuditEntry.objects.filter(
        action=AuditAction.CREATE, subject_type="groups.studentgroup"
    ).get()
    assert entry.detail["students"] == sorted(chosen)
    html = client.get(_dashboard(world)).content.decode()
    saved = html.split('id="saved-groups"', 1)[1].split("</ul>", 1)[0]
    assert "Fractions crew" in saved
    assert "next target 4.NF.2" in saved
    assert "Ana Lopez" in saved
    assert "Gus Next" not in saved


def test_deleting_a_saved_group(data: SectionWorld) -> None:
    world = data.world
    group = student_group_save(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        name="Tuesday",
        student_ids=[world.students["s1"].pk],
    )
    client = _client(world, "teacher_a")
    assert client.get(f"/teach/groups/{group.pk}/delete/").status_code == 405
    assert _client(world, "teacher_a2").post(f"/teach/groups/{group.pk}/delete/").status_code == 404
    response = client.post(f"/teach/groups/{group.pk}/delete/")
    assert response.status_code == 302
    assert not StudentGroup.objects.exists()
    entry = AuditEntry.objects.filter(
        action=AuditAction.VOID, subject_type="groups.studentgroup"
    ).get()
    assert entry.detail == {
        "deleted": True,
        "name": "Tuesday",
        "section": world.sections["S1"].pk,
        "students": [world.students["s1"].pk],
    }
    assert "No saved groups yet." in client.get(_dashboard(world)).content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "x" * 121}, "at most 120 characters"),
        ({"students": []}, "This field is required."),
        ({"students": "other-section"}, "Select a valid choice."),
        ({"basis": "astrology"}, "Select a valid choice."),
        ({"focus_target": "abc"}, "Enter a whole number."),
        ({"focus_target": "other-course"}, "not one of this course&#x27;s targets"),
        ({"name": "TAKEN"}, "has a group named"),
    ],
)
def test_bad_input_is_a_form_error(data: SectionWorld, fields: dict, message: str) -> None:  # type: ignore[type-arg]
    world = data.world
    student_group_save(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        name="Taken",
        student_ids=[world.students["s1"].pk],
    )
    form = {"name": "New", "students": [world.students["s1"].pk], "basis": "chosen"}
    form.update(fields)
    if form["students"] == "other-section":
        form["students"] = [world.students["s3"].pk]
    if form.get("focus_target") == "other-course":
        form["focus_target"] = f.TargetFactory().pk
    response = _client(world, "teacher_a").post(_new(world), form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert StudentGroup.objects.count() == 1


def test_the_service_refuses_students_of_another_section(data: SectionWorld) -> None:
    world = data.world
    with pytest.raises(GroupError) as refused:
        student_group_save(
            actor=user_of(world, "teacher_a"),
            section=world.sections["S1"],
            name="Mixed",
            student_ids=[world.students["s1"].pk, world.students["s3"].pk],
        )
    assert refused.value.code == GroupErrorCode.NOT_IN_SECTION
    assert not StudentGroup.objects.exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("teacher_a", 200),
        ("teacher_a2", 404),
        ("counselor_a", 404),
        ("s1", 404),
        ("g1", 404),
        ("admin_d2", 404),
    ],
)
def test_access_to_the_group_form(data: SectionWorld, person: str, status: int) -> None:
    world = data.world
    assert _client(world, person).get(_new(world)).status_code == status
    post = _client(world, person).post(
        _new(world), {"name": "X", "students": [world.students["s1"].pk], "basis": "chosen"}
    )
    assert post.status_code == (302 if status == 200 else 404)


def test_a_teacher_of_another_district_cannot_delete(data: SectionWorld) -> None:
    world = data.world
    group = student_group_save(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        name="Ours",
        student_ids=[world.students["s1"].pk],
    )
    other = f.StaffFactory(school=world.students["s5"].school, role="teacher")
    client = Client()
    client.force_login(other.user)
    assert client.post(f"/teach/groups/{group.pk}/delete/").status_code == 404
    assert StudentGroup.objects.filter(pk=group.pk).exists()
