"""A teacher's saved flexible group: a name, the section's students in it, and what they
share (a next target, a gap to grade level, or nothing: chosen by hand)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from masterypath.common.models import BaseModel
from masterypath.continuum.models import LearningTarget
from masterypath.roster.models import Section, Student

NAME_MAX_LENGTH = 120


class GroupBasis(models.TextChoices):
    TARGET = "target", "The same next target"
    GAP = "gap", "The same gap to grade level"
    CHOSEN = "chosen", "Chosen by the teacher"


class StudentGroup(BaseModel):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="student_groups")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    basis = models.CharField(max_length=16, choices=GroupBasis.choices, default=GroupBasis.CHOSEN)
    focus_target = models.ForeignKey(
        LearningTarget, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    members = models.ManyToManyField(Student, related_name="student_groups")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "name"], name="student_group_name_unique")
        ]
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.section_id}: {self.name}"
