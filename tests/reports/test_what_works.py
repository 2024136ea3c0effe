"""What works, for whom, on a planted district: one strategy adds half a level, another
nothing; students chosen for support are behind and slower, so the naive difference is wrong;
small groups are suppressed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from masterypath.interventions.models import Outcome, Strategy
from masterypath.interventions.services import (
    intervention_start,
    participant_close,
    strategy_create,
)
from masterypath.mastery.models import Placement
from masterypath.reports.what_works import STANDING, what_works
from masterypath.roster.models import Staff, StaffRole, Student
from masterypath.schools.models import District
from tests import factories as f

START, END = date(2026, 9, 1), date(2026, 11, 30)
AS_OF = date(2026, 12, 1)


def _district() -> tuple[District, Staff, dict[str, Strategy], list[Student]]:
    district = f.DistrictFactory(name="Planted")
    school = f.SchoolFactory(district=district, grade_low=3, grade_high=5)
    staff = f.StaffFactory(school=school, role=StaffRole.COUNSELOR)
    domain = f.DomainFactory(title="Mathematics")
    strategies = {
        "works": strategy_create(
            actor=None,
            district=district,
            name="Works",
            tier=2,  # type: ignore[arg-type]
            domains=[domain],
            cost_per_student=Decimal("300"),
        ),
        "nothing": strategy_create(
            actor=None,
            district=district,
            name="Nothing",
            tier=2,  # type: ignore[arg-type]
            domains=[domain],
        ),
    }
    rng = np.random.default_rng(5)
    students = []
    placements = []
    for n in range(240):
        grade = 3 + n % 3
        student = f.StudentFactory(
            school=school, grade_level=grade, user=None, is_english_learner=n % 4 == 0
        )
        students.append(student)
        prior = grade - 1.0 + rng.normal(-0.5, 0.8)
        pace = float(np.clip(rng.normal(0.3, 0.08), 0.05, 0.6))  # levels per quarter
        student.prior, student.pace = prior, pace  # type: ignore[attr-defined]
        placements.append(
            Placement(
                student=student,
                domain=domain,
                placed_on=START - timedelta(days=91),
                completed=0,
                level=prior - pace,
            )
        )
        placements.append(
            Placement(student=student, domain=domain, placed_on=START, completed=0, level=prior)
        )
    # Students further behind and slower are likelier to be chosen.
    score = np.array([-(s.prior - s.grade_level) - 4 * (s.pace - 0.3) for s in students])  # type: ignore[attr-defined]
    chosen = rng.random(len(students)) < 1 / (1 + np.exp(-(score - 1.2) * 2))
    picks = [s for s, c in zip(students, chosen, strict=True) if c]
    works, nothing = picks[::2], picks[1::2]
    boost = {s.pk: 0.5 for s in works}
    for s in students:
        growth = s.pace * (END - START).days / 91 + boost.get(s.pk, 0.0) + rng.normal(0, 0.1)  # type: ignore[attr-defined]
        placements.append(
            Placement(student=s, domain=domain, placed_on=END, completed=0, level=s.prior + growth)
        )  # type: ignore[attr-defined]
    Placement.objects.bulk_create(placements)
    for key, group in (("works", works), ("nothing", nothing)):
        for student in group:
            intervention = intervention_start(
                actor=None,
                strategy=strategies[key],
                students=[student],
                staff=staff,  # type: ignore[arg-type]
                domain=domain,
                starts_on=START,
                ends_on=END,
                goal_on=END,
                goal_gain=0.6,
                today=START,
            )
            participant = intervention.participants.get()
            level = Placement.objects.get(student=student, placed_on=END).level
            met = level >= participant.goal_level
            participant_close(
                actor=None,
                participant=participant,  # type: ignore[arg-type]
                outcome=Outcome.MET if met else Outcome.NOT_MET,
                closed_on=END,
                today=AS_OF,
            )
    return district, staff, strategies, students


@pytest.fixture
def planted(db: None) -> tuple[District, Staff, dict[str, Strategy], list[Student]]:
    return _district()


def test_the_strategy_that_works_is_found_and_the_other_is_not(planted) -> None:  # type: ignore[no-untyped-def]
    """'Works' adds half a level: its interval covers 0.5 and excludes 0; 'Nothing' covers 0.
    The naive difference of 'Nothing' is negative (those chosen are slower)."""
    district, _staff, _strategies, _students = planted
    report = what_works(district=district, as_of=AS_OF)
    by_name = {r.strategy.name: r for r in report.results}
    works, nothing = by_name["Works"].effect, by_name["Nothing"].effect
    assert works.low is not None
    assert works.high is not None
    assert works.low <= 0.5 <= works.high
    assert works.low > 0
    assert nothing.low is not None
    assert nothing.high is not None
    assert nothing.low <= 0 <= nothing.high
    assert nothing.naive_difference is not None
    assert nothing.naive_difference < nothing.low


def test_success_rate_and_cost_per_level(planted) -> None:  # type: ignore[no-untyped-def]
    """Success is the share of closed participants whose goal was met, with an interval; the
    cost per level is the cost per student over the effect."""
    district, *_ = planted
    result = {r.strategy.name: r for r in what_works(district=district, as_of=AS_OF).results}
    works = result["Works"]
    assert works.success.share is not None
    assert works.success.low is not None
    assert works.success.high is not None
    assert works.success.low <= works.success.share <= works.success.high
    assert works.success.share > (result["Nothing"].success.share or 0)
    assert works.effect.effect is not None
    assert works.cost_per_level == (
        Decimal("300") / Decimal(str(round(works.effect.effect, 4)))
    ).quantize(Decimal("1"))
    assert result["Nothing"].cost_per_level is None


def test_groups_are_estimated_and_small_ones_suppressed(planted) -> None:  # type: ignore[no-untyped-def]
    """Standing at the start and English learners get their own estimates; a group below the
    district's minimum (10) is suppressed."""
    district, *_ = planted
    works = next(
        r for r in what_works(district=district, as_of=AS_OF).results if r.strategy.name == "Works"
    )
    standing = {g.key: g for g in works.groups_of(STANDING)}
    assert set(standing) <= {"two_below", "one_below", "on_or_above"}
    assert any(not g.effect.suppressed for g in standing.values())
    learners = {g.key: g for g in works.groups_of("english_learner")}
    assert learners["yes"].effect.suppressed == (learners["yes"].effect.n_treated < 10)
    district.min_group_size = 100
    district.save()
    strict = next(
        r for r in what_works(district=district, as_of=AS_OF).results if r.strategy.name == "Works"
    )
    assert strict.effect.suppressed
    assert all(g.effect.suppressed and g.success.suppressed for g in strict.groups)


