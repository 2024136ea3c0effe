"""The dashboards' summary read model: built from placements and evidence, kept exact by the
evidence events, rebuilt after a recompute. Expected numbers are computed here from the stored
placements, not through the summary code."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from masterypath.mastery.models import Placement
from masterypath.mastery.services import mastery_recompute
from masterypath.reports.models import (
    GroupSummary,
    SectionSummary,
    StandingSummary,
    SummaryState,
)
from masterypath.reports.summaries import dashboard_summary_refresh, standing_summary_update
from tests import factories as f
from tests.leaders_world import AS_OF, LeaderWorld, build_leader_world, recent_evidence_count


@pytest.fixture
def leaders(db: None) -> LeaderWorld:
    world = build_leader_world()
    dashboard_summary_refresh(district=world.district)
    return world


def _gap(level: float, grade: int) -> int:
    return min(math.floor(level + 1e-9) + 1, 12) - min(grade, 12)


def test_refresh_stores_each_students_latest_standing(leaders: LeaderWorld) -> None:
    """One standing per student and domain: the latest placement, its gap to the grade."""
    state = SummaryState.objects.get(district=leaders.district)
    assert state.as_of == AS_OF
    for student in leaders.students[:66]:
        row = StandingSummary.objects.get(student=student, domain=leaders.math)
        level = leaders.levels[(student.pk, leaders.math.pk, AS_OF)]
        assert row.level == pytest.approx(level)
        assert row.gap == _gap(level, student.grade_level)
        assert row.school_id == student.school_id
    assert not StandingSummary.objects.filter(student__district=leaders.other_district).exists()


def test_recent_evidence_counts_the_last_six_weeks(leaders: LeaderWorld) -> None:
    """Each student's math evidence in the six weeks up to the figures' date, and whether it
    is too little (fewer than 3)."""
    for index, student in enumerate(leaders.students[:66]):
        row = StandingSummary.objects.get(student=student, domain=leaders.math)
        assert row.evidence_recent == recent_evidence_count(index)
        assert row.has_few_evidence == (recent_evidence_count(index) < 3)


def test_current_counts_per_grade_match_the_placements(leaders: LeaderWorld) -> None:
    """The current count of each grade and band equals a count of the latest placements."""
    expected: Counter[tuple[int, str]] = Counter()
    for student in leaders.students[:36]:
        gap = _gap(leaders.levels[(student.pk, leaders.math.pk, AS_OF)], student.grade_level)
        band = (
            "two_below"
            if gap <= -2
            else "one_below"
            if gap == -1
            else "on"
            if gap == 0
            else "ahead"
        )
        expected[(student.grade_level, band)] += 1
    rows = GroupSummary.objects.filter(
        school=leaders.elementary, domain=leaders.math, is_current=True, dimension="all"
    )
    found: Counter[tuple[int, str]] = Counter()
    for row in rows:
        for band, column in (
            ("two_below", "two_below"),
            ("one_below", "one_below"),
            ("on", "on_level"),
            ("ahead", "ahead"),
        ):
            if getattr(row, column):
                found[(row.grade_level, band)] += getattr(row, column)
    assert found == expected


def test_groups_add_up_to_all_students(leaders: LeaderWorld) -> None:
    """Every dimension partitions the school: its groups' students add up to all students."""
    rows = GroupSummary.objects.filter(
        school=leaders.elementary, domain=leaders.math, is_current=True
    )
    totals: Counter[str] = Counter()
    for row in rows:
        totals[row.dimension] += row.students
    assert set(totals.values()) == {36}
    by_race: Counter[str] = Counter()
    for row in rows.filter(dimension="race"):
        by_race[row.group] += row.students
    assert by_race == {"white": 20, "hispanic": 10, "black": 4, "asian": 2}


def test_past_months_count_last_years_grade(leaders: LeaderWorld) -> None:
    """At the end of May 2026 a fourth grader counted as a third grader."""
    rows = GroupSummary.objects.filter(
        school=leaders.elementary,
        domain=leaders.math,
        is_current=False,
        point=date(2026, 5, 31),
        dimension="all",
    )
    by_grade = {row.grade_level: row.students for row in rows}
    assert by_grade == {2: 12, 3: 12, 4: 12}


