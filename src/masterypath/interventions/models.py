"""Supports that are tracked: strategies, interventions, tiers, root causes, improvement cycles.

An intervention gives one strategy to one student or a group (its participants), delivered by a
staff member over a period, with a goal level per participant by a goal date. Sessions logged
against the scheduled ones give the fidelity; progress checks (probe scores) and the student's
continuum placements in the domain give the progress line against the goal (aim) line.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from masterypath.common.models import BaseModel
from masterypath.continuum.models import Domain, LearningTarget
from masterypath.roster.models import Section, Staff, Student
from masterypath.schools.models import District, School


class Tier(models.IntegerChoices):
    UNIVERSAL = 1, _("Tier 1: core instruction for all")
    TARGETED = 2, _("Tier 2: targeted small-group support")
    INTENSIVE = 3, _("Tier 3: intensive individual support")


class InterventionSettings(models.Model):
    """A district's rules for interventions."""

    district = models.OneToOneField(
        District, on_delete=models.CASCADE, related_name="intervention_settings"
    )
    requires_root_cause_for_tier_3 = models.BooleanField(
        default=True,
        help_text="A tier-3 intervention may start only with a root-cause record.",
    )

    def __str__(self) -> str:
        return f"Intervention settings of {self.district_id}"


class Strategy(BaseModel):
    """One entry of a district's catalogue of supports."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="strategies")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    domains = models.ManyToManyField(Domain, related_name="+", blank=True)
    targets = models.ManyToManyField(LearningTarget, related_name="+", blank=True)
    sessions_per_week = models.PositiveSmallIntegerField(default=3)
    session_minutes = models.PositiveSmallIntegerField(default=30)
    duration_weeks = models.PositiveSmallIntegerField(default=8)
    evidence_base = models.TextField(
        blank=True, help_text="Where the strategy comes from and what is known of it."
    )
    delivered_by = models.CharField(
        max_length=200, blank=True, help_text="Who may deliver it (a teacher, a counselor...)."
    )
    cost_per_student = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, help_text="Per student, in dollars."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["tier", "name"]
        verbose_name_plural = "strategies"
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="strategy_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class RootCauseScope(models.TextChoices):
    STUDENT = "student", _("One student")
    GROUP = "group", _("A group of students")
    SCHOOL = "school", _("A school-level pattern")


class CauseCategory(models.TextChoices):
    """The fishbone's bones, in the order the prompts ask about them: what the school controls
    first, so a team looks at its own practice before a student's circumstances."""

    INSTRUCTION = "instruction", _("Instruction")
    CURRICULUM = "curriculum", _("Curriculum")
    ASSESSMENT = "assessment", _("Assessment")
    STRUCTURES = "structures", _("School structures (schedule, grouping, staffing)")
    RELATIONSHIPS = "relationships", _("Relationships")
    SOCIAL_EMOTIONAL = "social_emotional", _("Social-emotional needs")
    ATTENDANCE = "attendance", _("Attendance")
    OUT_OF_SCHOOL = "out_of_school", _("Out-of-school factors")


SCHOOL_SIDE_CATEGORIES = frozenset(
    {
        CauseCategory.INSTRUCTION,
        CauseCategory.CURRICULUM,
        CauseCategory.ASSESSMENT,
        CauseCategory.STRUCTURES,
        CauseCategory.RELATIONSHIPS,
    }
)


class RootCause(BaseModel):
    """A root-cause analysis: a 5 Whys chain and a fishbone of causes per category."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=8, choices=RootCauseScope.choices)
    students = models.ManyToManyField(Student, related_name="root_causes", blank=True)
    problem = models.TextField(help_text="The pattern or concern being explained.")
    whys = models.JSONField(default=list, help_text="The 5 Whys chain, first why first.")
    causes = models.JSONField(default=dict, help_text="Fishbone: category -> list of causes.")
    root_cause = models.TextField(help_text="The cause the team will act on.")
    data_consulted = models.TextField(blank=True)
    participants = models.TextField(blank=True, help_text="Who took part.")
    held_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on}: {self.root_cause[:60]}"


class InterventionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Intervention(BaseModel):
    """One strategy given to one student or a group, by a staff member, for a period."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="interventions")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="interventions")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    root_cause = models.ForeignKey(
        RootCause, null=True, blank=True, on_delete=models.SET_NULL, related_name="interventions"
    )
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    goal_on = models.DateField(
        help_text="The date by which each participant should reach the goal."
    )
    sessions_scheduled = models.PositiveIntegerField()
    status = models.CharField(
        max_length=8, choices=InterventionStatus.choices, default=InterventionStatus.ACTIVE
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="intervention_period_ordered"
            ),
        ]
        indexes = [models.Index(fields=["staff", "status"])]

    def __str__(self) -> str:
        return f"{self.strategy_id} from {self.starts_on}"


class Outcome(models.TextChoices):
    MET = "met", _("Goal met")
    NOT_MET = "not_met", _("Goal not met")
    DISCONTINUED = "discontinued", _("Discontinued")


class Participant(models.Model):
    """A student in an intervention, with their own starting point, goal and outcome."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="participants"
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    baseline_level = models.FloatField(null=True, blank=True)
    goal_level = models.FloatField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    final_level = models.FloatField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["intervention", "student"]
        constraints = [
            models.UniqueConstraint(fields=["intervention", "student"], name="participant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} in {self.intervention_id}"


class SessionLog(models.Model):
    """A session held (or planned and missed) of an intervention."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField()
    minutes = models.PositiveSmallIntegerField(default=0)
    was_delivered = models.BooleanField(default=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.intervention_id} on {self.held_on}"


class ProgressCheck(models.Model):
    """A probe score of one participant, on the continuum's level scale."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField()
    level = models.FloatField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["checked_on", "id"]

    def __str__(self) -> str:
        return f"{self.participant_id} on {self.checked_on}: {self.level:.2f}"


class TierRecord(models.Model):
    """A student's tier of support in a domain from a date; the latest without an end is
    the current one, the rest is its history."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="tier_records")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    since_on = models.DateField()
    until_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    intervention = models.ForeignKey(
        Intervention, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["student", "domain", "since_on", "id"]
        indexes = [models.Index(fields=["student", "domain"])]

    def __str__(self) -> str:
        return f"{self.student_id}/{self.domain_id} tier {self.tier} from {self.since_on}"
