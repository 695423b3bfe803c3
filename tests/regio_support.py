"""Two gemeenten in one regio for the hit/no-hit tests (ADR 0030 §8): Zaanstad (home, A) asks,
Wormerland (B, its own key slot and log chain) answers. And the regional demo in a test (ADR 0030
§13): the session's database holds the one-gemeente demo, so a regional demo test empties the database
first (a transactional test: it runs after the others and the next live-server test gets the demo back,
conftest.demo_reloaded)."""

from __future__ import annotations

import io
from datetime import date

from django.core.management import call_command

from factories import COMPATIBILITY, new_signal, walk_to_research
from meldpunt.intake import services as intake
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.regio.source import seed_regio_sources
from meldpunt.regio.weighing import COMPATIBILITY as RV_COMPATIBILITY
from meldpunt.regio.weighing import RvInput
from meldpunt.registries.models import Nummeraanduiding
from meldpunt.tenancy.home import home_tenant
from meldpunt.tenancy.models import Regio, Tenant

CONVENANT = "Convenant Zaanstreek 2026 (gegevensdeling ondermijning)"
SHARED_BSN = "999993653"
ONLY_HERE_BSN = "999990019"


def zaanstreek(limit: int = 200) -> tuple[Tenant, Tenant]:
    regio = Regio.objects.create(code="zaanstreek", naam="Zaanstreek", convenant=CONVENANT,
                                 convenant_valid_from=date(2026, 1, 1), daily_question_limit=limit)
    zaanstad = home_tenant()
    zaanstad.regio = regio
    zaanstad.save(update_fields=["regio"])
    wormerland = Tenant.objects.create(code="GM0880", naam="Wormerland", reference_prefix="WL", key_slot="GM0880",
                                       log_chain="verwerking:GM0880", register_uri="urn:nl:gm0880:register",
                                       regio=regio)
    seed_regio_sources()
    return zaanstad, wormerland


def regio_source(tenant: Tenant) -> Source:
    return Source.objects.get(gemeente=tenant, code="regio")


def signal_in(user, gemeente, bsn=SHARED_BSN, index=0, name="Genoemde Persoon"):
    return new_signal(user, name, bsn, index=index, gemeente=gemeente)


def a_signal_in_research(walker, bsn=SHARED_BSN, extra_subjects=()):
    """Zaanstad's signal in bronnenonderzoek naming a person by BSN, and ``extra_subjects``."""
    address = Nummeraanduiding.objects.order_by("pk").first()
    subjects = [intake.SubjectInput(kind="persoon", name="Genoemde Persoon", bsn=bsn), *extra_subjects]
    data = intake.SignalInput(channel="intern", description="Drukte bij een pand.", phenomenon="hennepteelt_drugs",
                              reporter_kind="medewerker", address=address.pk, subjects=subjects)
    return walk_to_research(walker, intake.create_signal(data, user=walker, gemeente=home_tenant()))


def regio_pc1(decision="toegestaan", legal_basis=CONVENANT, **extra):
    values = {"reasoning": "De regio is nodig om het signaal te toetsen.", "primary_basis": CONVENANT,
              "compatibility": dict(COMPATIBILITY), "necessity": "Zonder de regio geen toets.",
              "proportionality": "Alleen treffer of geen treffer.", "subsidiarity": "Geen lichter middel.",
              "legal_basis": legal_basis}
    values.update(extra)
    return research.Pc1Input(decision=decision, **values)


def ask(regisseur, signal, mentions=None):
    """The regisseur asks the regio about ``mentions`` (default: all subjects of the signal)."""
    ids = [m.pk for m in (mentions if mentions is not None else signal.subjects.order_by("pk"))]
    return research.request_sources(regisseur, signal, [regio_source(signal.gemeente)], ids,
                                    "Kennen de andere gemeenten deze persoon?")[0]


def share(items, decision="delen", **extra):
    values = {"reasoning": "Delen helpt de vragende gemeente bij haar taak.", "legal_basis": CONVENANT,
              "compatibility": {k: "Gewogen." for k in RV_COMPATIBILITY}, "necessity": "Nodig voor de toets.",
              "proportionality": "Alleen fenomeen en datum.", "subsidiarity": "Geen lichter middel."}
    values.update(extra)
    return RvInput(decision=decision, items=items, **values)


def regional_demo() -> str:
    """Empty the database, then `meldpunt demo --regio --no-serve`; returns what it printed."""
    call_command("flush", interactive=False, verbosity=0)
    out = io.StringIO()
    call_command("demo", regio=True, no_serve=True, stdout=out, verbosity=0)
    return out.getvalue()
