"""The scoring grid of an assessment shows every live score, whatever its source, in a fixed
number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from masterypath.evidence.models import Assessment, Evidence, EvidenceKind, EvidenceSource
from masterypath.evidence.services import assessment_create, assessment_score
from tests import factories as f
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def _client(world: World, person: str) -> Client:
    client = Client()
    client.force_login(user_of(world, person))
    return client


def _assessment(world: World, kind: str = EvidenceKind.QUIZ, **fields: object) -> Assessment:
    return assessment_create(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        title="Unit 3 check",
        kind=kind,
        assessed_on=timezone.localdate(),
        targets=world.targets,
        **fields,
    )


def _score(
    world: World, assessment: Assessment, student: str, target: int, score: str, **kw: object
) -> Evidence:
    """A score stored as an importer or the demo seed stores it."""
    fields: dict[str, object] = {"kind": assessment.kind, **kw}
    return Evidence.objects.create(
        student=world.students[student],
        target=world.targets[target],
        score=Decimal(score),
        observed_at=timezone.now(),
        assessment=assessment,
        **fields,
    )


def _cell_value(html: str, world: World, student: str, target: int) -> str:
    cell_id = f'id="cell-{world.students[student].pk}-{world.targets[target].pk}-0"'
    return html.split(cell_id)[1].split('value="')[1].split('"')[0]


def test_the_grid_shows_scores_from_every_source(world: World) -> None:
    """Imported, OneRoster, xAPI, demo-seeded and another scorer's scores all fill their
    cells, so nobody types them again; the list's count matches."""
    assessment = _assessment(world)
    _score(world, assessment, "s1", 0, "3", source=EvidenceSource.IMPORT)
    _score(world, assessment, "s1", 1, "2.5", source=EvidenceSource.ONEROSTER)
    _score(world, assessment, "s1", 2, "4", source=EvidenceSource.XAPI)
    _score(world, assessment, "s2", 0, "1", source=EvidenceSource.DEMO)
    assessment_score(
        actor=user_of(world, "principal_a"),
        assessment=assessment,
        student=world.students["s2"],
        target=world.targets[1],
        score=Decimal(2),
    )
    client = _client(world, "teacher_a")
    html = client.get(reverse("teacher:assessment-score", args=[assessment.pk])).content.decode()
    assert _cell_value(html, world, "s1", 0) == "3"
    assert _cell_value(html, world, "s1", 1) == "2.50"
    assert _cell_value(html, world, "s1", 2) == "4"
    assert _cell_value(html, world, "s2", 0) == "1"
    assert _cell_value(html, world, "s2", 1) == "2"
    assert _cell_value(html, world, "s2", 2) == ""
    listing = client.get(
        reverse("teacher:assessment-list", args=[world.sections["S1"].pk])
    ).content.decode()
    assert "<td>5</td></tr>" in listing


def test_voided_scores_and_self_assessments_stay_out_of_the_grid(world: World) -> None:
    """A voided score leaves its cell empty; a student's own rating shows only in the
    self-assessment table below the grid."""
    assessment = _assessment(world, EvidenceKind.EXIT_TICKET, allows_self_assessment=True)
    _score(world, assessment, "s1", 0, "3", is_voided=True, voided_reason="Wrong student")
    _score(
        world,
        assessment,
        "s1",
        1,
        "4",
        source=EvidenceSource.STUDENT,
        kind=EvidenceKind.SELF_ASSESSMENT,
    )
    html = (
        _client(world, "teacher_a")
        .get(reverse("teacher:assessment-score", args=[assessment.pk]))
        .content.decode()
    )
    assert _cell_value(html, world, "s1", 0) == ""
    assert _cell_value(html, world, "s1", 1) == ""
    self_table = html.split("Students' self-assessment")[1]
    assert "<td>4</td>" in self_table


def test_a_score_without_a_column_gets_one(world: World) -> None:
    """A score on a target the assessment no longer lists still shows, in a column of its own."""
    assessment = _assessment(world)
    assessment.targets.remove(world.targets[2])
    _score(world, assessment, "s2", 2, "3", source=EvidenceSource.IMPORT)
    html = (
        _client(world, "teacher_a")
        .get(reverse("teacher:assessment-score", args=[assessment.pk]))
        .content.decode()
    )
    assert _cell_value(html, world, "s2", 2) == "3"


