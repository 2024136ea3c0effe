"""A student's erasure, the evidence app's part besides voiding: the free text staff wrote
about the student and the files of the student's work. Runs in the caller's transaction; the
files leave storage only once it commits (a rollback keeps them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import Storage
from django.db import transaction

from masterypath.evidence.models import Artifact, Evidence, Observation
from masterypath.roster.models import Student

ERASED_ARTIFACT_TITLE = "Erased work"


@dataclass(frozen=True, slots=True)
class EvidenceTextErased:
    comments: int
    observations: int
    files: int


def _delete_later(storage: Storage, names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def evidence_text_erase(*, student: Student) -> EvidenceTextErased:
    """Blank the comments on the student's evidence and the notes of observations about them,
    and remove their uploaded work files (the rows stay, titled "Erased work")."""
    comments = Evidence.objects.filter(student=student).exclude(comment="").update(comment="")
    observations = Observation.objects.filter(student=student).update(note="")
    artifacts = list(Artifact.objects.filter(student=student).exclude(file=""))
    names = [artifact.file.name for artifact in artifacts if artifact.file.name]
    if artifacts:
        _delete_later(artifacts[0].file.storage, names)
    Artifact.objects.filter(student=student).update(
        file="", title=ERASED_ARTIFACT_TITLE, sha256="", size_bytes=0, content_type=""
    )
    return EvidenceTextErased(comments=comments, observations=observations, files=len(names))
