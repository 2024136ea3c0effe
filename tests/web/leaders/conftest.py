from __future__ import annotations

import pytest
from django.test import Client

from masterypath.reports.summaries import dashboard_summary_refresh
from tests.leaders_world import LeaderWorld, build_leader_world


@pytest.fixture
def leaders(db: None) -> LeaderWorld:
    world = build_leader_world()
    dashboard_summary_refresh(district=world.district)
    dashboard_summary_refresh(district=world.other_district)
    return world


def client_for(world: LeaderWorld, person: str) -> Client:
    client = Client()
    client.force_login(world.staff[person].user)
    return client
