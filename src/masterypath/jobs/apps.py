from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "masterypath.jobs"
    label = "jobs"
