from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "masterypath.reports"
    label = "reports"

    def ready(self) -> None:
        from masterypath.common import event_types as types
        from masterypath.common import events
        from masterypath.reports import handlers, tasks  # noqa: F401 - tasks registers a job

        # After the mastery app's own subscriptions (INSTALLED_APPS order), so that the
        # placements the summaries read are already current.
        events.subscribe(types.MasteryRecomputed, handlers.on_mastery_recomputed)
        events.subscribe(types.RosterImported, handlers.on_roster_imported)
        events.subscribe(types.EvidenceRecorded, handlers.on_evidence_changed)
        events.subscribe(types.EvidenceVoided, handlers.on_evidence_changed)
        events.subscribe(types.EvidenceRecordedMany, handlers.on_evidence_batch)
        events.subscribe(types.EvidenceVoidedMany, handlers.on_evidence_batch)
