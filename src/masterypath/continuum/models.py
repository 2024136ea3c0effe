"""The learning continuum: frameworks, domains, competencies, learning targets and scales.

A framework (a published or district-authored set of standards) holds domains (content areas,
academic or not), which hold competencies, which hold learning targets: the unit evidence
scores. Each target sits at a continuum level (a grade, crossing grades and courses).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from masterypath.common.models import BaseModel
from masterypath.schools.models import District, grade_label


class PerformanceScale(BaseModel):
    """A rubric scale such as 1 beginning .. 4 advanced; some levels count as proficient."""

    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.CASCADE, related_name="scales"
    )
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def _ordered_levels(self) -> list[PerformanceLevel]:
        return sorted(self.levels.all(), key=lambda level: level.value)

    @property
    def minimum(self) -> Decimal:
        return self._ordered_levels()[0].value

    @property
    def maximum(self) -> Decimal:
        return self._ordered_levels()[-1].value

    @property
    def proficient_value(self) -> Decimal:
        """The lowest value that counts as proficient."""
        return min(level.value for level in self.levels.all() if level.is_proficient)

    def contains(self, score: Decimal) -> bool:
        levels = self._ordered_levels()
        return bool(levels) and levels[0].value <= score <= levels[-1].value


class PerformanceLevel(models.Model):
    scale = models.ForeignKey(PerformanceScale, on_delete=models.CASCADE, related_name="levels")
    value = models.DecimalField(max_digits=5, decimal_places=2)
    label = models.CharField(max_length=60)
    descriptor = models.TextField(blank=True)
    is_proficient = models.BooleanField(default=False)

    class Meta:
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="level_value_unique_in_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class Framework(BaseModel):
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="frameworks",
        help_text="The authoring or adopting district; empty for a shared published framework.",
    )
    title = models.CharField(max_length=255)
    version = models.CharField(max_length=60, blank=True)
    publisher = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=120, blank=True)
    case_uuid = models.CharField(max_length=100, blank=True, db_index=True)
    case_uri = models.URLField(max_length=500, blank=True)
    source_note = models.TextField(blank=True, help_text="Where the framework came from, license.")
    scale = models.ForeignKey(PerformanceScale, on_delete=models.PROTECT, related_name="frameworks")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class DomainKind(models.TextChoices):
    ACADEMIC = "academic", "Academic"
    HABITS = "habits", "Habits of learning"
    SEL = "sel", "Social-emotional"
    EMPLOYABILITY = "employability", "Employability"


class Domain(BaseModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(max_length=60)
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=DomainKind.choices, default=DomainKind.ACADEMIC)
    content_area = models.CharField(max_length=120, blank=True)
    position = models.PositiveIntegerField(default=0)
    case_uuid = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["framework", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="domain_code_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_academic(self) -> bool:
        return self.kind == DomainKind.ACADEMIC


class Competency(BaseModel):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(max_length=60)
    title = models.CharField(max_length=255)
    position = models.PositiveIntegerField(default=0)
    case_uuid = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["domain", "position", "code"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["domain", "code"], name="competency_code_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class LearningTarget(BaseModel):
    """What evidence scores. `level` is its place on the continuum (a grade: 0 = K)."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="targets")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(max_length=80)
    statement = models.TextField()
    level = models.SmallIntegerField(help_text="Continuum level: the grade (0 = K) it belongs to.")
    level_high = models.SmallIntegerField(
        null=True, blank=True, help_text="Last level of a band (e.g. 12 for a 9-12 target)."
    )
    dok_ceiling = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Webb's depth of knowledge the target reaches, 1-4."
    )
    position = models.PositiveIntegerField(default=0)
    case_uuid = models.CharField(max_length=100, blank=True, db_index=True)
    case_uri = models.URLField(max_length=500, blank=True)
    is_retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["level", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "code"], name="target_code_unique"),
            models.CheckConstraint(
                condition=Q(dok_ceiling__isnull=True) | Q(dok_ceiling__gte=1, dok_ceiling__lte=4),
                name="target_dok_in_range",
            ),
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.code

    @property
    def level_label(self) -> str:
        if self.level_high is not None and self.level_high != self.level:
            return f"{grade_label(self.level)}-{grade_label(self.level_high)}"
        return grade_label(self.level)


class TargetLink(models.Model):
    """A relation between two targets: continuum order (`precedes`) or a crosswalk."""

    class Kind(models.TextChoices):
        PRECEDES = "precedes", "Precedes"
        EXACT_MATCH = "exactMatchOf", "Exact match of"
        RELATED = "isRelatedTo", "Is related to"

    source = models.ForeignKey(LearningTarget, on_delete=models.CASCADE, related_name="links_out")
    destination = models.ForeignKey(
        LearningTarget, on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    case_uuid = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "destination", "kind"], name="target_link_unique"
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("destination")), name="target_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.destination_id}"


class Rubric(BaseModel):
    """Criteria x levels with descriptors, used to score a target."""

    title = models.CharField(max_length=255)
    scale = models.ForeignKey(PerformanceScale, on_delete=models.PROTECT, related_name="rubrics")
    targets = models.ManyToManyField(LearningTarget, related_name="rubrics", blank=True)
    case_uuid = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(max_length=255)
    target = models.ForeignKey(
        LearningTarget, null=True, blank=True, on_delete=models.SET_NULL, related_name="criteria"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rubric", "position"]
        verbose_name_plural = "rubric criteria"

    def __str__(self) -> str:
        return self.title


class RubricDescriptor(models.Model):
    criterion = models.ForeignKey(
        RubricCriterion, on_delete=models.CASCADE, related_name="descriptors"
    )
    level = models.ForeignKey(PerformanceLevel, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "level"], name="descriptor_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ContinuumRevision(models.Model):
    """One counter, raised in the same transaction as every change to scales, frameworks,
    domains, competencies or targets, so that a process that keeps the continuum's layout
    in memory (mastery's placement index) sees from one small read that it must reload."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"continuum revision {self.number}"
