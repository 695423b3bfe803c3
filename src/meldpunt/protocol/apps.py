from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProtocolConfig(AppConfig):
    name = "meldpunt.protocol"
    label = "protocol"
    verbose_name = "Protocol"

    def ready(self):
        from .catalogue import seed_protocol

        post_migrate.connect(seed_protocol, sender=self, dispatch_uid="protocol_seed")
