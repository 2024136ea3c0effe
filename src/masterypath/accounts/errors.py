"""Errors of the accounts app."""

from __future__ import annotations

import enum

from masterypath.common.errors import ApplicationError


class AccountErrorCode(enum.Enum):
    UNSUPPORTED_LANGUAGE = "unsupported_language"


class AccountError(ApplicationError):
    """A change to an account was refused."""
