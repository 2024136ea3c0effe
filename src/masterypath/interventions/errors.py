from __future__ import annotations

import enum

from masterypath.common.errors import ApplicationError


class InterventionErrorCode(enum.Enum):
    NOT_ALLOWED = "not_allowed"
    INVALID = "invalid"
    END_BEFORE_START = "end_before_start"
    GOAL_IN_PAST = "goal_in_past"
    GOAL_OUTSIDE_PERIOD = "goal_outside_period"
    DATE_IN_FUTURE = "date_in_future"
    DATE_OUTSIDE_PERIOD = "date_outside_period"
    ROOT_CAUSE_REQUIRED = "root_cause_required"
    OTHER_DISTRICT = "other_district"
    NO_STUDENTS = "no_students"
    DUPLICATE_NAME = "duplicate_name"
    REASON_REQUIRED = "reason_required"
    ALREADY_CLOSED = "already_closed"
    DOMAIN_NOT_ADDRESSED = "domain_not_addressed"


class InterventionError(ApplicationError):
    """An intervention change was refused; `code` says why and `message` says it in words
    (naming the field where one is wrong)."""

    def __init__(
        self, code: InterventionErrorCode, message: str, *, field: str = "", **context: object
    ) -> None:
        super().__init__(code, message, field=field, **context)
        self.field = field
