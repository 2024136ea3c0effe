"""The evidence list of the admin never reads the whole table."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masterypath.common.pagination import CappedCountPaginator
from masterypath.evidence.models import Evidence
from tests import factories as f
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def _operator(world: World) -> Client:
    user = user_of(world, "admin_d1")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_the_evidence_list_pages_on_the_primary_key_without_a_full_count(world: World) -> None:
    """No COUNT(*) of the whole table, no scan of every date for a date hierarchy: the page
    reads newest first by id, and counts a bounded subquery."""
    client = _operator(world)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/evidence/evidence/")
    assert response.status_code == 200
    on_evidence = [q["sql"] for q in queries.captured_queries if '"evidence_evidence"' in q["sql"]]
    counts = [sql for sql in on_evidence if "COUNT(" in sql.upper()]
    assert counts
    assert all("LIMIT 10001" in sql for sql in counts)
    assert not any("DISTINCT" in sql.upper() for sql in on_evidence)
    [page] = [sql for sql in on_evidence if "COUNT(" not in sql.upper()]
    assert 'ORDER BY "evidence_evidence"."id" DESC' in page


def test_the_evidence_list_shows_its_rows_newest_first(world: World) -> None:
    newest = f.add_evidence(world.students["s2"], world.targets[2], 4, days_ago=30)
    html = _operator(world).get("/admin/evidence/evidence/").content.decode()
    assert html.index(f"/admin/evidence/evidence/{newest.pk}/change/") < html.index(
        f"/admin/evidence/evidence/{Evidence.objects.order_by('id').first().pk}/change/"
    )
    assert "4 evidence" in html


def test_the_capped_paginator_counts_no_further_than_its_cap(world: World) -> None:
    """Past the cap it says so, and lists pages up to the cap only."""
    paginator = CappedCountPaginator(Evidence.objects.order_by("-id"), 1)
    paginator.count_cap = 2
    assert paginator.count == 3
    assert paginator.count_is_capped
    under = CappedCountPaginator(Evidence.objects.order_by("-id"), 1)
    assert (under.count, under.count_is_capped) == (3, False)
