"""The source "Andere gemeenten in de regio" (ADR 0030 §8.1): asked in bronnenonderzoek like any
source, through the protocol's connector plugin (protocol/hooks.py), answered by a job."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from meldpunt.protocol.hooks import ConnectorPlugin
from meldpunt.protocol.research.models import Source
from meldpunt.tenancy.models import Tenant

from .index import canonicals_of_mention

CONNECTOR = "REGIO"
CODE = "regio"
NAME = "Andere gemeenten in de regio"


def seed_regio_sources(tenants=None) -> int:
    """Each tenant in a regio gets the source (primary basis: the convenant); returns how many were
    added. Never overwrites what functioneel beheer changed."""
    added = 0
    for tenant in (Tenant.objects.filter(regio__isnull=False) if tenants is None else tenants):
        if tenant.regio_id is None:
            continue
        _, created = Source.objects.get_or_create(gemeente=tenant, code=CODE, defaults={
            "name": NAME, "department": f"Samenwerkingsverband {tenant.regio.naam}", "connector": CONNECTOR,
            "fields": {}, "primary_basis": tenant.regio.convenant[:300],
            "legal_note": "Alleen treffer of geen treffer per gemeente. Wat een andere gemeente deelt, weegt die "
                          "gemeente zelf (regionaal verzoek)."})
        added += created
    return added


def seed_tenant_source(tenant, **_kwargs) -> None:
    """Receiver of `tenancy.home.tenant_created`."""
    seed_regio_sources([tenant])


def convenant_problems(tenant: Tenant, day=None) -> list[str]:
    """Why the regio's convenant does not carry a question of ``tenant`` today (Dutch)."""
    regio = tenant.regio
    day = day or timezone.localdate()
    if regio is None:
        return [f"{tenant.naam} hoort niet bij een regio: er zijn geen andere gemeenten om te vragen."]
    if not (regio.convenant or "").strip():
        return [f"De regio {regio.naam} heeft geen convenant: zonder grondslag wordt niets gevraagd."]
    if regio.convenant_valid_from > day or (regio.convenant_valid_until and regio.convenant_valid_until < day):
        return [f"Het convenant van de regio {regio.naam} is vandaag niet van kracht."]
    return []


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
        from .services import rate_problems

        tenant = source_request.signal.gemeente
        problems = convenant_problems(tenant)
        if not problems and tenant.regio.convenant.strip() not in weging.legal_basis:
            problems.append(f"Noem het convenant van de regio als grondslag: {tenant.regio.convenant}.")
        return problems + (rate_problems(tenant, source_request.subjects.count()) if not problems else [])

    def ask(self, source_request) -> None:
        from .tasks import ask_region

        pk, user, gemeente = source_request.pk, source_request.requested_by, source_request.signal.gemeente_id
        # After the commit: the answer never comes in the request that allowed it (timing).
        transaction.on_commit(lambda: ask_region.start(user=user, gemeente=gemeente, source_request=pk))

    def annotate(self, user, source_request) -> None:
        from .selectors import annotate

        annotate(user, source_request)


PLUGIN = RegioPlugin()
