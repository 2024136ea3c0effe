"""Organisation: districts, schools and academic sessions (OneRoster orgs and academicSessions)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from masterypath.common.models import BaseModel

# Reports hide student groups smaller than this unless a district sets its own size.
DEFAULT_MIN_GROUP_SIZE = 10
MIN_GROUP_SIZE_RANGE = (5, 100)

# Grade levels as integers along the continuum: -1 pre-K, 0 kindergarten, 1..12 grades.
GRADE_MIN = -1
GRADE_MAX = 12


def grade_label(grade: int) -> str:
    """'K' for 0, 'PK' for -1, the number otherwise (OneRoster uses KG and 01..12)."""
    if grade == 0:
        return "K"
    if grade == -1:
        return "PK"
    return str(grade)


class District(BaseModel):
    name = models.CharField(max_length=200)
    source_id = models.CharField(max_length=255, blank=True, db_index=True)
    state_code = models.CharField(max_length=2, blank=True)
    min_group_size = models.PositiveSmallIntegerField(
        default=DEFAULT_MIN_GROUP_SIZE,
        validators=[
            MinValueValidator(MIN_GROUP_SIZE_RANGE[0]),
            MaxValueValidator(MIN_GROUP_SIZE_RANGE[1]),
        ],
        help_text="Reports hide any group of students smaller than this.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(BaseModel):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    source_id = models.CharField(max_length=255, blank=True, db_index=True)
    grade_low = models.SmallIntegerField(help_text="Lowest grade served (0 = kindergarten).")
    grade_high = models.SmallIntegerField(help_text="Highest grade served.")

    class Meta:
        ordering = ["grade_low", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_low__lte=models.F("grade_high")), name="school_grade_span_ordered"
            ),
            models.CheckConstraint(
                condition=Q(grade_low__gte=GRADE_MIN) & Q(grade_high__lte=GRADE_MAX),
                name="school_grade_span_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def grade_span(self) -> str:
        return f"{grade_label(self.grade_low)}-{grade_label(self.grade_high)}"


class SessionType(models.TextChoices):
    """OneRoster 1.2 academicSession types."""

    SCHOOL_YEAR = "schoolYear", "School year"
    SEMESTER = "semester", "Semester"
    TERM = "term", "Term"
    GRADING_PERIOD = "gradingPeriod", "Grading period"


class AcademicSession(BaseModel):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    source_id = models.CharField(max_length=255, blank=True, db_index=True)
    session_type = models.CharField(max_length=16, choices=SessionType.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    school_year = models.PositiveSmallIntegerField(help_text="The year the school year ends in.")

    class Meta:
        ordering = ["starts_on", "session_type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="session_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title
