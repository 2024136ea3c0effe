from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "masterypath.reports"
    label = "reports"
