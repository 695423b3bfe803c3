"""The connector of the source "Andere gemeenten in de regio" (ADR 0030 §8.1), registered with the
protocol (protocol/hooks.py: ConnectorPlugin): what can be asked, PC1 with the convenant, and the
job that asks, never in the request."""

from __future__ import annotations

from django.db import transaction

from meldpunt.protocol.hooks import ConnectorPlugin

from . import selectors
from .convenant import convenant_problems
from .index import canonicals_of_mention
from .services import rate_problems
from .source import CONNECTOR
from .tasks import ask_region

__all__ = ["CONNECTOR", "PLUGIN"]


class RegioPlugin(ConnectorPlugin):
    def subject_problem(self, source, mention) -> str:
        if canonicals_of_mention(mention):
            return ""
        who = f"{mention.get_kind_display()} {mention.name or ''}".strip()
        return (f"{who} heeft geen BSN, KvK-nummer, adres uit de BAG of kenteken: daarover kunnen de andere "
                "gemeenten in de regio niet worden gevraagd (niet op naam).")

    def pc1_defaults(self, source) -> dict:
        regio = source.gemeente.regio
        return {"legal_basis": regio.convenant[:300]} if regio is not None else {}

    def pc1_problems(self, source_request, weging) -> list[str]:
        tenant = source_request.signal.gemeente
        problems = convenant_problems(tenant)
        if not problems and tenant.regio.convenant.strip() not in weging.legal_basis:
            problems.append(f"Noem het convenant van de regio als grondslag: {tenant.regio.convenant}.")
        return problems + (rate_problems(tenant, source_request.subjects.count()) if not problems else [])

    def ask(self, source_request) -> None:
        pk, user, gemeente = source_request.pk, source_request.requested_by, source_request.signal.gemeente_id
        # After the commit: the answer never comes in the request that allowed it (timing).
        transaction.on_commit(lambda: ask_region.start(user=user, gemeente=gemeente, source_request=pk))

    def annotate(self, user, source_request) -> None:
        selectors.annotate(user, source_request)


PLUGIN = RegioPlugin()
