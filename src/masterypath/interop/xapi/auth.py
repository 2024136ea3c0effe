"""HTTP Basic credentials of integration clients, checked in microseconds.

A verified (username, secret digest) pair is remembered for `CACHE_SECONDS`, so a busy tool
costs one database read every half minute instead of one per request; deactivating a client
takes effect within that time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
import time

from masterypath.interop.xapi import mapping
from masterypath.interop.xapi.models import XapiClient
from masterypath.interop.xapi.services import secret_digest

CACHE_SECONDS = 30.0
_cache: dict[tuple[str, str], tuple[float, XapiClient]] = {}
_lock = threading.Lock()


def client_for_credentials(username: str, password: str) -> XapiClient | None:
    """The active client with these credentials, or None."""
    digest = secret_digest(password)
    key = (username, digest)
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    client = (
        XapiClient.objects.filter(username=username, is_active=True)
        .select_related("owner__staff")
        .first()
    )
    if client is None or not hmac.compare_digest(client.secret_sha256, digest):
        return None
    with _lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[key] = (now + CACHE_SECONDS, client)
    return client


def client_for_basic_header(header: str) -> XapiClient | None:
    """The client named by an `Authorization: Basic ...` header, or None."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    if not sep:
        return None
    return client_for_credentials(username, password)


def cache_clear() -> None:
    """Forget verified credentials and the mapping look-ups (tests; after bulk changes)."""
    with _lock:
        _cache.clear()
    mapping.cache_clear()
