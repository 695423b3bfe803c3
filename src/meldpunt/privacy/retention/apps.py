from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _sqlite_secure_delete(sender, connection, **_kwargs):
    """SQLite keeps deleted rows in free pages until they are reused; with secure_delete it
    overwrites them, so a destroyed record cannot be read back from the database file (P4)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


class RetentionConfig(AppConfig):
    name = "meldpunt.privacy.retention"
    label = "retention"
    verbose_name = "Bewaartermijnen en vernietiging"

    def ready(self):
        # Django loads models after the AppConfig modules: ready() is where they may be imported.
        from . import triggers
        from .catalogue import seed_retention

        post_migrate.connect(seed_retention, sender=self, dispatch_uid="retention_seed")
        connection_created.connect(_sqlite_secure_delete, dispatch_uid="retention_sqlite_secure_delete")
        triggers.connect()
