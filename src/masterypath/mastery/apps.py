from django.apps import AppConfig


class MasteryConfig(AppConfig):
    name = "masterypath.mastery"
    label = "mastery"
    verbose_name = "Mastery"

    def ready(self) -> None:
        from masterypath.common import events
        from masterypath.common.event_types import (
            EvidenceRecorded,
            EvidenceRecordedMany,
            EvidenceVoided,
            EvidenceVoidedMany,
        )
        from masterypath.mastery import handlers, tasks  # noqa: F401 - tasks registers a job

        events.subscribe(EvidenceRecorded, handlers.on_evidence_changed)
        events.subscribe(EvidenceVoided, handlers.on_evidence_changed)
        events.subscribe(EvidenceRecordedMany, handlers.on_evidence_batch)
        events.subscribe(EvidenceVoidedMany, handlers.on_evidence_batch)
