from django.apps import AppConfig
from django.db.models.signals import post_migrate


class InsightConfig(AppConfig):
    name = "meldpunt.insight"
    label = "insight"
    verbose_name = "Ondermijningsbeeld"

    def ready(self):
        # Django loads models after the AppConfig modules: ready() is where they may be imported.
        from .matrix import seed_matrix

        post_migrate.connect(seed_matrix, sender=self, dispatch_uid="insight_seed_matrix")
