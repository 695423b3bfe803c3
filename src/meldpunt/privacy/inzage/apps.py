from django.apps import AppConfig


class InzageConfig(AppConfig):
    name = "meldpunt.privacy.inzage"
    label = "inzage"
    verbose_name = "Inzageverzoeken"
