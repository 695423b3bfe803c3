"""`meldpunt demo --regio` (ADR 0030 §13): one generated dataset for the gemeenten of the Zaanstreek,
split into three tenants of one regio, with one regional beeld and demo users per gemeente.

Zaanstad is the home gemeente (the installation's keys and log chain, key_slot ""); Wormerland and
Oostzaan get their own key slot and log chain. `make demo` stays one gemeente: nothing here runs
unless asked for.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from meldpunt.accounts import services as account_services
from meldpunt.accounts.models import User
from meldpunt.demo import loader, regio_story
from meldpunt.demo.errors import GemeenteSetupError
from meldpunt.demo.generator.build import build, data_file
from meldpunt.insight import services as insight_services
from meldpunt.regio.source import seed_regio_sources
from meldpunt.tenancy.home import TenancyError, ensure_home_tenant, reference_prefix, tenant_created
from meldpunt.tenancy.models import Regio, Tenant

REGIO_CODE = "zaanstreek"
REGIO_NAAM = "Zaanstreek"
GEMEENTEN = ("GM0479", "GM0880", "GM0431")  # Zaanstad (home), Wormerland, Oostzaan
CONVENANT = ("Convenant Regionaal Meldpunt Ondermijning Zaanstreek 2026 (Zaanstad, Wormerland, Oostzaan), "
             "met privacyprotocol als regeling gezamenlijke verwerkingsverantwoordelijkheid (art. 26 AVG)")
CONVENANT_VALID_FROM = date(2026, 1, 1)
# Per gemeente; the regio has a regisseur for all three and an analist for the regio.
# The teamlid takes weging 3 (step 2 is the team's), so a signal of the gemeente can reach bronnenonderzoek.
ROLES_PER_GEMEENTE = ("beoordelaar", "teamlid", "privacyfunctionaris", "fg")
DEMO_NAMES = {"beoordelaar": ("Bart", "Jansen"), "teamlid": ("Tom", "Visser"),
              "privacyfunctionaris": ("Priya", "Ramdin"),
              "fg": ("Femke", "Bakker"), "regisseur": ("Rana", "de Vries"), "analist": ("Anna", "Bos")}


@dataclass(frozen=True)
class RegioResult:
    regio: Regio
    tenants: list[Tenant]
    rows: int
    snapshot_version: int
    users: list[tuple[str, str, str | None]]


def gemeente_rows(codes=GEMEENTEN) -> dict[str, dict[str, str]]:
    """The CBS rows of ``codes`` (read with the csv module: a quoted name may hold commas)."""
    with data_file("cbs", "kwb2024_gemeenten.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["gemeentecode"]: row for row in csv.DictReader(handle) if row["gemeentecode"] in codes}
    unknown = [code for code in codes if code not in rows]
    if unknown:
        raise GemeenteSetupError(f"{', '.join(unknown)} staat niet in de CBS-indeling 2024.")
    return rows


@transaction.atomic
def make_tenants(codes=GEMEENTEN) -> tuple[Regio, list[Tenant]]:
    """The regio Zaanstreek and its three tenants: the first gemeente is (or must be) the home one."""
    rows = gemeente_rows(codes)
    try:
        home = ensure_home_tenant(codes[0])
    except TenancyError as error:
        raise GemeenteSetupError(str(error)) from error
    regio, _ = Regio.objects.get_or_create(code=REGIO_CODE, defaults={
        "naam": REGIO_NAAM, "convenant": CONVENANT, "convenant_valid_from": CONVENANT_VALID_FROM})
    tenants = [home]
    for code in codes[1:]:
        tenant = Tenant.objects.filter(code=code).first()
        if tenant is None:
            taken = set(Tenant.objects.values_list("reference_prefix", flat=True))
            naam = rows[code]["gemeentenaam"]
            tenant = Tenant.objects.create(
                code=code, naam=naam, reference_prefix=reference_prefix(naam, taken), key_slot=code,
                log_chain=f"verwerking:{code}", register_uri=f"{settings.MELDPUNT_LDV_REGISTER_URI}:{code.lower()}")
            tenant_created.send(sender=Tenant, tenant=tenant, using="default")
        tenants.append(tenant)
    Tenant.objects.filter(code__in=codes).update(regio=regio)
    seed_regio_sources()  # "Andere gemeenten in de regio": tenant_created came before the regio was set
    return regio, [Tenant.objects.get(pk=t.pk) for t in tenants]


def existing_tenants() -> list[Tenant]:
    """The tenants of the demo regio when `demo --regio` made it before, else []."""
    tenants = list(Tenant.objects.filter(regio_id=REGIO_CODE, code__in=GEMEENTEN))
    return sorted(tenants, key=lambda t: GEMEENTEN.index(t.code)) if len(tenants) == len(GEMEENTEN) else []


def _slug(naam: str) -> str:
    return "".join(c for c in naam.lower() if c.isalnum())


@transaction.atomic
def ensure_regio_users(tenants: list[Tenant], new_passwords: bool = False) -> list[tuple[str, str, str | None]]:
    """Demo users of the regio, each with their roles where they work (ADR 0030 §3): per gemeente a
    beoordelaar, teamlid, privacyfunctionaris and FG of that gemeente (`beoordelaar.wormerland`), a regisseur
    in each of the three (`regisseur.regio`: three assignments, never a regio-wide one) and an analist
    for the regio (`analist.regio`: one regio-wide assignment). Returns (username, description,
    password or None when it existed). A user made earlier gets the roles it lacks."""
    regio = tenants[0].regio
    wanted = [(f"{role}.{_slug(t.naam)}", role, t.naam, [{"gemeente": t}]) for t in tenants
              for role in ROLES_PER_GEMEENTE]
    wanted += [("regisseur.regio", "regisseur", "alle gemeenten van de regio", [{"gemeente": t} for t in tenants]),
               ("analist.regio", "analist", "de regio", [{"regio": regio}])]
    result = []
    for username, role, where, scopes in wanted:
        user = User.objects.filter(username=username).first()
        password = None
        if user is None:
            password = account_services.generate_password()
            first, last = DEMO_NAMES[role]
            organisation = f"Gemeente {where}" if len(scopes) == 1 and "gemeente" in scopes[0] else \
                f"Regio {REGIO_NAAM}"
            user = account_services.create_user(username, password, [role], **scopes[0], first_name=first,
                                                last_name=last, organisation=organisation)
        elif new_passwords:
            password = account_services.generate_password()
            user.set_password(password)
            user.save(update_fields=["password"])
        for scope in scopes:
            account_services.grant_role(user, role, **scope)
        result.append((username, f"{role} — {where}", password))
    return result


def setup_regio(size: str = "S", seed: int = 479, progress: Callable[[str], None] | None = None,
                new_passwords: bool = False) -> RegioResult:
    """Generate one dataset for the three gemeenten, load it split by gemeente, make the users, the
    hit/no-hit index and the story (a question asked, a request waiting in Wormerland) and the
    regio's one snapshot. Only on an installation without registry data."""
    present = loader.is_loaded()
    if present:
        raise GemeenteSetupError("Er staan al registratiegegevens in deze installatie; de regionale demo kan "
                                 "alleen in een lege installatie (een nieuwe database). Er is niets gewijzigd.")
    regio, tenants = make_tenants()
    out = Path(settings.VAR_DIR) / "generated" / f"{size}-{seed}-{REGIO_CODE}"
    if progress:
        progress(f"Synthetische regio {REGIO_NAAM} maken ({', '.join(t.naam for t in tenants)})")
    build(size, out, seed=seed, gemeenten=GEMEENTEN)
    if progress:
        progress("In de database laden, per gemeente")
    counts = loader.load(out)
    users = ensure_regio_users(tenants, new_passwords=new_passwords)
    if progress:
        progress("De treffer/geen-treffer-index per gemeente bouwen en Zaanstad een vraag aan de regio laten stellen")
    regio_story.build_index(tenants)
    regio_story.tell(tenants)
    if progress:
        progress("Het regionale ondermijningsbeeld berekenen (één afscherming voor de hele regio)")
    snapshot = insight_services.regenerate(regio=regio, progress=progress)
    return RegioResult(regio, tenants, sum(counts.values()), snapshot.version, users)
