from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "masterypath.roster"
    label = "roster"
    verbose_name = "Roster"
