from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "masterypath.demo"
    label = "demo"
