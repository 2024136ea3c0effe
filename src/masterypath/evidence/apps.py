from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "masterypath.evidence"
    label = "evidence"
    verbose_name = "Evidence"
