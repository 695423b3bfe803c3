"""The home tenant: the gemeente an installation served before it became regional (ADR 0030 §12).

Where the gemeente comes from, in this order:

1. the home `Tenant` row, once it exists — from then on it is the one source of truth;
2. the setting ``MELDPUNT_GEMEENTE`` (a CBS code, e.g. GM0479);
3. the one gemeente of the loaded CBS geography (what ``meldpunt setup --gemeente`` and
   ``meldpunt demo`` load, and what the beeld reads today).

The three must agree: `ensure_home_tenant` refuses a gemeente other than the home tenant's or the
configured one, so loading another gemeente's geography cannot silently re-label the data.
"""

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.dispatch import Signal

from meldpunt.core import gemeenten

from .models import HOME_LOG_CHAIN, Tenant

# Sent with `tenant=` after a tenant is made, so apps with per-gemeente catalogues (the protocol's
# sources) seed them without tenancy importing those apps.
tenant_created = Signal()


class TenancyError(Exception):
    """A Dutch sentence for the beheerder: the gemeente of the installation is unknown or conflicts."""


NOT_CONFIGURED = ("Het is niet bekend voor welke gemeente deze installatie werkt. Zet MELDPUNT_GEMEENTE op de "
                  "CBS-code van de gemeente (bijvoorbeeld GM0479 voor Zaanstad) of zet de gemeente klaar met "
                  "`meldpunt setup --gemeente`.")


def configured_code() -> str:
    return (getattr(settings, "MELDPUNT_GEMEENTE", "") or "").strip().upper()


def _loaded_geography_code(using: str = DEFAULT_DB_ALIAS) -> str:
    # By name, not by import: the CBS geography lives in `registries`, a layer above tenancy.
    gemeente = apps.get_model("registries", "Gemeente")
    codes = list(gemeente.objects.using(using).values_list("code", flat=True)[:2])
    return codes[0] if len(codes) == 1 else ""


def reference_prefix(naam: str, taken) -> str:
    """Two letters of the name ("ZA" for Zaanstad), with a digit when another tenant has them."""
    letters = gemeenten.kenmerk_prefix(naam)
    for candidate in [letters, *(f"{letters}{n}" for n in range(2, 100))]:
        if candidate not in taken:
            return candidate
    raise TenancyError(f"Geen vrij voorvoegsel voor kenmerken van {naam}.")


def home_tenant(using: str = DEFAULT_DB_ALIAS) -> Tenant:
    """The home tenant, made from the configured or loaded gemeente the first time it is asked for."""
    home = Tenant.objects.using(using).filter(key_slot="").first()
    if home is not None:
        return home
    code = configured_code() or _loaded_geography_code(using)
    if not code:
        raise TenancyError(NOT_CONFIGURED)
    return ensure_home_tenant(code, using=using)


def ensure_home_tenant(code: str, using: str = DEFAULT_DB_ALIAS) -> Tenant:
    """The home tenant for ``code``: made when there is none, refused when it would be another gemeente."""
    code = code.strip().upper()
    naam = gemeenten.name(code)  # ValueError with a Dutch sentence for an unknown code
    configured = configured_code()
    if configured and configured != code:
        raise TenancyError(f"Deze installatie is ingesteld voor {gemeenten.names().get(configured, configured)} "
                           f"(MELDPUNT_GEMEENTE), niet voor {naam}.")
    with transaction.atomic(using=using):
        home = Tenant.objects.using(using).select_for_update().filter(key_slot="").first()
        if home is not None:
            if home.code != code:
                raise TenancyError(f"Deze installatie werkt al voor {home.naam}, niet voor {naam}. Gebruik een lege "
                                   "database om een andere gemeente klaar te zetten.")
            return home
        taken = set(Tenant.objects.using(using).values_list("reference_prefix", flat=True))
        home = Tenant.objects.using(using).create(
            code=code, naam=naam, reference_prefix=reference_prefix(naam, taken), key_slot="",
            log_chain=HOME_LOG_CHAIN, register_uri=settings.MELDPUNT_LDV_REGISTER_URI)
    tenant_created.send(sender=Tenant, tenant=home, using=using)
    return home


def ensure_configured_home(using: str = DEFAULT_DB_ALIAS, **_kwargs) -> None:
    """post_migrate (also after a flush): the configured gemeente's tenant exists before catalogues
    are seeded for it. Without MELDPUNT_GEMEENTE nothing happens until a gemeente is loaded."""
    if configured_code():
        ensure_home_tenant(configured_code(), using=using)
