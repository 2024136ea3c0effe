from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "masterypath.reports"
    label = "reports"

    def ready(self) -> None:
        from masterypath.common import events
        from masterypath.mastery.services import MASTERY_RECOMPUTED
        from masterypath.reports import handlers

        events.subscribe(MASTERY_RECOMPUTED, handlers.on_mastery_recomputed)
        events.subscribe("evidence.recorded", handlers.on_evidence_changed)
        events.subscribe("evidence.voided", handlers.on_evidence_changed)
        events.subscribe("roster.imported", handlers.on_roster_imported)
