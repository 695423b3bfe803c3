from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IntakeConfig(AppConfig):
    name = "meldpunt.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self):
        # Imported here, not at the top: Django loads models after AppConfig modules.
        from meldpunt.privacy.retention import registry as retention

        from . import import_uploads
        from . import retention as signal_retention
        from .catalogue import seed_phenomena
        from .models import MentionedSubject, ReporterContact, Signal
        from .rule_catalogue import seed_rules

        # Retention computes, blocks and destroys signals without importing this app.
        retention.register_model(retention.SIGNAL, Signal)
        retention.register_model(retention.REPORTER_CONTACT, ReporterContact)
        retention.register_model(retention.MENTIONED_SUBJECT, MentionedSubject)
        signal_retention.register()  # a signal's brondatum and result class
        # Uploads of imports that failed and were not restarted (import_uploads.py).
        retention.register_daily_task("importbestanden", import_uploads.prune)
        post_migrate.connect(seed_phenomena, sender=self, dispatch_uid="intake_seed_phenomena")
        # After the phenomena: every data rule points at one.
        post_migrate.connect(seed_rules, sender=self, dispatch_uid="intake_seed_data_rules")
