"""Query budgets of the xAPI resources (asserted, not timed): reads and document writes stay
a handful of queries whatever the data, and the district scope adds none per row."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.interop.xapi.conftest import VERSION, Lrs, statement

pytestmark = pytest.mark.django_db

AGENT = json.dumps({"mbox": "mailto:ana@example.org"})


def test_a_statement_query_is_a_few_queries_for_any_page(
    lrs: Lrs, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """GET /xapi/statements with a filter: one query for the page of 200 statements (the
    credentials and the owner's district are cached after the first request)."""
    lrs.post([statement() for _ in range(200)])
    lrs.get(limit="1")  # credentials cached
    with django_assert_max_num_queries(1):
        response = lrs.get(verb="http://adlnet.gov/expapi/verbs/answered", limit="200")
    assert len(response.json()["statements"]) == 200


def test_a_state_put_and_get_are_a_few_queries(lrs: Lrs, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    """PUT: the locked read and the write, in a transaction; GET: one read (the owner's
    directory, which tells whether the agent is a student to audit, is cached)."""
    query = urlencode({"activityId": "https://t.org/a", "agent": AGENT, "stateId": "s"})
    extra = {"HTTP_AUTHORIZATION": lrs.auth, **VERSION}
    lrs.post([statement()])
    lrs.get(limit="1")  # credentials and the owner's directory cached
    with django_assert_max_num_queries(4):
        put = lrs.http.put(
            f"/xapi/activities/state?{query}",
            data=json.dumps({"page": 1}),
            content_type="application/json",
            **extra,
        )
    assert put.status_code == 204
    with django_assert_max_num_queries(1):
        assert lrs.http.get(f"/xapi/activities/state?{query}", **extra).json() == {"page": 1}
