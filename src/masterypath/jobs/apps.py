from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "masterypath.jobs"
    label = "jobs"

    def ready(self) -> None:
        # Every app defines its job tasks in `tasks.py`; import them all so that `job_enqueue`
        # knows each kind in every process (web servers and workers alike).
        autodiscover_modules("tasks")
