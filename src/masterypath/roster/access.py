"""Who may see which student and section.

A student sees only themself; a guardian only linked students; a teacher the students of the
sections they teach; a counselor or principal their school; a district admin the district.
Guards raise Http404 for anything the actor may not see, so a hidden record looks absent.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from masterypath.accounts.models import Role
from masterypath.roster.models import EnrollmentRole, Section, Staff, Student
from masterypath.schools.models import School


def _staff_of(user: Any) -> Staff | None:
    try:
        staff: Staff = user.staff
    except Staff.DoesNotExist:
        return None
    return staff


def district_administered_by(user: Any) -> int | None:
    """The id of the district `user` administers, or None when they are not a district admin."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.DISTRICT_ADMIN:
        return None
    staff = _staff_of(user)
    return staff.district_id if staff is not None else None


def administers_district(user: Any, district_id: int) -> bool:
    """Whether `user` is a district admin of this district."""
    return district_administered_by(user) == district_id


def students_visible_to(user: Any) -> QuerySet[Student]:
    """Every student `user` may see, as a queryset to filter further."""
    students = Student.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return students.none()
    role = user.role
    if role == Role.STUDENT:
        return students.filter(user=user)
    if role == Role.GUARDIAN:
        return students.filter(guardian_links__guardian__user=user)
    staff = _staff_of(user)
    if staff is None:
        return students.all() if user.is_superuser else students.none()
    if role == Role.TEACHER:
        return students.filter(enrollments__section__in=sections_taught_by(staff)).distinct()
    if role in {Role.COUNSELOR, Role.PRINCIPAL}:
        # A school-less leader's None becomes IS NULL, which matches no (non-null) school_id.
        return students.filter(school_id=staff.school_id)  # type: ignore[misc]
    if role == Role.DISTRICT_ADMIN:
        return students.filter(district_id=staff.district_id)
    return students.none()


def sections_taught_by(staff: Staff) -> QuerySet[Section]:
    return Section.objects.filter(
        enrollments__staff=staff, enrollments__role=EnrollmentRole.TEACHER
    )


def sections_visible_to(user: Any) -> QuerySet[Section]:
    """Sections whose roster `user` may see: taught ones for teachers, the school's or the
    district's for leaders. A roster names classmates, so students and guardians see none."""
    sections = Section.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return sections.none()
    role = user.role
    if role in {Role.STUDENT, Role.GUARDIAN}:
        return sections.none()
    staff = _staff_of(user)
    if staff is None:
        return sections.all() if user.is_superuser else sections.none()
    if role == Role.TEACHER:
        return sections_taught_by(staff)
    if role in {Role.COUNSELOR, Role.PRINCIPAL}:
        return sections.filter(school_id=staff.school_id)  # type: ignore[misc]  # as above
    if role == Role.DISTRICT_ADMIN:
        return sections.filter(school__district_id=staff.district_id)
    return sections.none()


def access_student_by_id(user: Any, student_id: int) -> Student:
    """The student with this id if `user` may see them; Http404 otherwise."""
    student = students_visible_to(user).filter(pk=student_id).select_related("school").first()
    if student is None:
        raise Http404("No such student.")
    return student


def access_section_by_id(user: Any, section_id: int) -> Section:
    """The section with this id if `user` may see its roster; Http404 otherwise."""
    section = (
        sections_visible_to(user)
        .filter(pk=section_id)
        .select_related("course", "school", "session")
        .first()
    )
    if section is None:
        raise Http404("No such section.")
    return section


def can_record_evidence_for(user: Any, student: Student) -> bool:
    """Teachers record evidence for the students they teach; leaders for their school."""
    if user.role not in {Role.TEACHER, Role.PRINCIPAL, Role.DISTRICT_ADMIN}:
        return False
    return students_visible_to(user).filter(pk=student.pk).exists()


def schools_visible_to(user: Any) -> QuerySet[School]:
    """Schools whose dashboards `user` may see: a counselor's or principal's own school, every
    school of a district admin's district (all schools for an operator without a person);
    none for teachers, students and guardians."""
    schools = School.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return schools.none()
    staff = _staff_of(user)
    if staff is None:
        return schools if user.is_superuser else schools.none()
    if user.role in {Role.COUNSELOR, Role.PRINCIPAL}:
        return schools.filter(pk=staff.school_id)  # type: ignore[misc]  # None matches nothing
    if user.role == Role.DISTRICT_ADMIN:
        return schools.filter(district_id=staff.district_id)
    return schools.none()


def access_school_by_id(user: Any, school_id: int) -> School:
    """The school with this id if `user` may see its dashboards; Http404 otherwise."""
    school = schools_visible_to(user).filter(pk=school_id).select_related("district").first()
    if school is None:
        raise Http404("No such school.")
    return school
