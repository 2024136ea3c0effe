from django.apps import AppConfig


class MasteryConfig(AppConfig):
    name = "masterypath.mastery"
    label = "mastery"
    verbose_name = "Mastery"

    def ready(self) -> None:
        from masterypath.common import events
        from masterypath.mastery import handlers, tasks  # noqa: F401 - tasks registers a job

        events.subscribe("evidence.recorded", handlers.on_evidence_changed)
        events.subscribe("evidence.voided", handlers.on_evidence_changed)
