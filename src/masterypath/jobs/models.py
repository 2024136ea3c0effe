"""Background jobs: long work (imports, recomputes, reports) that a user starts and then watches.

Django's task framework carries the work (`django_tasks`, configured in settings.TASKS); a `Job`
row is what a user sees of it: created `queued` when the work is asked for, `running` while a
worker runs it (with its progress), and `succeeded` or `failed` with its result, errors and
warnings. The jobs app sits just above `common`, so it names users through the AUTH_USER_MODEL
string only and keeps the district as a plain id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    kind = models.CharField(max_length=60, help_text="The registered task, e.g. case.import.")
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    params = models.JSONField(default=dict, blank=True)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=255, blank=True)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    district_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    exclusive_key = models.CharField(
        max_length=60,
        blank=True,
        help_text="Jobs with the same key run one at a time in a district (e.g. import).",
    )
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The id of the task framework's result."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The database, not a check before the insert, keeps two requests from starting
            # two imports (or two recomputes) of one district at once.
            models.UniqueConstraint(
                fields=["district_id", "exclusive_key"],
                condition=models.Q(status__in=ACTIVE_STATUSES) & ~models.Q(exclusive_key=""),
                name="jobs_one_active_job_per_district_and_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_done(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.progress / self.total))
