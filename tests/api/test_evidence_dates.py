"""POST /evidence takes `observed_at` only as an ISO 8601 string with a plausible year."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.http import HttpRequest
from django.test import Client

from masterypath.evidence.models import Evidence
from tests.conftest import World, user_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _post(world: World, observed_at: Any) -> Any:
    client = Client()
    assert client.login(
        request=HttpRequest(), username=user_of(world, "teacher_a").username, password=PASSWORD
    )
    body = {
        "student_id": world.students["s1"].pk,
        "target_id": world.targets[0].pk,
        "score": "3",
        "observed_at": observed_at,
    }
    return client.post("/api/v1/evidence", body, content_type="application/json")


@pytest.mark.parametrize(
    ("observed_at", "problem"),
    [
        ("0001-01-01", "year"),
        ("0001-01-01T00:00:00Z", "year"),
        ("1899-12-31T23:59:59Z", "year"),
        ("2201-01-01T00:00:00Z", "year"),
        (1700000000, "ISO 8601"),
        (1700000000.5, "ISO 8601"),
        ("1700000000", "ISO 8601"),
        (True, "ISO 8601"),
        ("14/03/2025", "ISO 8601"),
    ],
)
def test_implausible_or_numeric_dates_are_refused(
    world: World, observed_at: Any, problem: str
) -> None:
    """A year outside 1900-2200 or a number (a Unix time) is a 422 naming the field, and no
    evidence is written."""
    before = Evidence.objects.count()
    response = _post(world, observed_at)
    assert response.status_code == 422, response.content
    detail = str(response.json()["detail"])
    assert "observed_at" in detail
    assert problem in detail
    assert Evidence.objects.count() == before


def test_a_date_time_without_offset_is_read_in_the_districts_time_zone(world: World) -> None:
    """`2025-03-14T10:30:00` is 10:30 in the configured time zone (America/New_York)."""
    response = _post(world, "2025-03-14T10:30:00")
    assert response.status_code == 201, response.content
    stored = Evidence.objects.get(pk=response.json()["id"]).observed_at
    assert stored == datetime(2025, 3, 14, 10, 30, tzinfo=ZoneInfo("America/New_York"))


def test_a_date_time_with_an_offset_keeps_it(world: World) -> None:
    """`2025-03-14T10:30:00Z` is stored as that instant."""
    response = _post(world, "2025-03-14T10:30:00Z")
    assert response.status_code == 201, response.content
    stored = Evidence.objects.get(pk=response.json()["id"]).observed_at
    assert stored == datetime(2025, 3, 14, 10, 30, tzinfo=UTC)
