"""Shared by the data migrations that give existing records the home gemeente (ADR 0030 §12).

Each app adds `gemeente` nullable, fills it with `fill_home(...)`, then makes it NOT NULL. Nothing
is re-encrypted, re-pseudonymised or re-chained: the home tenant keeps the installation's keys.
"""

from django.conf import settings

from meldpunt.core import gemeenten

BATCH = 10_000

UNKNOWN = ("Er staan al gegevens in de database, maar het is niet bekend van welke gemeente. Zet MELDPUNT_GEMEENTE "
           "op de CBS-code van de gemeente (bijvoorbeeld GM0479 voor Zaanstad) en voer de migratie opnieuw uit.")


class HomeGemeenteUnknown(RuntimeError):
    pass


def home_code(apps, db: str) -> str:
    """The configured gemeente; else the one gemeente of the signals' buurten; else the one gemeente
    of the loaded CBS geography; else '' (nothing to tell it by)."""
    configured = (getattr(settings, "MELDPUNT_GEMEENTE", "") or "").strip().upper()
    if configured:
        return configured
    signal = apps.get_model("intake", "Signal")
    from_signals = set(signal.objects.using(db).exclude(buurt=None)
                       .values_list("buurt__wijk__gemeente_id", flat=True).distinct())
    if len(from_signals) > 1:
        raise HomeGemeenteUnknown(f"De signalen liggen in meer dan één gemeente ({', '.join(sorted(from_signals))}). "
                                  + UNKNOWN)
    if from_signals:
        return from_signals.pop()
    loaded = list(apps.get_model("registries", "Gemeente").objects.using(db).values_list("code", flat=True)[:2])
    return loaded[0] if len(loaded) == 1 else ""


def make_home_tenant(apps, schema_editor) -> None:
    db = schema_editor.connection.alias
    tenant = apps.get_model("tenancy", "Tenant")
    if tenant.objects.using(db).filter(key_slot="").exists():
        return
    code = home_code(apps, db)
    if not code:
        return  # a fresh installation: setup, demo or the first record makes the tenant
    try:
        naam = gemeenten.name(code)
    except ValueError as error:
        raise HomeGemeenteUnknown(str(error)) from error
    letters = "".join(c for c in naam.upper() if c.isalpha())[:2] or "GM"
    tenant.objects.using(db).create(code=code, naam=naam, reference_prefix=letters, key_slot="",
                                    log_chain="verwerking", register_uri=settings.MELDPUNT_LDV_REGISTER_URI)


def fill_home(app_label: str, model_name: str):
    """A RunPython function: every row of the model without a gemeente gets the home tenant."""

    def fill(apps, schema_editor):
        db = schema_editor.connection.alias
        model = apps.get_model(app_label, model_name)
        empty = model.objects.using(db).filter(gemeente__isnull=True)
        if not empty.exists():
            return
        home = apps.get_model("tenancy", "Tenant").objects.using(db).filter(key_slot="").first()
        if home is None:
            raise HomeGemeenteUnknown(UNKNOWN)
        ids = list(empty.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            batch = ids[start:start + BATCH]
            empty.filter(pk__gte=batch[0], pk__lte=batch[-1]).update(gemeente_id=home.pk)
        if schema_editor.connection.vendor == "postgresql":
            # The new foreign key is checked at commit; the NOT NULL that follows in this same
            # transaction may not alter a table with pending checks, so run them now.
            schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")

    fill.__name__ = f"fill_home_{model_name.lower()}"
    return fill
