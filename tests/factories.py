"""factory_boy factories for the domain model."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from masterypath.accounts.models import Role, User
from masterypath.continuum.models import (
    Competency,
    Domain,
    Framework,
    LearningTarget,
    PerformanceLevel,
    PerformanceScale,
)
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.roster.models import (
    Course,
    Enrollment,
    EnrollmentRole,
    Guardian,
    GuardianLink,
    Section,
    Staff,
    StaffRole,
    Student,
)
from masterypath.schools.models import AcademicSession, District, School, SessionType

PASSWORD = "correct-horse-battery"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"District {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    grade_low = 0
    grade_high = 5


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicSession

    district = factory.SubFactory(DistrictFactory)
    title = "School year"
    session_type = SessionType.SCHOOL_YEAR
    starts_on = date(2026, 8, 19)
    ends_on = date(2027, 6, 11)
    school_year = 2027


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    role = ""

    @factory.post_generation
    def persist(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def] # noqa: N805
        if create:
            obj.save()


class ScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceScale
        skip_postgeneration_save = True

    name = "1-4"

    @factory.post_generation
    def levels(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def] # noqa: N805
        if not create:
            return
        for value, label in enumerate(["Beginning", "Developing", "Proficient", "Advanced"], 1):
            PerformanceLevel.objects.create(
                scale=obj, value=Decimal(value), label=label, is_proficient=value >= 3
            )


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    title = factory.Sequence(lambda n: f"Framework {n}")
    scale = factory.SubFactory(ScaleFactory)


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    title = factory.Sequence(lambda n: f"Domain {n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    domain = factory.SubFactory(DomainFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    title = factory.Sequence(lambda n: f"Competency {n}")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningTarget

    competency = factory.SubFactory(CompetencyFactory)
    code = factory.Sequence(lambda n: f"T.{n}")
    statement = "I can do the thing."
    level = 4


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    school = factory.SubFactory(SchoolFactory)
    district = factory.SelfAttribute("school.district")
    local_id = factory.Sequence(lambda n: f"{5000 + n}")
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    grade_level = 4
    user = factory.SubFactory(UserFactory, role=Role.STUDENT)


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    district = factory.SubFactory(DistrictFactory)
    given_name = "Pat"
    family_name = factory.Sequence(lambda n: f"Parent{n}")
    user = factory.SubFactory(UserFactory, role=Role.GUARDIAN)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    school = factory.SubFactory(SchoolFactory)
    district = factory.SelfAttribute("school.district")
    role = StaffRole.TEACHER
    given_name = "Alex"
    family_name = factory.Sequence(lambda n: f"Teacher{n}")
    user = factory.SubFactory(UserFactory, role=factory.SelfAttribute("..role"))


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"MATH-{n}")
    title = "Mathematics 4"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    school = factory.SubFactory(SchoolFactory)
    course = factory.SubFactory(CourseFactory, district=factory.SelfAttribute("..school.district"))
    session = factory.SubFactory(
        SessionFactory, district=factory.SelfAttribute("..school.district")
    )
    title = factory.Sequence(lambda n: f"Section {n}")


def enroll(section: Section, *people: Student | Staff) -> None:
    for person in people:
        if isinstance(person, Student):
            Enrollment.objects.create(section=section, role=EnrollmentRole.STUDENT, student=person)
        else:
            Enrollment.objects.create(section=section, role=EnrollmentRole.TEACHER, staff=person)


def link_guardian(guardian: Guardian, student: Student) -> None:
    GuardianLink.objects.create(guardian=guardian, student=student, relationship="parent")


def add_evidence(
    student: Student,
    target: LearningTarget,
    score: int,
    days_ago: int = 1,
    kind: str = EvidenceKind.FORMATIVE,
    **fields: object,
) -> Evidence:
    """Store evidence directly and update mastery, as the evidence.recorded event would."""
    from masterypath.mastery.services import mastery_update_for_evidence

    evidence = Evidence.objects.create(
        student=student,
        target=target,
        score=Decimal(score),
        observed_at=timezone.now() - timedelta(days=days_ago),
        kind=kind,
        **fields,
    )
    mastery_update_for_evidence(evidence_id=evidence.pk)
    return evidence
