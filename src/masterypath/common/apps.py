from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "masterypath.common"
    label = "common"
    verbose_name = "Common"
