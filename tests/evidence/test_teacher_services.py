"""Assessments, class scoring with undo, exit tickets with self-assessment, observations."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from masterypath.common.models import AuditEntry
from masterypath.continuum.models import Rubric, RubricCriterion
from masterypath.evidence.errors import EvidenceError, EvidenceErrorCode
from masterypath.evidence.models import Evidence, EvidenceKind, EvidenceSource, Observation
from masterypath.evidence.services import (
    assessment_copy,
    assessment_create,
    assessment_score,
    assessment_score_undo,
    observation_create,
    self_assessment_record,
)
from tests import factories as f
from tests.conftest import World, user_of


def _assessment(world: World, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "actor": user_of(world, "teacher_a"),
        "section": world.sections["S1"],
        "title": "Fractions quiz",
        "kind": EvidenceKind.QUIZ,
        "assessed_on": timezone.localdate(),
        "targets": world.targets[:2],
        "dok": 2,
    }
    fields.update(overrides)
    return assessment_create(**fields)


def test_teacher_creates_an_assessment_of_course_targets(world: World) -> None:
    """The assessment keeps kind, DOK and targets, and is audited."""
    assessment = _assessment(world)
    assert set(assessment.targets.all()) == set(world.targets[:2])
    assert assessment.dok == 2
    assert AuditEntry.objects.filter(
        subject_type="evidence.assessment", subject_id=assessment.pk
    ).exists()


def test_target_outside_the_course_frameworks_is_refused(world: World) -> None:
    """A target of another framework gets a clear message naming it."""
    stranger = f.TargetFactory(code="X.9")
    with pytest.raises(EvidenceError) as error:
        _assessment(world, targets=[stranger])
    assert error.value.code is EvidenceErrorCode.TARGET_NOT_IN_COURSE
    assert "X.9" in str(error.value)


def test_exit_ticket_takes_at_most_three_targets(world: World) -> None:
    extra = f.TargetFactory(competency=world.targets[0].competency, code="4.NF.9")
    with pytest.raises(EvidenceError) as error:
        _assessment(world, kind=EvidenceKind.EXIT_TICKET, targets=[*world.targets, extra])
    assert error.value.code is EvidenceErrorCode.TOO_MANY_TARGETS


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"targets": []}, EvidenceErrorCode.TARGETS_REQUIRED),
        ({"title": "  "}, EvidenceErrorCode.TITLE_REQUIRED),
        ({"dok": 5}, EvidenceErrorCode.DOK_OUT_OF_RANGE),
    ],
)
def test_bad_assessment_input_is_refused(world: World, overrides: dict, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EvidenceError) as error:
        _assessment(world, **overrides)
    assert error.value.code is code


def test_assessment_in_the_future_is_refused(world: World) -> None:
    with pytest.raises(EvidenceError) as error:
        _assessment(world, assessed_on=timezone.localdate() + timedelta(days=3))
    assert error.value.code is EvidenceErrorCode.FUTURE_DATE


def test_teacher_cannot_create_for_a_section_they_do_not_teach(world: World) -> None:
    with pytest.raises(EvidenceError) as error:
        _assessment(world, actor=user_of(world, "teacher_a2"))
    assert error.value.code is EvidenceErrorCode.NOT_ALLOWED


def test_copy_to_another_section_keeps_everything_but_scores(world: World) -> None:
    """A principal (who may score both sections) copies an assessment; no scores come along."""
    world.sections["S2"].course.frameworks.add(world.targets[0].competency.domain.framework)
    original = _assessment(world, actor=user_of(world, "principal_a"))
    copy = assessment_copy(
        actor=user_of(world, "principal_a"), assessment=original, section=world.sections["S2"]
    )
    assert copy.section == world.sections["S2"]
    assert (copy.title, copy.kind, copy.dok) == (original.title, original.kind, original.dok)
    assert set(copy.targets.all()) == set(original.targets.all())
    assert copy.copied_from == original
    assert not copy.evidence.exists()


def test_scoring_a_cell_records_evidence_with_the_assessment(world: World) -> None:
    assessment = _assessment(world)
    result = assessment_score(
        actor=user_of(world, "teacher_a"),
        assessment=assessment,
        student=world.students["s2"],
        target=world.targets[0],
        score=Decimal(3),
    )
    evidence = Evidence.objects.get(pk=result.evidence.pk)
    assert (evidence.assessment, evidence.kind, evidence.dok) == (assessment, "quiz", 2)
    assert evidence.source == EvidenceSource.TEACHER


def test_saving_the_same_score_twice_writes_nothing(world: World) -> None:
    """A duplicate submission of a cell says 'unchanged' and adds no row."""
    assessment = _assessment(world)
    args = {
        "actor": user_of(world, "teacher_a"),
        "assessment": assessment,
        "student": world.students["s2"],
        "target": world.targets[0],
        "score": Decimal(3),
    }
    assessment_score(**args)
    before = Evidence.objects.count()
    again = assessment_score(**args)
    assert again.is_unchanged
    assert Evidence.objects.count() == before


def test_rescoring_voids_the_old_entry_and_undo_brings_it_back(world: World) -> None:
    """History keeps every step: 2, changed to 4 (2 void), undone (4 void, 2 again)."""
    teacher = user_of(world, "teacher_a")
    assessment = _assessment(world)
    cell = {
        "actor": teacher,
        "assessment": assessment,
        "student": world.students["s2"],
        "target": world.targets[0],
    }
    first = assessment_score(**cell, score=Decimal(2)).evidence
    second = assessment_score(**cell, score=Decimal(4))
    first.refresh_from_db()
    assert first.is_voided
    assert first.voided_reason == "Changed to 4."
    assert second.replaced == first
    restored = assessment_score_undo(actor=teacher, evidence=second.evidence)
    assert restored is not None
    assert restored.score == Decimal(2)
    live = Evidence.objects.filter(assessment=assessment, is_voided=False)
    assert [e.score for e in live] == [Decimal(2)]
    assert Evidence.objects.filter(assessment=assessment).count() == 3


def test_undo_of_a_first_entry_leaves_the_cell_empty(world: World) -> None:
    teacher = user_of(world, "teacher_a")
    assessment = _assessment(world)
    saved = assessment_score(
        actor=teacher,
        assessment=assessment,
        student=world.students["s1"],
        target=world.targets[1],
        score=Decimal(3),
    ).evidence
    assert assessment_score_undo(actor=teacher, evidence=saved) is None
    assert not Evidence.objects.filter(assessment=assessment, is_voided=False).exists()


@pytest.mark.parametrize(
    ("student", "score", "code"),
    [
        ("s3", Decimal(3), EvidenceErrorCode.NOT_ALLOWED),  # not taught by teacher_a
        ("s2", Decimal(7), EvidenceErrorCode.SCORE_OFF_SCALE),
    ],
)
def test_bad_cells_are_refused_and_write_nothing(
    world: World, student: str, score: Decimal, code: EvidenceErrorCode
) -> None:
    assessment = _assessment(world)
    before = Evidence.objects.count()
    with pytest.raises(EvidenceError) as error:
        assessment_score(
            actor=user_of(world, "teacher_a"),
            assessment=assessment,
            student=world.students[student],
            target=world.targets[0],
            score=score,
        )
    assert error.value.code in {code, EvidenceErrorCode.STUDENT_NOT_IN_SECTION}
    assert Evidence.objects.count() == before


def test_target_not_on_the_assessment_is_refused(world: World) -> None:
    assessment = _assessment(world, targets=[world.targets[0]])
    with pytest.raises(EvidenceError) as error:
        assessment_score(
            actor=user_of(world, "teacher_a"),
            assessment=assessment,
            student=world.students["s1"],
            target=world.targets[2],
            score=Decimal(2),
        )
    assert error.value.code is EvidenceErrorCode.TARGET_NOT_IN_COURSE


def test_rubric_scores_per_criterion(world: World) -> None:
    """With a rubric, the assessment measures its criteria's targets; each criterion is a cell."""
    scale = world.targets[0].competency.domain.framework.scale
    rubric = Rubric.objects.create(title="Explain fractions", scale=scale)
    reasoning = RubricCriterion.objects.create(
        rubric=rubric, title="Reasoning", target=world.targets[0], position=1
    )
    model = RubricCriterion.objects.create(
        rubric=rubric, title="Model", target=world.targets[2], position=2
    )
    assessment = _assessment(world, targets=[], rubric=rubric)
    assert set(assessment.targets.all()) == {world.targets[0], world.targets[2]}
    teacher = user_of(world, "teacher_a")
    for criterion, score in ((reasoning, 3), (model, 2)):
        assessment_score(
            actor=teacher,
            assessment=assessment,
            student=world.students["s1"],
            target=criterion.target,
            score=Decimal(score),
            criterion=criterion,
        )
    rows = Evidence.objects.filter(assessment=assessment).order_by("criterion__position")
    assert [(e.criterion.title, e.score) for e in rows] == [("Reasoning", 3), ("Model", 2)]
    with pytest.raises(EvidenceError) as error:
        assessment_score(
            actor=teacher,
            assessment=assessment,
            student=world.students["s1"],
            target=world.targets[0],
            score=Decimal(2),
            criterion=model,
        )
    assert error.value.code is EvidenceErrorCode.RUBRIC_MISMATCH


