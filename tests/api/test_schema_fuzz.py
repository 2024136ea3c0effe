"""schemathesis generates requests from the OpenAPI schema: no input makes the server fail (5xx),
and every response matches the documented schema. Few examples per operation keep it fast."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from masterypath.api.main import api
from masterypath.interop.xapi.auth import cache_clear
from masterypath.interop.xapi.services import xapi_client_create
from tests.conftest import build_world, user_of

APP = get_wsgi_application()

pytestmark = pytest.mark.django_db


schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """The real WSGI handler closes connections at request end, as the test client does not;
    inside the test's transaction that would close it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token() -> str:
    cache_clear()
    world = build_world()
    return xapi_client_create(actor=None, name="fuzz", owner=user_of(world, "teacher_a")).api_token


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_never_fails_with_a_server_error(case: Any, token: str) -> None:
    """Generated requests with a teacher's token get 2xx/4xx answers; documented ones match
    the schema (401/404/422 bodies are the documented {detail, code} error form)."""
    response = case.call(app=APP, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, response.text
    case.validate_response(
        response,
        checks=(content_type_conformance, response_schema_conformance),
    )
