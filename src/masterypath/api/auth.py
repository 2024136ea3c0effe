"""Who is calling the API: an integration client's token, or the browser's session.

A token is `USERNAME.PASSWORD` of an xAPI/API client (`masterypath xapi-client create`); the
client acts with the access of its owner, so the same access.py rules as the pages apply.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from masterypath.interop.xapi.auth import client_for_credentials


class ClientToken(HttpBearer):
    openapi_description = (
        "An API token `USERNAME.PASSWORD` printed by `masterypath xapi-client create`."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        username, sep, password = token.partition(".")
        if not sep:
            return None
        client = client_for_credentials(username, password)
        if client is None or client.owner is None or not client.owner.is_active:
            return None
        request.user = client.owner
        return client.owner


class Session(SessionAuth):
    """Django's session cookie; unsafe methods also need the CSRF token, as on the pages."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


AUTH = [ClientToken(), Session()]