def _snapshot(world: LeaderWorld) -> dict[str, Any]:
    groups = sorted(
        GroupSummary.objects.filter(school__district=world.district, is_current=True)
        .exclude(students=0)
        .values_list(
            "school_id",
            "domain_id",
            "grade_level",
            "dimension",
            "group",
            "students",
            "two_below",
            "one_below",
            "on_level",
            "ahead",
            "few_evidence",
        )
    )
    standings = sorted(
        StandingSummary.objects.filter(student__district=world.district).values_list(
            "student_id", "domain_id", "gap", "band", "evidence_recent", "has_few_evidence"
        )
    )
    sections = sorted(
        SectionSummary.objects.filter(section__school__district=world.district)
        .exclude(students=0)
        .values_list("section_id", "domain_id", "students", "on_or_above", "few_evidence")
    )
    return {"groups": groups, "standings": standings, "sections": sections}


def test_an_evidence_event_keeps_the_counts_exact(leaders: LeaderWorld) -> None:
    """After a student's placement and evidence change, the one-student update leaves the
    same current counts, section counts and standings as a full refresh would."""
    student = leaders.students[3]  # a third grader, in this year's section
    level = leaders.levels[(student.pk, leaders.math.pk, AS_OF)]
    Placement.objects.filter(student=student, domain=leaders.math, placed_on=AS_OF).update(
        level=level + 2.0, completed=level + 2.0
    )
    for _ in range(3):
        f.add_evidence(student, leaders.targets["math"][0], 3, days_ago=0)
    standing_summary_update(student_id=student.pk, domain_id=leaders.math.pk)
    incremental = _snapshot(leaders)
    dashboard_summary_refresh(district=leaders.district)
    assert incremental == _snapshot(leaders)


def test_section_counts_cover_this_years_sections(leaders: LeaderWorld) -> None:
    """The grade 3 section: its 12 students placed in math, and how many on or above."""
    row = SectionSummary.objects.get(section=leaders.section, domain=leaders.math)
    third = [s for s in leaders.students[:36] if s.grade_level == 3]
    on = sum(1 for s in third if _gap(leaders.levels[(s.pk, leaders.math.pk, AS_OF)], 3) >= 0)
    assert (row.students, row.on_or_above) == (12, on)


def test_updates_wait_for_the_first_refresh(db: None) -> None:
    """Before a district's first refresh an evidence event stores nothing."""
    world = build_leader_world()
    assert standing_summary_update(student_id=world.students[0].pk, domain_id=world.math.pk) is None
    assert not StandingSummary.objects.exists()


def test_a_district_without_placements_has_no_figures(db: None) -> None:
    district = f.DistrictFactory()
    f.StudentFactory(school=f.SchoolFactory(district=district))
    assert dashboard_summary_refresh(district=district).as_of is None
    assert not SummaryState.objects.filter(district=district).exists()


