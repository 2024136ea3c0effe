from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "masterypath.groups"
    label = "groups"
    verbose_name = "Flexible groups"
