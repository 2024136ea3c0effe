"""The demo's supports: a catalogue, interventions with sessions, checks, root causes and
outcomes, deterministic for a seed."""

from __future__ import annotations

from datetime import date

import pytest

from masterypath.demo.seed import seed_demo
from masterypath.interventions.models import (
    Intervention,
    Participant,
    ProgressCheck,
    RootCause,
    SessionLog,
    Strategy,
)


@pytest.mark.django_db
def test_the_demo_has_supports_with_sessions_checks_and_outcomes() -> None:
    """Every tier-3 intervention answers a root cause; sessions, checks and closed outcomes
    exist; the counselor delivers some."""
    seed_demo(seed=7, students=120, as_of=date(2026, 11, 20))
    assert Strategy.objects.count() == 4
    assert Intervention.objects.count() > 3
    assert not Intervention.objects.filter(tier=3, root_cause__isnull=True).exists()
    assert RootCause.objects.filter(scope="school").count() == 1
    assert SessionLog.objects.filter(was_delivered=True).exists()
    assert SessionLog.objects.filter(was_delivered=False).exclude(note="").exists()
    assert ProgressCheck.objects.exists()
    assert Participant.objects.exclude(outcome="").exists()
    assert Intervention.objects.filter(staff__user__username="demo-counselor").exists()
