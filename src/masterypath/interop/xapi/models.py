"""xAPI 1.0.3: integration clients (HTTP Basic credentials) and the statements they send.

A statement is kept exactly as received plus the properties the LRS sets (`id` when absent,
`stored`, `authority`, `version`), as JSON text so that key order and numbers stay unchanged.
Columns beside it index what the Statements resource filters on and record how the statement
was mapped to evidence.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from masterypath.common.models import BaseModel


class XapiClient(BaseModel):
    """A learning tool allowed to send statements (and to use the REST API).

    The secret is random (32 bytes), so a SHA-256 digest is enough to store it: a slow
    password hash would cost a third of a second on every statement request.
    Evidence from this client is recorded on behalf of `owner` (a district administrator),
    whose district bounds which students and targets statements may map to.
    """

    name = models.CharField(max_length=120)
    username = models.CharField(max_length=40, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="xapi_clients",
        help_text="The district administrator on whose behalf statements become evidence.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "xAPI / API client"

    def __str__(self) -> str:
        return f"{self.name} ({self.username})"


class MappingState(models.TextChoices):
    MAPPED = "mapped", "Mapped to evidence"
    UNMAPPED = "unmapped", "Waiting to be mapped"
    IGNORED = "ignored", "Ignored"
    NOT_APPLICABLE = "n/a", "Not evidence (voiding statement)"


class Statement(models.Model):
    statement_id = models.UUIDField(unique=True)
    client = models.ForeignKey(XapiClient, on_delete=models.PROTECT, related_name="statements")
    # The district of the client's owner when stored: only that district's clients read or void
    # it. None for a client with no district (no owner, or an operator): only that client does.
    district = models.ForeignKey(
        "schools.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="xapi_statements",
    )
    payload = models.TextField(help_text="The statement as stored (JSON text).")
    verb_id = models.CharField(max_length=500, db_index=True)
    # The actor's inverse functional identifier in one canonical string, e.g. "mbox:mailto:a@b".
    actor_key = models.CharField(max_length=600, db_index=True)
    activity_id = models.CharField(max_length=1000, blank=True)
    registration = models.UUIDField(null=True, blank=True)
    # Newline-delimited, with a newline at both ends, so "\nID\n" matches one whole id.
    related_activities = models.TextField(blank=True)
    related_agents = models.TextField(blank=True)
    timestamp = models.DateTimeField()
    stored = models.DateTimeField(db_index=True)
    is_voided = models.BooleanField(default=False)
    voids = models.UUIDField(null=True, blank=True, help_text="The statement this one voids.")
    object_ref = models.UUIDField(
        null=True, blank=True, db_index=True, help_text="The statement a StatementRef object names."
    )
    mapping_state = models.CharField(max_length=10, choices=MappingState.choices)
    mapping_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-stored", "-id"]
        indexes = [
            models.Index(fields=["mapping_state", "client"]),
            models.Index(fields=["district", "id"], name="xapi_statement_district_id"),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class DocumentKind(models.TextChoices):
    STATE = "state", "State"
    ACTIVITY_PROFILE = "activity_profile", "Activity Profile"
    AGENT_PROFILE = "agent_profile", "Agent Profile"


class Document(models.Model):
    """A document of the State, Activity Profile or Agent Profile resource (Communication 2.2).

    Documents are district-scoped like statements: `scope` is `d<district id>` for the clients
    of a district, `c<client id>` for a client without one. `key` is the SHA-256 of the scope,
    kind and identifying parameters, so one unique index holds however long the IRIs are."""

    key = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=24)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    district = models.ForeignKey(
        "schools.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="xapi_documents",
    )
    client = models.ForeignKey(XapiClient, on_delete=models.PROTECT, related_name="documents")
    activity_id = models.CharField(max_length=1000, blank=True)
    agent_key = models.CharField(max_length=600, blank=True)
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.CharField(max_length=1000)
    content = models.BinaryField()
    content_type = models.CharField(max_length=200)
    etag = models.CharField(max_length=40, help_text="SHA-1 of the content, hexadecimal.")
    updated = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["scope", "kind", "agent_key"], name="xapi_document_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"


class AttachmentContent(models.Model):
    """The raw data of a statement attachment sent in a multipart/mixed request, found by its
    SHA-2 digest (the attachment's `sha2`); scoped like documents (`scope`)."""

    scope = models.CharField(max_length=24)
    sha2 = models.CharField(max_length=128)
    content_type = models.CharField(max_length=200)
    content = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "sha2"], name="xapi_attachment_scope_sha2")
        ]

    def __str__(self) -> str:
        return self.sha2
