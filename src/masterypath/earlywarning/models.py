"""Exception lists: each district's thresholds and the hits of its last computation.

Hits are derived data (rebuilt from placements and evidence by `exceptions_recompute`, in a
background job); `first_seen_on` survives a rebuild, so that a hit is new only once.
"""

from __future__ import annotations

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
