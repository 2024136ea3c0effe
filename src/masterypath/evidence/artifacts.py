"""Student work: upload files (checked for size and type), tag them, score them as evidence.

The type is read from the file's first bytes, never trusted from the browser: a file named
.pdf must start like a PDF. The size limit is checked before the file is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from masterypath.accounts.actors import Actor
from masterypath.accounts.models import Role
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.continuum.models import LearningTarget
from masterypath.evidence.errors import EvidenceError, EvidenceErrorCode
from masterypath.evidence.models import Artifact, Evidence, EvidenceKind, EvidenceSource
from masterypath.evidence.selectors import target_ids_for_student
from masterypath.evidence.services import _check_dok, _create
from masterypath.evidence.services.writes import artifact_save
from masterypath.roster.access import active_user, can_record_evidence_for
from masterypath.roster.models import Student

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    extensions: tuple[str, ...]
    content_type: str
    label: str


FILE_TYPES = (
    FileType((".pdf",), "application/pdf", "PDF"),
    FileType((".png",), "image/png", "PNG image"),
    FileType((".jpg", ".jpeg"), "image/jpeg", "JPEG image"),
    FileType((".gif",), "image/gif", "GIF image"),
    FileType((".webp",), "image/webp", "WebP image"),
    FileType(
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
    FileType(
        (".pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint presentation",
    ),
    FileType((".odt",), "application/vnd.oasis.opendocument.text", "OpenDocument text"),
    FileType((".txt",), "text/plain", "plain text"),
)
ALLOWED_EXTENSIONS = tuple(ext for file_type in FILE_TYPES for ext in file_type.extensions)


def artifact_max_bytes() -> int:
    """The upload limit: setting ARTIFACT_MAX_BYTES, 10 MB by default."""
    return int(getattr(settings, "ARTIFACT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _starts_like(extension: str, head: bytes) -> bool:
    """Whether the first bytes match what a file with this extension must start with."""
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in {".jpg", ".jpeg"}:
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if extension == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if extension in {".docx", ".pptx", ".odt"}:
        return head.startswith(b"PK\x03\x04")
    if extension == ".txt":
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # a multi-byte character cut at the end of the sample is fine
            return error.start >= len(head) - 3
        return True
    return False


def check_upload(upload: UploadedFile[bytes]) -> FileType:
    """The file's type if it is allowed and within the size limit; EvidenceError otherwise."""
    name = upload.name or "file"
    limit = artifact_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise EvidenceError(
            EvidenceErrorCode.FILE_TOO_LARGE,
            f"{name} is {_megabytes(upload.size)}; files may be at most {_megabytes(limit)}.",
        )
    if not upload.size:
        raise EvidenceError(EvidenceErrorCode.FILE_EMPTY, f"{name} is empty.")
    extension = PurePath(name).suffix.lower()
    file_type = next((t for t in FILE_TYPES if extension in t.extensions), None)
    if file_type is None:
        allowed = ", ".join(sorted({t.label for t in FILE_TYPES}))
        raise EvidenceError(
            EvidenceErrorCode.FILE_TYPE_NOT_ALLOWED,
            f"{name}: {extension or 'files without an extension'} cannot be uploaded. "
            f"Allowed: {allowed}.",
        )
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if not _starts_like(extension, head):
        raise EvidenceError(
            EvidenceErrorCode.FILE_TYPE_NOT_ALLOWED,
            f"{name} does not look like a {file_type.label}: its contents do not match its "
            "extension.",
        )
    return file_type


def _may_upload_for(actor: Actor, student: Student) -> bool:
    if getattr(actor, "role", "") == Role.STUDENT:
        return student.user_id is not None and student.user_id == actor.pk
    return can_record_evidence_for(actor, student)


def _digest(upload: UploadedFile[bytes]) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


@transaction.atomic
def artifact_upload(
    *,
    actor: Actor,
    student: Student,
    upload: UploadedFile[bytes],
    title: str,
    targets: Sequence[LearningTarget] = (),
    dok: int | None = None,
) -> Artifact:
    """Store a file of student work; a student uploads only for themself, staff for the
    students they teach. Targets must belong to the student's courses."""
    if not _may_upload_for(actor, student):
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "You may not upload work for them.")
    uploader = active_user(actor)
    if uploader is None:  # _may_upload_for refused anyone else already
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "You may not upload work for them.")
    file_type = check_upload(upload)
    _check_dok(dok)
    title = title.strip() or PurePath(upload.name or "work").stem
    allowed = target_ids_for_student(student=student)
    outside = sorted(t.code for t in targets if t.pk not in allowed)
    if outside:
        raise EvidenceError(
            EvidenceErrorCode.TARGET_NOT_IN_COURSE,
            f"Not a target of {student}'s courses: {', '.join(outside)}.",
        )
    digest = _digest(upload)
    if Artifact.objects.filter(student=student, sha256=digest).exists():
        raise EvidenceError(
            EvidenceErrorCode.DUPLICATE_SUBMISSION,
            f"{upload.name} was already uploaded for {student}.",
        )
    artifact = Artifact(
        student=student,
        uploaded_by=uploader,
        title=title[:255],
        content_type=file_type.content_type,
        size_bytes=upload.size or 0,
        dok=dok,
        sha256=digest,
    )
    extension = PurePath(upload.name or "").suffix.lower()
    artifact.file.save(f"{digest[:16]}{extension}", upload, save=False)
    artifact_save(artifact=artifact, targets=targets)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        subject=artifact,
        student_id=student.pk,
        detail={
            "title": artifact.title,
            "size": artifact.size_bytes,
            "targets": [t.code for t in targets],
        },
    )
    return artifact


@transaction.atomic
def artifact_score(
    *,
    actor: Actor,
    artifact: Artifact,
    target: LearningTarget,
    score: Decimal,
    comment: str = "",
) -> Evidence:
    """A teacher's score of a piece of student work on one of its targets (kind work sample)."""
    if getattr(actor, "role", "") not in {Role.TEACHER, Role.PRINCIPAL, Role.DISTRICT_ADMIN} or (
        not can_record_evidence_for(actor, artifact.student)
    ):
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "You may not score this work.")
    if not artifact.targets.filter(pk=target.pk).exists():
        raise EvidenceError(
            EvidenceErrorCode.TARGET_NOT_IN_COURSE,
            f"{artifact.title} is not tagged to {target.code}.",
        )
    if Evidence.objects.filter(
        artifact=artifact, target=target, score=Decimal(score), is_voided=False
    ).exists():
        raise EvidenceError(
            EvidenceErrorCode.DUPLICATE_SUBMISSION,
            f"{artifact.title} already has this score on {target.code}.",
        )
    return _create(
        actor=actor,
        student=artifact.student,
        target=target,
        score=Decimal(score),
        observed_at=min(artifact.created_at, timezone.now()),
        kind=EvidenceKind.WORK_SAMPLE,
        source=EvidenceSource.TEACHER,
        artifact=artifact,
        dok=artifact.dok,
        comment=comment,
    )
