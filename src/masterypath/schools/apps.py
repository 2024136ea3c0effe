from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "masterypath.schools"
    label = "schools"
    verbose_name = "Schools"
