"""The base of every error a service raises on purpose."""

from __future__ import annotations

import enum
from typing import Any


class ApplicationError(Exception):
    """A business rule said no. `code` is a member of the app's error-code enum."""

    def __init__(self, code: enum.Enum, message: str = "", **context: Any) -> None:
        self.code = code
        self.context = context
        self.message = message or str(code.value)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
