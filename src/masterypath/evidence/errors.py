from __future__ import annotations

import enum

from masterypath.common.errors import ApplicationError


class EvidenceErrorCode(enum.Enum):
    SCORE_OFF_SCALE = "score_off_scale"
    FUTURE_DATE = "future_date"
    NOT_ALLOWED = "not_allowed"
    ALREADY_VOIDED = "already_voided"
    REASON_REQUIRED = "reason_required"
    DOK_OUT_OF_RANGE = "dok_out_of_range"


class EvidenceError(ApplicationError):
    """Evidence could not be recorded or changed; `code` says why."""
