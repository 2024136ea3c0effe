from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any

from masterypath.common.errors import ApplicationError


class OneRosterErrorCode(enum.Enum):
    UNREADABLE = "unreadable"
    NOT_A_BUNDLE = "not_a_bundle"
    INVALID = "invalid"


@dataclass(frozen=True)
class Issue:
    """One problem in a bundle: file, line (1 = the header), column, message."""

    file: str
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        if self.column:
            where += f" column {self.column}"
        return f"{where}: {self.message}"


class OneRosterImportError(ApplicationError):
    """A bundle could not be imported; nothing was written. `details` lists every issue."""

    def __init__(
        self, code: OneRosterErrorCode, issues: list[Issue], warnings: list[Issue] | None = None
    ) -> None:
        count = len(issues)
        super().__init__(
            code,
            f"{count} error{'s' if count != 1 else ''} in the OneRoster "
            "bundle; nothing was imported.",
        )
        self.issues = issues
        self.details = [issue.as_dict() for issue in issues]
        self.warnings = [w.as_dict() for w in warnings or []]
