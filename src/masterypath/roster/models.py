"""People and classes: students, guardians, staff, courses, sections and enrollments.

Rows imported from a student information system keep the OneRoster `sourcedId` in `source_id`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from masterypath.common.models import BaseModel
from masterypath.continuum.models import Framework
from masterypath.schools.models import AcademicSession, District, School, grade_label


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    NON_BINARY = "X", "Non-binary / not specified"


class Disability(models.TextChoices):
    NONE = "", "None"
    IEP = "iep", "IEP (special education)"
    SECTION_504 = "504", "Section 504 plan"


class FederalRace(models.TextChoices):
    """The seven federal reporting categories (Hispanic/Latino of any race first)."""

    HISPANIC = "hispanic", "Hispanic or Latino"
    AMERICAN_INDIAN = "american_indian", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black or African American"
    PACIFIC_ISLANDER = "pacific_islander", "Native Hawaiian or Other Pacific Islander"
    WHITE = "white", "White"
    TWO_OR_MORE = "two_or_more", "Two or more races"


class Student(BaseModel):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="students")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="student",
    )
    source_id = models.CharField(max_length=255, blank=True, db_index=True)
    local_id = models.CharField(max_length=40)
    state_id = models.CharField(max_length=40, blank=True)
    given_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    birth_on = models.DateField(null=True, blank=True)
    grade_level = models.SmallIntegerField(help_text="Current grade (0 = kindergarten).")
    # Demographics (OneRoster demographics.csv; federal race/ethnicity with Hispanic/Latino).
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    is_hispanic_latino = models.BooleanField(default=False)
    is_american_indian = models.BooleanField(default=False)
    is_asian = models.BooleanField(default=False)
    is_black = models.BooleanField(default=False)
    is_pacific_islander = models.BooleanField(default=False)
    is_white = models.BooleanField(default=False)
    is_economically_disadvantaged = models.BooleanField(default=False)
    disability = models.CharField(max_length=3, choices=Disability.choices, blank=True)
    is_english_learner = models.BooleanField(default=False)
    home_language = models.CharField(max_length=60, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "local_id"], name="student_local_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(grade_level__gte=-1, grade_level__lte=13), name="student_grade_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.given_name} {self.family_name}"

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade_level)

    @property
    def federal_race(self) -> FederalRace | None:
        """The federal reporting category derived from the race/ethnicity flags."""
        if self.is_hispanic_latino:
            return FederalRace.HISPANIC
        races = [
            (self.is_american_indian, FederalRace.AMERICAN_INDIAN),
            (self.is_asian, FederalRace.ASIAN),
            (self.is_black, FederalRace.BLACK),
            (self.is_pacific_islander, FederalRace.PACIFIC_ISLANDER),
            (self.is_white, FederalRace.WHITE),
        ]
        chosen = [race for flag, race in races if flag]
        if len(chosen) > 1:
            return FederalRace.TWO_OR_MORE
        return chosen[0] if chosen else None


class Guardian(BaseModel):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="guardians")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guardian",
    )
    source_id = models.CharField(max_length=255, blank=True, db_index=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    preferred_language = models.CharField(max_length=8, default="en")
    students = models.ManyToManyField(Student, through="GuardianLink", related_name="guardians")

    class Meta:
        ordering = ["family_name", "given_name", "id"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Relationship(models.TextChoices):
    PARENT = "parent", "Parent"
    GUARDIAN = "guardian", "Legal guardian"
    GRANDPARENT = "grandparent", "Grandparent"
    RELATIVE = "relative", "Other relative"
    FOSTER = "foster", "Foster parent"


class GuardianLink(models.Model):
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="links")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardian_links")
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    is_primary_contact = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student"], name="guardian_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.relationship}) of {self.student}"


class StaffRole(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    COUNSELOR = "counselor", "Counselor"
    PRINCIPAL = "principal", "Principal"
    DISTRICT_ADMIN = "district_admin", "District administrator"


class Staff(BaseModel):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="staff")
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="Empty for district-level staff.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    source_id = models.CharField(max_length=255, blank=True, db_index=True)
    role = models.CharField(max_length=16, choices=StaffRole.choices)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name_plural = "staff"
        constraints = [
            models.CheckConstraint(
                condition=Q(role="district_admin") | Q(school__isnull=False),
                name="staff_school_required_below_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Course(BaseModel):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="courses")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="courses"
    )
    source_id = models.CharField(max_length=255, blank=True, db_index=True)
    code = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    subject = models.CharField(max_length=120, blank=True)
    grade_low = models.SmallIntegerField(null=True, blank=True)
    grade_high = models.SmallIntegerField(null=True, blank=True)
    frameworks = models.ManyToManyField(Framework, related_name="courses", blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class Section(BaseModel):
    """A class: one course taught in one term at one school."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sections")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="sections")
    session = models.ForeignKey(AcademicSession, on_delete=models.PROTECT, related_name="sections")
    source_id = models.CharField(max_length=255, blank=True, db_index=True)
    title = models.CharField(max_length=200)
    period = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class EnrollmentRole(models.TextChoices):
    STUDENT = "student", "Student"
    TEACHER = "teacher", "Teacher"


class Enrollment(BaseModel):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=8, choices=EnrollmentRole.choices)
    student = models.ForeignKey(
        Student, null=True, blank=True, on_delete=models.CASCADE, related_name="enrollments"
    )
    staff = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.CASCADE, related_name="enrollments"
    )
    source_id = models.CharField(max_length=255, blank=True, db_index=True)
    begins_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    is_primary = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="student", student__isnull=False, staff__isnull=True)
                    | Q(role="teacher", staff__isnull=False, student__isnull=True)
                ),
                name="enrollment_person_matches_role",
            ),
            models.UniqueConstraint(
                fields=["section", "student"],
                condition=Q(student__isnull=False),
                name="enrollment_student_once_per_section",
            ),
            models.UniqueConstraint(
                fields=["section", "staff"],
                condition=Q(staff__isnull=False),
                name="enrollment_staff_once_per_section",
            ),
            models.CheckConstraint(
                condition=Q(begins_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(begins_on__lte=models.F("ends_on")),
                name="enrollment_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student or self.staff} in {self.section} ({self.role})"
