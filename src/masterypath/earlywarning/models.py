"""Exception lists: each district's thresholds and the hits of its last computation.

Hits are derived data (rebuilt from placements and evidence by `exceptions_recompute`, in a
background job); `first_seen_on` survives a rebuild, so that a hit is new only once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from masterypath.continuum.models import Domain
from masterypath.engine.exceptions import RULE_TITLES, Rule
from masterypath.roster.models import Student
from masterypath.schools.models import District, School

RULE_CHOICES = [(rule.value, RULE_TITLES[rule]) for rule in Rule]


class EarlyWarningSettings(models.Model):
    """A district's own thresholds; names and defaults in engine.exceptions.Thresholds."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="+")
    thresholds = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "early warning settings"

    def __str__(self) -> str:
        return f"Early warning thresholds of {self.district_id}"


class ExceptionRun(models.Model):
    """When a district's exception lists were last computed, and as of which day."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    computed_at = models.DateTimeField()
    counts = models.JSONField(default=dict)
    # Per school id: students, and how many gained one level or more this school year and
    # over the last twelve months (engine.exceptions.level_gains).
    gains = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Exceptions of {self.district_id} as of {self.as_of}"


class ExceptionHit(models.Model):
    """One rule met by one student, in one domain or (domain empty) as a whole."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=24, choices=RULE_CHOICES)
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    grade_level = models.SmallIntegerField()
    detected_on = models.DateField(help_text="Since when the rule holds.")
    first_seen_on = models.DateField(help_text="The computation that first found it.")
    need = models.FloatField(help_text="Larger: more support needed (orders the lists).")
    sentence = models.TextField()
    facts = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["district", "rule"]),
            models.Index(fields=["school", "rule"]),
            models.Index(fields=["student"]),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.rule} {self.domain_id or ''}"


class Alert(models.Model):
    """A staff member told that one of their students newly meets a rule: once per student,
    rule, area and school year (``period``)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=24, choices=RULE_CHOICES)
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The domain id, or "student" for a student-wide rule (a key the unique constraint can
    # compare on every database, which a null domain is not).
    area_key = models.CharField(max_length=20)
    period = models.CharField(max_length=16, help_text="The school year, e.g. 2026-27.")
    sentence = models.TextField()
    found_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "student", "rule", "area_key", "period"],
                name="alert_once_per_rule_and_period",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.student_id} {self.rule}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    TARDY = "tardy", "Tardy"
    ABSENT_EXCUSED = "absent_excused", "Absent, excused"
    ABSENT_UNEXCUSED = "absent_unexcused", "Absent, unexcused"


class AttendanceDay(models.Model):
    """A student's attendance on one school day (OneRoster-style ``source_id``)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()
    status = models.CharField(max_length=16, choices=AttendanceStatus.choices)
    source_id = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "on"], name="attendance_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.on}: {self.status}"


class IncidentSeverity(models.TextChoices):
    MINOR = "minor", "Minor"
    MODERATE = "moderate", "Moderate"
    MAJOR = "major", "Major"


class Incident(models.Model):
    """A behaviour incident: when, what kind, how serious."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    occurred_on = models.DateField()
    category = models.CharField(max_length=60)
    severity = models.CharField(max_length=10, choices=IncidentSeverity.choices)
    source_id = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["student", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.occurred_on}: {self.category}"
