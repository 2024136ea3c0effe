"""Fixtures for the xAPI tests: a client owned by district one's administrator, and helpers."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from django.test import Client

from masterypath.interop.xapi.auth import cache_clear
from masterypath.interop.xapi.services import NewClient, xapi_client_create
from tests.conftest import World, user_of

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class Lrs:
    """A test HTTP client that speaks to /xapi/statements with one client's credentials."""

    def __init__(self, new: NewClient) -> None:
        self.new = new
        self.http = Client()
        self.auth = basic(new.client.username, new.password)

    def post(self, body: Any, **extra: Any):  # type: ignore[no-untyped-def]
        return self.http.post(
            "/xapi/statements",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=self.auth,
            **{**VERSION, **extra},
        )

    def put(self, body: Any, statement_id: str):  # type: ignore[no-untyped-def]
        return self.http.put(
            f"/xapi/statements?statementId={statement_id}",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=self.auth,
            **VERSION,
        )

    def get(self, path: str = "/xapi/statements", **params: str):  # type: ignore[no-untyped-def]
        return self.http.get(path, params, HTTP_AUTHORIZATION=self.auth, **VERSION)


def statement(**fields: Any) -> dict[str, Any]:
    """A minimal valid statement; keyword arguments replace or add top-level properties."""
    body: dict[str, Any] = {
        "actor": {"objectType": "Agent", "mbox": "mailto:learner@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {"id": "https://tool.example.org/activities/q1"},
    }
    body.update(fields)
    return body


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture(autouse=True)
def _fresh_auth_cache() -> None:
    cache_clear()


@pytest.fixture
def lrs(world: World) -> Lrs:
    return Lrs(xapi_client_create(actor=None, name="Quiz tool", owner=user_of(world, "admin_d1")))
