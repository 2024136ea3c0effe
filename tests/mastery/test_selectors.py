"""Reading mastery for the gradebook and the student record."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masterypath.mastery.config import TargetScale
from masterypath.mastery.selectors import (
    mastery_cells_for_section,
    mastery_list_for_student,
    standings_for_student,
)
from tests.conftest import World
from tests.factories import StudentFactory, add_evidence, enroll


def test_cells_carry_value_label_and_an_explanation(world: World) -> None:
    cells = mastery_cells_for_section(section=world.sections["S1"])
    cell = cells[(world.students["s1"].pk, world.targets[0].pk)]
    assert cell.value == 2.65
    assert cell.level_label == "Proficient"  # 2.65 rounds to 3
    assert cell.is_proficient
    assert cell.evidence_count == 2
    assert cell.explanation == "Decaying average (w = 0.65) of 2, 3 \u2192 2.65"


def test_cells_leave_out_other_sections_students(world: World) -> None:
    cells = mastery_cells_for_section(section=world.sections["S1"])
    assert all(student != world.students["s3"].pk for student, _ in cells)


def test_cells_use_a_fixed_number_of_queries(world: World) -> None:
    section = world.sections["S1"]
    with CaptureQueriesContext(connection) as small:
        mastery_cells_for_section(section=section)
    for _ in range(5):
        student = StudentFactory(school=section.school)
        enroll(section, student)
        for target in world.targets:
            add_evidence(student, target, 3)
    with CaptureQueriesContext(connection) as large:
        cells = mastery_cells_for_section(section=section)
    assert len(cells) > 10
    assert len(large) == len(small)


def test_scale_rounds_half_up_to_levels() -> None:
    scale = TargetScale(
        ((1.0, "Beginning"), (2.0, "Developing"), (3.0, "Proficient"), (4.0, "Advanced")),
        proficient=3.0,
    )
    assert scale.threshold == 2.5
    assert [scale.label_for(v) for v in (1.0, 1.49, 1.5, 2.49, 2.5, 3.6, 4.0)] == [
        "Beginning",
        "Beginning",
        "Developing",
        "Developing",
        "Proficient",
        "Advanced",
        "Advanced",
    ]
    assert not scale.is_proficient(2.49)
    assert scale.is_proficient(2.5)
    assert not scale.is_proficient(None)


def test_student_mastery_list_and_standing(world: World) -> None:
    student = world.students["s1"]
    rows = mastery_list_for_student(student=student)
    assert [row.target.code for row in rows] == [world.targets[0].code]
    standings = standings_for_student(student=student, as_of=timezone.localdate())
    assert len(standings) == 1
    assert standings[0].domain == world.targets[0].competency.domain
