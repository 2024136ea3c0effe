"""Base model and the audit log, shared by every app."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """Timestamps every stored row carries."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    VOID = "void", "Void"
    VIEW = "view", "View"
    IMPORT = "import", "Import"


class AuditEntry(models.Model):
    """Who did what to which student's data, and when. Rows are only ever added."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    subject_type = models.CharField(max_length=64, help_text="app_label.model of the subject")
    subject_id = models.BigIntegerField(null=True, blank=True)
    # A plain id, not a foreign key: the audit log sits below the roster app.
    student_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        subject = f"{self.subject_type}#{self.subject_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {subject}"
