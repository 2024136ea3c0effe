from django.apps import AppConfig


class CaseConfig(AppConfig):
    name = "masterypath.interop.case"
    label = "case"
