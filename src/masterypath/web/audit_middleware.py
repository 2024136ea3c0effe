"""One audit entry per request that shows students' records, whatever the page or operation.

Pages that audit themselves (`audit_students_read`) keep their own entry; this middleware adds
one `view` entry for every student a request loaded and no entry of the request named: the
REST API, the admin, exports, downloads and any page that forgot. See common/read_ledger.py.
Every response that shows a student's data is also marked `Cache-Control: no-store, private`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from masterypath.common.audit import audit_entry_add
from masterypath.common.models import AuditAction
from masterypath.common.read_ledger import ledger_close, ledger_open, note_students_read

# Beyond this many students an entry keeps the count and the first ids only.
MAX_LISTED = 5000


def note_student_loaded(sender: Any, instance: Any, **kwargs: Any) -> None:
    """`post_init` receiver of the Student model: a record read from the database."""
    if instance.pk is not None:
        note_students_read([instance.pk])


class ReadAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ledger, token = ledger_open()
        try:
            response = self.get_response(request)
            if response.status_code == 200 and ledger.unaudited:
                _write_entry(request, ledger.unaudited)
            if ledger.shown:
                # Student data stays out of shared caches and the browser's history cache.
                patch_cache_control(response, no_store=True, private=True)
        finally:
            ledger_close(token)
        return response


def _write_entry(request: HttpRequest, student_ids: list[int]) -> None:
    user: Any = getattr(request, "user", None)
    match = request.resolver_match
    page = match.view_name if match is not None else ""
    one = student_ids[0] if len(student_ids) == 1 else None
    audit_entry_add(
        actor=user,
        action=AuditAction.VIEW,
        subject_type="roster.student",
        subject_id=one,
        student_id=one,
        detail={
            "page": page or request.path,
            "path": request.path,
            "method": request.method,
            "students": student_ids[:MAX_LISTED],
            "count": len(student_ids),
        },
    )
