"""Goal progress follows the evidence events (subscribed in PlansConfig.ready, after the
mastery app's own handlers, so that the estimates it reads are already current)."""

from __future__ import annotations

from masterypath.common.event_types import (
    EvidenceRecorded,
    EvidenceRecordedMany,
    EvidenceVoided,
    EvidenceVoidedMany,
    MasteryRecomputed,
)
from masterypath.evidence.models import Evidence
from masterypath.plans.services import (
    goal_progress_refresh_for_district,
    goal_progress_refresh_for_pairs,
)


def on_evidence_changed(event: EvidenceRecorded | EvidenceVoided) -> None:
    pair = Evidence.objects.filter(pk=event.evidence_id).values_list("student_id", "target_id")
    goal_progress_refresh_for_pairs(pairs=list(pair))


def on_evidence_batch(event: EvidenceRecordedMany | EvidenceVoidedMany) -> None:
    goal_progress_refresh_for_pairs(pairs=event.pairs)


def on_mastery_recomputed(event: MasteryRecomputed) -> None:
    goal_progress_refresh_for_district(district_id=event.district_id)
