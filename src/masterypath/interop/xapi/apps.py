from django.apps import AppConfig


class XapiConfig(AppConfig):
    name = "masterypath.interop.xapi"
    label = "xapi"
