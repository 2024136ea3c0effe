"""xAPI 1.0.3 data rules: what the checker accepts and what it refuses (with the JSON path)."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masterypath.interop.xapi.errors import XapiError
from masterypath.interop.xapi.validation import statement_check
from tests.interop.xapi.conftest import Lrs, new_id, statement

ACCOUNT = {"account": {"homePage": "https://sis.example.org", "name": "5001"}}
GROUP_MEMBER = {"mbox": "mailto:a@example.org"}


@pytest.mark.parametrize(
    "fields",
    [
        {"actor": {"mbox_sha1sum": "a" * 40}},
        {"actor": {"openid": "https://id.example.org/ana"}},
        {"actor": ACCOUNT},
        {"actor": {"objectType": "Group", "member": [GROUP_MEMBER]}},
        {"actor": {"objectType": "Group", "mbox": "mailto:team@example.org"}},
        {"object": {"objectType": "Agent", "mbox": "mailto:b@example.org"}},
        {"object": {"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}},
        {
            "object": {
                "objectType": "SubStatement",
                "actor": ACCOUNT,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"id": "https://x.org/a"},
            }
        },
        {
            "result": {
                "score": {"scaled": -1, "raw": 0, "min": 0, "max": 10},
                "success": False,
                "completion": True,
                "duration": "PT1M30.5S",
                "response": "b",
            }
        },
        {"timestamp": "2026-09-01T10:00:00Z"},
        {"timestamp": "2026-09-01T10:00:00.123+02:00"},
        {
            "context": {
                "registration": "8f87ccde-bb56-4c2e-ab83-44982ef22df0",
                "instructor": {"mbox": "mailto:t@example.org"},
                "platform": "Quiz",
                "language": "en-US",
                "contextActivities": {"parent": {"id": "https://x"}},
            }
        },
        {"version": "1.0.3"},
    ],
)
def test_valid_forms_are_accepted(fields: dict[str, Any]) -> None:
    """Every actor form, object kind and a full result pass the checker."""
    statement_check(statement(**fields))


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"id": "not-a-uuid"}, "statement.id"),
        ({"actor": {"name": "nobody"}}, "statement.actor"),
        ({"actor": {"mbox": "mailto:a@b.org", "openid": "https://x"}}, "statement.actor"),
        ({"actor": {"mbox": "a@b.org"}}, "statement.actor.mbox"),
        ({"actor": {"mbox_sha1sum": "xyz"}}, "statement.actor.mbox_sha1sum"),
        ({"actor": {"account": {"name": "x"}}}, "statement.actor.account"),
        ({"actor": {"objectType": "Group"}}, "statement.actor"),
        (
            {
                "actor": {
                    "objectType": "Group",
                    "member": [{"objectType": "Group", "mbox": "mailto:g@x.org"}],
                }
            },
            "statement.actor.member[0].objectType",
        ),
        ({"verb": {"id": "answered"}}, "statement.verb.id"),
        (
            {"verb": {"id": "https://x", "display": {"not a tag!": "x"}}},
            "statement.verb.display.not a tag!",
        ),
        ({"object": {"id": "no scheme"}}, "statement.object.id"),
        ({"object": {"objectType": "Thing", "id": "https://x"}}, "statement.object.objectType"),
        ({"result": {"score": {"scaled": 1.5}}}, "statement.result.score.scaled"),
        ({"result": {"score": {"raw": 11, "min": 0, "max": 10}}}, "statement.result.score.raw"),
        ({"result": {"score": {"raw": -1, "min": 0}}}, "statement.result.score.raw"),
        ({"result": {"score": {"min": 5, "max": 5}}}, "statement.result.score.max"),
        ({"result": {"score": {"scaled": "0.5"}}}, "statement.result.score.scaled"),
        ({"result": {"success": "yes"}}, "statement.result.success"),
        ({"result": {"duration": "90 seconds"}}, "statement.result.duration"),
        ({"timestamp": "yesterday"}, "statement.timestamp"),
        ({"timestamp": "2026-09-01T10:00:00-00:00"}, "statement.timestamp"),
        ({"timestamp": "2026-13-01T10:00:00Z"}, "statement.timestamp"),
        ({"colour": "blue"}, "statement.colour"),
        ({"context": {"registration": "r1"}}, "statement.context.registration"),
        (
            {
                "object": {"objectType": "Agent", "mbox": "mailto:b@x.org"},
                "context": {"platform": "x"},
            },
            "statement.context.platform",
        ),
        ({"result": None}, "statement.result"),
        ({"version": "2.0.0"}, "statement.version"),
        ({"verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}}, "statement.object"),
    ],
)
def test_invalid_statements_name_the_broken_property(fields: dict[str, Any], path: str) -> None:
    """Each broken rule raises with a message that starts with the property's JSON path."""
    with pytest.raises(XapiError) as caught:
        statement_check(statement(**fields))
    assert caught.value.message.startswith(path + ":"), caught.value.message


def test_nested_substatement_is_refused() -> None:
    """A SubStatement must not hold another SubStatement."""
    inner = {
        "objectType": "SubStatement",
        "actor": ACCOUNT,
        "verb": {"id": "https://v"},
        "object": {"id": "https://o"},
    }
    outer = {**inner, "object": inner}
    with pytest.raises(XapiError, match="must not contain a SubStatement"):
        statement_check(statement(object=outer))


def test_invalid_statement_over_http_gets_400_with_the_message(lrs: Lrs) -> None:
    """The HTTP answer carries the same message."""
    response = lrs.post(statement(id=new_id(), result={"score": {"scaled": 2}}))
    assert response.status_code == 400
    assert response.json()["error"] == (
        "statement.result.score.scaled: must be between -1 and 1, got 2"
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "actor",
                    "verb",
                    "object",
                    "mbox",
                    "objectType",
                    "result",
                    "score",
                    "scaled",
                    "account",
                    "member",
                    "context",
                    "timestamp",
                    "name",
                    "homePage",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_checker_never_crashes_on_arbitrary_json(value: Any) -> None:
    """Any JSON value is either accepted or refused with XapiError, never another exception."""
    with contextlib.suppress(XapiError):
        statement_check(value)
