from __future__ import annotations

import enum

from masterypath.common.errors import ApplicationError


class MasteryErrorCode(enum.Enum):
    NOT_ALLOWED = "not_allowed"
    REASON_REQUIRED = "reason_required"
    OFF_SCALE = "off_scale"
    UNKNOWN_DISTRICT = "unknown_district"
    UNKNOWN_METHOD = "unknown_method"


class MasteryError(ApplicationError):
    """A mastery change was refused; `code` says why."""
