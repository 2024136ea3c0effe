"""Reading a district's audit log: who read or changed which student's data, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from masterypath.common.models import AuditEntry
from masterypath.roster.models import Student


@dataclass(frozen=True)
class AuditFilter:
    student: Student | None = None
    username: str = ""
    since: date | None = None
    until: date | None = None


def _district_q(district_id: int) -> Q:
    """Entries of the district: by its people, by the product acting for it, or naming one of
    its students (an operator's reads)."""
    return (
        Q(actor__staff__district_id=district_id)
        | Q(actor__student__district_id=district_id)
        | Q(actor__guardian__district_id=district_id)
        | Q(detail__district=district_id)
        | Q(student_id__in=Student.objects.filter(district_id=district_id).values("pk"))
    )


def _lists_student(pk: int) -> Q:
    """Entries whose `detail.students` list holds `pk`."""
    if connection.vendor == "postgresql":
        return Q(detail__students__contains=[pk])
    # SQLite has no JSON containment lookup in Django; its json_each reads the list.
    table = AuditEntry._meta.db_table
    sql = f"SELECT e.id FROM {table} e, json_each(e.detail, '$.students') j WHERE j.value = %s"  # noqa: S608  # the table name is ours, the id a parameter
    listed = RawSQL(sql, (pk,))  # noqa: S611  # as above
    return Q(pk__in=listed)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entry_list_for_district(
    *, district_id: int, filters: AuditFilter
) -> QuerySet[AuditEntry]:
    """The district's entries, newest first, narrowed by student, user and dates (inclusive).

    A student filter finds the entries naming the student alone (`student_id`) and those of
    pages that listed them among others (`detail.students`)."""
    entries = AuditEntry.objects.filter(_district_q(district_id))
    if filters.student is not None:
        pk = filters.student.pk
        entries = entries.filter(Q(student_id=pk) | _lists_student(pk))
    if filters.username:
        entries = entries.filter(actor__username__iexact=filters.username)
    if filters.since is not None:
        entries = entries.filter(at__gte=_day_start(filters.since))
    if filters.until is not None:
        entries = entries.filter(at__lt=_day_start(filters.until + timedelta(days=1)))
    return entries.select_related("actor").order_by("-at", "-id")


def audit_students_named(*, district_id: int, entries: list[AuditEntry]) -> dict[int, Student]:
    """The district's students the entries name, in one query."""
    ids: set[int] = set()
    for entry in entries:
        if entry.student_id is not None:
            ids.add(entry.student_id)
        named = entry.detail.get("students", []) if isinstance(entry.detail, dict) else []
        ids.update(pk for pk in named[:5] if isinstance(pk, int))
    students = Student.objects.filter(district_id=district_id, pk__in=ids).only(
        "pk", "given_name", "family_name", "local_id"
    )
    return {student.pk: student for student in students}
