"""What the demo generator planted, kept so that reports can be checked against it."""

from __future__ import annotations

from django.db import models

from masterypath.roster.models import Student


class PlantedProfile(models.Model):
    """The learner profile the demo's latent growth model drew for a student, and its
    parameters (start level, yearly rate, late rate per domain, when the rate fell)."""

    class Profile(models.TextChoices):
        STEADY = "steady", "Steady"
        SLOWING = "slowing", "Slowing down"
        BEHIND = "behind", "Two or more levels behind"
        RAPID = "rapid", "Advancing rapidly"
        SPLIT = "split", "Strong in one domain, weak in another"

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="+")
    profile = models.CharField(max_length=10, choices=Profile.choices)
    latent = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.student_id}: {self.profile}"
