"""Event handlers: keep estimates current as evidence is recorded or voided."""

from __future__ import annotations

from masterypath.mastery.services import mastery_update_for_evidence


def on_evidence_changed(*, evidence_id: int, **_: object) -> None:
    mastery_update_for_evidence(evidence_id=evidence_id)
