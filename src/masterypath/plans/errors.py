"""Errors the plans services raise, each with a code and the HTTP status it answers with."""

from __future__ import annotations

import enum
from typing import Any

from masterypath.common.errors import ApplicationError


class PlanErrorCode(enum.Enum):
    EMPTY_GOAL = "empty_goal"
    DATE_IN_PAST = "date_in_past"
    DATE_OUTSIDE_PLAN = "date_outside_plan"
    BAD_PERIOD = "bad_period"
    BAD_TRANSITION = "bad_transition"
    REASON_REQUIRED = "reason_required"
    NOT_EDITABLE = "not_editable"
    NO_GOALS = "no_goals"
    TARGET_NOT_VISIBLE = "target_not_visible"
    ACADEMIC_NEEDS_TARGET = "academic_needs_target"
    EMPTY_TEXT = "empty_text"
    BAD_CHOICE = "bad_choice"
    DUPLICATE_PLAN = "duplicate_plan"
    PROPOSAL_CLOSED = "proposal_closed"
    NOT_ALLOWED = "not_allowed"


class PlanError(ApplicationError):
    """A plan or profile rule said no; `field` names the form field the message belongs to."""

    http_status = 400

    def __init__(
        self, code: PlanErrorCode, message: str = "", *, field: str = "", **context: Any
    ) -> None:
        self.field = field
        super().__init__(code, message, **context)
