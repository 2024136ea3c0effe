from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any

from masterypath.common.errors import ApplicationError


class CaseErrorCode(enum.Enum):
    UNREADABLE = "unreadable"
    NOT_A_PACKAGE = "not_a_package"
    SCHEMA = "schema"
    INVALID = "invalid"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or guessed) in a package: where (file and JSON path) and what."""

    file: str
    path: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.file} {self.path}: {self.message}"


class CaseImportError(ApplicationError):
    """A CASE package could not be imported; `details` lists every problem found."""

    def __init__(
        self,
        code: CaseErrorCode,
        problems: list[Problem],
        message: str = "",
        warnings: list[Problem] | None = None,
    ) -> None:
        count = len(problems)
        summary = message or f"{count} problem{'s' if count != 1 else ''} in the CASE package."
        super().__init__(code, summary)
        self.problems = problems
        self.details = [problem.as_dict() for problem in problems]
        self.warnings = [problem.as_dict() for problem in warnings or []]
