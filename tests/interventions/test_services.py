"""Intervention services: validation with clear errors, goals, fidelity, tiers, outcomes."""

from __future__ import annotations

from datetime import date

import pytest

from masterypath.common.models import AuditEntry
from masterypath.continuum.models import Domain
from masterypath.interventions.errors import InterventionError, InterventionErrorCode
from masterypath.interventions.models import (
    Intervention,
    InterventionStatus,
    Outcome,
    RootCauseScope,
    Strategy,
    TierRecord,
)
from masterypath.interventions.services import (
    intervention_settings_set,
    intervention_start,
    participant_close,
    progress_check_record,
    root_cause_record,
    session_log,
    strategy_create,
    tier_set,
)
from tests import factories as f
from tests.conftest import World

Code = InterventionErrorCode


def _start(world: World, strategy: Strategy, domain: Domain, **overrides: object) -> Intervention:
    kwargs: dict[str, object] = {
        "actor": world.staff["counselor_a"].user,
        "strategy": strategy,
        "students": [world.students["s1"]],
        "staff": world.staff["counselor_a"],
        "domain": domain,
        "starts_on": date(2026, 10, 5),
        "ends_on": date(2026, 11, 27),
        "goal_on": date(2026, 11, 27),
        "goal_gain": 0.5,
        "today": date(2026, 10, 1),
    }
    kwargs.update(overrides)
    return intervention_start(**kwargs)  # type: ignore[arg-type]


def test_start_sets_each_goal_from_the_latest_placement(
    world: World, intervention: Intervention
) -> None:
    """The goal is the placement at the start plus the gain; without a placement, the gain."""
    goals = dict(intervention.participants.values_list("student__given_name", "goal_level"))
    assert goals == {"Ana": pytest.approx(2.9), "Ben": pytest.approx(0.5)}
    assert intervention.sessions_scheduled == 3 * 8
    assert intervention.tier == 2
    assert AuditEntry.objects.filter(subject_type="interventions.intervention").count() == 1


def test_an_end_before_the_start_is_refused(
    world: World, strategy: Strategy, domain: Domain
) -> None:
    """The error names the field and both dates."""
    with pytest.raises(InterventionError) as caught:
        _start(world, strategy, domain, ends_on=date(2026, 10, 1))
    assert caught.value.code == Code.END_BEFORE_START
    assert caught.value.field == "ends_on"
    assert "01 October 2026" in str(caught.value)
    assert not Intervention.objects.exists()


def test_a_goal_in_the_past_is_refused(world: World, strategy: Strategy, domain: Domain) -> None:
    """A goal date before today can not be a goal."""
    with pytest.raises(InterventionError) as caught:
        _start(world, strategy, domain, starts_on=date(2026, 9, 1), goal_on=date(2026, 9, 20))
    assert caught.value.code == Code.GOAL_IN_PAST
    assert caught.value.field == "goal_on"


def test_a_goal_after_the_end_is_refused(world: World, strategy: Strategy, domain: Domain) -> None:
    """The goal date falls inside the period."""
    with pytest.raises(InterventionError) as caught:
        _start(world, strategy, domain, goal_on=date(2027, 1, 8))
    assert caught.value.code == Code.GOAL_OUTSIDE_PERIOD


def test_a_student_of_another_district_is_refused(
    world: World, strategy: Strategy, domain: Domain
) -> None:
    """District one's strategy can not be given to district two's student."""
    with pytest.raises(InterventionError) as caught:
        _start(world, strategy, domain, students=[world.students["s5"]])
    assert caught.value.code == Code.OTHER_DISTRICT


def test_a_domain_the_strategy_does_not_address_is_refused(
    world: World, strategy: Strategy
) -> None:
    """A reading domain for a fractions strategy is an error, naming both."""
    reading = f.DomainFactory(title="Reading")
    with pytest.raises(InterventionError) as caught:
        _start(world, strategy, reading)
    assert caught.value.code == Code.DOMAIN_NOT_ADDRESSED
    assert "Reading" in str(caught.value)


