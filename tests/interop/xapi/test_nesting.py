"""Deeply nested JSON is refused with a 400 naming the nesting limit, before it is parsed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from masterypath.interop.xapi.models import Statement
from masterypath.interop.xapi.validation import MAX_NESTING
from tests.interop.xapi.conftest import VERSION, Lrs, new_id, statement

pytestmark = pytest.mark.django_db

PLACE = '"@nested@"'


def _body(depth: int, *, batch: bool = False) -> str:
    """A statement whose result extension holds `depth` nested arrays, as JSON text (too deep
    for json.dumps to write). The statement, result and extensions objects are three levels."""
    one = statement(result={"extensions": {"https://tool.example.org/x/trace": "@nested@"}})
    text = json.dumps([one] if batch else one)
    return text.replace(PLACE, "[" * depth + "]" * depth)


def _send(lrs: Lrs, text: str, method: str = "post", **params: str) -> Any:
    query = f"?statementId={params['statementId']}" if params else ""
    return getattr(lrs.http, method)(
        "/xapi/statements" + query,
        data=text,
        content_type="application/json",
        HTTP_AUTHORIZATION=lrs.auth,
        **VERSION,
    )


def test_ten_thousand_nested_arrays_are_refused_with_the_limit(lrs: Lrs) -> None:
    """10,000 nested arrays in an extension answer 400 naming the limit; nothing is stored."""
    response = _send(lrs, _body(10_000))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert f"{MAX_NESTING} levels" in response.json()["error"]
    assert not Statement.objects.exists()


def test_nesting_up_to_the_limit_is_accepted(lrs: Lrs) -> None:
    """Three levels of the statement and `MAX_NESTING - 3` arrays pass; one more does not."""
    assert _send(lrs, _body(MAX_NESTING - 3)).status_code == 200
    assert _send(lrs, _body(MAX_NESTING - 2)).status_code == 400


def test_a_batch_counts_its_own_array(lrs: Lrs) -> None:
    """In a batch the outer array is one more level."""
    response = _send(lrs, _body(MAX_NESTING - 3, batch=True))
    assert response.status_code == 400
    assert "nested" in response.json()["error"]


def test_brackets_inside_strings_do_not_count(lrs: Lrs) -> None:
    """A string of 10,000 brackets (and escaped quotes) is text, not nesting."""
    text = '"' + "[{" * 5_000 + '\\"]' + '"'
    assert _send(lrs, _body(1).replace("[]", text)).status_code == 200


def test_put_is_checked_too(lrs: Lrs) -> None:
    """PUT answers the same 400."""
    response = _send(lrs, _body(10_000), "put", statementId=new_id())
    assert response.status_code == 400
    assert f"{MAX_NESTING} levels" in response.json()["error"]


def test_a_deeply_nested_agent_filter_is_refused(lrs: Lrs) -> None:
    """GET ?agent= with 3,000 nested arrays answers 400 naming the parameter."""
    response = lrs.get(agent="[" * 3_000 + "]" * 3_000)
    assert response.status_code == 400
    assert response.json()["error"].startswith("agent")
