from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    name = "masterypath.earlywarning"
    label = "earlywarning"
    verbose_name = "Early warning"

    def ready(self) -> None:
        from masterypath.common import event_types as types
        from masterypath.common import events
        from masterypath.earlywarning import handlers, tasks  # noqa: F401 - tasks registers a job

        events.subscribe(types.MasteryRecomputed, handlers.on_mastery_recomputed)
        events.subscribe(types.EvidenceRecordedMany, handlers.on_evidence_batch)
