from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IntakeConfig(AppConfig):
    name = "meldpunt.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self):
        from .catalogue import seed_phenomena
        from .rule_catalogue import seed_rules

        post_migrate.connect(seed_phenomena, sender=self, dispatch_uid="intake_seed_phenomena")
        # After the phenomena: every data rule points at one.
        post_migrate.connect(seed_rules, sender=self, dispatch_uid="intake_seed_data_rules")
