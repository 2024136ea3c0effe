from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "masterypath.resources"
    label = "resources"
    verbose_name = "Curated resources"
