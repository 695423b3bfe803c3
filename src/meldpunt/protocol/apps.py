from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProtocolConfig(AppConfig):
    name = "meldpunt.protocol"
    label = "protocol"
    verbose_name = "Protocol"

    def ready(self):
        # Imported here, not at the top: Django loads models after AppConfig modules.
        from meldpunt.intake import hooks as intake_hooks
        from meldpunt.tenancy.home import tenant_created

        from . import services
        from .catalogue import seed_protocol
        from .research import services as research
        from .sources import seed_tenant_sources

        post_migrate.connect(seed_protocol, sender=self, dispatch_uid="protocol_seed")
        # A new gemeente gets the source catalogue (tenancy sends this; it does not import us).
        tenant_created.connect(seed_tenant_sources, dispatch_uid="protocol_seed_tenant_sources")
        # Every new signal starts its history here (intake fires the hook, it does not import us).
        intake_hooks.register_signal_received(services.start_history)
        research.register_hooks()