def test_tier_3_needs_a_root_cause_when_the_district_asks(
    world: World, intensive: Strategy, domain: Domain
) -> None:
    """By default a tier-3 start without a root cause is refused; with one, or with the
    setting off, it starts."""
    with pytest.raises(InterventionError) as caught:
        _start(world, intensive, domain)
    assert caught.value.code == Code.ROOT_CAUSE_REQUIRED
    cause = root_cause_record(
        actor=world.staff["counselor_a"].user,
        school=world.students["s1"].school,
        scope=RootCauseScope.STUDENT,
        students=[world.students["s1"]],
        problem="Ana is not progressing in fractions",
        whys=["She misses the models", "Lessons skip the number line"],
        causes={"instruction": ["no visual models"], "attendance": ["late on Mondays"]},
        root_cause="Fraction lessons skip the number line",
        held_on=date(2026, 9, 30),
        today=date(2026, 10, 1),
    )
    assert _start(world, intensive, domain, root_cause=cause).root_cause == cause
    intervention_settings_set(
        actor=world.staff["admin_d1"].user,
        district=world.students["s1"].district,
        requires_root_cause_for_tier_3=False,
    )
    assert _start(world, intensive, domain, students=[world.students["s2"]]).tier == 3


def test_root_cause_categories_are_stored_school_side_first(world: World) -> None:
    """The fishbone keeps instruction before out-of-school factors whatever the input order,
    and drops empty categories; an unknown category is an error."""
    cause = root_cause_record(
        actor=world.staff["counselor_a"].user,
        school=world.students["s1"].school,
        scope=RootCauseScope.SCHOOL,
        problem="Grade 4 fractions lag",
        whys=["Few students reach proficiency"],
        causes={
            "out_of_school": ["no homework help"],
            "curriculum": ["unit too short"],
            "assessment": [" "],
        },
        root_cause="The unit is too short",
        held_on=date(2026, 9, 30),
        today=date(2026, 10, 1),
    )
    assert list(cause.causes) == ["curriculum", "out_of_school"]
    with pytest.raises(InterventionError, match="Unknown fishbone category: family"):
        root_cause_record(
            actor=world.staff["counselor_a"].user,
            school=world.students["s1"].school,
            scope=RootCauseScope.SCHOOL,
            problem="x",
            whys=["y"],
            causes={"family": ["z"]},
            root_cause="z",
            held_on=date(2026, 9, 30),
            today=date(2026, 10, 1),
        )


def test_a_student_root_cause_needs_students(world: World) -> None:
    """A root cause about one student must name the student."""
    with pytest.raises(InterventionError) as caught:
        root_cause_record(
            actor=world.staff["counselor_a"].user,
            school=world.students["s1"].school,
            scope=RootCauseScope.STUDENT,
            problem="p",
            whys=["w"],
            causes={},
            root_cause="r",
            held_on=date(2026, 9, 30),
            today=date(2026, 10, 1),
        )
    assert caught.value.code == Code.NO_STUDENTS


def test_starting_moves_the_tier_and_keeps_its_history(
    world: World, intervention: Intervention, domain: Domain
) -> None:
    """Tier 2 from the start; a later move to tier 1 ends the tier-2 record that day."""
    s1 = world.students["s1"]
    tier_set(
        actor=world.staff["counselor_a"].user,
        student=s1,
        domain=domain,
        tier=1,
        on=date(2026, 11, 10),
        reason="Goal met",
        today=date(2026, 11, 10),
    )
    history = list(
        TierRecord.objects.filter(student=s1, domain=domain).values_list(
            "tier", "since_on", "until_on"
        )
    )
    assert history == [
        (2, date(2026, 9, 14), date(2026, 11, 10)),
        (1, date(2026, 11, 10), None),
    ]


