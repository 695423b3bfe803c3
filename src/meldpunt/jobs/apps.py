from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "meldpunt.jobs"
    label = "jobs"
    verbose_name = "Achtergrondtaken"
