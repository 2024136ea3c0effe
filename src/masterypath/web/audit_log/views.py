"""The district's audit log for its administrators: filter by student, user and dates; CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from masterypath.common.models import AuditEntry
from masterypath.roster.audit_selectors import (
    AuditFilter,
    audit_entry_list_for_district,
    audit_students_named,
)
from masterypath.roster.models import Student
from masterypath.schools.models import District
from masterypath.web.district import admin_district_id

PAGE_SIZE = 100
CSV_COLUMNS = ["at", "user", "role", "action", "page or subject", "students", "detail"]


class AuditFilterForm(forms.Form):
    student = forms.CharField(required=False, max_length=64, label="Student (local id)", strip=True)
    user = forms.CharField(required=False, max_length=150, label="User (username)", strip=True)
    since = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district_id = district_id

    def clean_student(self) -> Student | None:
        local_id = self.cleaned_data["student"]
        if not local_id:
            return None
        student = Student.objects.filter(district_id=self.district_id, local_id=local_id).first()
        if student is None:
            raise forms.ValidationError(f"No student with local id {local_id} in the district.")
        return student

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date comes before the start date.")
        return data

    def filters(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            student=data.get("student"),
            username=data.get("user", ""),
            since=data.get("since"),
            until=data.get("until"),
        )


def _form(request: HttpRequest, district_id: int) -> tuple[AuditFilterForm, AuditFilter | None]:
    """The filter form and its filters; None for filters when the form has errors."""
    form = AuditFilterForm(request.GET or None, district_id=district_id)
    if not request.GET:
        return form, AuditFilter()
    return form, form.filters() if form.is_valid() else None


def _what(entry: AuditEntry) -> str:
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    page = detail.get("page")
    return str(page) if page else f"{entry.subject_type} #{entry.subject_id}"


def _student_ids(entry: AuditEntry) -> list[int]:
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    named = [pk for pk in detail.get("students", []) if isinstance(pk, int)]
    if entry.student_id is not None and entry.student_id not in named:
        named.insert(0, entry.student_id)
    return named


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    district_id = admin_district_id(request)
    district = District.objects.get(pk=district_id)
    form, filters = _form(request, district_id)
    if filters is None:
        entries = AuditEntry.objects.none()  # the form has errors: show them, list nothing
    else:
        entries = audit_entry_list_for_district(district_id=district_id, filters=filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = audit_students_named(district_id=district_id, entries=rows)
    shown = []
    for entry in rows:
        ids = _student_ids(entry)
        shown.append(
            {
                "entry": entry,
                "what": _what(entry),
                "students": [names[pk] for pk in ids[:5] if pk in names],
                "more": max(len(ids) - 5, 0),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit_log/log.html",
        {
            "district": district,
            "form": form,
            "page": page,
            "rows": shown,
            "query": query.urlencode(),
            "tab": "audit",
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def audit_log_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    district_id = admin_district_id(request)
    form, filters = _form(request, district_id)
    if filters is None:
        errors = "; ".join(
            f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    entries = audit_entry_list_for_district(district_id=district_id, filters=filters)

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield writer.writerow(CSV_COLUMNS)
        for entry in entries.iterator(chunk_size=2000):
            actor = entry.actor
            yield writer.writerow(
                [
                    entry.at.isoformat(),
                    actor.username if actor else "",
                    actor.role if actor else "",
                    entry.action,
                    _what(entry),
                    " ".join(str(pk) for pk in _student_ids(entry)),
                    "" if not entry.detail else str(entry.detail),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
