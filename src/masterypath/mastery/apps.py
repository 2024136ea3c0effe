from django.apps import AppConfig


class MasteryConfig(AppConfig):
    name = "masterypath.mastery"
    label = "mastery"