def test_a_recompute_rebuilds_the_summaries(
    leaders: LeaderWorld,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    """mastery_recompute publishes mastery.recomputed; the reports app rebuilds from the new
    placements (here: from the evidence alone, dated up to today)."""
    with django_capture_on_commit_callbacks(execute=True):
        mastery_recompute(district=leaders.district, as_of=timezone.localdate())
    state = SummaryState.objects.get(district=leaders.district)
    latest = Placement.objects.filter(student__district=leaders.district).latest("placed_on")
    assert state.as_of == latest.placed_on
    assert StandingSummary.objects.filter(student__district=leaders.district).count() == (
        Placement.objects.filter(student__district=leaders.district)
        .values("student_id", "domain_id")
        .distinct()
        .count()
    )


def test_recorded_evidence_moves_the_standing(
    leaders: LeaderWorld,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    """Evidence recorded through the service updates the student's standing after commit."""
    from decimal import Decimal

    from masterypath.evidence.models import EvidenceKind
    from masterypath.evidence.services import evidence_record

    student = leaders.students[0]
    before = StandingSummary.objects.get(student=student, domain=leaders.math).evidence_recent
    teacher = leaders.staff["principal"].user
    with django_capture_on_commit_callbacks(execute=True):
        evidence_record(
            actor=teacher,
            student=student,
            target=leaders.targets["math"][0],
            score=Decimal(4),
            observed_at=timezone.now(),
            kind=EvidenceKind.FORMATIVE,
        )
    after = StandingSummary.objects.get(student=student, domain=leaders.math)
    assert after.placed_on == timezone.localdate()
    assert after.evidence_recent >= before


def test_a_roster_import_rebuilds_a_summarised_district(leaders: LeaderWorld) -> None:
    """After an import moves a student to another school, the summaries follow."""
    from masterypath.common import events
    from masterypath.common.event_types import RosterImported

    student = leaders.students[0]
    student.school = leaders.middle
    student.save()
    events.publish(RosterImported(district_id=leaders.district.pk))
    row = StandingSummary.objects.get(student=student, domain=leaders.math)
    assert row.school_id == leaders.middle.pk


def _batch_rows(leaders: LeaderWorld, students: list[Any]) -> list[Any]:
    from decimal import Decimal

    from masterypath.evidence.services import EvidenceRow

    return [
        EvidenceRow(
            student_id=student.pk,
            target_id=leaders.targets["math"][0].pk,
            score=Decimal(4),
            observed_at=timezone.now(),
        )
        for student in students
    ]


def test_a_small_batch_moves_each_standing_in_place(
    leaders: LeaderWorld,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    """A batch of a few scores (a CSV of one class) moves each student's standing at once."""
    from masterypath.evidence.services import evidence_record_many
    from masterypath.jobs.models import Job

    students = leaders.students[:3]
    with django_capture_on_commit_callbacks(execute=True):
        evidence_record_many(
            actor=leaders.staff["principal"].user, rows=_batch_rows(leaders, students)
        )
    for student in students:
        row = StandingSummary.objects.get(student=student, domain=leaders.math)
        assert row.placed_on == timezone.localdate()
    assert not Job.objects.exists()


def test_a_large_batch_rebuilds_the_district_in_a_job(
    leaders: LeaderWorld,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An import touching more standings than the in-place limit rebuilds the district's
    summaries in one background job, and they equal a full refresh."""
    from masterypath.evidence.services import evidence_record_many
    from masterypath.jobs.models import Job, JobStatus
    from masterypath.reports import handlers

    monkeypatch.setattr(handlers, "IN_PLACE_LIMIT", 2)
    students = [s for s in leaders.students if s.school_id == leaders.staff["principal"].school_id]
    with django_capture_on_commit_callbacks(execute=True):
        evidence_record_many(
            actor=leaders.staff["principal"].user, rows=_batch_rows(leaders, students[:5])
        )
    [job] = Job.objects.all()
    assert (job.kind, job.status) == ("reports.summary_refresh", JobStatus.SUCCEEDED)
    after = _snapshot(leaders)
    dashboard_summary_refresh(district=leaders.district)
    assert _snapshot(leaders) == after


def test_evidence_that_moves_no_count_updates_the_standing_alone(
    leaders: LeaderWorld,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    """One more score that changes neither the student's band, level, gain nor "few evidence"
    rewrites the standing's row alone (no group or section count moves), and the summaries
    still equal a full refresh."""
    from datetime import datetime, time
    from decimal import Decimal

    from masterypath.evidence.models import Evidence

    student = leaders.students[3]
    before = StandingSummary.objects.get(student=student, domain=leaders.math)
    Evidence.objects.create(
        student=student,
        target=leaders.targets["math"][0],
        score=Decimal(3),
        observed_at=timezone.make_aware(datetime.combine(AS_OF, time(9))),
        kind="formative",
    )
    # the student, the district's state, the placements, the standing, the evidence counts,
    # the row's update, the savepoint pair
    with django_assert_max_num_queries(8):
        standing_summary_update(student_id=student.pk, domain_id=leaders.math.pk)
    after = StandingSummary.objects.get(student=student, domain=leaders.math)
    assert after.pk == before.pk
    assert after.evidence_year == before.evidence_year + 1
    incremental = _snapshot(leaders)
    dashboard_summary_refresh(district=leaders.district)
    assert incremental == _snapshot(leaders)
