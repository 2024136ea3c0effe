"""Services take a typed actor (`Actor`: a signed-in User, or Django's AnonymousUser); every
write names the person who made it, so an anonymous or deactivated one writes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from masterypath.accounts.actors import Actor
from masterypath.evidence.errors import EvidenceError, EvidenceErrorCode
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.evidence.services import evidence_record, observation_create
from tests.conftest import World, user_of


def _deactivated(world: World) -> Actor:
    teacher = user_of(world, "teacher_a")
    teacher.is_active = False
    teacher.save()
    return teacher  # type: ignore[no-any-return]


@pytest.mark.parametrize("who", ["anonymous", "deactivated"])
def test_nobody_signed_in_records_no_evidence(world: World, who: str) -> None:
    actor: Actor = AnonymousUser() if who == "anonymous" else _deactivated(world)
    before = Evidence.objects.count()
    with pytest.raises(EvidenceError) as raised:
        evidence_record(
            actor=actor,
            student=world.students["s2"],
            target=world.targets[1],
            score=Decimal(3),
            observed_at=timezone.now() - timedelta(hours=1),
            kind=EvidenceKind.FORMATIVE,
        )
    assert raised.value.code == EvidenceErrorCode.NOT_ALLOWED
    assert Evidence.objects.count() == before


def test_an_anonymous_actor_writes_no_observation(world: World) -> None:
    with pytest.raises(EvidenceError) as raised:
        observation_create(
            actor=AnonymousUser(),
            section=next(iter(world.sections.values())),
            students=[world.students["s2"]],
            note="Worked well.",
        )
    assert raised.value.code == EvidenceErrorCode.NOT_ALLOWED
