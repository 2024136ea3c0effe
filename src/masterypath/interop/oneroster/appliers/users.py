"""users.csv (with roles.csv in 1.2, demographics.csv): students, staff, guardians and the
links between guardians and students."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from masterypath.interop.oneroster.appliers.context import ImportContext, assign, split_ids
from masterypath.interop.oneroster.appliers.demographics import demographics_values
from masterypath.interop.oneroster.ids import by_export_sid, export_sid
from masterypath.interop.oneroster.reader import Row
from masterypath.roster.models import (
    Guardian,
    GuardianLink,
    Relationship,
    Staff,
    StaffRole,
    Student,
)
from masterypath.roster.services import (
    guardian_links_create_many,
    guardians_create_many,
    guardians_update_many,
    staff_create_many,
    staff_save,
    students_create_many,
    students_deactivate,
    students_update_many,
)
from masterypath.schools.models import School

STAFF_ROLES = {
    "teacher": StaffRole.TEACHER,
    "aide": StaffRole.TEACHER,
    "counselor": StaffRole.COUNSELOR,
    "principal": StaffRole.PRINCIPAL,
    "siteadministrator": StaffRole.PRINCIPAL,
    "administrator": StaffRole.PRINCIPAL,
    "districtadministrator": StaffRole.DISTRICT_ADMIN,
}
GUARDIAN_ROLES = {
    "parent": Relationship.PARENT,
    "guardian": Relationship.GUARDIAN,
    "relative": Relationship.RELATIVE,
}
TRUE = {"true", "1", "yes"}
USER_ID_RE = re.compile(r"\{\s*([^:{}]+)\s*:\s*([^{}]*)\}")


@dataclass
class _People:
    """What the users file builds before writing it in bulk."""

    agents: list[tuple[str, str, Row]] = field(default_factory=list)
    new_staff: list[Staff] = field(default_factory=list)
    new_guardians: list[Guardian] = field(default_factory=list)
    changed_guardians: list[Guardian] = field(default_factory=list)
    changed: set[Student] = field(default_factory=set)
    guardian_roles: dict[str, str] = field(default_factory=dict)


def _roles(ctx: ImportContext) -> dict[str, list[tuple[str, str, str]]]:
    """user sourcedId -> [(role, org, roleType)], from users.csv (1.1) or roles.csv (1.2)."""
    roles: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in ctx.bundle.rows("roles"):
        if row.get("status").lower() == "tobedeleted":
            continue
        roles[row.get("userSourcedId")].append(
            (row.get("role"), row.get("orgSourcedId"), row.get("roleType").lower())
        )
    for row in ctx.bundle.rows("users"):
        user_id = row.get("sourcedId")
        if user_id in roles:
            continue
        orgs = split_ids(row.get("orgSourcedIds")) or split_ids(row.get("primaryOrgSourcedId"))
        if row.get("role"):
            roles[user_id] = [(row.get("role"), org, "primary") for org in orgs] or [
                (row.get("role"), "", "primary")
            ]
    for entries in roles.values():
        entries.sort(key=lambda e: e[2] != "primary")
    return roles


def apply_users(ctx: ImportContext) -> None:
    file = "users.csv"
    all_rows = ctx.bundle.rows("users")
    rows = ctx.live("users", all_rows)
    roles = _roles(ctx)
    demographics = {r.get("sourcedId"): r for r in ctx.bundle.rows("demographics")}
    students = by_export_sid(Student.objects.filter(district=ctx.district), "student")
    by_local = {s.local_id: s for s in Student.objects.filter(district=ctx.district, source_id="")}
    staff = by_export_sid(Staff.objects.filter(district=ctx.district), "staff")
    guardians = by_export_sid(Guardian.objects.filter(district=ctx.district), "guardian")
    enrolled_grades: dict[str, list[int]] = defaultdict(list)
    class_grades = {
        r.get("sourcedId"): ctx.grades(r.get("grades")) for r in ctx.bundle.rows("classes")
    }
    for row in ctx.bundle.rows("enrollments"):
        enrolled_grades[row.get("userSourcedId")].extend(
            class_grades.get(row.get("classSourcedId"), [])
        )
    new_students: list[Student] = []
    changed_students: list[Student] = []
    ctx.student_map = dict(students)
    ctx.staff_map = dict(staff)
    ctx.guardian_map = dict(guardians)
    teaching = {
        r.get("userSourcedId")
        for r in ctx.bundle.rows("enrollments")
        if r.get("role").lower() == "teacher" and r.get("status").lower() != "tobedeleted"
    }
    people = _People()
    local_ids: dict[str, int] = {}
    deactivate: set[str] = set()
    for row in rows:
        source_id = row.get("sourcedId")
        if not source_id:
            ctx.error(file, row, "sourcedId", "required field sourcedId is empty.")
            continue
        user_roles = roles.get(source_id)
        if not user_roles:
            ctx.error(
                file, row, "role", "The user has no role (users.csv role column or roles.csv)."
            )
            continue
        role, _org, _kind = user_roles[0]
        role_key = role.replace(" ", "").lower()
        orgs = [o for _r, o, _k in user_roles if o]
        if ctx.deleted("users", row):
            deactivate.add(source_id)
            continue
        given, family = row.get("givenName"), row.get("familyName")
        if not given or not family:
            column = "givenName" if not given else "familyName"
            ctx.error(file, row, column, f"required field {column} is empty.")
            continue
        for agent in split_ids(row.get("agentSourcedIds")):
            people.agents.append((source_id, agent, row))
        if role_key == "student" and source_id in teaching and ctx.role_from_enrollments:
            ctx.warn(
                file,
                row,
                "role",
                "The role is student but the user teaches a class in enrollments.csv; "
                "imported as a teacher (--role-from-enrollments).",
            )
            role_key = "teacher"
        if role_key == "student":
            school = next((ctx.schools[o] for o in orgs if o in ctx.schools), None)
            if school is None:
                ctx.error(
                    file,
                    row,
                    "orgSourcedIds",
                    f"No school among {orgs or 'none'} is in orgs.csv nor already imported.",
                )
                continue
            student = _student(
                ctx,
                people,
                file,
                row,
                school,
                students,
                by_local,
                demographics.get(source_id),
                enrolled_grades,
                local_ids,
            )
            if student is None:
                continue
            if student.pk is None:
                new_students.append(student)
            elif student in people.changed:
                changed_students.append(student)
            ctx.student_map[source_id] = student
        elif role_key in STAFF_ROLES:
            _staff(ctx, people, file, row, STAFF_ROLES[role_key], orgs, staff)
        elif role_key in GUARDIAN_ROLES:
            _guardian(ctx, people, row, guardians)
        else:
            ctx.warn(file, row, "role", f"Users with role {role!r} are not imported.")
    if ctx.bundle.mode("users") == "bulk":
        present = {r.get("sourcedId") for r in all_rows}
        # Only imported students: one authored here is no SIS's to deactivate.
        deactivate |= {sid for sid, s in students.items() if s.source_id and sid not in present}
    students_create_many(students=new_students)
    fields = [
        "school",
        "local_id",
        "given_name",
        "middle_name",
        "family_name",
        "preferred_name",
        "birth_on",
        "grade_level",
        "sex",
        "is_hispanic_latino",
        "is_american_indian",
        "is_asian",
        "is_black",
        "is_pacific_islander",
        "is_white",
        "is_active",
    ]
    students_update_many(students=changed_students, fields=fields)
    ctx.counts["students created"] += len(new_students)
    ctx.counts["students updated"] += len(changed_students)
    gone = students_deactivate(district=ctx.district, source_ids=deactivate)
    ctx.counts["students deactivated"] += gone
    staff_create_many(staff=people.new_staff)
    ctx.counts["staff created"] += len(people.new_staff)
    guardians_create_many(guardians=people.new_guardians)
    guardians_update_many(
        guardians=people.changed_guardians, fields=["given_name", "family_name", "email", "phone"]
    )
    ctx.counts["guardians created"] += len(people.new_guardians)
    ctx.counts["guardians updated"] += len(people.changed_guardians)
    _links(ctx, people)
    ctx.step(len(all_rows), "People")


def _student(
    ctx: ImportContext,
    people: _People,
    file: str,
    row: Row,
    school: School,
    students: dict[str, Student],
    by_local: dict[str, Student],
    demo: Row | None,
    enrolled_grades: dict[str, list[int]],
    local_ids: dict[str, int],
) -> Student | None:
    source_id = row.get("sourcedId")
    user_ids = dict(USER_ID_RE.findall(row.get("userIds")))
    local_id = row.get("identifier") or user_ids.get("Local", "").strip() or source_id
    if len(local_id) > 40:
        ctx.error(
            file,
            row,
            "identifier",
            f"The student id {local_id!r} is longer than 40 characters.",
        )
        return None
    if local_id in local_ids:
        ctx.error(
            file,
            row,
            "identifier",
            f"Student id {local_id!r} is also used on line {local_ids[local_id]}.",
        )
        return None
    local_ids[local_id] = row.line
    grades = ctx.grades(row.get("grades"))
    if not grades and row.get("grades"):
        ctx.error(file, row, "grades", f"{row.get('grades')!r} is not a grade (KG, 01-12).")
        return None
    if not grades:
        grades = sorted(enrolled_grades.get(source_id, [])) or [school.grade_low]
        ctx.warn(
            file,
            row,
            "grades",
            f"No grade given; grade {grades[0]} taken from the student's classes or school.",
        )
    values: dict[str, Any] = {
        "school": school,
        "local_id": local_id,
        "given_name": row.get("givenName")[:100],
        "middle_name": row.get("middleName")[:100],
        "family_name": row.get("familyName")[:100],
        "preferred_name": (row.get("preferredGivenName") or row.get("preferredFirstName"))[:100],
        "grade_level": grades[0],
        "is_active": row.get("enabledUser").lower() in TRUE | {""}
        and row.get("status").lower() != "tobedeleted",
    }
    if demo is not None:
        values.update(demographics_values(ctx, demo))
    student = students.get(source_id) or by_local.get(local_id)
    if student is None:
        return Student(district=ctx.district, source_id=source_id, **values)
    if export_sid(student, "student") != source_id:
        student.source_id = source_id
        people.changed.add(student)
        fields_changed = True
    else:
        fields_changed = False
    if assign(student, values) or fields_changed:
        people.changed.add(student)
    return student


def _staff(
    ctx: ImportContext,
    people: _People,
    file: str,
    row: Row,
    role: StaffRole,
    orgs: list[str],
    existing: dict[str, Staff],
) -> None:
    school = next((ctx.schools[o] for o in orgs if o in ctx.schools), None)
    if school is None and role != StaffRole.DISTRICT_ADMIN:
        if any(o in {ctx.district_org, ctx.district.source_id} for o in orgs):
            role = StaffRole.DISTRICT_ADMIN
        else:
            ctx.error(
                file,
                row,
                "orgSourcedIds",
                f"No school among {orgs or 'none'} is in orgs.csv nor already imported.",
            )
            return
    values = {
        "role": role,
        "school": school,
        "given_name": row.get("givenName")[:100],
        "family_name": row.get("familyName")[:100],
        "email": row.get("email")[:254],
    }
    source_id = row.get("sourcedId")
    person = existing.get(source_id)
    if person is None:
        person = Staff(district=ctx.district, source_id=source_id, **values)
        people.new_staff.append(person)
    elif assign(person, values):
        staff_save(staff=person)
        ctx.counts["staff updated"] += 1
    ctx.staff_map[source_id] = person


def _guardian(ctx: ImportContext, people: _People, row: Row, existing: dict[str, Guardian]) -> None:
    values = {
        "given_name": row.get("givenName")[:100],
        "family_name": row.get("familyName")[:100],
        "email": row.get("email")[:254],
        "phone": (row.get("phone") or row.get("sms"))[:40],
    }
    source_id = row.get("sourcedId")
    guardian = existing.get(source_id)
    if guardian is None:
        guardian = Guardian(district=ctx.district, source_id=source_id, **values)
        people.new_guardians.append(guardian)
    elif assign(guardian, values):
        people.changed_guardians.append(guardian)
    ctx.guardian_map[source_id] = guardian
    role = (row.get("role") or "parent").replace(" ", "").lower()
    people.guardian_roles[source_id] = GUARDIAN_ROLES.get(role, Relationship.GUARDIAN)


def _links(ctx: ImportContext, people: _People) -> None:
    """Guardian links from `agentSourcedIds`, read in both directions."""
    roles = people.guardian_roles
    wanted: set[tuple[int, int]] = set()
    relation: dict[tuple[int, int], str] = {}
    for user_id, agent_id, _row in people.agents:
        pairs = [(agent_id, user_id), (user_id, agent_id)]
        for guardian_id, student_id in pairs:
            guardian = ctx.guardian_map.get(guardian_id)
            student = ctx.student_map.get(student_id)
            if guardian is not None and student is not None and student.pk:
                key = (guardian.pk, student.pk)
                wanted.add(key)
                relation[key] = roles.get(guardian_id, Relationship.PARENT)
    existing = set(
        GuardianLink.objects.filter(guardian__district=ctx.district).values_list(
            "guardian_id", "student_id"
        )
    )
    guardian_links_create_many(
        links=[
            GuardianLink(guardian_id=g, student_id=s, relationship=relation[(g, s)])
            for g, s in sorted(wanted - existing)
        ]
    )
    ctx.counts["guardian links created"] += len(wanted - existing)
