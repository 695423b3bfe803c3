from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "meldpunt.cases"
    label = "cases"
    verbose_name = "Casussen"

    def ready(self):
        from .catalogue import seed_instruments

        post_migrate.connect(seed_instruments, sender=self, dispatch_uid="cases_seed_instruments")
