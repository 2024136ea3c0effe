from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "masterypath.plans"
    label = "plans"
    verbose_name = "Learning plans"

    def ready(self) -> None:
        from masterypath.common import event_types as types
        from masterypath.common import events
        from masterypath.plans import handlers

        # After the mastery app's own subscriptions (INSTALLED_APPS order), so that the
        # estimates a goal's progress reads are already current.
        events.subscribe(types.EvidenceRecorded, handlers.on_evidence_changed)
        events.subscribe(types.EvidenceVoided, handlers.on_evidence_changed)
        events.subscribe(types.EvidenceRecordedMany, handlers.on_evidence_batch)
        events.subscribe(types.EvidenceVoidedMany, handlers.on_evidence_batch)
        events.subscribe(types.MasteryRecomputed, handlers.on_mastery_recomputed)
