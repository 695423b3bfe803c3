from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .keys import ensure_keys


class CoreConfig(AppConfig):
    name = "meldpunt.core"
    label = "core"
    verbose_name = "Kern"

    def ready(self):
        from . import checks  # noqa: F401  (registers the start-up checks)

        # Any sender: core has no models, so post_migrate is never sent for it.
        post_migrate.connect(ensure_keys, dispatch_uid="core_ensure_keys")
