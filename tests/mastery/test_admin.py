"""Mastery values in the admin read as on the pages: two decimals, or a BKT percentage."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from masterypath.mastery.models import MasteryEstimate
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def test_the_estimate_list_shows_formatted_values(world: World) -> None:
    estimate = MasteryEstimate.objects.get(student=world.students["s1"], target=world.targets[0])
    estimate.value = 2.8479393562753907
    estimate.save()
    MasteryEstimate.objects.create(
        student=world.students["s2"],
        target=world.targets[1],
        method="bkt",
        value=0.9731234,
        status="estimated",
        evidence_count=4,
        computed_at=timezone.now(),
    )
    user = user_of(world, "admin_d1")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    html = client.get("/admin/mastery/masteryestimate/").content.decode()
    assert "2.8479" not in html
    assert '<td class="field-shown_value">2.85</td>' in html
    assert '<td class="field-shown_value">97%</td>' in html
