"""Errors the resources services raise; `field` names the form field a message belongs to."""

from __future__ import annotations

import enum
from typing import Any

from masterypath.common.errors import ApplicationError


class ResourceErrorCode(enum.Enum):
    TITLE_REQUIRED = "title_required"
    LINK_OR_FILE = "link_or_file"
    BAD_LINK = "bad_link"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    BAD_CHOICE = "bad_choice"
    TARGETS_REQUIRED = "targets_required"
    TARGET_NOT_VISIBLE = "target_not_visible"
    NOT_APPROVED = "not_approved"
    NOT_ALLOWED = "not_allowed"
    ALREADY_REVIEWED = "already_reviewed"
    NOTE_REQUIRED = "note_required"


class ResourceError(ApplicationError):
    http_status = 400

    def __init__(
        self, code: ResourceErrorCode, message: str = "", *, field: str = "", **context: Any
    ) -> None:
        self.field = field
        super().__init__(code, message, **context)
