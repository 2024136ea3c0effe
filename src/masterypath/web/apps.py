from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "masterypath.web"
    label = "web"
