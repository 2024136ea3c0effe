"""The conftest world with what the section dashboard reads: level-3 targets beside the
level-4 ones, a third student of S1 working at grade 3 level whose growth slowed, and the
dashboards' placement history for s1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from masterypath.continuum.models import LearningTarget
from masterypath.mastery.models import Placement
from masterypath.roster.models import Student
from tests import factories as f
from tests.conftest import World
from tests.web.dashboards.world import add_dashboard_data


@dataclass
class SectionWorld:
    world: World
    today: date
    cara: Student
    dev: Student
    level3: list[LearningTarget]


def place(student: Student, domain_id: int, on: date, level: float) -> None:
    Placement.objects.update_or_create(
        student=student,
        domain_id=domain_id,
        placed_on=on,
        defaults={"completed": float(int(level)), "level": level},
    )


def add_section_data(world: World) -> SectionWorld:
    """S1: s1 (Ana, working at grade 4 level, evidence yesterday), s2 (Ben, a 4 on 4.NF.1
    four days ago), Dev (grade 4, no evidence, not placed), Cara (grade 4, working at grade 3
    level: placements 1.5 250 days ago, 2.4 43 days ago and 2.45 today, so her growth slowed;
    two scores 30 days ago)."""
    data = add_dashboard_data(world)
    today = data.today
    competency = world.targets[0].competency
    level3 = [
        f.TargetFactory(competency=competency, code=f"3.NF.{n}", level=3, position=n)
        for n in (1, 2)
    ]
    cara = f.StudentFactory(
        school=world.sections["S1"].school, given_name="Cara", family_name="Diaz", grade_level=4
    )
    dev = f.StudentFactory(
        school=world.sections["S1"].school, given_name="Dev", family_name="Patel", grade_level=4
    )
    f.enroll(world.sections["S1"], cara, dev)
    f.add_evidence(cara, level3[0], 2, days_ago=30)
    f.add_evidence(cara, world.targets[2], 1, days_ago=30)
    for days, level in ((250, 1.5), (43, 2.4), (0, 2.45)):
        place(cara, data.domain_id, today - timedelta(days=days), level)
    return SectionWorld(world=world, today=timezone.localdate(), cara=cara, dev=dev, level3=level3)


def add_group_students(data: SectionWorld) -> SectionWorld:
    """Eva, Finn and Gus (grade 4, a 3 on 4.NF.1: next 4.NF.2, like Ana and Ben) and Hana and
    Ivo (grade 4, working at grade 3 level: Hana proficient on 3.NF.1, next 3.NF.2; Ivo on
    both, next 4.NF.1): a group on 4.NF.2 and one of 1 grade below (Cara, Hana, Ivo)."""
    world = data.world
    section = world.sections["S1"]
    for name in ("Eva", "Finn", "Gus"):
        student = f.StudentFactory(school=section.school, given_name=name, family_name="Next")
        f.enroll(section, student)
        f.add_evidence(student, world.targets[0], 3, days_ago=2)
    domain_id = world.targets[0].competency.domain_id
    for name, proficient in (("Hana", data.level3[:1]), ("Ivo", data.level3)):
        student = f.StudentFactory(school=section.school, given_name=name, family_name="Gap")
        f.enroll(section, student)
        for target in proficient:
            f.add_evidence(student, target, 3, days_ago=2)
        place(student, domain_id, data.today, 2.5)
    return data
