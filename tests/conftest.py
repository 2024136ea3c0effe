"""Shared fixtures: a small district world with one person of every role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from masterypath.accounts.models import Role
from masterypath.continuum.models import LearningTarget
from masterypath.roster.models import Guardian, Section, Staff, StaffRole, Student
from tests import factories as f


@dataclass
class World:
    """Two districts. In district 1, school A has sections S1 (teacher_a: s1, s2) and
    S2 (teacher_a2: s3); school B has s4; district 2 has s5. g1 is s1's guardian,
    g2 is s3's."""

    students: dict[str, Student]
    staff: dict[str, Staff]
    guardians: dict[str, Guardian]
    sections: dict[str, Section]
    targets: list[LearningTarget]


def build_world() -> World:
    district = f.DistrictFactory(name="District One")
    other_district = f.DistrictFactory(name="District Two")
    school_a = f.SchoolFactory(district=district, name="School A")
    school_b = f.SchoolFactory(district=district, name="School B", grade_low=6, grade_high=8)
    school_c = f.SchoolFactory(district=other_district, name="School C")
    students = {
        "s1": f.StudentFactory(school=school_a, given_name="Ana", family_name="Lopez"),
        "s2": f.StudentFactory(school=school_a, given_name="Ben", family_name="Okafor"),
        "s3": f.StudentFactory(school=school_a, given_name="Chen", family_name="Wu"),
        "s4": f.StudentFactory(
            school=school_b, given_name="Dana", family_name="Smith", grade_level=7
        ),
        "s5": f.StudentFactory(school=school_c, given_name="Eli", family_name="Jones"),
    }
    staff = {
        "teacher_a": f.StaffFactory(school=school_a, role=StaffRole.TEACHER),
        "teacher_a2": f.StaffFactory(school=school_a, role=StaffRole.TEACHER),
        "counselor_a": f.StaffFactory(school=school_a, role=StaffRole.COUNSELOR),
        "principal_a": f.StaffFactory(school=school_a, role=StaffRole.PRINCIPAL),
        "principal_b": f.StaffFactory(school=school_b, role=StaffRole.PRINCIPAL),
        "admin_d1": f.StaffFactory(school=None, district=district, role=StaffRole.DISTRICT_ADMIN),
        "admin_d2": f.StaffFactory(
            school=None, district=other_district, role=StaffRole.DISTRICT_ADMIN
        ),
    }
    sections = {
        "S1": f.SectionFactory(school=school_a, title="Math 4 · Period 1"),
        "S2": f.SectionFactory(school=school_a, title="Math 4 · Period 2"),
    }
    f.enroll(sections["S1"], staff["teacher_a"], students["s1"], students["s2"])
    f.enroll(sections["S2"], staff["teacher_a2"], students["s3"])
    guardians = {
        "g1": f.GuardianFactory(district=district),
        "g2": f.GuardianFactory(district=district),
    }
    f.link_guardian(guardians["g1"], students["s1"])
    f.link_guardian(guardians["g2"], students["s3"])
    competency = f.CompetencyFactory()
    targets = [
        f.TargetFactory(competency=competency, code=f"4.NF.{n}", level=4) for n in range(1, 4)
    ]
    sections["S1"].course.frameworks.add(competency.domain.framework)
    f.add_evidence(students["s1"], targets[0], 2, days_ago=10)
    f.add_evidence(students["s1"], targets[0], 3, days_ago=2)
    f.add_evidence(students["s3"], targets[1], 4, days_ago=3)
    return World(
        students=students, staff=staff, guardians=guardians, sections=sections, targets=targets
    )


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def user_of(world: World, key: str):  # type: ignore[no-untyped-def]
    """The login of the person named `key` in the world (student, staff or guardian)."""
    for group in (world.students, world.staff, world.guardians):
        if key in group:
            return group[key].user
    raise KeyError(key)


ROLE_OF = {
    "s1": Role.STUDENT,
    "g1": Role.GUARDIAN,
    "teacher_a": Role.TEACHER,
    "counselor_a": Role.COUNSELOR,
    "principal_a": Role.PRINCIPAL,
    "admin_d1": Role.DISTRICT_ADMIN,
}


def pytest_configure(config: pytest.Config) -> None:
    """Compile the message catalogues when a .po is newer than its .mo (what `make messages`
    does), so that a direct `pytest` run reads the same translations as `make test`."""
    import shutil
    import subprocess
    from pathlib import Path

    locale = Path(__file__).resolve().parents[1] / "src" / "masterypath" / "locale"
    for po in locale.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            raise pytest.UsageError("msgfmt (GNU gettext) is needed: apt-get install gettext")
        subprocess.run([msgfmt, "--check", "-o", str(mo), str(po)], check=True)  # noqa: S603
