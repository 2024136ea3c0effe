"""When a district uses BKT, its values are probabilities of mastery: proficient from 0.95,
labelled and coloured by how surely mastered, shown as percentages, placed by it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masterypath.mastery.config import BKT_MASTERED, TargetScale, display_value
from masterypath.mastery.models import Placement
from masterypath.mastery.selectors import mastery_list_for_student
from masterypath.mastery.services import mastery_policy_choose, placement_refresh
from tests.conftest import World, user_of
from tests.factories import add_evidence

pytestmark = pytest.mark.django_db
SCALE = TargetScale(
    ((1.0, "Beginning"), (2.0, "Developing"), (3.0, "Proficient"), (4.0, "Advanced")), 3.0
)


def test_a_bkt_value_is_read_as_a_probability() -> None:
    assert SCALE.is_proficient(BKT_MASTERED, "bkt")
    assert not SCALE.is_proficient(0.94, "bkt")
    assert SCALE.label_for(0.97, "bkt") == "Mastered"
    assert SCALE.label_for(0.5, "bkt") == "Not yet mastered"
    assert display_value(0.974, "bkt") == "97%"
    # the same numbers on the scale's methods are levels
    assert not SCALE.is_proficient(0.97, "mean")
    assert SCALE.label_for(2.6, "mean") == "Proficient"
    assert display_value(2.6, "mean", decimals=1) == "2.6"


def test_a_district_on_bkt_sees_mastery_as_probabilities(world: World) -> None:
    student = world.students["s1"]
    strong, weak = world.targets[0], world.targets[1]
    for days_ago in range(60, 0, -6):
        add_evidence(student, strong, 4, days_ago=days_ago)
        add_evidence(student, weak, 1, days_ago=days_ago)
    mastery_policy_choose(
        actor=user_of(world, "admin_d1"), district=world.staff["admin_d1"].district, method="bkt"
    )
    rows = {row.target.pk: row for row in mastery_list_for_student(student=student)}
    assert rows[strong.pk].method == "bkt"
    assert rows[strong.pk].value is not None
    assert rows[strong.pk].value >= BKT_MASTERED
    assert (rows[strong.pk].level_label, rows[strong.pk].is_proficient) == ("Mastered", True)
    assert rows[strong.pk].display_value.endswith("%")
    assert (rows[weak.pk].level_label, rows[weak.pk].is_proficient) == ("Not yet mastered", False)
    # placement reads probabilities: one mastered target of three does not complete the
    # level, all three mastered do
    domain_id = strong.competency.domain_id
    partly = placement_refresh(student_id=student.pk, domain_id=domain_id, on=timezone.localdate())
    other = world.students["s2"]
    for target in world.targets:
        for days_ago in range(60, 0, -6):
            add_evidence(other, target, 4, days_ago=days_ago)
    fully = placement_refresh(student_id=other.pk, domain_id=domain_id, on=timezone.localdate())
    assert partly is not None
    assert fully is not None
    assert fully.completed >= strong.level > partly.completed
    assert Placement.objects.filter(student=other).count() == 1
    # the gradebook cell shows a percentage in the proficient colour band, as its label says
    client = Client()
    client.force_login(user_of(world, "teacher_a"))
    html = client.get(reverse("teacher:gradebook", args=[world.sections["S1"].pk])).content.decode()
    cell = html.split(f'id="gb-{student.pk}-{strong.pk}"')[0].rsplit("<td", 1)[1]
    assert 'class="m-3"' in cell
    assert "%</span>" in cell
    tip = html.split(f'id="gb-{student.pk}-{strong.pk}">')[1].split("</span>")[0]
    assert tip.startswith("Mastered")
    assert re.search(r"\u2192 P\(mastered\) (9[5-9]|100)%$", tip)