def test_rubric_with_a_criterion_without_target_is_refused(world: World) -> None:
    scale = world.targets[0].competency.domain.framework.scale
    rubric = Rubric.objects.create(title="Loose", scale=scale)
    RubricCriterion.objects.create(rubric=rubric, title="Neatness")
    with pytest.raises(EvidenceError) as error:
        _assessment(world, rubric=rubric)
    assert error.value.code is EvidenceErrorCode.RUBRIC_MISMATCH
    assert "Neatness" in str(error.value)


def test_student_self_assessment_is_kept_apart(world: World) -> None:
    """A student's own rating is kind self_assessment, source student; the teacher's stays."""
    ticket = _assessment(
        world,
        kind=EvidenceKind.EXIT_TICKET,
        targets=[world.targets[0]],
        allows_self_assessment=True,
    )
    assessment_score(
        actor=user_of(world, "teacher_a"),
        assessment=ticket,
        student=world.students["s1"],
        target=world.targets[0],
        score=Decimal(2),
    )
    mine = self_assessment_record(
        actor=user_of(world, "s1"), assessment=ticket, target=world.targets[0], score=Decimal(4)
    ).evidence
    assert (mine.kind, mine.source) == (EvidenceKind.SELF_ASSESSMENT, EvidenceSource.STUDENT)
    changed = self_assessment_record(
        actor=user_of(world, "s1"), assessment=ticket, target=world.targets[0], score=Decimal(3)
    )
    assert changed.replaced == mine
    teacher_rows = Evidence.objects.filter(
        assessment=ticket, source=EvidenceSource.TEACHER, is_voided=False
    )
    assert [e.score for e in teacher_rows] == [Decimal(2)]


