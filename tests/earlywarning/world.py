"""A small district for the early warning tests: one school, Mathematics and Reading with ten
targets per grade (grades 1 to 9), and students whose weekly evidence sits where each test
wants them on the continuum. A second district mirrors the first to check nothing leaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from masterypath.continuum.models import Domain, LearningTarget
from masterypath.engine.school_year import school_months
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.roster.models import Student
from masterypath.schools.models import District, School
from tests import factories as f

AS_OF = date(2026, 11, 20)
TARGETS_PER_LEVEL = 10


def school_days(start: date, end: date = AS_OF) -> list[date]:
    """Weekly days from ``start`` to ``end``, none in July or August."""
    days, day = [], start
    while day <= end:
        if day.month not in (7, 8):
            days.append(day)
        day += timedelta(days=7)
    return days


@dataclass
class World:
    district: District
    school: School
    math: Domain
    reading: Domain
    targets: dict[int, list[LearningTarget]]  # domain id -> targets by continuum order


def build_world(name: str = "Lakeside") -> World:
    district = f.DistrictFactory(name=name)
    school = f.SchoolFactory(district=district, name=f"{name} School", grade_low=0, grade_high=8)
    framework = f.FrameworkFactory(title=f"{name} Core", district=district)
    math = f.DomainFactory(framework=framework, title="Mathematics", position=1)
    reading = f.DomainFactory(framework=framework, title="Reading", position=2)
    targets: dict[int, list[LearningTarget]] = {}
    for domain in (math, reading):
        competency = f.CompetencyFactory(domain=domain)
        targets[domain.pk] = [
            f.TargetFactory(
                competency=competency,
                code=f"{name}.{domain.title}.{level}.{n}",
                level=level,
                position=level * 10 + n,
            )
            for level in range(1, 10)
            for n in range(TARGETS_PER_LEVEL)
        ]
    return World(district=district, school=school, math=math, reading=reading, targets=targets)


def target_at(world: World, domain: Domain, position: float) -> LearningTarget:
    """The target whose continuum position (level + (j + 0.5) / 10) is nearest ``position``."""
    index = round((position - 1) * TARGETS_PER_LEVEL - 0.5)
    ordered = world.targets[domain.pk]
    return ordered[max(0, min(index, len(ordered) - 1))]


def pupil(
    world: World,
    *,
    grade: int,
    tracks: dict[Domain, list[tuple[date, float]]],
    name: str = "Kid",
) -> Student:
    """A student with one evidence row per (day, position) of each domain's track."""
    student = f.StudentFactory(
        school=world.school, grade_level=grade, given_name=name, family_name=world.district.name
    )
    Evidence.objects.bulk_create(
        [
            Evidence(
                student=student,
                target=target_at(world, domain, position),
                score=Decimal(3),
                observed_at=datetime.combine(day, time(15), tzinfo=UTC),
                kind=EvidenceKind.FORMATIVE,
            )
            for domain, track in tracks.items()
            for day, position in track
        ]
    )
    return student


def rising(start: float, per_month: float, days: list[date]) -> list[tuple[date, float]]:
    """Positions rising ``per_month`` levels per month of school from ``days[0]``."""
    return [(day, start + per_month * school_months(days[0], day)) for day in days]
