"""Exception lists stored from a district's evidence, and the district's thresholds."""

from __future__ import annotations

from datetime import date

import pytest

from masterypath.accounts.models import Role
from masterypath.common.models import AuditEntry
from masterypath.earlywarning.errors import EarlyWarningError
from masterypath.earlywarning.models import EarlyWarningSettings, ExceptionHit, ExceptionRun
from masterypath.earlywarning.selectors import student_records_for_district
from masterypath.earlywarning.services import early_warning_settings_set, exceptions_recompute
from masterypath.engine.exceptions import Rule
from tests import factories as f
from tests.earlywarning.world import AS_OF, build_world, pupil, rising, school_days

pytestmark = pytest.mark.django_db

DAYS = school_days(date(2026, 1, 5))


def test_records_hold_each_days_mean_position_and_stay_in_the_district() -> None:
    """Two targets assessed the same day: the day's position is their mean."""
    world = build_world()
    other = build_world("Hillview")
    day = date(2026, 10, 5)
    student = pupil(world, grade=5, tracks={world.math: [(day, 4.15), (day, 4.35)]})
    pupil(other, grade=5, tracks={other.math: [(day, 2.125)]})
    (record,) = student_records_for_district(district=world.district, as_of=AS_OF)
    assert record.student_id == student.pk
    (math,) = record.domains
    assert math.domain == "Mathematics"
    assert math.positions == ((day, pytest.approx(4.25)),)


def test_recompute_stores_explained_hits_and_counts() -> None:
    world = build_world()
    behind = pupil(
        world,
        grade=7,
        name="Behind",
        tracks={world.math: rising(3.9, 0.1, DAYS), world.reading: rising(4.0, 0.1, DAYS)},
    )
    pupil(
        world,
        grade=5,
        name="Steady",
        tracks={world.math: rising(4.3, 0.1, DAYS), world.reading: rising(4.3, 0.1, DAYS)},
    )
    counts = exceptions_recompute(district=world.district, as_of=AS_OF)
    hits = ExceptionHit.objects.filter(student=behind)
    assert {(h.rule, h.domain_id) for h in hits} == {
        (Rule.TWO_BELOW, world.math.pk),
        (Rule.TWO_BELOW, world.reading.pk),
        (Rule.SEVERAL_DOMAINS, None),
    }
    math = hits.get(rule=Rule.TWO_BELOW, domain=world.math)
    assert math.sentence.startswith("3 grades below in Mathematics: working at grade 4, expected")
    assert math.school_id == world.school.pk
    assert math.first_seen_on == AS_OF
    assert counts == {"two_below": 2, "several_domains": 1, "students": 2, "new": 3, "alerts": 0}
    run = ExceptionRun.objects.get(district=world.district)
    assert run.as_of == AS_OF
    assert run.counts == counts


def test_a_hit_found_again_keeps_when_it_was_first_seen() -> None:
    world = build_world()
    pupil(world, grade=7, tracks={world.math: rising(3.9, 0.1, DAYS)})
    exceptions_recompute(district=world.district, as_of=date(2026, 11, 1))
    counts = exceptions_recompute(district=world.district, as_of=AS_OF)
    assert counts["new"] == 0
    assert ExceptionHit.objects.get().first_seen_on == date(2026, 11, 1)


def test_district_thresholds_change_the_lists() -> None:
    """With 'behind' meaning three years, a student 2.6 years behind is no longer listed."""
    world = build_world()
    admin = f.UserFactory(role=Role.DISTRICT_ADMIN)
    pupil(world, grade=7, tracks={world.math: rising(3.9, 0.1, DAYS)})
    exceptions_recompute(district=world.district, as_of=AS_OF)
    assert ExceptionHit.objects.filter(rule=Rule.TWO_BELOW).count() == 1
    stored = early_warning_settings_set(
        actor=admin, district=world.district, thresholds={"behind_grades": 3, "gap_weeks": 6}
    )
    assert stored.thresholds == {"behind_grades": 3}  # defaults are not stored
    assert AuditEntry.objects.filter(subject_type="earlywarning.earlywarningsettings").exists()
    exceptions_recompute(district=world.district, as_of=AS_OF)
    assert not ExceptionHit.objects.filter(rule=Rule.TWO_BELOW).exists()


def test_bad_thresholds_are_refused_with_the_name() -> None:
    world = build_world()
    admin = f.UserFactory(role=Role.DISTRICT_ADMIN)
    with pytest.raises(EarlyWarningError, match="Unknown threshold behind"):
        early_warning_settings_set(actor=admin, district=world.district, thresholds={"behind": 3})
    assert not EarlyWarningSettings.objects.exists()
