"""Export a district's roster and evidence as a OneRoster 1.2 CSV bundle (bulk).

Rows keep their `sourcedId`; rows authored here get `mp-<kind>-<id>`. Each piece of evidence
is one result with one `resultLearningObjectiveIds` row naming its target (by CASE identifier
when the target has one, by code otherwise), so masterypath's importer reads the bundle back
into the same people, classes and scores.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from masterypath.evidence.models import Evidence, EvidenceKind, EvidenceSource
from masterypath.interop.oneroster.ids import export_sid
from masterypath.roster.models import (
    Course,
    Enrollment,
    Guardian,
    GuardianLink,
    Section,
    Sex,
    Staff,
    StaffRole,
    Student,
)
from masterypath.schools.models import AcademicSession, District, School

SEX: dict[str, str] = {Sex.FEMALE: "female", Sex.MALE: "male", Sex.NON_BINARY: "other"}
STAFF_ROLE = {
    StaffRole.TEACHER: "teacher",
    StaffRole.COUNSELOR: "counselor",
    StaffRole.PRINCIPAL: "principal",
    StaffRole.DISTRICT_ADMIN: "districtAdministrator",
}
FILES = (
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "roles",
    "enrollments",
    "demographics",
    "lineItems",
    "results",
    "resultLearningObjectiveIds",
)


def _sid(obj: Any, kind: str) -> str:
    return export_sid(obj, kind)


def _grade(grade: int | None) -> str:
    if grade is None:
        return ""
    if grade == 0:
        return "KG"
    if grade < 0:
        return "PK"
    return f"{grade:02d}"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def oneroster_district_export(*, district: District) -> dict[str, list[list[str]]]:
    """File name (without .csv) -> rows (header first) of the district's 1.2 bulk bundle."""
    district_sid = _sid(district, "district")
    schools = list(School.objects.filter(district=district))
    school_sid = {s.pk: _sid(s, "school") for s in schools}
    files: dict[str, list[list[str]]] = {}
    files["orgs"] = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "name",
            "type",
            "identifier",
            "parentSourcedId",
        ],
        [district_sid, "", "", district.name, "district", "", ""],
    ]
    files["orgs"] += [
        [school_sid[s.pk], "", "", s.name, "school", "", district_sid] for s in schools
    ]
    sessions = list(AcademicSession.objects.filter(district=district).select_related("parent"))
    files["academicSessions"] = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "title",
            "type",
            "startDate",
            "endDate",
            "parentSourcedId",
            "schoolYear",
        ]
    ]
    files["academicSessions"] += [
        [
            _sid(s, "session"),
            "",
            "",
            s.title,
            s.session_type,
            s.starts_on.isoformat(),
            s.ends_on.isoformat(),
            _sid(s.parent, "session") if s.parent else "",
            str(s.school_year),
        ]
        for s in sessions
    ]
    files["courses"] = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "schoolYearSourcedId",
            "title",
            "courseCode",
            "grades",
            "orgSourcedId",
            "subjects",
            "subjectCodes",
        ]
    ]
    for course in Course.objects.filter(district=district):
        grades = ""
        if course.grade_low is not None:
            high = course.grade_high if course.grade_high is not None else course.grade_low
            grades = ",".join(_grade(g) for g in range(course.grade_low, high + 1))
        files["courses"].append(
            [
                _sid(course, "course"),
                "",
                "",
                "",
                course.title,
                course.code,
                grades,
                school_sid.get(course.school_id, district_sid)
                if course.school_id
                else district_sid,
                course.subject,
                "",
            ]
        )
    files["classes"] = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "title",
            "grades",
            "courseSourcedId",
            "classCode",
            "classType",
            "location",
            "schoolSourcedId",
            "termSourcedIds",
            "subjects",
            "subjectCodes",
            "periods",
        ]
    ]
    sections = Section.objects.filter(school__district=district).select_related("course", "session")
    files["classes"] += [
        [
            _sid(s, "class"),
            "",
            "",
            s.title,
            "",
            _sid(s.course, "course"),
            "",
            "scheduled",
            "",
            school_sid[s.school_id],
            _sid(s.session, "session"),
            "",
            "",
            s.period,
        ]
        for s in sections
    ]
    user_header = [
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ]
    users: list[list[str]] = [user_header]
    roles: list[list[str]] = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "userSourcedId",
            "roleType",
            "role",
            "beginDate",
            "endDate",
            "orgSourcedId",
            "userProfileSourcedId",
        ]
    ]
    links = list(
        GuardianLink.objects.filter(guardian__district=district).select_related(
            "guardian", "student"
        )
    )
    agents_of_student: dict[int, list[str]] = {}
    for link in links:
        agents_of_student.setdefault(link.student_id, []).append(_sid(link.guardian, "guardian"))
    students = list(Student.objects.filter(district=district))
    student_sid = {s.pk: _sid(s, "student") for s in students}
    demographics: list[list[str]] = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "birthDate",
            "sex",
            "americanIndianOrAlaskaNative",
            "asian",
            "blackOrAfricanAmerican",
            "nativeHawaiianOrOtherPacificIslander",
            "white",
            "demographicRaceTwoOrMoreRaces",
            "hispanicOrLatinoEthnicity",
            "countryOfBirthCode",
            "stateOfBirthAbbreviation",
            "cityOfBirth",
            "publicSchoolResidenceStatus",
        ]
    ]
    for student in students:
        sid = student_sid[student.pk]
        org = school_sid[student.school_id]
        users.append(
            [
                sid,
                "",
                "",
                _bool(student.is_active),
                "",
                "",
                student.given_name,
                student.family_name,
                student.middle_name,
                student.local_id,
                "",
                "",
                "",
                ",".join(sorted(agents_of_student.get(student.pk, []))),
                _grade(student.grade_level),
                "",
                "",
                student.preferred_name,
                "",
                "",
                org,
                "",
            ]
        )
        roles.append([f"{sid}-role", "", "", sid, "primary", "student", "", "", org, ""])
        races = [
            student.is_american_indian,
            student.is_asian,
            student.is_black,
            student.is_pacific_islander,
            student.is_white,
        ]
        demographics.append(
            [
                sid,
                "",
                "",
                student.birth_on.isoformat() if student.birth_on else "",
                SEX.get(student.sex, ""),
                *(_bool(r) for r in races),
                _bool(sum(races) > 1),
                _bool(student.is_hispanic_latino),
                "",
                "",
                "",
                "",
            ]
        )
    for person in Staff.objects.filter(district=district):
        sid = _sid(person, "staff")
        org = school_sid.get(person.school_id, district_sid) if person.school_id else district_sid
        users.append(
            [
                sid,
                "",
                "",
                "true",
                "",
                "",
                person.given_name,
                person.family_name,
                "",
                "",
                person.email,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                org,
                "",
            ]
        )
        roles.append(
            [
                f"{sid}-role",
                "",
                "",
                sid,
                "primary",
                STAFF_ROLE[StaffRole(person.role)],
                "",
                "",
                org,
                "",
            ]
        )
    guardians = list(Guardian.objects.filter(district=district))
    children: dict[int, list[str]] = {}
    for link in links:
        children.setdefault(link.guardian_id, []).append(student_sid[link.student_id])
    for guardian in guardians:
        sid = _sid(guardian, "guardian")
        users.append(
            [
                sid,
                "",
                "",
                "true",
                "",
                "",
                guardian.given_name,
                guardian.family_name,
                "",
                "",
                guardian.email,
                "",
                guardian.phone,
                ",".join(sorted(children.get(guardian.pk, []))),
                "",
                "",
                "",
                "",
                "",
                "",
                district_sid,
                "",
            ]
        )
        roles.append([f"{sid}-role", "", "", sid, "primary", "parent", "", "", district_sid, ""])
    files["users"] = users
    files["roles"] = roles
    files["demographics"] = demographics
    files["enrollments"] = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "classSourcedId",
            "schoolSourcedId",
            "userSourcedId",
            "role",
            "primary",
            "beginDate",
            "endDate",
        ]
    ]
    for enrollment in Enrollment.objects.filter(section__school__district=district).select_related(
        "section", "student", "staff"
    ):
        member = enrollment.student or enrollment.staff
        kind = "student" if enrollment.student else "staff"
        files["enrollments"].append(
            [
                _sid(enrollment, "enrollment"),
                "",
                "",
                _sid(enrollment.section, "class"),
                school_sid[enrollment.section.school_id],
                _sid(member, kind),
                enrollment.role,
                _bool(enrollment.is_primary),
                enrollment.begins_on.isoformat() if enrollment.begins_on else "",
                enrollment.ends_on.isoformat() if enrollment.ends_on else "",
            ]
        )
    _results(district, files, student_sid)
    return files


