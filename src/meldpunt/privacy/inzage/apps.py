from django.apps import AppConfig


class InzageConfig(AppConfig):
    name = "meldpunt.privacy.inzage"
    label = "inzage"
    verbose_name = "Inzageverzoeken"

    def ready(self):
        # Imported here, not at the top: Django loads models after AppConfig modules.
        from . import retention

        retention.register()
