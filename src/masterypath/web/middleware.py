"""Bad input on the pages answers 400 with a message, never a server error."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from masterypath.web.inputs import InputError

# The API and the xAPI endpoint validate their own input and answer in their own formats.
PROTOCOL_PREFIXES = ("/api/", "/xapi/")


def bad_input_response(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


class BadInputMiddleware:
    """Refuses a NUL character anywhere in a page's query string (PostgreSQL cannot compare
    text with one, so a search for `?q=%00` would fail in the database), and turns an
    `InputError` raised by a view into a 400 page that names the field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PROTOCOL_PREFIXES):
            for key, values in request.GET.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return bad_input_response(
                        request,
                        f"The address has a NUL character in {key.replace(chr(0), '')!r}; "
                        "search with letters, digits and punctuation only.",
                    )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, InputError):
            return bad_input_response(request, str(exception))
        return None
