"""Writes of the resources app: submit, review, put on a step, assign to a section, record use.

Keyword-only and atomic; a `ResourceError` names the form field. Callers passed the guards
(`access.py`, and the plans guards for a step).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from urllib.parse import urlparse

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masterypath.accounts.models import Role, User
from masterypath.common.audit import audit_record
from masterypath.continuum.access import targets_visible_in_district
from masterypath.continuum.models import LearningTarget
from masterypath.evidence.artifacts import check_upload
from masterypath.evidence.errors import EvidenceError, EvidenceErrorCode
from masterypath.plans.models import ActionStep
from masterypath.resources.access import is_curator, may_submit_resources
from masterypath.resources.errors import ResourceError, ResourceErrorCode
from masterypath.resources.models import (
    Resource,
    ResourceAssignment,
    ResourceKind,
    ResourceUse,
    ReviewStatus,
    StepResource,
    UseAction,
)
from masterypath.roster.models import Section, Student
from masterypath.schools.models import District

LANGUAGES = ("en", "es")
MAX_MINUTES = 600


def _check_link(url: str) -> str:
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ResourceError(
            ResourceErrorCode.BAD_LINK,
            _("Give a full web address starting with https://."),
            field="url",
        )
    return url


@transaction.atomic
def resource_create(
    *,
    actor: User,
    district: District,
    title: str,
    kind: str,
    minutes: int,
    targets: Sequence[LearningTarget],
    language: str = "en",
    url: str = "",
    upload: UploadedFile[bytes] | None = None,
    dok: int | None = None,
    description: str = "",
) -> Resource:
    """Submit a link or a file (checked for size and type) for the library; it waits for a
    curator's review."""
    if not may_submit_resources(actor):
        raise ResourceError(ResourceErrorCode.NOT_ALLOWED, _("Only staff add resources."))
    title = (title or "").strip()
    if not title:
        raise ResourceError(
            ResourceErrorCode.TITLE_REQUIRED, _("Give the resource a title."), field="title"
        )
    if kind not in ResourceKind.values:
        raise ResourceError(ResourceErrorCode.BAD_CHOICE, _("Pick a kind."), field="kind")
    if language not in LANGUAGES:
        raise ResourceError(ResourceErrorCode.BAD_CHOICE, _("Pick a language."), field="language")
    if dok is not None and not 1 <= dok <= 4:
        raise ResourceError(ResourceErrorCode.BAD_CHOICE, _("DOK is 1 to 4."), field="dok")
    if not 1 <= minutes <= MAX_MINUTES:
        raise ResourceError(
            ResourceErrorCode.BAD_CHOICE,
            _("Minutes to complete: 1 to %(max)d.") % {"max": MAX_MINUTES},
            field="minutes",
        )
    if bool(url.strip()) == (upload is not None):
        raise ResourceError(
            ResourceErrorCode.LINK_OR_FILE,
            _("Give either a link or a file, not both."),
            field="url",
        )
    if not targets:
        raise ResourceError(
            ResourceErrorCode.TARGETS_REQUIRED,
            _("Tag at least one learning target."),
            field="targets",
        )
    visible = set(
        targets_visible_in_district(district.pk)
        .filter(pk__in=[t.pk for t in targets])
        .values_list("pk", flat=True)
    )
    if any(t.pk not in visible for t in targets):
        raise ResourceError(
            ResourceErrorCode.TARGET_NOT_VISIBLE, _("No such learning target."), field="targets"
        )
    resource = Resource(
        district=district,
        title=title[:200],
        description=description.strip(),
        kind=kind,
        minutes=minutes,
        language=language,
        dok=dok,
        curator=actor,
    )
    if upload is not None:
        try:
            file_type = check_upload(upload)
        except EvidenceError as error:
            code = (
                ResourceErrorCode.FILE_TOO_LARGE
                if error.code == EvidenceErrorCode.FILE_TOO_LARGE
                else ResourceErrorCode.FILE_TYPE_NOT_ALLOWED
            )
            raise ResourceError(code, error.message, field="upload") from None
        resource.file = upload
        resource.file_type = file_type.content_type
        resource.file_size = upload.size
    else:
        resource.url = _check_link(url)
    resource.save()
    resource.targets.set(targets)
    audit_record(actor=actor, action="create", subject=resource)
    return resource


@transaction.atomic
def resource_review(*, actor: User, resource: Resource, approve: bool, note: str = "") -> Resource:
    """A curator approves the resource (students see it) or rejects it with a note."""
    if not is_curator(actor):
        raise ResourceError(ResourceErrorCode.NOT_ALLOWED, _("Only a curator reviews resources."))
    if not approve and not note.strip():
        raise ResourceError(
            ResourceErrorCode.NOTE_REQUIRED, _("Say why it is not approved."), field="note"
        )
    resource.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
    resource.reviewed_by, resource.reviewed_at = actor, timezone.now()
    resource.review_note = note.strip()
    resource.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"]
    )
    audit_record(actor=actor, action="update", subject=resource, detail={"status": resource.status})
    return resource


def _check_usable(resource: Resource, student: Student) -> None:
    if resource.district_id != student.district_id or not resource.is_approved:
        raise ResourceError(
            ResourceErrorCode.NOT_APPROVED,
            _("This resource is not in the library yet."),
            field="resource",
        )


@transaction.atomic
def resource_add_to_step(*, actor: User, step: ActionStep, resource: Resource) -> StepResource:
    """Put an approved resource on an action step (the caller may edit the step's plan)."""
    student = step.goal.plan.student
    _check_usable(resource, student)
    link, created = StepResource.objects.get_or_create(
        step=step, resource=resource, defaults={"added_by": actor, "added_at": timezone.now()}
    )
    if created:
        audit_record(actor=actor, action="create", subject=link, student_id=student.pk)
    return link


@transaction.atomic
def resource_assign_to_section(
    *, actor: User, resource: Resource, section: Section, due_on: date | None = None
) -> ResourceAssignment:
    """A teacher assigns an approved resource to a section they may see."""
    if resource.district_id != section.school.district_id or not resource.is_approved:
        raise ResourceError(
            ResourceErrorCode.NOT_APPROVED,
            _("This resource is not in the library yet."),
            field="resource",
        )
    assignment, _created = ResourceAssignment.objects.update_or_create(
        resource=resource, section=section, defaults={"assigned_by": actor, "due_on": due_on}
    )
    audit_record(actor=actor, action="create", subject=assignment)
    return assignment


@transaction.atomic
def resource_use_record(
    *,
    actor: User,
    resource: Resource,
    student: Student,
    action: UseAction | str,
    at: datetime | None = None,
) -> ResourceUse:
    """A student opened or completed a resource (only the student's own login records it)."""
    if actor.role != Role.STUDENT or student.user_id != actor.pk:
        raise ResourceError(ResourceErrorCode.NOT_ALLOWED, _("Students record their own use."))
    if action not in UseAction.values:
        raise ResourceError(ResourceErrorCode.BAD_CHOICE, _("Opened or completed."), field="action")
    _check_usable(resource, student)
    return ResourceUse.objects.create(
        resource=resource, student=student, action=action, at=at or timezone.now()
    )
