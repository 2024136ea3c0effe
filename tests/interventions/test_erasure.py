"""A student's erasure blanks what staff wrote about them in interventions, and only them."""

from __future__ import annotations

from datetime import date

import pytest

from masterypath.continuum.models import Domain
from masterypath.interventions.models import Intervention, Participant, ProgressCheck, TierRecord
from masterypath.reports.erasure import student_erase
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def test_erasure_blanks_outcome_reasons_check_notes_and_tier_reasons(
    world: World, intervention: Intervention, domain: Domain
) -> None:
    s1, s2 = world.students["s1"], world.students["s2"]
    Participant.objects.filter(intervention=intervention).update(outcome_reason="Ana moved")
    for participant in Participant.objects.filter(intervention=intervention):
        ProgressCheck.objects.create(
            participant=participant, checked_on=date(2026, 9, 20), level=2.5, note="Ana tired"
        )
    TierRecord.objects.create(
        student=s1, domain=domain, tier=2, since_on=date(2026, 9, 1), reason="Ana struggles"
    )
    checks_before = ProgressCheck.objects.count()

    result = student_erase(
        actor=user_of(world, "admin_d1"), student=s1, confirm_local_id=s1.local_id
    )

    assert result.intervention_texts_blanked >= 3
    mine = Participant.objects.get(intervention=intervention, student=s1)
    assert mine.outcome_reason == ""
    assert set(ProgressCheck.objects.filter(participant=mine).values_list("note", flat=True)) == {
        ""
    }
    assert set(TierRecord.objects.filter(student=s1).values_list("reason", flat=True)) == {""}
    assert ProgressCheck.objects.count() == checks_before
    theirs = Participant.objects.get(intervention=intervention, student=s2)
    assert theirs.outcome_reason == "Ana moved"
    assert ProgressCheck.objects.get(participant=theirs).note == "Ana tired"