def test_self_assessment_needs_an_open_ticket_of_ones_own_class(world: World) -> None:
    closed = _assessment(world, kind=EvidenceKind.EXIT_TICKET, targets=[world.targets[0]])
    with pytest.raises(EvidenceError) as error:
        self_assessment_record(
            actor=user_of(world, "s1"), assessment=closed, target=world.targets[0], score=Decimal(3)
        )
    assert error.value.code is EvidenceErrorCode.SELF_ASSESSMENT_CLOSED
    open_ticket = _assessment(
        world,
        kind=EvidenceKind.EXIT_TICKET,
        targets=[world.targets[0]],
        allows_self_assessment=True,
    )
    for outsider in ("s3", "g1", "teacher_a"):
        with pytest.raises(EvidenceError) as error:
            self_assessment_record(
                actor=user_of(world, outsider),
                assessment=open_ticket,
                target=world.targets[0],
                score=Decimal(3),
            )
        assert error.value.code is EvidenceErrorCode.NOT_ALLOWED


def test_observation_of_two_students_with_a_level_counts_as_evidence(world: World) -> None:
    observations = observation_create(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        students=[world.students["s1"], world.students["s2"]],
        note="Explained 3/4 with a model.",
        targets=[world.targets[0]],
        score=Decimal(3),
        submission_id="abc",
    )
    assert len(observations) == 2
    evidence = Evidence.objects.filter(kind=EvidenceKind.OBSERVATION)
    assert {e.student for e in evidence} == {world.students["s1"], world.students["s2"]}
    assert all(e.observation is not None for e in evidence)


def test_observation_sent_twice_is_refused_the_second_time(world: World) -> None:
    args = {
        "actor": user_of(world, "teacher_a"),
        "section": world.sections["S1"],
        "students": [world.students["s1"]],
        "note": "Helped a peer.",
        "submission_id": "x1",
    }
    observation_create(**args)
    with pytest.raises(EvidenceError) as error:
        observation_create(**args)
    assert error.value.code is EvidenceErrorCode.DUPLICATE_SUBMISSION
    assert Observation.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"note": " "}, EvidenceErrorCode.NOTE_REQUIRED),
        ({"students": []}, EvidenceErrorCode.STUDENTS_REQUIRED),
        ({"score": Decimal(3), "targets": []}, EvidenceErrorCode.TARGETS_REQUIRED),
        ({"observed_at": timezone.now() + timedelta(days=1)}, EvidenceErrorCode.FUTURE_DATE),
    ],
)
def test_bad_observations_write_nothing(world: World, overrides: dict, code) -> None:  # type: ignore[no-untyped-def]
    args = {
        "actor": user_of(world, "teacher_a"),
        "section": world.sections["S1"],
        "students": [world.students["s1"]],
        "note": "Note.",
    }
    args.update(overrides)
    with pytest.raises(EvidenceError) as error:
        observation_create(**args)
    assert error.value.code is code
    assert Observation.objects.count() == 0


def test_observation_of_a_student_outside_the_section_is_refused(world: World) -> None:
    with pytest.raises(EvidenceError) as error:
        observation_create(
            actor=user_of(world, "teacher_a"),
            section=world.sections["S1"],
            students=[world.students["s3"]],
            note="Note.",
        )
    assert error.value.code is EvidenceErrorCode.STUDENT_NOT_IN_SECTION


def test_a_co_teachers_score_in_the_same_cell_is_kept(world: World) -> None:
    """A re-score replaces only one's own entry: the principal's 4 does not void the 2."""
    assessment = _assessment(world)
    cell = {"assessment": assessment, "student": world.students["s1"], "target": world.targets[0]}
    assessment_score(actor=user_of(world, "teacher_a"), score=Decimal(2), **cell)
    result = assessment_score(actor=user_of(world, "principal_a"), score=Decimal(4), **cell)
    assert result.replaced is None
    live = Evidence.objects.filter(assessment=assessment, is_voided=False)
    assert sorted(e.score for e in live) == [Decimal(2), Decimal(4)]