def test_sessions_are_logged_inside_the_period_only(
    world: World, intervention: Intervention
) -> None:
    """A session after the end, or in the future, is refused; a missed one needs a note."""
    actor = world.staff["counselor_a"].user
    session_log(
        actor=actor,
        intervention=intervention,
        held_on=date(2026, 9, 15),
        minutes=30,
        today=date(2026, 9, 20),
    )
    with pytest.raises(InterventionError) as caught:
        session_log(
            actor=actor,
            intervention=intervention,
            held_on=date(2026, 12, 1),
            minutes=30,
            today=date(2026, 12, 2),
        )
    assert caught.value.code == Code.DATE_OUTSIDE_PERIOD
    with pytest.raises(InterventionError) as caught:
        session_log(
            actor=actor,
            intervention=intervention,
            held_on=date(2026, 9, 25),
            minutes=30,
            today=date(2026, 9, 20),
        )
    assert caught.value.code == Code.DATE_IN_FUTURE
    with pytest.raises(InterventionError) as caught:
        session_log(
            actor=actor,
            intervention=intervention,
            held_on=date(2026, 9, 16),
            minutes=0,
            was_delivered=False,
            today=date(2026, 9, 20),
        )
    assert caught.value.code == Code.REASON_REQUIRED
    assert intervention.sessions.count() == 1


def test_closing_every_participant_closes_the_intervention(
    world: World, intervention: Intervention
) -> None:
    """Each participant gets an outcome; a discontinued one needs a reason; the last close
    closes the intervention and refuses further checks."""
    actor = world.staff["counselor_a"].user
    ana, ben = intervention.participants.order_by("student__given_name")
    progress_check_record(
        actor=actor,
        participant=ana,
        checked_on=date(2026, 10, 1),
        level=2.6,
        today=date(2026, 10, 1),
    )
    participant_close(
        actor=actor,
        participant=ana,
        outcome=Outcome.MET,
        closed_on=date(2026, 11, 6),
        today=date(2026, 11, 6),
    )
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.ACTIVE
    with pytest.raises(InterventionError) as caught:
        participant_close(
            actor=actor,
            participant=ben,
            outcome=Outcome.DISCONTINUED,
            closed_on=date(2026, 11, 6),
            today=date(2026, 11, 6),
        )
    assert caught.value.code == Code.REASON_REQUIRED
    participant_close(
        actor=actor,
        participant=ben,
        outcome=Outcome.DISCONTINUED,
        reason="Moved school",
        closed_on=date(2026, 11, 6),
        today=date(2026, 11, 6),
    )
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.CLOSED
    ana.refresh_from_db()
    assert ana.final_level == pytest.approx(2.4)
    with pytest.raises(InterventionError) as caught:
        progress_check_record(
            actor=actor,
            participant=ana,
            checked_on=date(2026, 11, 6),
            level=3.0,
            today=date(2026, 11, 6),
        )
    assert caught.value.code == Code.ALREADY_CLOSED


def test_a_strategy_name_is_unique_in_its_district(world: World, strategy: Strategy) -> None:
    """The same name twice in one district is an error; another district may use it."""
    with pytest.raises(InterventionError) as caught:
        strategy_create(
            actor=None,
            district=strategy.district,  # type: ignore[arg-type]
            name="Small-group fractions",
            tier=2,
        )
    assert caught.value.code == Code.DUPLICATE_NAME
    other = world.students["s5"].district
    assert (
        strategy_create(
            actor=None,
            district=other,
            name="Small-group fractions",  # type: ignore[arg-type]
            tier=2,
        ).district
        == other
    )


@pytest.mark.parametrize(
    ("field", "value"), [("tier", 4), ("sessions_per_week", 0), ("duration_weeks", 0)]
)
def test_strategy_fields_out_of_range_are_refused(world: World, field: str, value: int) -> None:
    """A tier outside 1-3 or a zero frequency names the field."""
    kwargs: dict[str, object] = {"tier": 2, field: value}
    with pytest.raises(InterventionError) as caught:
        strategy_create(
            actor=None,
            district=world.students["s1"].district,  # type: ignore[arg-type]
            name="X",
            **kwargs,
        )  # type: ignore[arg-type]
    assert caught.value.field == field
