from django.apps import AppConfig


class ContinuumConfig(AppConfig):
    name = "masterypath.continuum"
    label = "continuum"
    verbose_name = "Standards continuum"

    def ready(self) -> None:
        from masterypath.continuum import signals

        signals.connect()
