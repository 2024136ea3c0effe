"""Two teachers scoring the same student at the same moment both keep their evidence.

Runs on PostgreSQL (CI runs the suite there too): each thread has its own connection and
transaction, released together by a barrier. SQLite serialises writers by design
(transaction_mode IMMEDIATE), so the race this test provokes cannot happen there.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.evidence.services import assessment_create, assessment_score, evidence_record
from tests.conftest import build_world, user_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a real race needs concurrent writers (PostgreSQL)",
    ),
]


def _race(*jobs):  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            job()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def test_two_teachers_scoring_the_same_cell_both_keep_their_evidence() -> None:
    world = build_world()
    teacher, principal = user_of(world, "teacher_a"), user_of(world, "principal_a")
    assessment = assessment_create(
        actor=teacher,
        section=world.sections["S1"],
        title="Race",
        kind=EvidenceKind.QUIZ,
        assessed_on=timezone.localdate(),
        targets=world.targets,
    )
    student, target = world.students["s1"], world.targets[2]

    def score_as(actor, value):  # type: ignore[no-untyped-def]
        return lambda: assessment_score(
            actor=actor, assessment=assessment, student=student, target=target, score=Decimal(value)
        )

    _race(score_as(teacher, 2), score_as(principal, 4))
    kept = Evidence.objects.filter(
        assessment=assessment, student=student, target=target, is_voided=False
    )
    assert sorted(e.score for e in kept) == [Decimal(2), Decimal(4)]
    assert {e.recorded_by_id for e in kept} == {teacher.pk, principal.pk}


def test_two_teachers_recording_for_one_student_at_once() -> None:
    world = build_world()
    student = world.students["s2"]
    before = Evidence.objects.filter(student=student).count()

    def record(person, target, value):  # type: ignore[no-untyped-def]
        return lambda: evidence_record(
            actor=user_of(world, person),
            student=student,
            target=target,
            score=Decimal(value),
            observed_at=timezone.now(),
            kind=EvidenceKind.FORMATIVE,
        )

    _race(record("teacher_a", world.targets[0], 3), record("principal_a", world.targets[1], 2))
    assert Evidence.objects.filter(student=student).count() == before + 2
