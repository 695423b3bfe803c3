from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class PrivacyConfig(AppConfig):
    name = "meldpunt.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        # Django loads models after the AppConfig modules: ready() is where they may be imported.
        from . import chain, security
        from .register import seed_register

        # Seeded after every migrate and flush, so tests that flush the database keep the register.
        post_migrate.connect(seed_register, sender=self, dispatch_uid="privacy_seed_register")
        post_migrate.connect(chain.ensure_heads, sender=self, dispatch_uid="privacy_chain_heads")
        connection_created.connect(chain.register_sqlite_guard, dispatch_uid="privacy_sqlite_log_guard")
        security.connect()
