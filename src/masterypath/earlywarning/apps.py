from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    name = "masterypath.earlywarning"
    label = "earlywarning"
    verbose_name = "Early warning"
