"""A mastery value reads the same everywhere: the gradebook cell's colour, label and number,
the student's record, the API and the placement all come from the one level rule."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masterypath.mastery.models import MasteryEstimate
from masterypath.mastery.services import placement_refresh
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def _set_estimate(world: World, student: str, target: int, value: float, method: str) -> None:
    MasteryEstimate.objects.update_or_create(
        student=world.students[student],
        target=world.targets[target],
        defaults={
            "value": value,
            "method": method,
            "status": "estimated",
            "evidence_count": 3,
            "computed_at": timezone.now(),
        },
    )


def _client(world: World, person: str) -> Client:
    client = Client()
    client.force_login(user_of(world, person))
    return client


def _gradebook_cell(world: World, student: str, target: int) -> tuple[str, str, str]:
    """(colour class, tooltip label, number) of one gradebook cell."""
    section = world.sections["S1"]
    html = (
        _client(world, "teacher_a")
        .get(reverse("teacher:gradebook", args=[section.pk]))
        .content.decode()
    )
    dom_id = f"gb-{world.students[student].pk}-{world.targets[target].pk}"
    before, after = html.split(f'aria-describedby="{dom_id}"')[0], html.split(f'id="{dom_id}">')[1]
    colour = re.findall(r'<td class="([^"]+)">', before)[-1]
    number = re.findall(r'<span class="v">([^<]*)</span>', html.split(f'id="{dom_id}"')[0])[-1]
    return colour, after.split(" · ")[0], number


@pytest.mark.parametrize(
    ("value", "method", "colour", "label", "number"),
    [
        (2.69, "decaying_average", "m-3", "Proficient", "2.7"),
        (1.96, "decaying_average", "m-2", "Developing", "2.0"),
        (2.5, "mean", "m-3", "Proficient", "2.5"),
        (2.46, "mean", "m-2", "Developing", "2.4"),
        (3.5, "mean", "m-4", "Advanced", "3.5"),
        (0.96, "bkt", "m-3", "Mastered", "96%"),
        (0.9496, "bkt", "m-2", "Nearly mastered", "94%"),
    ],
)
def test_a_gradebook_cell_has_the_colour_of_its_label(
    world: World, value: float, method: str, colour: str, label: str, number: str
) -> None:
    """2.69 is Proficient and coloured so (it was coloured Developing); 1.96 is Developing
    (it was coloured Beginning); the number shown never rounds into the next level."""
    _set_estimate(world, "s2", 1, value, method)
    assert _gradebook_cell(world, "s2", 1) == (colour, label, number)


def test_the_gradebook_key_names_the_labels_of_each_colour(world: World) -> None:
    """Beside a rubric-scale target, a BKT target's "Mastered" shares the proficient colour."""
    _set_estimate(world, "s2", 1, 0.97, "bkt")
    _set_estimate(world, "s2", 2, 2.7, "mean")
    html = (
        _client(world, "teacher_a")
        .get(reverse("teacher:gradebook", args=[world.sections["S1"].pk]))
        .content.decode()
    )
    assert '<span class="swatch m-3"></span>Mastered, Proficient</li>' in html


@pytest.mark.parametrize(
    ("value", "label", "is_proficient", "shown"),
    [(2.69, "Proficient", True, "2.7"), (2.4999, "Developing", False, "2.4")],
)
def test_the_record_and_the_api_read_a_value_as_the_gradebook_does(
    world: World, value: float, label: str, is_proficient: bool, shown: str
) -> None:
    """The student's profile shows the value as the gradebook does (one decimal, never rounded
    into the next level) in its level's colour with its label, and both API reads (the
    student's estimates, the section's grid) give the same label."""
    _set_estimate(world, "s1", 0, value, "decaying_average")
    student = world.students["s1"]
    principal = _client(world, "principal_a")
    record = principal.get(reverse("student-detail", args=[student.pk])).content.decode()
    row = record[record.rindex(world.targets[0].code) :].split("</tr>")[0]  # the targets table
    colour = "level-proficient" if is_proficient else "level-developing"
    assert f'<span class="level {colour}">{shown}</span> {label}' in row
    [api_row] = principal.get(f"/api/v1/students/{student.pk}/mastery").json()
    assert (api_row["level_label"], api_row["is_proficient"]) == (label, is_proficient)
    grid = principal.get(f"/api/v1/sections/{world.sections['S1'].pk}/mastery").json()
    [cell] = [c for c in grid["cells"] if c["student_id"] == student.pk]
    assert (cell["level_label"], cell["is_proficient"]) == (label, is_proficient)


@pytest.mark.parametrize(("value", "completes"), [(2.5, True), (2.4999, False)])
def test_a_placement_counts_proficiency_by_the_same_rule(
    world: World, value: float, completes: bool
) -> None:
    """Every target of level 4 at exactly the threshold completes the level; just below, not."""
    for index in range(3):
        _set_estimate(world, "s2", index, value, "mean")
    placement = placement_refresh(
        student_id=world.students["s2"].pk,
        domain_id=world.targets[0].competency.domain_id,
        on=timezone.localdate(),
    )
    assert placement is not None
    assert (placement.completed >= world.targets[0].level) is completes
