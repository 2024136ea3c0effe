"""What a CASE package holds beyond the continuum: each CFItem and CFAssociation as received.

The continuum (framework, domains, competencies, targets) is what the product uses; these rows
keep the CASE identity and the fields the continuum has no place for (CFItemType, education
levels, language, the raw JSON), so that a re-import updates in place and an export gives the
package back.
"""

from __future__ import annotations

from django.db import models

from masterypath.common.models import BaseModel
from masterypath.continuum.models import Competency, Domain, Framework, LearningTarget


class CaseDocument(BaseModel):
    framework = models.OneToOneField(
        Framework, on_delete=models.CASCADE, related_name="case_document"
    )
    identifier = models.CharField(max_length=100, db_index=True)
    uri = models.CharField(max_length=500, blank=True)
    case_version = models.CharField(max_length=8, default="1.0")
    last_change = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="File or URL imported.")
    raw = models.JSONField(default=dict, blank=True, help_text="The CFDocument as received.")
    definitions = models.JSONField(default=dict, blank=True)
    rubrics = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"CASE {self.identifier}"


class ItemRole(models.TextChoices):
    """How a CFItem maps onto the continuum (see docs/integrations.md)."""

    DOMAIN = "domain", "Domain"
    COMPETENCY = "competency", "Competency"
    DOMAIN_COMPETENCY = "domain_competency", "Domain with one competency"
    TARGET = "target", "Learning target"
    GROUPING = "grouping", "Intermediate grouping (kept, not a continuum row)"
    SUPPORT = "support", "Supporting text (kept, not a continuum row)"


class CaseItem(models.Model):
    document = models.ForeignKey(CaseDocument, on_delete=models.CASCADE, related_name="items")
    identifier = models.CharField(max_length=100)
    uri = models.CharField(max_length=500, blank=True)
    role = models.CharField(max_length=20, choices=ItemRole.choices)
    item_type = models.CharField(max_length=120, blank=True)
    education_levels = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=20, blank=True)
    last_change = models.CharField(max_length=40, blank=True)
    parent_identifier = models.CharField(max_length=100, blank=True)
    position = models.PositiveIntegerField(default=0)
    raw = models.JSONField(default=dict, blank=True)
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    competency = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.ForeignKey(
        LearningTarget, null=True, blank=True, on_delete=models.SET_NULL, related_name="case_items"
    )

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "identifier"], name="case_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_type or self.role} {self.identifier}"


class CaseAssociation(models.Model):
    document = models.ForeignKey(
        CaseDocument, on_delete=models.CASCADE, related_name="associations"
    )
    identifier = models.CharField(max_length=100)
    association_type = models.CharField(max_length=60)
    origin = models.CharField(max_length=500)
    destination = models.CharField(max_length=500)
    sequence = models.IntegerField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["document", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "identifier"], name="case_association_unique"
            ),
        ]
        indexes = [models.Index(fields=["destination"]), models.Index(fields=["origin"])]

    def __str__(self) -> str:
        return f"{self.origin} {self.association_type} {self.destination}"
