"""Who may see which student and section.

A student sees only themself; a guardian only linked students; a teacher the students of the
sections they teach; a counselor or principal their school; a district admin the district.
Guards raise Http404 for anything the actor may not see, so a hidden record looks absent.

A teacher's view follows enrollments in time: an enrollment (the student's in the section, and
the teacher's own) counts while it is active and for `TEACHER_GRACE_DAYS` (30 by default) after
its `ends_on`, so that grades can be finished; then the student drops out of the teacher's view.
An enrollment without an end date is active until the roster ends it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from masterypath.accounts.actors import Actor
from masterypath.accounts.models import Role, User
from masterypath.roster.models import EnrollmentRole, Section, Staff, Student
from masterypath.schools.models import School

SCORING_ROLES = frozenset({Role.TEACHER, Role.PRINCIPAL, Role.DISTRICT_ADMIN})


def active_user(actor: Actor | None) -> User | None:
    """The signed-in, active user behind `actor`; None for anyone else."""
    if isinstance(actor, User) and actor.is_authenticated and actor.is_active:
        return actor
    return None


def _staff_of(user: User) -> Staff | None:
    try:
        staff: Staff = user.staff
    except Staff.DoesNotExist:
        return None
    return staff


def enrollment_current_q(prefix: str = "", *, on: date | None = None) -> Q:
    """Enrollments (reached through `prefix`, e.g. "enrollments__") that are active on `on`
    (today) or ended at most the grace period before it."""
    day = on or timezone.localdate()
    cutoff = day - timedelta(days=settings.TEACHER_GRACE_DAYS)
    return Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": cutoff})


def enrolled_in_section_q(section: Section | int, *, prefix: str = "") -> Q:
    """Students (reached through `prefix`) on `section`'s roster now: enrolled as students,
    the enrollment active or within the grace period. Use it in one `filter()` call, so that
    every condition applies to the same enrollment."""
    return Q(
        **{f"{prefix}enrollments__section": section},
        **{f"{prefix}enrollments__role": EnrollmentRole.STUDENT},
    ) & enrollment_current_q(f"{prefix}enrollments__")


def district_administered_by(actor: Actor | None) -> int | None:
    """The id of the district `actor` administers, or None when they are not a district admin."""
    user = active_user(actor)
    if user is None or user.role != Role.DISTRICT_ADMIN:
        return None
    staff = _staff_of(user)
    return staff.district_id if staff is not None else None


def administers_district(actor: Actor, district_id: int) -> bool:
    """Whether `actor` is a district admin of this district."""
    return district_administered_by(actor) == district_id


def students_visible_to(actor: Actor | None) -> QuerySet[Student]:
    """Every student `actor` may see, as a queryset to filter further."""
    students = Student.objects.all()
    user = active_user(actor)
    if user is None:
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
        return students.filter(
            Q(enrollments__section__in=sections_taught_by(staff))
            & Q(enrollments__role=EnrollmentRole.STUDENT)
            & enrollment_current_q("enrollments__")
        ).distinct()
    if role in {Role.COUNSELOR, Role.PRINCIPAL}:
        # A school-less leader's None becomes IS NULL, which matches no (non-null) school_id.
        return students.filter(school_id=staff.school_id)  # type: ignore[misc]
    if role == Role.DISTRICT_ADMIN:
        return students.filter(district_id=staff.district_id)
    return students.none()


def sections_taught_by(staff: Staff) -> QuerySet[Section]:
    """Sections `staff` teaches now, or stopped teaching within the grace period."""
    return Section.objects.filter(
        Q(enrollments__staff=staff)
        & Q(enrollments__role=EnrollmentRole.TEACHER)
        & enrollment_current_q("enrollments__")
    )


def sections_visible_to(actor: Actor | None) -> QuerySet[Section]:
    """Sections whose roster `actor` may see: taught ones for teachers, the school's or the
    district's for leaders. A roster names classmates, so students and guardians see none.

    A teacher's sections are found through their own enrollment; filter or annotate the
    result by id (`pk__in`) before counting other enrollments, or the count reuses that join.
    """
    sections = Section.objects.all()
    user = active_user(actor)
    if user is None:
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


def access_student_by_id(actor: Actor, student_id: int) -> Student:
    """The student with this id if `actor` may see them; Http404 otherwise."""
    student = students_visible_to(actor).filter(pk=student_id).select_related("school").first()
    if student is None:
        raise Http404("No such student.")
    return student


def access_own_student(actor: Actor) -> Student:
    """The student record of a student's own login; Http404 for every other login."""
    user = active_user(actor)
    if user is None or user.role != Role.STUDENT:
        raise Http404("Students only.")
    student = Student.objects.filter(user=user).select_related("school").first()
    if student is None:
        raise Http404("Students only.")
    return student


def access_section_by_id(actor: Actor, section_id: int) -> Section:
    """The section with this id if `actor` may see its roster; Http404 otherwise."""
    section = (
        sections_visible_to(actor)
        .filter(pk=section_id)
        .select_related("course", "school", "session")
        .first()
    )
    if section is None:
        raise Http404("No such section.")
    return section


def access_section_student_by_id(section: Section, student_id: int) -> Student:
    """A student enrolled in `section` (a section the caller already may see); Http404 for
    anyone else."""
    student = Student.objects.filter(enrolled_in_section_q(section), pk=student_id).first()
    if student is None:
        raise Http404("No such student in this section.")
    return student


def can_record_evidence_for(actor: Actor, student: Student) -> bool:
    """Teachers record evidence for the students they teach; leaders for their school."""
    user = active_user(actor)
    if user is None or user.role not in SCORING_ROLES:
        return False
    return students_visible_to(user).filter(pk=student.pk).exists()


def schools_visible_to(actor: Actor | None) -> QuerySet[School]:
    """Schools whose dashboards `actor` may see: a counselor's or principal's own school, every
    school of a district admin's district (all schools for an operator without a person);
    none for teachers, students and guardians."""
    schools = School.objects.all()
    user = active_user(actor)
    if user is None:
        return schools.none()
    staff = _staff_of(user)
    if staff is None:
        return schools if user.is_superuser else schools.none()
    if user.role in {Role.COUNSELOR, Role.PRINCIPAL}:
        return schools.filter(pk=staff.school_id)  # type: ignore[misc]  # None matches nothing
    if user.role == Role.DISTRICT_ADMIN:
        return schools.filter(district_id=staff.district_id)
    return schools.none()


def access_school_by_id(actor: Actor | None, school_id: int) -> School:
    """The school with this id if `actor` may see its dashboards; Http404 otherwise."""
    school = schools_visible_to(actor).filter(pk=school_id).select_related("district").first()
    if school is None:
        raise Http404("No such school.")
    return school
