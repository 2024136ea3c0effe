"""The State, Activity Profile and Agent Profile resources, Agents and Activities, via HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest

from masterypath.interop.xapi.services import xapi_client_create
from tests.conftest import World, user_of
from tests.interop.xapi.conftest import VERSION, Lrs, statement

pytestmark = pytest.mark.django_db

AGENT = json.dumps({"objectType": "Agent", "mbox": "mailto:ana@example.org"})
ACTIVITY = "https://tool.example.org/activities/q1"


def _call(
    lrs: Lrs, method: str, path: str, params: dict[str, str], body: Any = None, **headers: str
):  # type: ignore[no-untyped-def]
    from urllib.parse import urlencode

    url = f"/xapi/{path}?{urlencode(params)}"
    extra = {"HTTP_AUTHORIZATION": lrs.auth, **VERSION, **headers}
    if body is None:
        return getattr(lrs.http, method)(url, **extra)
    data = body if isinstance(body, bytes) else json.dumps(body)
    content_type = "application/octet-stream" if isinstance(body, bytes) else "application/json"
    return getattr(lrs.http, method)(url, data=data, content_type=content_type, **extra)


STATE = {"activityId": ACTIVITY, "agent": AGENT}


def test_state_put_get_list_delete(lrs: Lrs) -> None:
    """PUT stores, GET returns it with an ETag, the listing names it, DELETE removes it."""
    params = {**STATE, "stateId": "bookmark"}
    assert _call(lrs, "put", "activities/state", params, {"page": 3}).status_code == 204
    got = _call(lrs, "get", "activities/state", params)
    assert got.status_code == 200
    assert got.json() == {"page": 3}
    assert got["ETag"].strip('"')
    assert got["X-Experience-API-Consistent-Through"]
    assert _call(lrs, "get", "activities/state", STATE).json() == ["bookmark"]
    head = _call(lrs, "head", "activities/state", params)
    assert head.status_code == 200
    assert head.content == b""
    assert _call(lrs, "delete", "activities/state", params).status_code == 204
    assert _call(lrs, "get", "activities/state", params).status_code == 404


def test_state_post_merges_json_objects_and_refuses_other_documents(lrs: Lrs) -> None:
    """POST merges top-level properties; a stored binary document cannot be merged into."""
    params = {**STATE, "stateId": "progress"}
    _call(lrs, "post", "activities/state", params, {"a": 1, "b": 1})
    _call(lrs, "post", "activities/state", params, {"b": 2, "c": 3})
    assert _call(lrs, "get", "activities/state", params).json() == {"a": 1, "b": 2, "c": 3}
    binary = {**STATE, "stateId": "blob"}
    assert _call(lrs, "put", "activities/state", binary, b"\x00\x01").status_code == 204
    assert _call(lrs, "get", "activities/state", binary).content == b"\x00\x01"
    assert _call(lrs, "post", "activities/state", binary, {"x": 1}).status_code == 400


def test_state_delete_without_state_id_deletes_the_agents_states(lrs: Lrs) -> None:
    """DELETE with activityId and agent only removes every state of that pair."""
    for name in ("one", "two"):
        _call(lrs, "put", "activities/state", {**STATE, "stateId": name}, {"n": name})
    other = {"activityId": ACTIVITY, "agent": json.dumps({"mbox": "mailto:ben@example.org"})}
    _call(lrs, "put", "activities/state", {**other, "stateId": "one"}, {"n": 1})
    assert _call(lrs, "delete", "activities/state", STATE).status_code == 204
    assert _call(lrs, "get", "activities/state", STATE).json() == []
    assert _call(lrs, "get", "activities/state", other).json() == ["one"]


@pytest.mark.parametrize(
    "params",
    [
        {"agent": AGENT, "stateId": "x"},
        {"activityId": "not an iri", "agent": AGENT, "stateId": "x"},
        {"activityId": ACTIVITY, "agent": '{"name": "no id"}', "stateId": "x"},
        {**STATE, "stateId": "x", "registration": "nope"},
        {**STATE, "stateId": "x", "bogus": "1"},
    ],
)
def test_state_parameters_are_checked(lrs: Lrs, params: dict[str, str]) -> None:
    """A missing or malformed parameter answers 400 with a JSON error."""
    response = _call(lrs, "put", "activities/state", params, {"a": 1})
    assert response.status_code == 400
    assert response.json()["error"]


def test_profile_concurrency(lrs: Lrs) -> None:
    """A profile PUT needs If-Match (its ETag) or If-None-Match: without either a new profile is
    400 and a stored one 409; a wrong ETag is 412, If-None-Match: * on a stored one 412."""
    params = {"activityId": ACTIVITY, "profileId": "p"}
    assert _call(lrs, "put", "activities/profile", params, {"v": 0}).status_code == 400
    created = _call(lrs, "put", "activities/profile", params, {"v": 1}, HTTP_IF_NONE_MATCH="*")
    assert created.status_code == 204
    etag = _call(lrs, "get", "activities/profile", params)["ETag"]
    assert _call(lrs, "put", "activities/profile", params, {"v": 2}).status_code == 409
    wrong = _call(lrs, "put", "activities/profile", params, {"v": 2}, HTTP_IF_MATCH='"bad"')
    assert wrong.status_code == 412
    again = _call(lrs, "put", "activities/profile", params, {"v": 2}, HTTP_IF_NONE_MATCH="*")
    assert again.status_code == 412
    right = _call(lrs, "put", "activities/profile", params, {"v": 2}, HTTP_IF_MATCH=etag)
    assert right.status_code == 204
    assert _call(lrs, "get", "activities/profile", params).json() == {"v": 2}
    assert _call(lrs, "get", "activities/profile", {"activityId": ACTIVITY}).json() == ["p"]


def test_agent_profile_and_agents(lrs: Lrs) -> None:
    """Agent profiles store per agent; /agents returns a Person with arrays."""
    params = {"agent": AGENT, "profileId": "prefs"}
    assert _call(lrs, "post", "agents/profile", params, {"lang": "es"}).status_code == 204
    assert _call(lrs, "get", "agents/profile", params).json() == {"lang": "es"}
    person = _call(lrs, "get", "agents", {"agent": AGENT}).json()
    assert person == {"objectType": "Person", "mbox": ["mailto:ana@example.org"]}
    assert _call(lrs, "get", "agents", {}).status_code == 400


def test_activities_merge_definitions_from_statements(lrs: Lrs) -> None:
    """Two statements describing one activity in two languages give both names."""
    lrs.post(
        [
            statement(object={"id": ACTIVITY, "definition": {"name": {"en-US": "Quiz"}}}),
            statement(object={"id": ACTIVITY, "definition": {"name": {"fr-FR": "Examen"}}}),
        ]
    )
    got = _call(lrs, "get", "activities", {"activityId": ACTIVITY}).json()
    assert got["definition"]["name"] == {"en-US": "Quiz", "fr-FR": "Examen"}
    assert _call(lrs, "get", "activities", {}).status_code == 400


def test_documents_stay_in_their_district(lrs: Lrs, world: World) -> None:
    """Another district's client neither reads, lists nor overwrites district one's state; a
    second client of district one shares it."""
    params = {**STATE, "stateId": "bookmark"}
    _call(lrs, "put", "activities/state", params, {"page": 3})
    other = Lrs(xapi_client_create(actor=None, name="Two", owner=user_of(world, "admin_d2")))
    assert _call(other, "get", "activities/state", params).status_code == 404
    assert _call(other, "get", "activities/state", STATE).json() == []
    _call(other, "put", "activities/state", params, {"page": 9})
    assert _call(lrs, "get", "activities/state", params).json() == {"page": 3}
    same = Lrs(xapi_client_create(actor=None, name="One b", owner=user_of(world, "admin_d1")))
    assert _call(same, "get", "activities/state", params).json() == {"page": 3}
    loose = Lrs(xapi_client_create(actor=None, name="Loose", owner=None))
    assert _call(loose, "get", "activities/state", params).status_code == 404
