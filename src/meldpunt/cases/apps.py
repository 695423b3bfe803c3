from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "meldpunt.cases"
    label = "cases"
    verbose_name = "Casussen"

    def ready(self):
        # Imported here, not at the top: Django loads models after AppConfig modules.
        from meldpunt.privacy.retention import registry as retention
        from meldpunt.protocol import hooks as protocol_hooks
        from meldpunt.protocol import pages as protocol_pages
        from meldpunt.protocol import services as protocol_services
        from meldpunt.protocol.transitions import SIGNAL_TRANSITIONS, SignalState

        from . import minutes_retention, services
        from . import retention as casus_retention
        from .catalogue import seed_instruments
        from .models import Casus, CasusSignal

        post_migrate.connect(seed_instruments, sender=self, dispatch_uid="cases_seed_instruments")
        # Step 4: W4 'casus' opens a casus in the transition's transaction (the protocol calls it
        # through protocol/hooks.py and never imports cases).
        # casus_koppelen (service_only) joins an existing casus: cases.services.link_signal does that.
        opening = [t.code for t in SIGNAL_TRANSITIONS if t.target == SignalState.CASUS and not t.service_only]
        protocol_hooks.register_effect(opening, services.open_from_signal)
        # ...and its page, offered on the signal page next to weging 4 (protocol/pages.py).
        protocol_pages.register_page(protocol_pages.StepPage(
            "cases:signaal_koppelen", "Koppelen aan een bestaande casus", (protocol_services.JOIN_CASUS,)))
        # Retention computes, blocks and destroys casussen (and the signals in them) without
        # importing this app.
        retention.register_model(retention.CASUS, Casus)
        retention.register_model(retention.CASUS_SIGNAL, CasusSignal)
        casus_retention.register()  # a casus' brondatum and result class
        # Casusoverleg minutes: cleared after their own term (a daily task), and a meeting whose
        # whole agenda is destroyed goes with it (a destroy hook).
        minutes_retention.register()
