from __future__ import annotations

import enum
from typing import Any

from masterypath.common.errors import ApplicationError


class JobErrorCode(enum.Enum):
    UNKNOWN_KIND = "unknown_kind"
    ALREADY_RUNNING = "already_running"
    INTERNAL = "internal"


class JobError(ApplicationError):
    """A job could not be queued or run; `details` lists what went wrong, one dict each."""

    def __init__(
        self,
        code: enum.Enum,
        message: str = "",
        *,
        details: list[dict[str, Any]] | None = None,
        **context: Any,
    ) -> None:
        super().__init__(code, message, **context)
        self.details = details or []
