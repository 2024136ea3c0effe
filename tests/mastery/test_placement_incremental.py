"""One score updates today's placement incrementally, with the full rebuild's result, in a
fixed number of queries; the continuum's layout is cached per process and reloaded on change."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from masterypath.continuum.models import ContinuumRevision, LearningTarget
from masterypath.continuum.selectors import continuum_revision
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.evidence.services import evidence_record, evidence_void
from masterypath.mastery.config import PolicyBook
from masterypath.mastery.layout import continuum_layout
from masterypath.mastery.models import Placement
from masterypath.mastery.services import _placements_replace, mastery_update_for_evidence
from tests import factories as f
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db

CASE_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "case"
REFERENCE_DAY = date(2001, 1, 1)  # where the full rebuild writes, apart from today's rows


def _domain_targets(world: World) -> list[LearningTarget]:
    """The world's domain grown to four levels: 2 targets at level 3, the world's 3 at 4,
    3 at 5 (one of them a K-5 band, one retired) and a child target under level 5."""
    competency = world.targets[0].competency
    extra = [
        f.TargetFactory(competency=competency, code=f"X.{n}", level=level, level_high=high)
        for n, (level, high) in enumerate([(3, None), (3, None), (5, None), (0, 5), (5, None)])
    ]
    LearningTarget.objects.filter(pk=extra[-1].pk).update(is_retired=True)
    extra[-1].is_retired = True
    child = f.TargetFactory(competency=competency, code="X.5a", level=5, parent=extra[2])
    return [*world.targets, *extra, child]


def _full(student_id: int, domain_id: int, district_id: int) -> tuple[float, float] | None:
    """Today's placement as the batch rebuild computes it (written on a reference day)."""
    _placements_replace(
        [student_id], [domain_id], PolicyBook(district_id=district_id), REFERENCE_DAY
    )
    row = Placement.objects.filter(
        student_id=student_id, domain_id=domain_id, placed_on=REFERENCE_DAY
    ).first()
    return None if row is None else (row.completed, row.level)


def _today(student_id: int, domain_id: int) -> tuple[float, float] | None:
    row = Placement.objects.filter(
        student_id=student_id, domain_id=domain_id, placed_on=timezone.localdate()
    ).first()
    return None if row is None else (row.completed, row.level)


@pytest.mark.parametrize("seed", range(6))
def test_incremental_placement_equals_the_full_rebuild(
    world: World, seed: int, django_capture_on_commit_callbacks: Any
) -> None:
    """Random scores and voids, on every kind of target (levels, a band, a retired target, a
    child target), for two students: after each, today's placement is what the full rebuild
    of the student's placement gives."""
    targets = _domain_targets(world)
    domain_id = targets[0].competency.domain_id
    teacher = user_of(world, "teacher_a")
    students = [world.students["s1"], world.students["s2"]]
    rng = random.Random(seed)
    recorded: list[Evidence] = []
    for step in range(40):
        student = rng.choice(students)
        with django_capture_on_commit_callbacks(execute=True):
            if recorded and rng.random() < 0.15:
                evidence_void(actor=teacher, evidence=recorded.pop(), reason="Wrong student.")
            else:
                recorded.append(
                    evidence_record(
                        actor=teacher,
                        student=student,
                        target=rng.choice(targets),
                        score=Decimal(rng.choice([1, 2, 3, 4, 4])),
                        observed_at=timezone.now() - timedelta(days=rng.randint(0, 30)),
                        kind=EvidenceKind.FORMATIVE,
                    )
                )
        for one in students:
            full = _full(one.pk, domain_id, one.district_id)
            assert _today(one.pk, domain_id) == full, (seed, step, one.pk)


def _scored_pair(world: World, django_capture_on_commit_callbacks: Any) -> Evidence:
    """s1 on target 0 has an estimate and today's placement; one more score of 3 keeps it
    proficient (2.65 -> 2.93), so the placement stands."""
    s1 = world.students["s1"]
    with django_capture_on_commit_callbacks(execute=True):
        evidence_record(
            actor=user_of(world, "teacher_a"),
            student=s1,
            target=world.targets[0],
            score=Decimal(3),
            observed_at=timezone.now() - timedelta(minutes=5),
            kind=EvidenceKind.FORMATIVE,
        )
    return Evidence.objects.create(
        student=s1,
        target=world.targets[0],
        score=Decimal(3),
        observed_at=timezone.now() - timedelta(minutes=1),
        kind=EvidenceKind.FORMATIVE,
    )


