"""The reader's language: the person's saved preference, a visible switch, and the cookie.

Order of precedence: the language cookie (set by the switch), then the signed-in person's
`preferred_language` (a guardian imported with Spanish reads Spanish from the first visit),
then the browser's Accept-Language (Django's LocaleMiddleware), then English.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from masterypath.accounts.models import User
from masterypath.accounts.services import supported_language, user_language_set

ONE_YEAR = 365 * 24 * 3600


class PreferredLanguageMiddleware:
    """After authentication: a signed-in person without a language cookie reads pages in
    their saved language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and isinstance(user, User)
            and supported_language(user.preferred_language)
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the page language (and remember it for a signed-in person's reports)."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if not supported_language(language):
        return response
    if isinstance(request.user, User):
        user_language_set(actor=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=ONE_YEAR,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
