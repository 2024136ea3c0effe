"""The conftest world with what the student, family and profile pages read: placement
history, teachers' emails, a comment, an observation, and a second child for g1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from masterypath.evidence.models import Evidence, EvidenceKind, Observation
from masterypath.mastery.models import Placement
from tests import factories as f
from tests.conftest import World

FEEDBACK = "Clear reasoning: now explain it in words."


@dataclass
class Dashboards:
    world: World
    domain_id: int
    today: date
    commented: Evidence


def add_dashboard_data(world: World) -> Dashboards:
    """s1 (grade 4) has placements two months ago (2.4), one month ago (3.1) and today (from
    the world's evidence: 1 of the 3 level-4 targets proficient, 3 + (1/3) / 0.8); g1 also
    guards s2; teacher_a teaches S1 (s1, s2) and has an email address."""
    today = timezone.localdate()
    domain = world.targets[0].competency.domain
    s1, s2 = world.students["s1"], world.students["s2"]
    for days, level in ((60, 2.4), (30, 3.1)):
        Placement.objects.create(
            student=s1,
            domain=domain,
            placed_on=today - timedelta(days=days),
            completed=float(int(level)),
            level=level,
        )
    teacher = world.staff["teacher_a"]
    teacher.email = "alex.teacher@school-a.example.org"
    teacher.save()
    f.link_guardian(world.guardians["g1"], s2)
    commented = f.add_evidence(
        s1,
        world.targets[1],
        2,
        days_ago=1,
        comment=FEEDBACK,
        recorded_by=teacher.user,
        kind=EvidenceKind.EXIT_TICKET,
    )
    f.add_evidence(s2, world.targets[0], 4, days_ago=4)
    Observation.objects.create(
        student=s1,
        author=teacher,
        observed_at=timezone.now() - timedelta(days=3),
        note="Helped a classmate get started.",
        section=world.sections["S1"],
    )
    return Dashboards(world=world, domain_id=domain.pk, today=today, commented=commented)
