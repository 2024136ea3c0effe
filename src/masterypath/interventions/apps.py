from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "masterypath.interventions"
    label = "interventions"
    verbose_name = "Interventions"
