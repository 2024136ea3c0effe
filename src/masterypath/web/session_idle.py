"""Sign out a session left idle: a shared classroom computer does not stay signed in."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_SEEN = "masterypath_last_seen"
# The session is written at most once a minute for this, not on every request.
RESOLUTION_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
            elif not isinstance(last_seen, int) or now - last_seen >= RESOLUTION_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def note_sign_in(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """`user_logged_in` receiver: the idle clock starts at sign-in (the session is being
    written then anyway), so the first page after it writes nothing more."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())
