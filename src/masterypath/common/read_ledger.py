"""Which students a request has read, so that the request leaves one audit entry naming them.

A request opens a ledger (the web layer's `ReadAuditMiddleware`); every student record loaded
while it is open is noted (the roster connects `note_students_read` to the Student model's
`post_init`), as are students shown from plain values (`note_students_read` called by the
code that reads them). Entries written during the request with `audit_record` mark the
students they name as covered. When the response is a page shown (status 200), the middleware
writes one `view` entry for the students noted and not yet covered. Outside a request (a job,
a command) no ledger is open and nothing is noted.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field


@dataclass
class ReadLedger:
    shown: set[int] = field(default_factory=set)
    covered: set[int] = field(default_factory=set)

    @property
    def unaudited(self) -> list[int]:
        return sorted(self.shown - self.covered)


_current: ContextVar[ReadLedger | None] = ContextVar("masterypath_read_ledger", default=None)


def ledger_open() -> tuple[ReadLedger, Token[ReadLedger | None]]:
    ledger = ReadLedger()
    return ledger, _current.set(ledger)


def ledger_close(token: Token[ReadLedger | None]) -> None:
    _current.reset(token)


def note_students_read(student_ids: Iterable[int | None]) -> None:
    """Record that the current request shows these students (no-op outside a request)."""
    ledger = _current.get()
    if ledger is not None:
        ledger.shown.update(pk for pk in student_ids if pk is not None)


def note_students_audited(student_ids: Iterable[int | None]) -> None:
    """Record that an audit entry of this request already names these students."""
    ledger = _current.get()
    if ledger is not None:
        ledger.covered.update(pk for pk in student_ids if pk is not None)