def _results(
    district: District, files: dict[str, list[list[str]]], student_sid: dict[int, str]
) -> None:
    line_items: list[list[str]] = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "title",
            "description",
            "classSourcedId",
            "categorySourcedId",
            "gradingPeriodSourcedId",
            "assignDate",
            "dueDate",
            "resultValueMin",
            "resultValueMax",
        ]
    ]
    results: list[list[str]] = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "lineItemSourcedId",
            "studentSourcedId",
            "scoreStatus",
            "score",
            "scoreDate",
            "comment",
        ]
    ]
    objectives: list[list[str]] = [["resultSourcedId", "source", "learningObjectiveId", "score"]]
    seen_items: set[str] = set()
    kinds_used: set[EvidenceKind] = set()
    prefix = f"d{district.pk}:"
    evidence = (
        Evidence.objects.filter(student__district=district, is_voided=False)
        .select_related("target__competency__domain__framework__scale", "assessment__section")
        .order_by("id")
    )
    for item in evidence:
        day = timezone.localtime(item.observed_at).date().isoformat()
        if item.source == EvidenceSource.ONEROSTER and item.source_id.startswith(prefix):
            result_sid = item.source_id[len(prefix) :].rsplit(":", 1)[0]
        else:
            result_sid = f"mp-evidence-{item.pk}"
        assessment = item.assessment
        if assessment is not None:
            item_sid = (
                assessment.source_id
                if assessment.source == EvidenceSource.ONEROSTER and assessment.source_id
                else f"mp-assessment-{assessment.pk}"
            )
            title, due = assessment.title, assessment.assessed_on.isoformat()
            section = assessment.section
        else:
            item_sid, title, due, section = (
                f"mp-lineitem-{item.pk}",
                item.get_kind_display(),
                day,
                None,
            )
        if item_sid not in seen_items:
            seen_items.add(item_sid)
            kind = EvidenceKind(assessment.kind if assessment is not None else item.kind)
            kinds_used.add(kind)
            scale = item.target.competency.domain.framework.scale
            line_items.append(
                [
                    item_sid,
                    "",
                    "",
                    title,
                    "",
                    _sid(section, "class") if section else "",
                    category_sid(kind),
                    "",
                    due,
                    due,
                    str(scale.minimum),
                    str(scale.maximum),
                ]
            )
        results.append(
            [
                result_sid,
                "",
                "",
                item_sid,
                student_sid[item.student_id],
                "fully graded",
                str(item.score),
                day,
                item.comment,
            ]
        )
        target = item.target
        objectives.append(
            [
                result_sid,
                "case" if target.case_uuid else "unknown",
                target.case_uuid or target.code,
                str(item.score),
            ]
        )
    # One category per kind of evidence, so that a re-import keeps each score's kind.
    files["categories"] = [["sourcedId", "status", "dateLastModified", "title", "weight"]] + [
        [category_sid(kind), "", "", str(kind.label), ""] for kind in sorted(kinds_used)
    ]
    files["lineItems"] = line_items
    files["results"] = results
    files["resultLearningObjectiveIds"] = objectives


def category_sid(kind: EvidenceKind) -> str:
    return f"mp-category-{kind.value}"


def manifest_rows(names: Iterable[str]) -> list[list[str]]:
    rows = [
        ["propertyName", "value"],
        ["manifest.version", "1.0"],
        ["oneroster.version", "1.2"],
        ["source.systemName", "masterypath"],
        ["source.systemCode", "masterypath"],
    ]
    rows += [[f"file.{name}", "bulk"] for name in names]
    return rows


def oneroster_district_export_zip(*, district: District) -> bytes:
    """The bundle as the bytes of a zip file."""
    files = oneroster_district_export(district=district)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in {"manifest": manifest_rows(files), **files}.items():
            text = io.StringIO()
            csv.writer(text, lineterminator="\n").writerows(rows)
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()
