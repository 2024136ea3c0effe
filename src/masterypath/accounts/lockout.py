"""Sign-in throttling (django-axes): a limit per account and a higher one per address.

Axes counts failed sign-ins per username and per client address and compares the larger count
with one limit. A school's pupils often share one address, so that limit would lock a whole
school out after one pupil's typos; `failure_limit` gives axes the account limit once the
account itself has failed that often, and the (higher) address limit otherwise: an account is
locked after `LOGIN_FAILURES_PER_ACCOUNT` failures, an address after `LOGIN_FAILURES_PER_ADDRESS`.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def username_failures(username: str, request: HttpRequest | None = None) -> int:
    """Failed sign-ins of `username` still counted (within the cool-off time)."""
    attempts = AccessAttempt.objects.filter(username=username)
    if request is not None and settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    per_account: int = settings.LOGIN_FAILURES_PER_ACCOUNT
    username = get_client_username(request, credentials)
    if username and username_failures(username, request) >= per_account:
        return per_account
    per_address: int = settings.LOGIN_FAILURES_PER_ADDRESS
    return per_address


def sign_in_unlock(*, username: str) -> int:
    """Forget the failed sign-ins of `username` (every address), so they may sign in again;
    returns how many records were removed."""
    from axes.utils import reset

    return int(reset(username=username))
