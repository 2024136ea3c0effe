"""Apply a OneRoster bundle to a district: all of it in one transaction, or nothing.

Rows are matched on `sourcedId` (kept in `source_id`), so importing the same bundle twice
changes nothing. A `bulk` file is the whole truth for its kind: students missing from a bulk
users file are deactivated and imported enrollments missing from a bulk enrollments file are
removed. A `delta` file changes only the rows it holds; `status=tobedeleted` deactivates a
student, removes an enrollment, and unlinks a guardian; a row whose `dateLastModified` is older
than the one already applied is skipped.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from masterypath.common import events
from masterypath.common.audit import audit_record
from masterypath.common.event_types import RosterImported
from masterypath.common.models import AuditAction
from masterypath.interop.oneroster.errors import Issue, OneRosterErrorCode, OneRosterImportError
from masterypath.interop.oneroster.gradebook import gradebook_import
from masterypath.interop.oneroster.ids import by_export_sid, export_sid, own_export_pk
from masterypath.interop.oneroster.models import SourceRecord
from masterypath.interop.oneroster.reader import Bundle, Row
from masterypath.roster.models import (
    Course,
    Enrollment,
    EnrollmentRole,
    Guardian,
    GuardianLink,
    Relationship,
    Section,
    Sex,
    Staff,
    StaffRole,
    Student,
)
from masterypath.roster.services import (
    course_save,
    courses_create_many,
    enrollments_delete_for_district,
    enrollments_insert_rows,
    enrollments_update_many,
    guardian_links_create_many,
    guardians_create_many,
    guardians_update_many,
    section_save,
    sections_create_many,
    staff_create_many,
    staff_save,
    students_create_many,
    students_deactivate,
    students_update_many,
)
from masterypath.schools.models import AcademicSession, District, School, SessionType
from masterypath.schools.services import (
    academic_session_create,
    academic_session_save,
    district_source_id_set,
    school_create,
    school_save,
)

Report = Callable[..., None]
GRADE_WORDS = {"PK": -1, "PR": -1, "TK": -1, "IT": -1, "KG": 0}
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
SESSION_TYPES = {t.value.lower(): t for t in SessionType}
SEX = {
    "female": Sex.FEMALE,
    "male": Sex.MALE,
    "other": Sex.NON_BINARY,
    "unspecified": Sex.NON_BINARY,
    "f": Sex.FEMALE,
    "m": Sex.MALE,
}
GRADED = {"fully graded", "partially graded"}
TRUE = {"true", "1", "yes"}
USER_ID_RE = re.compile(r"\{\s*([^:{}]+)\s*:\s*([^{}]*)\}")


def _noop(*_args: Any, **_kwargs: Any) -> None:
    return None


class _Import:
    def __init__(self, bundle: Bundle, district: District, actor: Any, report: Report) -> None:
        self.bundle = bundle
        self.district = district
        self.actor = actor
        self.report = report
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = list(bundle.warnings)
        self.counts: Counter[str] = Counter()
        self.done = 0
        self.total = sum(len(t.rows) for t in bundle.tables.values())
        self.records: dict[tuple[str, str], datetime | None] = {}
        self.seen_records: list[tuple[str, str, datetime | None]] = []
        self.schools: dict[str, School] = {}
        self.district_org = ""

    # --- helpers ------------------------------------------------------------------------

    def error(self, file: str, row: Row | None, column: str, message: str) -> None:
        self.issues.append(Issue(file, row.line if row else 0, column, message))

    def warn(self, file: str, row: Row | None, column: str, message: str) -> None:
        self.warnings.append(Issue(file, row.line if row else 0, column, message))

    def step(self, rows: int, message: str) -> None:
        self.done += rows
        self.report(self.done, self.total, message)

    def date(self, file: str, row: Row, column: str, *, required: bool) -> date | None:
        raw = row.get(column)
        if not raw:
            if required:
                self.error(file, row, column, "A date is required (YYYY-MM-DD).")
            return None
        try:
            return date.fromisoformat(raw[:10]) if len(raw) >= 10 else date.fromisoformat(raw)
        except ValueError:
            self.error(file, row, column, f"{raw!r} is not an ISO 8601 date (YYYY-MM-DD).")
            return None

    def modified(self, file: str, row: Row) -> datetime | None:
        raw = row.get("dateLastModified")
        if not raw:
            return None
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            self.error(
                file,
                row,
                "dateLastModified",
                f"{raw!r} is not an ISO 8601 date-time (e.g. 2023-05-01T18:25:43Z).",
            )
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        return value

    def live(self, name: str, rows: list[Row]) -> list[Row]:
        """The rows to apply: tobedeleted ones handled by the caller; stale deltas skipped."""
        file = f"{name}.csv"
        kept = []
        stale = 0
        for row in rows:
            source_id = row.get("sourcedId") or row.get("userSourcedId")
            stamp = self.modified(file, row)
            status = row.get("status").lower()
            if status and status not in {"active", "tobedeleted", "inactive"}:
                self.error(
                    file,
                    row,
                    "status",
                    f"status must be active or tobedeleted, not {row.get('status')!r}.",
                )
                continue
            previous = self.records.get((name, source_id))
            if stamp and previous and stamp < previous:
                stale += 1
                continue
            if source_id:
                self.seen_records.append((name, source_id, stamp))
            kept.append(row)
        if stale:
            self.warn(
                file,
                None,
                "dateLastModified",
                f"{stale} row(s) older than the version already imported were skipped.",
            )
        return kept

    def deleted(self, name: str, row: Row) -> bool:
        status = row.get("status").lower()
        if status == "tobedeleted" and self.bundle.mode(name) == "bulk":
            self.warn(f"{name}.csv", row, "status", "tobedeleted in a bulk file; row skipped.")
        return status == "tobedeleted"

    # --- orgs -----------------------------------------------------------------------------

    def orgs(self) -> None:
        file = "orgs.csv"
        rows = self.live("orgs", self.bundle.rows("orgs"))
        existing = by_export_sid(School.objects.filter(district=self.district), "school")
        self.schools.update(existing)
        by_id = {row.get("sourcedId"): row for row in rows}
        spans = self._grade_spans()
        for row in rows:
            source_id = row.get("sourcedId")
            kind = row.get("type").lower()
            if not source_id:
                self.error(file, row, "sourcedId", "sourcedId is required.")
                continue
            if kind == "district":
                if self.district.source_id and self.district.source_id != source_id:
                    self.error(
                        file,
                        row,
                        "sourcedId",
                        f"This bundle is for district "
                        f"{source_id!r}, but {self.district.name} is "
                        f"{self.district.source_id!r}.",
                    )
                    continue
                self.district_org = source_id
                if export_sid(self.district, "district") != source_id:
                    district_source_id_set(district=self.district, source_id=source_id)
                continue
            if kind not in {"school", "department"}:
                self.warn(file, row, "type", f"An org of type {kind!r} is not imported.")
                continue
            if self.deleted("orgs", row):
                continue
            parent = row.get("parentSourcedId")
            if kind == "department":
                parent_row = by_id.get(parent)
                if parent_row is not None and parent_row.get("type").lower() == "school":
                    continue  # folded into its school, resolved in _school()
                self.warn(
                    file,
                    row,
                    "type",
                    "A department without a school in the bundle is imported as a school.",
                )
            elif parent and parent not in by_id and parent != self.district.source_id:
                self.warn(
                    file,
                    row,
                    "parentSourcedId",
                    f"Parent org {parent!r} is not in the bundle; the school is placed in "
                    f"{self.district.name}.",
                )
            low, high = spans.get(source_id, (0, 12))
            name = row.get("name")[:200]
            if not name:
                self.error(file, row, "name", "name is required.")
                continue
            school = self.schools.get(source_id)
            if school is None:
                school = school_create(
                    district=self.district,
                    name=name,
                    source_id=source_id,
                    grade_low=low,
                    grade_high=high,
                )
                self.counts["schools created"] += 1
            elif school.name != name:
                school.name = name  # the grade span is set once; staff may refine it
                school_save(school=school)
                self.counts["schools updated"] += 1
            self.schools[source_id] = school
        for row in rows:
            if row.get("type").lower() == "department" and row.get("sourcedId") not in self.schools:
                parent_school = self.schools.get(row.get("parentSourcedId"))
                if parent_school is not None:
                    self.schools[row.get("sourcedId")] = parent_school
        self.step(len(self.bundle.rows("orgs")), "Schools")

    def _grade_spans(self) -> dict[str, tuple[int, int]]:
        grades: dict[str, list[int]] = defaultdict(list)
        for row in self.bundle.rows("classes"):
            for grade in self.grades(row.get("grades")):
                grades[row.get("schoolSourcedId")].append(grade)
        for row in self.bundle.rows("users"):
            orgs = row.get("orgSourcedIds") or row.get("primaryOrgSourcedId")
            for org in _split(orgs):
                grades[org].extend(self.grades(row.get("grades")))
        return {org: (min(g), max(g)) for org, g in grades.items() if g}

    @staticmethod
    def grades(raw: str) -> list[int]:
        out = []
        for part in _split(raw):
            value = part.upper()
            if value in GRADE_WORDS:
                out.append(GRADE_WORDS[value])
            elif value.isdigit() and 1 <= int(value) <= 12:
                out.append(int(value))
        return out

    def school(self, file: str, row: Row, column: str, source_id: str) -> School | None:
        school = self.schools.get(source_id)
        if school is None:
            self.error(
                file,
                row,
                column,
                f"School {source_id!r} is not in orgs.csv nor "
                f"already imported for {self.district.name}.",
            )
        return school

    # --- academic sessions ----------------------------------------------------------------

    def sessions(self) -> None:
        file = "academicSessions.csv"
        rows = self.live("academicSessions", self.bundle.rows("academicSessions"))
        existing = by_export_sid(AcademicSession.objects.filter(district=self.district), "session")
        self.session_map = dict(existing)
        parents: list[tuple[AcademicSession, str, Row]] = []
        for row in rows:
            if self.deleted("academicSessions", row):
                continue
            source_id = row.get("sourcedId")
            kind = SESSION_TYPES.get(row.get("type").lower())
            if kind is None:
                self.error(
                    file,
                    row,
                    "type",
                    f"type must be one of "
                    f"{', '.join(t.value for t in SessionType)}, not {row.get('type')!r}.",
                )
            starts = self.date(file, row, "startDate", required=True)
            ends = self.date(file, row, "endDate", required=True)
            year_raw = row.get("schoolYear")
            if not (year_raw.isdigit() and len(year_raw) == 4):
                self.error(
                    file,
                    row,
                    "schoolYear",
                    f"schoolYear must be a year such as 2024, not {year_raw!r}.",
                )
                continue
            if starts and ends and starts > ends:
                self.error(file, row, "endDate", "endDate is before startDate.")
                continue
            if kind is None or starts is None or ends is None:
                continue
            values = {
                "title": row.get("title")[:200] or source_id,
                "session_type": kind,
                "starts_on": starts,
                "ends_on": ends,
                "school_year": int(year_raw),
            }
            session = existing.get(source_id)
            if session is None:
                session = academic_session_create(
                    district=self.district, source_id=source_id, **values
                )
                self.counts["sessions created"] += 1
            elif _assign(session, values):
                academic_session_save(session=session)
                self.counts["sessions updated"] += 1
            self.session_map[source_id] = session
            parents.append((session, row.get("parentSourcedId"), row))
        for session, parent_id, row in parents:
            parent = self.session_map.get(parent_id) if parent_id else None
            if parent_id and parent is None:
                self.warn(
                    file,
                    row,
                    "parentSourcedId",
                    f"Parent session {parent_id!r} is not in the bundle; left without one.",
                )
            if parent is not None and parent.pk == session.pk:
                parent = None
            if session.parent_id != (parent.pk if parent else None):
                session.parent = parent
                academic_session_save(session=session, fields=["parent"])
        self.step(len(self.bundle.rows("academicSessions")), "Academic sessions")

    # --- courses and classes --------------------------------------------------------------

    def courses(self) -> None:
        file = "courses.csv"
        rows = self.live("courses", self.bundle.rows("courses"))
        self.course_map = by_export_sid(Course.objects.filter(district=self.district), "course")
        new_courses: list[Course] = []
        for row in rows:
            if self.deleted("courses", row):
                continue
            source_id = row.get("sourcedId")
            org = row.get("orgSourcedId")
            school = None
            if org and org != self.district_org and org != self.district.source_id:
                school = self.school(file, row, "orgSourcedId", org)
                if school is None:
                    continue
            grades = self.grades(row.get("grades"))
            values = {
                "school": school,
                "code": (row.get("courseCode") or source_id)[:60],
                "title": (row.get("title") or source_id)[:200],
                "subject": row.get("subjects")[:120],
                "grade_low": min(grades) if grades else None,
                "grade_high": max(grades) if grades else None,
            }
            course = self.course_map.get(source_id)
            if course is None:
                course = Course(district=self.district, source_id=source_id, **values)
                new_courses.append(course)
            elif _assign(course, values):
                course_save(course=course)
                self.counts["courses updated"] += 1
            self.course_map[source_id] = course
        courses_create_many(courses=new_courses)
        self.counts["courses created"] += len(new_courses)
        self.step(len(self.bundle.rows("courses")), "Courses")

    def classes(self) -> None:
        file = "classes.csv"
        rows = self.live("classes", self.bundle.rows("classes"))
        self.section_map = by_export_sid(
            Section.objects.filter(school__district=self.district), "class"
        )
        new_sections: list[Section] = []
        for row in rows:
            if self.deleted("classes", row):
                continue
            source_id = row.get("sourcedId")
            course = self.course_map.get(row.get("courseSourcedId"))
            if course is None:
                self.error(
                    file,
                    row,
                    "courseSourcedId",
                    f"Course {row.get('courseSourcedId')!r}"
                    " is not in courses.csv nor already imported.",
                )
            school = self.school(file, row, "schoolSourcedId", row.get("schoolSourcedId"))
            terms = _split(row.get("termSourcedIds"))
            session = next((self.session_map[t] for t in terms if t in self.session_map), None)
            if session is None:
                self.error(
                    file,
                    row,
                    "termSourcedIds",
                    f"None of the terms {terms} is in academicSessions.csv nor already imported.",
                )
            if course is None or school is None or session is None:
                continue
            values = {
                "course": course,
                "school": school,
                "session": session,
                "title": (row.get("title") or source_id)[:200],
                "period": row.get("periods")[:20],
            }
            section = self.section_map.get(source_id)
            if section is None:
                section = Section(source_id=source_id, **values)
                new_sections.append(section)
            elif _assign(section, values):
                section_save(section=section)
                self.counts["sections updated"] += 1
            self.section_map[source_id] = section
        sections_create_many(sections=new_sections)
        self.counts["sections created"] += len(new_sections)
        self.step(len(self.bundle.rows("classes")), "Classes")

    # --- users ----------------------------------------------------------------------------

    def _roles(self) -> dict[str, list[tuple[str, str, str]]]:
        """user sourcedId -> [(role, org, roleType)], from users.csv (1.1) or roles.csv (1.2)."""
        roles: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for row in self.bundle.rows("roles"):
            if row.get("status").lower() == "tobedeleted":
                continue
            roles[row.get("userSourcedId")].append(
                (row.get("role"), row.get("orgSourcedId"), row.get("roleType").lower())
            )
        for row in self.bundle.rows("users"):
            user_id = row.get("sourcedId")
            if user_id in roles:
                continue
            orgs = _split(row.get("orgSourcedIds")) or _split(row.get("primaryOrgSourcedId"))
            if row.get("role"):
                roles[user_id] = [(row.get("role"), org, "primary") for org in orgs] or [
                    (row.get("role"), "", "primary")
                ]
        for entries in roles.values():
            entries.sort(key=lambda e: e[2] != "primary")
        return roles

    def users(self) -> None:
        file = "users.csv"
        all_rows = self.bundle.rows("users")
        rows = self.live("users", all_rows)
        roles = self._roles()
        demographics = {r.get("sourcedId"): r for r in self.bundle.rows("demographics")}
        students = by_export_sid(Student.objects.filter(district=self.district), "student")
        by_local = {
            s.local_id: s for s in Student.objects.filter(district=self.district, source_id="")
        }
        staff = by_export_sid(Staff.objects.filter(district=self.district), "staff")
        guardians = by_export_sid(Guardian.objects.filter(district=self.district), "guardian")
        enrolled_grades: dict[str, list[int]] = defaultdict(list)
        class_grades = {
            r.get("sourcedId"): self.grades(r.get("grades")) for r in self.bundle.rows("classes")
        }
        for row in self.bundle.rows("enrollments"):
            enrolled_grades[row.get("userSourcedId")].extend(
                class_grades.get(row.get("classSourcedId"), [])
            )
        new_students: list[Student] = []
        changed_students: list[Student] = []
        self.student_map = dict(students)
        self.staff_map = dict(staff)
        self.guardian_map = dict(guardians)
        self.agents: list[tuple[str, str, Row]] = []
        self.new_guardians: list[Guardian] = []
        self.new_staff: list[Staff] = []
        self.changed_guardians: list[Guardian] = []
        local_ids: dict[str, int] = {}
        deactivate: set[str] = set()
        for row in rows:
            source_id = row.get("sourcedId")
            if not source_id:
                self.error(file, row, "sourcedId", "sourcedId is required.")
                continue
            user_roles = roles.get(source_id)
            if not user_roles:
                self.error(
                    file, row, "role", "The user has no role (users.csv role column or roles.csv)."
                )
                continue
            role, _org, _kind = user_roles[0]
            role_key = role.replace(" ", "").lower()
            orgs = [o for _r, o, _k in user_roles if o]
            if self.deleted("users", row):
                deactivate.add(source_id)
                continue
            given, family = row.get("givenName"), row.get("familyName")
            if not given or not family:
                self.error(
                    file,
                    row,
                    "givenName" if not given else "familyName",
                    "givenName and familyName are required.",
                )
                continue
            for agent in _split(row.get("agentSourcedIds")):
                self.agents.append((source_id, agent, row))
            if role_key == "student":
                school = next((self.schools[o] for o in orgs if o in self.schools), None)
                if school is None:
                    self.error(
                        file,
                        row,
                        "orgSourcedIds",
                        f"No school among {orgs or 'none'} is in orgs.csv nor already imported.",
                    )
                    continue
                student = self._student(
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
                elif student in self._changed:
                    changed_students.append(student)
                self.student_map[source_id] = student
            elif role_key in STAFF_ROLES:
                self._staff(file, row, STAFF_ROLES[role_key], orgs, staff)
            elif role_key in GUARDIAN_ROLES:
                self._guardian(row, guardians)
            else:
                self.warn(file, row, "role", f"Users with role {role!r} are not imported.")
        if self.bundle.mode("users") == "bulk":
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
        self.counts["students created"] += len(new_students)
        self.counts["students updated"] += len(changed_students)
        gone = students_deactivate(district=self.district, source_ids=deactivate)
        self.counts["students deactivated"] += gone
        staff_create_many(staff=self.new_staff)
        self.counts["staff created"] += len(self.new_staff)
        guardians_create_many(guardians=self.new_guardians)
        guardians_update_many(
            guardians=self.changed_guardians, fields=["given_name", "family_name", "email", "phone"]
        )
        self.counts["guardians created"] += len(self.new_guardians)
        self.counts["guardians updated"] += len(self.changed_guardians)
        self._links()
        self.step(len(all_rows), "People")

    _changed: set[Student]

    def _student(
        self,
        file: str,
        row: Row,
        school: School,
        students: dict[str, Student],
        by_local: dict[str, Student],
        demo: Row | None,
        enrolled_grades: dict[str, list[int]],
        local_ids: dict[str, int],
    ) -> Student | None:
        if not hasattr(self, "_changed"):
            self._changed = set()
        source_id = row.get("sourcedId")
        user_ids = dict(USER_ID_RE.findall(row.get("userIds")))
        local_id = row.get("identifier") or user_ids.get("Local", "").strip() or source_id
        if len(local_id) > 40:
            self.error(
                file,
                row,
                "identifier",
                f"The student id {local_id!r} is longer than 40 characters.",
            )
            return None
        if local_id in local_ids:
            self.error(
                file,
                row,
                "identifier",
                f"Student id {local_id!r} is also used on line {local_ids[local_id]}.",
            )
            return None
        local_ids[local_id] = row.line
        grades = self.grades(row.get("grades"))
        if not grades and row.get("grades"):
            self.error(file, row, "grades", f"{row.get('grades')!r} is not a grade (KG, 01-12).")
            return None
        if not grades:
            grades = sorted(enrolled_grades.get(source_id, [])) or [school.grade_low]
            self.warn(
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
            "preferred_name": (row.get("preferredGivenName") or row.get("preferredFirstName"))[
                :100
            ],
            "grade_level": grades[0],
            "is_active": row.get("enabledUser").lower() in TRUE | {""}
            and row.get("status").lower() != "tobedeleted",
        }
        if demo is not None:
            values.update(self._demographics(demo))
        student = students.get(source_id) or by_local.get(local_id)
        if student is None:
            return Student(district=self.district, source_id=source_id, **values)
        if export_sid(student, "student") != source_id:
            student.source_id = source_id
            self._changed.add(student)
            fields_changed = True
        else:
            fields_changed = False
        if _assign(student, values) or fields_changed:
            self._changed.add(student)
        return student

    def _demographics(self, row: Row) -> dict[str, Any]:
        file = "demographics.csv"
        values: dict[str, Any] = {}
        birth = self.date(file, row, "birthDate", required=False)
        if birth:
            values["birth_on"] = birth
        sex = row.get("sex").lower()
        if sex:
            if sex not in SEX:
                self.error(
                    file,
                    row,
                    "sex",
                    f"sex must be female, male, other or unspecified, not {row.get('sex')!r}.",
                )
            else:
                values["sex"] = SEX[sex]
        flags = {
            "americanIndianOrAlaskaNative": "is_american_indian",
            "asian": "is_asian",
            "blackOrAfricanAmerican": "is_black",
            "nativeHawaiianOrOtherPacificIslander": "is_pacific_islander",
            "white": "is_white",
            "hispanicOrLatinoEthnicity": "is_hispanic_latino",
        }
        for column, field_name in flags.items():
            raw = row.get(column).lower()
            if raw and raw not in {"true", "false"}:
                self.error(file, row, column, f"must be true or false, not {row.get(column)!r}.")
            values[field_name] = raw == "true"
        return values

    def _staff(
        self, file: str, row: Row, role: StaffRole, orgs: list[str], existing: dict[str, Staff]
    ) -> None:
        school = next((self.schools[o] for o in orgs if o in self.schools), None)
        if school is None and role != StaffRole.DISTRICT_ADMIN:
            if any(o in {self.district_org, self.district.source_id} for o in orgs):
                role = StaffRole.DISTRICT_ADMIN
            else:
                self.error(
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
            person = Staff(district=self.district, source_id=source_id, **values)
            self.new_staff.append(person)
        elif _assign(person, values):
            staff_save(staff=person)
            self.counts["staff updated"] += 1
        self.staff_map[source_id] = person

    def _guardian(self, row: Row, existing: dict[str, Guardian]) -> None:
        values = {
            "given_name": row.get("givenName")[:100],
            "family_name": row.get("familyName")[:100],
            "email": row.get("email")[:254],
            "phone": (row.get("phone") or row.get("sms"))[:40],
        }
        source_id = row.get("sourcedId")
        guardian = existing.get(source_id)
        if guardian is None:
            guardian = Guardian(district=self.district, source_id=source_id, **values)
            self.new_guardians.append(guardian)
        elif _assign(guardian, values):
            self.changed_guardians.append(guardian)
        self.guardian_map[source_id] = guardian
        self._guardian_roles = getattr(self, "_guardian_roles", {})
        role = (row.get("role") or "parent").replace(" ", "").lower()
        self._guardian_roles[source_id] = GUARDIAN_ROLES.get(role, Relationship.GUARDIAN)

    def _links(self) -> None:
        """Guardian links from `agentSourcedIds`, read in both directions."""
        roles = getattr(self, "_guardian_roles", {})
        wanted: set[tuple[int, int]] = set()
        relation: dict[tuple[int, int], str] = {}
        for user_id, agent_id, _row in self.agents:
            pairs = [(agent_id, user_id), (user_id, agent_id)]
            for guardian_id, student_id in pairs:
                guardian = self.guardian_map.get(guardian_id)
                student = self.student_map.get(student_id)
                if guardian is not None and student is not None and student.pk:
                    key = (guardian.pk, student.pk)
                    wanted.add(key)
                    relation[key] = roles.get(guardian_id, Relationship.PARENT)
        existing = set(
            GuardianLink.objects.filter(guardian__district=self.district).values_list(
                "guardian_id", "student_id"
            )
        )
        guardian_links_create_many(
            links=[
                GuardianLink(guardian_id=g, student_id=s, relationship=relation[(g, s)])
                for g, s in sorted(wanted - existing)
            ]
        )
        self.counts["guardian links created"] += len(wanted - existing)

    # --- enrollments ----------------------------------------------------------------------

    def enrollments(self) -> None:
        file = "enrollments.csv"
        all_rows = self.bundle.rows("enrollments")
        rows = self.live("enrollments", all_rows)
        # Stored enrollments as plain value tuples (a district has hundreds of thousands:
        # model instances would cost more than the comparison itself).
        stored = list(
            Enrollment.objects.filter(section__school__district=self.district).values_list(
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
            if self.deleted("enrollments", row):
                removed.add(source_id)
                continue
            role = row.get("role").lower()
            section = self.section_map.get(row.get("classSourcedId"))
            if section is None:
                self.error(
                    file,
                    row,
                    "classSourcedId",
                    f"Class {row.get('classSourcedId')!r} "
                    "is not in classes.csv nor already imported.",
                )
                continue
            user_id = row.get("userSourcedId")
            student = staff = None
            if role == "student":
                student = self.student_map.get(user_id)
                if student is None:
                    kind = "a staff member" if user_id in self.staff_map else "not a known student"
                    self.error(
                        file,
                        row,
                        "userSourcedId",
                        f"User {user_id!r} is enrolled as a student but is {kind}.",
                    )
                    continue
            elif role == "teacher":
                staff = self.staff_map.get(user_id)
                if staff is None:
                    self.error(
                        file,
                        row,
                        "userSourcedId",
                        f"User {user_id!r} is enrolled as a teacher but is not staff.",
                    )
                    continue
            else:
                self.warn(file, row, "role", f"Enrollments with role {role!r} are not imported.")
                continue
            begins = self.date(file, row, "beginDate", required=False)
            ends = self.date(file, row, "endDate", required=False)
            if begins and ends and begins > ends:
                self.error(file, row, "endDate", "endDate is before beginDate.")
                continue
            key = (section.pk, student.pk if student else -staff.pk)  # type: ignore[union-attr]
            if key in seen:
                # Ed-Fi's sample enrolls a student once per term in a year-long class: one
                # enrollment covers both, from the first begin date to the last end date.
                first_values = seen[key]
                self.warn(
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
        if self.bundle.mode("enrollments") == "bulk":
            present = {r.get("sourcedId") for r in all_rows}
            removed |= {sid for sid in existing if sid not in present}
        removed -= {row[_SOURCE_AT - 1] for row in creates} | {u.source_id for u in updates}
        enrollments_insert_rows(columns=_ENROLLMENT_FIELDS, rows=creates)
        enrollments_update_many(enrollments=updates, fields=_ENROLLMENT_FIELDS)
        deleted = enrollments_delete_for_district(district=self.district, source_ids=removed)
        self.counts["enrollments created"] += len(creates)
        self.counts["enrollments updated"] += len(updates)
        self.counts["enrollments removed"] += deleted
        self.step(len(all_rows), "Enrollments")

    # --- bookkeeping ----------------------------------------------------------------------

    def load_records(self) -> None:
        self.records = {
            (kind, source_id): stamp
            for kind, source_id, stamp in SourceRecord.objects.filter(
                district_id=self.district.pk
            ).values_list("kind", "source_id", "modified_at")
        }

    def save_records(self) -> None:
        latest: dict[tuple[str, str], datetime | None] = {}
        for kind, source_id, stamp in self.seen_records:
            latest[(kind, source_id)] = stamp
        changed = [
            SourceRecord(
                district_id=self.district.pk,
                kind=kind,
                source_id=source_id[:255],
                modified_at=stamp,
            )
            for (kind, source_id), stamp in latest.items()
            if stamp is not None and self.records.get((kind, source_id)) != stamp
        ]
        SourceRecord.objects.bulk_create(
            changed,
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["district_id", "kind", "source_id"],
            update_fields=["modified_at"],
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


def _split(raw: str) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set changed fields; foreign keys compare by id so that no related row is fetched."""
    changed = False
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            current = getattr(obj, field.attname)
            wanted = value.pk if value is not None else None
        else:
            current, wanted = getattr(obj, name), value
        if current != wanted:
            setattr(obj, name, value)
            changed = True
    return changed


@transaction.atomic
def oneroster_bundle_import(
    *,
    bundle: Bundle,
    district: District,
    actor: Any = None,
    report: Report = _noop,
) -> dict[str, Any]:
    """Apply `bundle` to `district`; raises OneRosterImportError (and writes nothing) when any
    row is wrong. Returns the counts of what changed and the warnings."""
    job = _Import(bundle, district, actor, report)
    job.load_records()
    report(0, job.total, "Starting")
    job.orgs()
    job.sessions()
    job.courses()
    job.classes()
    job.users()
    job.enrollments()
    if not job.issues:
        gradebook_import(job)
    if job.issues:
        raise OneRosterImportError(OneRosterErrorCode.INVALID, job.issues, job.warnings)
    job.save_records()
    counts = {k: v for k, v in sorted(job.counts.items()) if v}
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        subject=district,
        detail={"format": "oneroster", "version": bundle.version, **counts},
    )
    if counts:
        events.publish_on_commit(RosterImported(district_id=district.pk))
    return {
        "version": bundle.version,
        "counts": counts,
        "warnings": [w.as_dict() for w in job.warnings],
    }
