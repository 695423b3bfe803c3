from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed(**_kwargs):
    # Imported when called: models are not loaded when this module is.
    from .source import seed_regio_sources

    seed_regio_sources()


class RegioConfig(AppConfig):
    name = "meldpunt.regio"
    label = "regio"
    verbose_name = "Regio (hit/no-hit tussen gemeenten)"

    def ready(self):
        # Imported here: Django loads models after AppConfig modules. Intake and the protocol fire
        # the hooks; they do not import regio.
        from meldpunt.intake import hooks as intake_hooks
        from meldpunt.protocol import hooks as protocol_hooks
        from meldpunt.tenancy.home import tenant_created

        from . import index, plugin, retention, source

        intake_hooks.register_subjects_changed(index.signal_changed)
        retention.register()  # B's requests go with the last of their signals (ADR 0030 §8.8)
        protocol_hooks.register_connector(plugin.CONNECTOR, plugin.PLUGIN)
        post_migrate.connect(_seed, sender=self, dispatch_uid="regio_seed_sources")
        tenant_created.connect(source.seed_tenant_source, dispatch_uid="regio_seed_tenant_source")
