"""Load a generated municipality (Parquet) into the application database.

All-or-nothing: one transaction. Rows go in with ``executemany`` on the model tables (the
column names come from the models' metadata), which is several times faster than
``bulk_create`` for the hundreds of thousands of rows of size M.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC
from decimal import Decimal
from pathlib import Path

import duckdb
from django.core.management.color import no_style
from django.db import connection, transaction

from meldpunt.core.workdays import add_working_days
from meldpunt.demo.errors import GemeenteSetupError
from meldpunt.intake.models import MentionedSubject, Signal
from meldpunt.protocol.models import StateChange, StepNorm
from meldpunt.registries import models as m
from meldpunt.tenancy import counters
from meldpunt.tenancy.home import ensure_home_tenant, home_tenant
from meldpunt.tenancy.models import Tenant

BATCH = 5000

# (parquet file, model, {model field name: SQL expression over the parquet columns})
PLAN: list[tuple[str, type, dict[str, str]]] = [
    ("gemeenten", m.Gemeente, {"code": "code", "naam": "naam", "jaar": "2024"}),
    ("wijken", m.Wijk, {
        "code": "code", "naam": "naam", "gemeente": "gemeente", "inwoners": "inwoners",
        "inwoners_0_tot_15": "inwoners0tot15", "inwoners_65_plus": "inwoners65plus",
        "huishoudens": "huishoudens", "woz_gemiddeld": "woz", "koopwoningen_pct": "koopwoningen",
        "oppervlakte_land_ha": "oppervlakte_ha", "misdrijven_2025": "misdrijven_2025",
        "misdrijven_per_1000_gem5j": "misdrijven_per1000_gem5j",
    }),
    ("buurten", m.Buurt, {
        "code": "code", "naam": "naam", "wijk": "wijk", "inwoners": "inwoners",
        "inwoners_0_tot_15": "inwoners0tot15", "inwoners_65_plus": "inwoners65plus",
        "huishoudens": "huishoudens", "woz_gemiddeld": "woz", "koopwoningen_pct": "koopwoningen",
        "oppervlakte_land_ha": "oppervlakte_ha", "misdrijven_2025": "misdrijven_2025",
        "misdrijven_per_1000_gem5j": "misdrijven_per1000_gem5j", "postcode4": "coalesce(pc4, '')",
    }),
    ("sbi", m.SbiCode, {"code": "code", "omschrijving": "omschrijving"}),
    ("panden", m.Pand, {"identificatie": "identificatie", "bouwjaar": "bouwjaar"}),
    ("nummeraanduidingen", m.Nummeraanduiding, {
        "identificatie": "identificatie", "openbare_ruimte": "openbare_ruimte",
        "huisnummer": "huisnummer", "huisletter": "''", "toevoeging": "''", "postcode": "postcode",
        "woonplaats": "woonplaats",
    }),
    ("verblijfsobjecten", m.Verblijfsobject, {
        "identificatie": "identificatie", "hoofdadres": "hoofdadres", "pand": "pand",
        "oppervlakte": "oppervlakte", "gebruiksdoel": "gebruiksdoel", "buurt": "buurt",
    }),
    ("personen", m.Persoon, {
        "id": "pid + 1", "bsn": "bsn", "voornamen": "voornamen", "voorvoegsel": "voorvoegsel",
        "geslachtsnaam": "geslachtsnaam", "geboortedatum": "geboortedatum",
    }),
    ("verblijfplaatsen", m.Verblijfplaats, {
        "persoon": "pid + 1", "adres": "adres", "datum_aanvang": "datum_aanvang",
        "datum_einde": "datum_einde",
    }),
    ("ondernemingen", m.Onderneming, {
        "id": "cid + 1", "kvk_nummer": "kvk_nummer", "naam": "naam", "rechtsvorm": "rechtsvorm",
        "rsin": "rsin", "datum_oprichting": "datum_oprichting", "datum_opheffing": "datum_opheffing",
    }),
    ("vestigingen", m.Vestiging, {
        "vestigingsnummer": "vestigingsnummer", "onderneming": "cid + 1",
        "handelsnaam": "handelsnaam", "adres": "adres", "sbi": "sbi",
        "datum_aanvang": "datum_aanvang", "datum_einde": "datum_einde",
    }),
    ("functionarissen", m.Functionaris, {
        "onderneming": "cid + 1", "persoon": "pid + 1", "functie": "functie",
        "datum_aanvang": "datum_aanvang", "datum_einde": "datum_einde",
    }),
    ("woz", m.WozWaarde, {"verblijfsobject": "verblijfsobject", "peildatum": "peildatum", "waarde": "waarde"}),
    ("overdrachten", m.Eigendomsoverdracht, {
        "verblijfsobject": "verblijfsobject", "datum": "datum", "koopsom": "koopsom",
    }),
    ("vergunningen", m.Vergunning, {
        "soort": "soort", "adres": "adres", "houder": "houder", "datum_verlening": "datum_verlening",
        "datum_einde": "datum_einde", "status": "status",
    }),
    ("signalen", Signal, {
        # The id is the number in the reference, as for signals created in the app.
        "id": "CAST(split_part(reference, '-', 3) AS BIGINT)",
        "reference": "reference", "received_at": "timezone('UTC', received_at)", "channel": "channel",
        "reporter_kind": "CASE channel WHEN 'webformulier' THEN 'anoniem' WHEN 'partner' THEN 'partner' "
                         "WHEN 'import' THEN 'mma' WHEN 'telefoon' THEN 'burger' ELSE 'medewerker' END",
        "phenomenon": "phenomenon", "description": "description", "location_text": "''",
        "occurred_text": "''", "buurt": "buurt", "address": "adres", "state": "'ontvangen'",
        "state_since": "timezone('UTC', received_at)",
    }),
]
# Mentions planted by the pattern recurring (a dataset of several gemeenten only).
MENTIONS = ("vermeldingen", MentionedSubject, {
    "signal": "signaal", "kind": "kind", "role": "role", "name": "name", "bsn": "bsn", "kvk_nummer": "kvk_nummer",
    "address": "adres", "kenteken": "kenteken", "birth_date": "birth_date", "address_text": "''",
    "description": "''",
})


def _column(model, field_name: str) -> str:
    return model._meta.get_field(field_name).column


def _batches(rows: list[tuple], size: int) -> Iterable[list[tuple]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _reset_sequences(models: list[type]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def load(directory: Path, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Load every table of a generated municipality; returns the row count per table."""
    directory = Path(directory)
    duck = duckdb.connect()
    counts: dict[str, int] = {}
    try:
        with transaction.atomic():
            home, several = _home_tenant(duck, directory)
            plan = PLAN + ([MENTIONS] if (directory / f"{MENTIONS[0]}.parquet").exists() else [])
            with connection.cursor() as cursor:
                for name, model, mapping in plan:
                    if model is Signal:
                        # Each signal goes to the gemeente of its buurt (the generator names it) when there
                        # are several, else to the home gemeente; codes are checked CBS codes (GM and four
                        # digits) and prefixes letters, so literals are safe here. The kenmerk takes the
                        # gemeente's prefix (ADR 0030 §7), checked on the model.
                        mapping = {**mapping, "gemeente": "gemeente" if several else f"'{home.code}'",
                                   "reference": f"{_prefix_sql(several, home)} || '-' || split_part(reference, '-', 2)"
                                                " || '-' || split_part(reference, '-', 3)"}
                    path = directory / f"{name}.parquet"
                    select = ", ".join(mapping.values())
                    rows = duck.execute(f"SELECT {select} FROM read_parquet(?)", [str(path)]).fetchall()
                    if model is m.Vergunning:
                        rows = _with_permit_holders(rows, list(mapping).index("houder"))
                    rows = _adapt(model, list(mapping), rows)
                    columns = ", ".join(connection.ops.quote_name(_column(model, f)) for f in mapping)
                    placeholders = ", ".join(["%s"] * len(mapping))
                    table = connection.ops.quote_name(model._meta.db_table)
                    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
                    for batch in _batches(rows, BATCH):
                        cursor.executemany(sql, batch)
                    counts[name] = len(rows)
                    if progress:
                        progress(name, len(rows))
            _reset_sequences([m.Persoon, m.Onderneming, Signal, MentionedSubject])
            # Each gemeente's own counter continues after its loaded numbers (the id is the number).
            for tenant in Tenant.objects.filter(signals__isnull=False).distinct():
                highest = Signal.objects.filter(gemeente=tenant).order_by("-id").values_list("id", flat=True).first()
                counters.skip_past(tenant, "next_signal_number", highest or 0)
            _start_signal_histories()
    finally:
        duck.close()
    return counts


