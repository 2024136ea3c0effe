"""Derived mastery data: estimates per (student, target), placements per (student, domain).

Everything here can be rebuilt from evidence (`masterypath recompute`); it is stored so that
pages read it fast, and kept current by an O(1) update each time evidence is recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from masterypath.common.models import BaseModel
from masterypath.continuum.models import Domain, Framework, LearningTarget
from masterypath.engine.levels import format_value
from masterypath.engine.mastery import METHODS, Method
from masterypath.roster.models import Student
from masterypath.schools.models import District

# Keyed by Method; a Method is its string, so a stored name finds its label too.
METHOD_LABELS: dict[str, str] = {
    Method.MEAN: "Mean",
    Method.HIGHEST: "Highest",
    Method.MOST_RECENT: "Most recent",
    Method.MEDIAN: "Median",
    Method.MODE_OF_LAST: "Mode of the last k",
    Method.WEIGHTED_AVERAGE: "Weighted average (Canvas)",
    Method.DECAYING_AVERAGE: "Decaying average",
    Method.N_MASTERY: "n times proficient",
    Method.POWER_LAW: "Power law (Marzano)",
    Method.BEST_FIT: "Best fit (true score estimator)",
    Method.BKT: "Bayesian knowledge tracing",
}
# The stored value of a method is its engine.mastery.Method value.
METHOD_CHOICES = [(method.value, METHOD_LABELS[method]) for method in METHODS]
DEFAULT_METHOD = Method.DECAYING_AVERAGE


class MasteryPolicy(BaseModel):
    """The calculation method and its parameters for a district, a framework or one target.

    The most specific policy wins: target, then framework, then district; without any, the
    decaying average with w = 0.65.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey(
        Framework, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target = models.ForeignKey(
        LearningTarget, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    method = models.CharField(max_length=20, choices=METHOD_CHOICES, default=DEFAULT_METHOD.value)
    weight = models.FloatField(default=0.65, help_text="w of the (decaying) weighted average.")
    k = models.PositiveSmallIntegerField(default=3, help_text="Window of the mode of last k.")
    n = models.PositiveSmallIntegerField(default=3, help_text="Count for n times proficient.")
    min_evidence = models.PositiveSmallIntegerField(
        default=1, help_text="Below this many evidence rows: insufficient evidence."
    )
    kind_weights = models.JSONField(
        default=dict, blank=True, help_text='Weight per evidence kind, e.g. {"formative": 0}.'
    )
    dok_weights = models.JSONField(
        default=dict, blank=True, help_text='Weight per depth of knowledge, e.g. {"1": 0.5}.'
    )

    class Meta:
        verbose_name_plural = "mastery policies"
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(framework__isnull=True, target__isnull=True),
                name="policy_one_per_district",
            ),
            models.UniqueConstraint(
                fields=["district", "framework"],
                condition=Q(framework__isnull=False, target__isnull=True),
                name="policy_one_per_framework",
            ),
            models.UniqueConstraint(
                fields=["district", "target"],
                condition=Q(target__isnull=False),
                name="policy_one_per_target",
            ),
        ]

    def __str__(self) -> str:
        scope = self.target or self.framework or self.district
        return f"{self.method} for {scope}"


class EstimateStatus(models.TextChoices):
    ESTIMATED = "estimated", "Estimated"
    INSUFFICIENT = "insufficient_evidence", "Insufficient evidence"
    OVERRIDE = "override", "Teacher judgement"


class MasteryEstimate(models.Model):
    """The current mastery of one student on one target, with the state for O(1) updates."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="estimates")
    target = models.ForeignKey(LearningTarget, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    value = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=24, choices=EstimateStatus.choices)
    evidence_count = models.PositiveIntegerField(default=0)
    last_observed_at = models.DateTimeField(null=True, blank=True)
    p_correct_next = models.FloatField(null=True, blank=True)
    # Recursive-method state (see engine.mastery.MasteryState); null when not resumable.
    state_value = models.FloatField(null=True, blank=True)
    state_weight = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "target"], name="estimate_unique"),
        ]
        indexes = [models.Index(fields=["target", "student"])]

    def __str__(self) -> str:
        shown = format_value(self.value, method=self.method) or "no value yet"
        return f"{self.student_id}/{self.target_id}: {shown}"


class MasteryOverride(BaseModel):
    """A teacher's professional judgement; it holds until newer evidence arrives."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(LearningTarget, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=6, decimal_places=2)
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()

    class Meta:
        ordering = ["-set_at"]


class Placement(models.Model):
    """Where a student stands on a domain's continuum on a date (growth reads the history)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="placements")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    placed_on = models.DateField()
    completed = models.FloatField(help_text="Highest level completed consecutively.")
    level = models.FloatField(help_text="Completed level plus the fraction of the next.")

    class Meta:
        ordering = ["placed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "domain", "placed_on"], name="placement_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}/{self.domain_id} {self.placed_on}: {self.level:.2f}"


class BktFit(models.Model):
    """Bayesian knowledge tracing parameters fitted on a district's evidence for one target."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(LearningTarget, on_delete=models.CASCADE, related_name="+")
    prior = models.FloatField()
    learn = models.FloatField()
    guess = models.FloatField()
    slip = models.FloatField()
    forget = models.FloatField(default=0.0)
    n_rows = models.PositiveIntegerField()
    is_default = models.BooleanField(help_text="Too little evidence: default parameters.")
    fitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "target"], name="bkt_fit_unique"),
            models.CheckConstraint(
                condition=Q(guess__lte=0.5) & Q(slip__lte=0.5), name="bkt_fit_interpretable"
            ),
        ]

    def __str__(self) -> str:
        return f"BKT {self.target_id}: prior {self.prior:.2f}, learn {self.learn:.2f}"
