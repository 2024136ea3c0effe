"""The leader dashboards' read model: summaries derived from placements and evidence.

Nothing here is a source of truth. Every row is rebuilt from placements, evidence and mastery
estimates by `reports.summaries.dashboard_summary_refresh` (after a recompute, nightly or by
hand) and kept current on each evidence event by `standing_summary_update` (see
docs/dashboards.md, "The summary read model"). Pages of 20,000 students read a few thousand
of these rows instead of millions of placements.
"""

from __future__ import annotations

from django.db import models

from masterypath.continuum.models import Domain, LearningTarget
from masterypath.roster.models import Section, Staff, Student
from masterypath.schools.models import District, School


class Dimension(models.TextChoices):
    """How students are grouped: all of them, or by one federal reporting characteristic."""

    ALL = "all", "All students"
    RACE = "race", "Race/ethnicity"
    SEX = "sex", "Sex"
    ECONOMIC = "economic", "Economic disadvantage"
    DISABILITY = "disability", "Disability (IEP/504)"
    ENGLISH_LEARNER = "english_learner", "English learner"


class SummaryState(models.Model):
    """When a district's summaries were rebuilt, and the date their figures stand at."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField(help_text="The date of the latest placement the figures read.")
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.district_id}: as of {self.as_of}"


class StandingSummary(models.Model):
    """Where one student stands in one domain now (engine.summaries.student_standings)."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="standing_summaries"
    )
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    grade_level = models.SmallIntegerField()
    placed_on = models.DateField()
    level = models.FloatField()
    working_level = models.SmallIntegerField()
    gap = models.SmallIntegerField(help_text="Working level minus the grade, in whole grades.")
    band = models.CharField(max_length=10)
    gain = models.FloatField(help_text="Levels gained since the school year began.")
    pace = models.FloatField(null=True, blank=True, help_text="Levels per school year.")
    evidence_recent = models.PositiveIntegerField()
    evidence_year = models.PositiveIntegerField()
    last_evidence_on = models.DateField(null=True, blank=True)
    has_few_evidence = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "domain"], name="standing_summary_unique")
        ]
        indexes = [models.Index(fields=["school", "domain", "gap"])]

    def __str__(self) -> str:
        return f"{self.student_id}/{self.domain_id}: {self.level:.2f}"


class GroupSummary(models.Model):
    """Counts of one group of students of one school, domain and grade at one point in time:
    now (``is_current``) or the end of a past month (engine.summaries.group_counts)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    grade_level = models.SmallIntegerField()
    point = models.DateField()
    is_current = models.BooleanField()
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    group = models.CharField(max_length=32, blank=True)
    students = models.PositiveIntegerField()
    two_below = models.PositiveIntegerField()
    one_below = models.PositiveIntegerField()
    on_level = models.PositiveIntegerField()
    ahead = models.PositiveIntegerField()
    level_sum = models.FloatField()
    gain_sum = models.FloatField()
    few_evidence = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "school",
                    "domain",
                    "grade_level",
                    "point",
                    "is_current",
                    "dimension",
                    "group",
                ],
                name="group_summary_unique",
            )
        ]
        indexes = [models.Index(fields=["school", "dimension", "is_current"])]

    def __str__(self) -> str:
        return f"{self.school_id}/{self.domain_id}/{self.grade_level} {self.point} {self.group}"


class SectionSummary(models.Model):
    """This school year's sections: how many of their students are placed in a domain, on or
    above grade level there, and with too little evidence (engine.summaries.section_counts)."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    students = models.PositiveIntegerField()
    on_or_above = models.PositiveIntegerField()
    few_evidence = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "domain"], name="section_summary_unique")
        ]

    def __str__(self) -> str:
        return f"{self.section_id}/{self.domain_id}: {self.on_or_above}/{self.students}"


class TeacherSummary(models.Model):
    """How many different students a teacher has in their sections of a school year at a
    school."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    school_year = models.PositiveSmallIntegerField()
    students = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "school", "school_year"], name="teacher_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} in {self.school_year}: {self.students}"


class TargetCoverage(models.Model):
    """How many of a school's students have evidence on a target, and how many only one old
    piece (scored before the recent-evidence window and not since)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(LearningTarget, on_delete=models.CASCADE, related_name="+")
    students_assessed = models.PositiveIntegerField()
    single_evidence = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "target"], name="target_coverage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.school_id}/{self.target_id}: {self.single_evidence}/{self.students_assessed}"
