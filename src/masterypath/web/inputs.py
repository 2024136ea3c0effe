"""Reading what a page request sends: whole numbers, the continuum level, upload sizes.

Bad input is the sender's mistake, never a server error: the readers here raise `InputError`,
which `web.middleware.BadInputMiddleware` answers with a 400 page that says what was wrong.
"""

from __future__ import annotations

import re

from django.core.exceptions import BadRequest
from django.http import HttpRequest

# Only ASCII digits: str.isdigit() also accepts "²", which int() refuses. An id fits in 64 bits.
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")
LEVEL = re.compile(r"-?[0-9]+")
MAX_LEVEL = 12
# Requests bigger than the limit plus room for the other form fields are refused before
# Django reads the body, so a 50 MB upload costs nothing.
FORM_OVERHEAD_BYTES = 64 * 1024


class InputError(BadRequest):
    """A request parameter that cannot be read; the message names it and says what fits."""


def _whole_number(raw: str, name: str) -> int:
    if not WHOLE_NUMBER.fullmatch(raw):
        raise InputError(f"The field {name!r} must be a whole number, not {raw[:40]!r}.")
    return int(raw)


def post_id(request: HttpRequest, name: str) -> int:
    """The id sent in the POST field `name`; InputError when it is missing or not a number."""
    raw = request.POST.get(name, "").strip()
    if not raw:
        raise InputError(f"The field {name!r} is missing.")
    return _whole_number(raw, name)


def optional_post_id(request: HttpRequest, name: str) -> int | None:
    """The id in the POST field `name`, or None when the field is empty or absent."""
    raw = request.POST.get(name, "").strip()
    return _whole_number(raw, name) if raw else None


def query_level(request: HttpRequest) -> int | None:
    """The continuum level asked for with `?level=` (clamped to 0..12), or None when the
    address names none; InputError when it is not a whole number."""
    raw = request.GET.get("level", "").strip()
    if not raw:
        return None
    if not LEVEL.fullmatch(raw):
        raise InputError(
            f"The level must be a whole number from 0 (kindergarten) to {MAX_LEVEL}, "
            f"not {raw[:40]!r}."
        )
    if raw.startswith("-"):
        return 0
    # Many digits are simply far above the top level (int() refuses over 4,300 of them).
    return min(MAX_LEVEL, int(raw[-3:]) if len(raw) <= 3 else MAX_LEVEL)


def too_large(request: HttpRequest, limit: int) -> str:
    """A message when the request body is bigger than a `limit`-byte upload can make it, read
    from Content-Length alone (the body is never parsed); "" when it fits."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + FORM_OVERHEAD_BYTES:
        return (
            f"The file is {length / 1048576:.1f} MB; files may be at most "
            f"{limit / 1048576:.1f} MB. Nothing was saved."
        )
    return ""