def _home_tenant(duck, directory: Path):
    """(home tenant, several gemeenten?). The one gemeente of the generated geography becomes (or
    must be) the home tenant, so the demo and `setup --gemeente` keep one source of truth. A dataset
    of several gemeenten (`demo --regio`) needs every one of them as a tenant already."""
    codes = [row[0] for row in duck.execute("SELECT DISTINCT code FROM read_parquet(?) ORDER BY code",
                                            [str(directory / "gemeenten.parquet")]).fetchall()]
    if len(codes) == 1:
        return ensure_home_tenant(codes[0]), False
    missing = set(codes) - set(Tenant.objects.values_list("code", flat=True))
    if missing:
        raise GemeenteSetupError("Deze gegevens horen bij gemeenten die niet in deze installatie zijn aangesloten: "
                                 f"{', '.join(sorted(missing))}. Er is niets geladen.")
    return home_tenant(), True


def _prefix_sql(several: bool, home) -> str:
    """The kenmerk prefix per signal as a DuckDB expression: the home gemeente's, or per gemeente."""
    def clean(tenant) -> str:
        return "".join(c for c in tenant.reference_prefix if c.isalnum())

    if not several:
        return f"'{clean(home)}'"
    cases = " ".join(f"WHEN '{t.code}' THEN '{clean(t)}'" for t in Tenant.objects.all())
    return f"(CASE gemeente {cases} END)"


