from django.apps import AppConfig


class OnerosterConfig(AppConfig):
    name = "masterypath.interop.oneroster"
    label = "oneroster"
    verbose_name = "IMS OneRoster"

    def ready(self) -> None:
        from masterypath.interop.oneroster import tasks  # noqa: F401 - registers the job handler
