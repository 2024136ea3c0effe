from django.apps import AppConfig


class CaseConfig(AppConfig):
    name = "masterypath.interop.case"
    label = "case"
    verbose_name = "IMS CASE standards"

    def ready(self) -> None:
        from masterypath.interop.case import tasks  # noqa: F401 - registers the job handler