def _start_signal_histories() -> None:
    """Each loaded signal gets its first history row and its step deadline, as in the app."""
    norm = StepNorm.objects.filter(state="ontvangen").values_list("working_days", flat=True).first() or 5
    loaded = list(Signal.objects.filter(history__isnull=True).only("id", "received_at"))
    StateChange.objects.bulk_create(
        (StateChange(signal_id=s.id, transition="ontvangen", source="", target="ontvangen", at=s.received_at)
         for s in loaded), batch_size=BATCH)
    for signal in loaded:
        signal.deadline = add_working_days(signal.received_at.date(), norm)
    Signal.objects.bulk_update(loaded, ["deadline"], batch_size=BATCH)


def _with_permit_holders(rows: list[tuple], index: int) -> list[tuple]:
    """Permit holders are KvK numbers in the Parquet; the table refers to company ids."""
    ids = dict(m.Onderneming.objects.values_list("kvk_nummer", "id"))
    return [row[:index] + (ids.get(row[index]),) + row[index + 1 :] for row in rows]


def _adapt(model, field_names: list[str], rows: list[tuple]) -> list[tuple]:
    """Give dates, timestamps and decimals the database form Django itself would write."""
    ops = connection.ops
    adapters = {}
    for i, name in enumerate(field_names):
        field = model._meta.get_field(name)
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            adapters[i] = lambda v: None if v is None else ops.adapt_datetimefield_value(
                v.astimezone(UTC) if v.tzinfo else v.replace(tzinfo=UTC))
        elif kind == "DateField":
            adapters[i] = ops.adapt_datefield_value
        elif kind == "DecimalField":
            adapters[i] = lambda v, f=field: None if v is None else ops.adapt_decimalfield_value(
                Decimal(str(v)), f.max_digits, f.decimal_places)
    if not adapters:
        return rows
    return [
        tuple(adapters[i](v) if i in adapters else v for i, v in enumerate(row)) for row in rows
    ]


def is_loaded() -> bool:
    return m.Gemeente.objects.exists()