def test_a_score_that_keeps_proficiency_reads_the_placement_once(
    world: World, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    """The evidence, the estimate, the continuum revision, the policies, the estimate's
    update, today's placement: six statements (plus the savepoint pair of the atomic block)."""
    evidence = _scored_pair(world, django_capture_on_commit_callbacks)
    before = _today(evidence.student_id, world.targets[0].competency.domain_id)
    assert before is not None
    with django_assert_num_queries(8):
        mastery_update_for_evidence(evidence_id=evidence.pk)
    assert _today(evidence.student_id, world.targets[0].competency.domain_id) == before


@pytest.mark.parametrize(
    ("target_index", "score", "budget"),
    [
        # a pair with an estimate, proficiency kept: save and audit (4 with the access check
        # and the scale), mastery (6), the dashboards' subscriber (3), 6 savepoint statements
        (0, 3, 19),
        # a first score on a pair, the placement moves: the pair recomputed from its evidence
        # and judgements, the domain's estimates read and the placement rewritten
        (1, 4, 23),
    ],
)
def test_one_score_through_the_service_keeps_a_query_budget(
    world: World,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
    target_index: int,
    score: int,
    budget: int,
) -> None:
    """evidence_record end to end (access, validation, save, audit, mastery, placement and
    the dashboards' subscriber) in a fixed number of queries once the layout is cached."""
    _scored_pair(world, django_capture_on_commit_callbacks)
    with (
        django_assert_num_queries(budget),
        django_capture_on_commit_callbacks(execute=True),
    ):
        evidence_record(
            actor=user_of(world, "teacher_a"),
            student=world.students["s1"],
            target=world.targets[target_index],
            score=Decimal(score),
            observed_at=timezone.now(),
            kind=EvidenceKind.FORMATIVE,
        )


def test_a_first_score_of_the_day_places_the_student(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Without a placement for today, the score writes one, whatever it changed."""
    s2 = world.students["s2"]
    with django_capture_on_commit_callbacks(execute=True):
        evidence_record(
            actor=user_of(world, "teacher_a"),
            student=s2,
            target=world.targets[2],
            score=Decimal(1),
            observed_at=timezone.now(),
            kind=EvidenceKind.FORMATIVE,
        )
    domain_id = world.targets[0].competency.domain_id
    assert _today(s2.pk, domain_id) == _full(s2.pk, domain_id, s2.district_id)
    assert _today(s2.pk, domain_id) is not None


def test_a_saved_target_reloads_the_layout(world: World) -> None:
    """A save raises the continuum revision and drops this process's layout at once."""
    domain_id = world.targets[0].competency.domain_id
    layout = continuum_layout()
    assert layout.domain(domain_id).totals == {4.0: 3}
    revision = continuum_revision()
    f.TargetFactory(competency=world.targets[0].competency, code="NEW.1", level=4)
    assert continuum_revision() == revision + 1
    assert continuum_layout() is not layout
    assert continuum_layout().domain(domain_id).totals == {4.0: 4}


def test_another_process_change_is_seen_through_the_revision(world: World) -> None:
    """Rows written in bulk (no signal) are seen once the revision moves, as a CASE import
    in a worker process moves it for the web processes."""
    domain_id = world.targets[0].competency.domain_id
    layout = continuum_layout()
    assert layout.domain(domain_id).totals == {4.0: 3}
    LearningTarget.objects.bulk_create(
        [LearningTarget(competency=world.targets[0].competency, code="BULK.1", level=6)]
    )
    assert continuum_layout() is layout  # nothing said the continuum changed
    ContinuumRevision.objects.update_or_create(pk=1, defaults={"number": F("number") + 1})
    assert continuum_layout().domain(domain_id).totals == {4.0: 3, 6.0: 1}


def test_a_case_import_raises_the_revision(world: World) -> None:
    """The CASE importer writes targets in bulk and raises the revision itself."""
    from masterypath.interop.case.services import case_packages_import, case_packages_read

    path = CASE_FIXTURES / "opensalt" / "what-standards-could-be-ccss-6RP.json"
    packages = case_packages_read(sources=[(path.name, path.read_bytes())], strict=False)
    before = continuum_revision()
    case_packages_import(packages=packages, district=None)
    assert continuum_revision() > before
