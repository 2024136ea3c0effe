"""enrollments.csv: who is in which class, as a student or a teacher; a person enrolled
twice in one class is one enrollment."""

from __future__ import annotations

from typing import Any

from masterypath.interop.oneroster.appliers.context import ImportContext
from masterypath.interop.oneroster.ids import own_export_pk
from masterypath.roster.models import Enrollment, EnrollmentRole
from masterypath.roster.services import (
    enrollments_delete_for_district,
    enrollments_insert_rows,
    enrollments_update_many,
)

# Enrollment columns compared on re-import, in the order of the tuples above; the source id
# sits at _SOURCE_AT in a stored row (after its primary key).
_ENROLLMENT_FIELDS = (
    "section",
    "role",
    "student",
    "staff",
    "source_id",
    "begins_on",
    "ends_on",
    "is_primary",
)
_ENROLLMENT_ATTNAMES = (
    "section_id",
    "role",
    "student_id",
    "staff_id",
    "source_id",
    "begins_on",
    "ends_on",
    "is_primary",
)
_SOURCE_AT = 5


def apply_enrollments(ctx: ImportContext) -> None:
    file = "enrollments.csv"
    all_rows = ctx.bundle.rows("enrollments")
    rows = ctx.live("enrollments", all_rows)
    # Stored enrollments as plain value tuples (a district has hundreds of thousands:
    # model instances would cost more than the comparison itself).
    stored = list(
        Enrollment.objects.filter(section__school__district=ctx.district).values_list(
            "pk", *_ENROLLMENT_FIELDS
        )
    )
    existing = {row[_SOURCE_AT]: row for row in stored if row[_SOURCE_AT]}
    # A staff member's key is the negated staff id.
    pairs = {(row[1], row[3] or -row[4]): row for row in stored if row[3] or row[4]}
    creates: list[tuple[Any, ...]] = []
    updates: list[Enrollment] = []
    removed: set[str] = set()
    seen: dict[tuple[int, int], dict[str, Any]] = {}
    merged: set[str] = set()
    for row in rows:
        source_id = row.get("sourcedId")
        if ctx.deleted("enrollments", row):
            removed.add(source_id)
            continue
        role = row.get("role").lower()
        section = ctx.section_map.get(row.get("classSourcedId"))
        if section is None:
            ctx.missing(
                file, row, "classSourcedId", "classes.csv", "Class", row.get("classSourcedId")
            )
            continue
        user_id = row.get("userSourcedId")
        student = staff = None
        if not user_id or user_id in ctx.refused.get("users.csv", {}):
            ctx.missing(file, row, "userSourcedId", "users.csv", "User", user_id)
            continue
        if role == "student":
            student = ctx.student_map.get(user_id)
            if student is None:
                kind = "a staff member" if user_id in ctx.staff_map else "not a known student"
                ctx.error(
                    file,
                    row,
                    "userSourcedId",
                    f"User {user_id!r} is enrolled as a student but is {kind}.",
                )
                continue
        elif role == "teacher":
            staff = ctx.staff_map.get(user_id)
            if staff is None:
                hint = (
                    " (users.csv gives the role student; import with --role-from-enrollments"
                    " to take people who teach a class as staff)"
                    if user_id in ctx.student_map
                    else ""
                )
                ctx.error(
                    file,
                    row,
                    "userSourcedId",
                    f"User {user_id!r} is enrolled as a teacher but is not staff{hint}.",
                )
                continue
        else:
            ctx.warn(file, row, "role", f"Enrollments with role {role!r} are not imported.")
            continue
        begins = ctx.date(file, row, "beginDate", required=False)
        ends = ctx.date(file, row, "endDate", required=False)
        if begins and ends and begins > ends:
            ctx.error(file, row, "endDate", "endDate is before beginDate.")
            continue
        key = (section.pk, student.pk if student else -staff.pk)  # type: ignore[union-attr]
        if key in seen:
            # Ed-Fi's sample enrolls a student once per term in a year-long class: one
            # enrollment covers both, from the first begin date to the last end date.
            first_values = seen[key]
            ctx.warn(
                file,
                row,
                "userSourcedId",
                "The same person is enrolled in this class "
                f"on line {first_values['_line']}; the two are merged.",
            )
            if first_values["begins_on"] and begins:
                first_values["begins_on"] = min(first_values["begins_on"], begins)
            if first_values["ends_on"] and ends:
                first_values["ends_on"] = max(first_values["ends_on"], ends)
            merged.add(source_id)
            continue
        seen[key] = {
            "_line": row.line,
            "_source_id": source_id,
            "_key": key,
            "section": section,
            "role": EnrollmentRole(role),
            "student": student,
            "staff": staff,
            "begins_on": begins,
            "ends_on": ends,
            "is_primary": row.get("primary").lower() != "false",
        }
    for values in seen.values():
        student, staff = values["student"], values["staff"]
        wanted = (
            values["section"].pk,
            str(values["role"]),
            student.pk if student else None,
            staff.pk if staff else None,
            values["_source_id"],
            values["begins_on"],
            values["ends_on"],
            values["is_primary"],
        )
        record = existing.get(wanted[_SOURCE_AT - 1]) or pairs.get(values["_key"])
        own = own_export_pk(values["_source_id"], "enrollment")
        if record is not None and own == record[0]:
            # The project's own export names this enrollment: it keeps its (empty) id.
            wanted = (*wanted[: _SOURCE_AT - 1], record[_SOURCE_AT], *wanted[_SOURCE_AT:])
        if record is None:
            creates.append(wanted)
        elif record[1:] != wanted:
            updates.append(
                Enrollment(pk=record[0], **dict(zip(_ENROLLMENT_ATTNAMES, wanted, strict=True)))
            )
    if ctx.bundle.mode("enrollments") == "bulk":
        present = {r.get("sourcedId") for r in all_rows}
        removed |= {sid for sid in existing if sid not in present}
    removed -= {row[_SOURCE_AT - 1] for row in creates} | {u.source_id for u in updates}
    enrollments_insert_rows(columns=_ENROLLMENT_FIELDS, rows=creates)
    enrollments_update_many(enrollments=updates, fields=_ENROLLMENT_FIELDS)
    deleted = enrollments_delete_for_district(district=ctx.district, source_ids=removed)
    ctx.counts["enrollments created"] += len(creates)
    ctx.counts["enrollments updated"] += len(updates)
    ctx.counts["enrollments removed"] += deleted
    ctx.step(len(all_rows), "Enrollments")