def test_the_principal_page_shows_the_findings(planted, client) -> None:  # type: ignore[no-untyped-def]
    """The school's leader sees both strategies, the ranges and the cost per level; another
    district's admin and a teacher get 404."""
    _district, staff, *_ = planted
    principal = f.StaffFactory(school=staff.school, role=StaffRole.PRINCIPAL)
    client.force_login(principal.user)
    response = client.get("/interventions/what-works/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Works" in page
    assert "Nothing" in page
    assert "more growth" in page
    assert "can not tell" in page
    assert "English learner" in page
    assert "2 or more grades below at the start" in page
    for role, school in ((StaffRole.TEACHER, staff.school), (StaffRole.DISTRICT_ADMIN, None)):
        other = (
            f.StaffFactory(school=school, role=role)
            if school
            else f.StaffFactory(school=None, district=f.DistrictFactory(), role=role)
        )
        client.force_login(other.user)
        if role == StaffRole.TEACHER:
            assert client.get("/interventions/what-works/").status_code == 404
        else:
            # Another district's admin sees their own (empty) district, not this one.
            assert "Works" not in client.get("/interventions/what-works/").content.decode()


def test_the_page_has_a_query_budget(planted, client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    """Participants, strategies, students, placements, closed outcomes: a fixed count."""
    district, _staff, *_ = planted
    admin = f.StaffFactory(school=None, district=district, role=StaffRole.DISTRICT_ADMIN)
    client.force_login(admin.user)
    with django_assert_max_num_queries(10):
        assert client.get("/interventions/what-works/").status_code == 200
