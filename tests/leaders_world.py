"""A small district for the leader dashboards' tests: placements and evidence stored directly,
so that each test can compute the expected figures from them by hand.

District one ("Lakeside") has an elementary school (grades 3-5, 36 students) and a middle
school (grade 6, 15 students); district two ("Hillview") one school of 12. Placements are
dated at the end of May and June 2026 (last school year) and September, October and on
20 November 2026 (this school year, the figures' date). Race/ethnicity is 20 White, 10
Hispanic, 4 Black and 2 Asian students at the elementary school: the last two groups are
too small to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from masterypath.continuum.models import Domain, LearningTarget
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.mastery.models import EstimateStatus, MasteryEstimate, Placement
from masterypath.roster.models import Section, Staff, StaffRole, Student
from masterypath.schools.models import District, School
from tests import factories as f

AS_OF = date(2026, 11, 20)
POINTS = [date(2026, 5, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 10, 31), AS_OF]
RACES = ["white"] * 20 + ["hispanic"] * 10 + ["black"] * 4 + ["asian"] * 2


@dataclass
class LeaderWorld:
    district: District
    other_district: District
    elementary: School
    middle: School
    other_school: School
    math: Domain
    reading: Domain
    targets: dict[str, list[LearningTarget]]
    students: list[Student]
    staff: dict[str, Staff]
    section: Section
    levels: dict[tuple[int, int, date], float]


def level_for(index: int, grade: int, domain: int, point: int) -> float:
    """A deterministic placement: around the grade below, spread by the student's index and
    rising 0.1 a month this school year."""
    spread = ((index * 7 + domain * 3) % 9 - 4) * 0.45
    rise = 0.1 * point
    return round(max(grade - 1 + spread + rise, -0.5), 2)


def _student(school: School, index: int, grade: int, race: str) -> Student:
    return f.StudentFactory(
        school=school,
        grade_level=grade,
        given_name=f"Kid{index:02d}",
        family_name=f"Family{index:02d}",
        sex="F" if index % 2 else "M",
        is_hispanic_latino=race == "hispanic",
        is_black=race == "black",
        is_asian=race == "asian",
        is_white=race == "white",
        is_english_learner=index % 6 == 0,
        is_economically_disadvantaged=index % 3 == 0,
        disability="iep" if index % 7 == 0 else ("504" if index % 17 == 1 else ""),
    )


def build_leader_world() -> LeaderWorld:
    district = f.DistrictFactory(name="Lakeside")
    other = f.DistrictFactory(name="Hillview")
    elementary = f.SchoolFactory(
        district=district, name="Lakeside Elementary", grade_low=3, grade_high=5
    )
    middle = f.SchoolFactory(district=district, name="Lakeside Middle", grade_low=6, grade_high=8)
    other_school = f.SchoolFactory(
        district=other, name="Hillview School", grade_low=3, grade_high=5
    )
    framework = f.FrameworkFactory(title="Core", district=district)
    math = f.DomainFactory(framework=framework, title="Mathematics", position=1)
    reading = f.DomainFactory(framework=framework, title="Reading", position=2)
    targets: dict[str, list[LearningTarget]] = {}
    for domain, key in ((math, "math"), (reading, "reading")):
        competency = f.CompetencyFactory(domain=domain)
        targets[key] = [
            f.TargetFactory(competency=competency, code=f"{key}.{level}.{n}", level=level)
            for level in range(2, 8)
            for n in (1, 2)
        ]
    students = [_student(elementary, i, 3 + i % 3, RACES[i]) for i in range(36)]
    students += [
        _student(middle, i, 6, "white" if i % 5 < 3 else "hispanic") for i in range(36, 66)
    ]
    students += [_student(other_school, i, 4, "white") for i in range(66, 78)]
    levels: dict[tuple[int, int, date], float] = {}
    placements = []
    for index, student in enumerate(students):
        for d, domain in enumerate((math, reading)):
            for p, point in enumerate(POINTS):
                # last school year the student was a grade lower, and at the same school
                grade = student.grade_level - (1 if point.year == 2026 and point.month < 8 else 0)
                level = level_for(index, grade, d, p)
                levels[(student.pk, domain.pk, point)] = level
                placements.append(
                    Placement(
                        student=student,
                        domain=domain,
                        placed_on=point,
                        completed=level,
                        level=level,
                    )
                )
    Placement.objects.bulk_create(placements)
    _evidence(students, targets, math)
    staff = {
        "principal": f.StaffFactory(school=elementary, role=StaffRole.PRINCIPAL),
        "counselor": f.StaffFactory(school=elementary, role=StaffRole.COUNSELOR),
        "principal_middle": f.StaffFactory(school=middle, role=StaffRole.PRINCIPAL),
        "teacher": f.StaffFactory(school=elementary, role=StaffRole.TEACHER),
        "admin": f.StaffFactory(school=None, district=district, role=StaffRole.DISTRICT_ADMIN),
        "other_admin": f.StaffFactory(school=None, district=other, role=StaffRole.DISTRICT_ADMIN),
        "other_principal": f.StaffFactory(school=other_school, role=StaffRole.PRINCIPAL),
    }
    session = f.SessionFactory(district=district, school_year=2027)
    section = f.SectionFactory(school=elementary, session=session, title="Grade 3 math")
    section.course.frameworks.add(framework)
    f.enroll(section, staff["teacher"], *[s for s in students[:36] if s.grade_level == 3])
    return LeaderWorld(
        district=district,
        other_district=other,
        elementary=elementary,
        middle=middle,
        other_school=other_school,
        math=math,
        reading=reading,
        targets=targets,
        students=students,
        staff=staff,
        section=section,
        levels=levels,
    )


def recent_evidence_count(index: int) -> int:
    """How many math evidence rows student ``index`` has in the six weeks to AS_OF."""
    return index % 5


def _evidence(
    students: list[Student], targets: dict[str, list[LearningTarget]], math: Domain
) -> None:
    """Math evidence: ``recent_evidence_count(i)`` rows in the last six weeks, and one older
    row each; one estimate per row's target (evidence count as stored)."""
    rows = []
    estimates = []
    end = datetime.combine(AS_OF, time(12), tzinfo=UTC)
    for index, student in enumerate(students):
        target = targets["math"][index % len(targets["math"])]
        recent = recent_evidence_count(index)
        days = [3 + 5 * k for k in range(recent)] + [60]
        rows.extend(
            Evidence(
                student=student,
                target=target,
                score=Decimal(3),
                observed_at=end - timedelta(days=day),
                kind=EvidenceKind.FORMATIVE,
            )
            for day in days
        )
        estimates.append(
            MasteryEstimate(
                student=student,
                target=target,
                method="decaying_average",
                value=3.0,
                status=EstimateStatus.ESTIMATED,
                evidence_count=len(days),
                last_observed_at=end - timedelta(days=3 if recent else 60),
                computed_at=end,
            )
        )
    Evidence.objects.bulk_create(rows)
    MasteryEstimate.objects.bulk_create(estimates)
