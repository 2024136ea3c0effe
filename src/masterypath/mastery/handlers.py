"""Event handlers: keep estimates and today's placements current as evidence changes.

One entry: the O(1) update of its pair (`mastery_update_for_evidence`). A batch: its pairs
recomputed as one frame through the engine (`mastery_refresh_pairs`), placements in bulk.
"""

from __future__ import annotations

from django.utils import timezone

from masterypath.common.event_types import (
    EvidenceRecorded,
    EvidenceRecordedMany,
    EvidenceVoided,
    EvidenceVoidedMany,
)
from masterypath.mastery.services import mastery_refresh_pairs, mastery_update_for_evidence


def on_evidence_changed(event: EvidenceRecorded | EvidenceVoided) -> None:
    mastery_update_for_evidence(evidence_id=event.evidence_id)


def on_evidence_batch(event: EvidenceRecordedMany | EvidenceVoidedMany) -> None:
    mastery_refresh_pairs(pairs=event.pairs, on=timezone.localdate())
