from django.apps import AppConfig


class OnerosterConfig(AppConfig):
    name = "masterypath.interop.oneroster"
    label = "oneroster"
