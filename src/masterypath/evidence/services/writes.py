"""Plain writes of evidence-app rows that the app's other modules and the importers call:
assessments in bulk, the targets an assessment measures, an uploaded artifact, a score import's
record. The rules (who may, what is valid, the audit) stay with the callers that hold them
(`evidence_record_many`, `artifact_upload`, `score_import_preview`); these are the only places
that touch the tables, so that one scan can tell every write of the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from masterypath.common.bulk import bulk_insert, db_datetime
from masterypath.continuum.models import LearningTarget
from masterypath.evidence.models import Artifact, Assessment, ScoreImport, ScoreImportStatus

BATCH = 2000


def assessments_create_many(*, assessments: list[Assessment]) -> list[Assessment]:
    """Save new assessments in bulk (their primary keys are set)."""
    return Assessment.objects.bulk_create(assessments, batch_size=BATCH)


def assessment_rows_insert(
    *, columns: Sequence[str], rows: Iterable[Sequence[Any]], created_by_id: int | None
) -> datetime:
    """Insert assessments given as value tuples in `columns` order, in one bulk insert with
    no model instance per row; returns the moment stamped on every one (`created_at`), by
    which the caller reads their ids back."""
    now = timezone.now()
    stamp = db_datetime(now)
    bulk_insert(
        Assessment,
        [*columns, "created_by", "created_at", "updated_at"],
        [(*values, created_by_id, stamp, stamp) for values in rows],
    )
    return now


def assessment_targets_add_many(*, pairs: Iterable[tuple[int, int]]) -> int:
    """Link assessments to the targets they measure, `(assessment id, target id)` pairs that
    are not linked yet; how many."""
    through = Assessment.targets.through
    return bulk_insert(through, ["assessment", "learningtarget"], pairs)


def artifact_save(*, artifact: Artifact, targets: Sequence[LearningTarget]) -> Artifact:
    """Store a new artifact (its file already attached) with the targets it shows."""
    artifact.save()
    artifact.targets.set(targets)
    return artifact


def score_import_create(**fields: Any) -> ScoreImport:
    """Keep a previewed score file for its teacher to confirm."""
    return ScoreImport.objects.create(**fields)


def score_import_mark_committed(*, score_import: ScoreImport, added: int) -> ScoreImport:
    """The file's scores were recorded: `added` new ones."""
    score_import.status = ScoreImportStatus.COMMITTED
    score_import.added_count = added
    score_import.committed_at = timezone.now()
    score_import.save(update_fields=["status", "added_count", "committed_at", "updated_at"])
    return score_import