def test_undo_brings_back_the_imported_score_beneath(world: World) -> None:
    """A teacher's save over an imported score, undone, shows the imported score again."""
    assessment = _assessment(world)
    _score(world, assessment, "s1", 0, "2", source=EvidenceSource.IMPORT)
    client = _client(world, "teacher_a")
    saved = client.post(
        reverse("teacher:cell-save", args=[assessment.pk]),
        {"student": world.students["s1"].pk, "target": world.targets[0].pk, "score": "4"},
    )
    assert saved.status_code == 200
    mine = Evidence.objects.get(assessment=assessment, source=EvidenceSource.TEACHER)
    undone = client.post(reverse("teacher:cell-undo", args=[assessment.pk]), {"evidence": mine.pk})
    html = undone.content.decode()
    assert 'value="2"' in html
    assert "back to 2" in html


def _grid_queries(client: Client, assessment: Assessment) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("teacher:assessment-score", args=[assessment.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_grid_needs_a_fixed_number_of_queries(world: World) -> None:
    """More students, targets and scores cost no extra query: 10 at most in all (session and
    user, the assessment, its targets and their scale levels, students, scores, self-ratings,
    the sections a copy may go to), and the audit entry naming the students shown: 11."""
    assessment = _assessment(world, EvidenceKind.EXIT_TICKET, allows_self_assessment=True)
    client = _client(world, "teacher_a")
    small = _grid_queries(client, assessment)
    section = world.sections["S1"]
    competency = world.targets[0].competency
    more = [f.TargetFactory(competency=competency, code=f"4.NF.{n}", level=4) for n in range(9, 30)]
    assessment.targets.add(*more)
    for n in range(25):
        student = f.StudentFactory(school=section.school)
        f.enroll(section, student)
        for target in more[: n % 7]:
            Evidence.objects.create(
                student=student,
                target=target,
                score=Decimal(3),
                observed_at=timezone.now(),
                kind=EvidenceKind.QUIZ,
                assessment=assessment,
                source=EvidenceSource.IMPORT,
            )
    large = _grid_queries(client, assessment)
    assert large == small
    assert small <= 11


def test_a_rubric_grid_has_a_column_per_criterion_and_keeps_loose_scores(world: World) -> None:
    """With a rubric, each criterion is a column that saves through its own id; an imported
    score on a criterion's target without a criterion still shows, in a column of its own."""
    from masterypath.continuum.models import Rubric, RubricCriterion

    scale = world.targets[0].competency.domain.framework.scale
    rubric = Rubric.objects.create(title="Explain fractions", scale=scale)
    reasoning = RubricCriterion.objects.create(
        rubric=rubric, title="Reasoning", target=world.targets[0], position=1
    )
    assessment = assessment_create(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        title="Explain",
        kind=EvidenceKind.SUMMATIVE,
        assessed_on=timezone.localdate(),
        targets=[],
        rubric=rubric,
    )
    _score(world, assessment, "s2", 0, "2", source=EvidenceSource.IMPORT)
    client = _client(world, "teacher_a")
    saved = client.post(
        reverse("teacher:cell-save", args=[assessment.pk]),
        {
            "student": world.students["s1"].pk,
            "target": world.targets[0].pk,
            "criterion": reasoning.pk,
            "score": "3",
        },
    )
    assert saved.status_code == 200
    html = client.get(reverse("teacher:assessment-score", args=[assessment.pk])).content.decode()
    assert "Reasoning (4.NF.1)" in html
    s1, s2, target = world.students["s1"].pk, world.students["s2"].pk, world.targets[0].pk
    assert f'id="cell-{s1}-{target}-{reasoning.pk}"' in html
    assert html.split(f'id="cell-{s1}-{target}-{reasoning.pk}"')[1].split('value="')[1][0] == "3"
    assert html.split(f'id="cell-{s2}-{target}-0"')[1].split('value="')[1][0] == "2"
    assert 'aria-label="Ana Lopez, 4.NF.1 Reasoning"' in html
