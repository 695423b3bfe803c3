from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "meldpunt.jobs"
    label = "jobs"
    verbose_name = "Achtergrondtaken"

    def ready(self):
        # Old runs are cleared by the daily retention run (retention's registry).
        from . import retention

        retention.register()
