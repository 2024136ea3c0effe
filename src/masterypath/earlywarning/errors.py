from __future__ import annotations

import enum

from masterypath.common.errors import ApplicationError


class EarlyWarningErrorCode(enum.Enum):
    BAD_THRESHOLD = "bad_threshold"


class EarlyWarningError(ApplicationError):
    """An early warning change was refused; `code` says why."""
