from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "meldpunt.core"
    label = "core"
    verbose_name = "Kern"

    def ready(self):
        from . import checks  # noqa: F401  (registers the start-up checks)
