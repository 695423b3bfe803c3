from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "meldpunt.health"
    label = "health"
    verbose_name = "Gezondheid"
