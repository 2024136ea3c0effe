"""Writes of the roster: students, guardians and their links, staff, courses, sections and
enrollments.

Every write of a roster model goes through here (the OneRoster importer, the demo seed);
tests/architecture/ scans the tree for writes anywhere else. The functions take lists and
write them in a few statements, so a district of tens of thousands of people imports in
seconds. They run inside the caller's transaction (an import is one change, audited once by
the caller).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone

from masterypath.common.bulk import bulk_insert, db_datetime
from masterypath.continuum.models import Framework
from masterypath.roster.models import (
    Course,
    Enrollment,
    Guardian,
    GuardianLink,
    Section,
    Staff,
    Student,
)
from masterypath.schools.models import District

BATCH = 2000


# --- people -----------------------------------------------------------------------------------


def students_create_many(*, students: list[Student]) -> list[Student]:
    return Student.objects.bulk_create(students, batch_size=BATCH)


def students_update_many(*, students: list[Student], fields: Sequence[str]) -> int:
    """Save `fields` of students the caller changed."""
    if not students:
        return 0
    return Student.objects.bulk_update(students, list(fields), batch_size=BATCH)


def students_deactivate(*, district: District, source_ids: Iterable[str]) -> int:
    """Mark the active students of `district` with these source ids inactive (their records
    stay); how many changed."""
    return Student.objects.filter(
        district=district, source_id__in=list(source_ids), is_active=True
    ).update(is_active=False)


def staff_create_many(*, staff: list[Staff]) -> list[Staff]:
    return Staff.objects.bulk_create(staff, batch_size=BATCH)


def staff_save(*, staff: Staff) -> Staff:
    """Save a staff member whose attributes the caller changed."""
    staff.save()
    return staff


def guardians_create_many(*, guardians: list[Guardian]) -> list[Guardian]:
    return Guardian.objects.bulk_create(guardians, batch_size=BATCH)


def guardians_update_many(*, guardians: list[Guardian], fields: Sequence[str]) -> int:
    if not guardians:
        return 0
    return Guardian.objects.bulk_update(guardians, list(fields), batch_size=BATCH)


def guardian_links_create_many(*, links: list[GuardianLink]) -> list[GuardianLink]:
    return GuardianLink.objects.bulk_create(links, batch_size=BATCH)


# --- courses and sections ---------------------------------------------------------------------


def courses_create_many(
    *, courses: list[Course], frameworks: dict[int, list[Framework]] | None = None
) -> list[Course]:
    """Save new courses; `frameworks` maps a course's position in `courses` to the frameworks
    it teaches."""
    created = Course.objects.bulk_create(courses, batch_size=BATCH)
    if frameworks:
        through = Course.frameworks.through
        through.objects.bulk_create(
            [
                through(course_id=courses[index].pk, framework_id=framework.pk)
                for index, taught in sorted(frameworks.items())
                for framework in taught
            ],
            batch_size=BATCH,
        )
    return created


def course_save(*, course: Course) -> Course:
    """Save a course whose attributes the caller changed."""
    course.save()
    return course


def sections_create_many(*, sections: list[Section]) -> list[Section]:
    return Section.objects.bulk_create(sections, batch_size=BATCH)


def section_save(*, section: Section) -> Section:
    """Save a section whose attributes the caller changed."""
    section.save()
    return section


# --- enrollments ------------------------------------------------------------------------------


def enrollments_create_many(*, enrollments: list[Enrollment]) -> list[Enrollment]:
    return Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)


def enrollments_insert_rows(*, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert enrollments given as plain value tuples in `columns` order (COPY on
    PostgreSQL: a district holds hundreds of thousands); stamps both timestamps."""
    now = db_datetime(timezone.now())
    return bulk_insert(
        Enrollment, [*columns, "created_at", "updated_at"], ((*row, now, now) for row in rows)
    )


def enrollments_update_many(*, enrollments: list[Enrollment], fields: Sequence[str]) -> int:
    if not enrollments:
        return 0
    return Enrollment.objects.bulk_update(enrollments, list(fields), batch_size=BATCH)


def enrollments_delete_for_district(*, district: District, source_ids: Iterable[str]) -> int:
    """Remove the enrollments of `district`'s sections with these source ids; how many."""
    ids = list(source_ids)
    if not ids:
        return 0
    deleted, _by_model = Enrollment.objects.filter(
        section__school__district=district, source_id__in=ids
    ).delete()
    return deleted


# --- erasure ----------------------------------------------------------------------------------

ERASED_LOCAL_ID_PREFIX = "erased-"
ERASED_GIVEN_NAME = "Erased"
ERASED_FAMILY_NAME = "student"


def is_erased(student: Student) -> bool:
    """Whether this student's personal fields have been erased already."""
    return student.local_id == f"{ERASED_LOCAL_ID_PREFIX}{student.pk}"


def student_personal_erase(*, student: Student) -> int:
    """Replace every personal field of `student` by a neutral value and remove the links to
    guardians; the row (school, grade, enrollments) stays so counts and averages do not move.
    Returns how many guardian links were removed. Runs in the caller's transaction."""
    student.source_id = ""
    student.local_id = f"{ERASED_LOCAL_ID_PREFIX}{student.pk}"
    student.state_id = ""
    student.given_name = ERASED_GIVEN_NAME
    student.middle_name = ""
    student.family_name = ERASED_FAMILY_NAME
    student.preferred_name = ""
    student.birth_on = None
    student.sex = ""
    student.is_hispanic_latino = False
    student.is_american_indian = False
    student.is_asian = False
    student.is_black = False
    student.is_pacific_islander = False
    student.is_white = False
    student.is_economically_disadvantaged = False
    student.disability = ""
    student.is_english_learner = False
    student.home_language = ""
    student.is_active = False
    student.user = None
    student.save()
    removed, _ = GuardianLink.objects.filter(student=student).delete()
    return removed
