"""A district's curated library of learning resources, tagged to targets and reviewed by a
curator; their links to plan steps and sections; and their use by students.

The resources app sits above plans: a student adds a resource to an action step of their plan,
and the impact report compares the mastery growth of students who used a resource with that
of similar students who did not (`engine.effects`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from masterypath.common.models import BaseModel
from masterypath.continuum.models import LearningTarget
from masterypath.plans.models import ActionStep
from masterypath.roster.models import Section, Student
from masterypath.schools.models import District


class ResourceKind(models.TextChoices):
    VIDEO = "video", _("Video")
    READING = "reading", _("Reading")
    PRACTICE = "practice", _("Practice")
    GAME = "game", _("Game")
    LESSON = "lesson", _("Lesson")
    OTHER = "other", _("Other")


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class Resource(BaseModel):
    """One resource: a link or an uploaded file, tagged to the targets it helps with."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    url = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to="resources/%Y/%m/", blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    dok = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Webb's DOK, 1-4.")
    minutes = models.PositiveSmallIntegerField(help_text="About how long it takes.")
    language = models.CharField(max_length=8, default="en")
    targets = models.ManyToManyField(LearningTarget, related_name="+")
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_approved(self) -> bool:
        return self.status == ReviewStatus.APPROVED


class StepResource(models.Model):
    """A resource a student (or their teacher) put on an action step of the plan."""

    step = models.ForeignKey(ActionStep, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="step_links")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["step", "resource"], name="step_resource_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} on step {self.step_id}"


class ResourceAssignment(BaseModel):
    """A teacher assigned a resource to a section (a class or group)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="assignments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "section"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} for section {self.section_id}"


class UseAction(models.TextChoices):
    OPENED = "opened", _("Opened")
    COMPLETED = "completed", _("Completed")


class ResourceUse(models.Model):
    """A student opened or completed a resource. Rows are only ever added."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="uses")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=UseAction.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["resource", "student", "at"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.action} {self.resource_id}"
