from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "meldpunt.notifications"
    label = "notifications"
    verbose_name = "Meldingen"

    def ready(self):
        # Imported here: Django loads models after AppConfig modules.
        from . import receivers, retention

        receivers.connect()
        # Old meldingen and those about destroyed dossiers go (retention's registry and hooks).
        retention.register()
