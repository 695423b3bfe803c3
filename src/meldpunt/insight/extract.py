"""The snapshot export: the application's data, minimised, as files the pipeline reads.

Only what an aggregate needs leaves the database: no names, BSNs, KvK numbers, house numbers
or descriptions. A registration is (address id, adult yes/no); a company establishment is
(address id, SBI, start, end); a signal is (date, channel, phenomenon, buurt, state). The
address ids are only used to count per address inside the pipeline and never reach a cell.
The files live in a temporary folder that is removed after the run.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.apps import apps
from django.db.models import F, Min

from meldpunt.intake.models import Signal
from meldpunt.registries import models as reg

from .sources import CSV_TABLES, OUTSIDE_PREFIX


def _write(path: Path, header: list[str], rows: Iterable[tuple]) -> int:
    n = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            n += 1
    return n


def _adult_cutoff(reference_date: date) -> date:
    try:
        return reference_date.replace(year=reference_date.year - 18)
    except ValueError:  # 29 February
        return reference_date.replace(year=reference_date.year - 18, day=28)


def export_app_data(directory: Path, reference_date: date, gemeenten: Iterable[str] | None = None) -> dict[str, int]:
    """Write every table of :data:`sources.CSV_TABLES` into ``directory``; returns row counts.
    ``gemeenten``: the CBS codes of the snapshot's scope (ADR 0030 §11): only their areas, and only
    their own signals and casussen, each in a buurt of its own gemeente; None: everything loaded."""
    directory = Path(directory)
    adult_born_before = _adult_cutoff(reference_date)
    codes = None if gemeenten is None else sorted(gemeenten)
    areas = {} if codes is None else {"gemeente__in": codes}
    queries = {
        "gemeenten": reg.Gemeente.objects.filter(**({} if codes is None else {"code__in": codes}))
        .values_list("code", "naam", "jaar"),
        "wijken": reg.Wijk.objects.filter(**areas).values_list("code", "naam", "gemeente_id"),
        "buurten": reg.Buurt.objects.filter(**{f"wijk__{k}": v for k, v in areas.items()}).values_list(
            "code", "naam", "wijk_id", "inwoners", "woz_gemiddeld", "misdrijven_2025", "misdrijven_per_1000_gem5j"),
        "verblijfsobjecten": reg.Verblijfsobject.objects.values_list(
            "hoofdadres_id", "oppervlakte", "gebruiksdoel", "buurt_id", "hoofdadres__openbare_ruimte"),
        "inschrijvingen": (
            (adres, geboortedatum is not None and geboortedatum <= adult_born_before)
            for adres, geboortedatum in reg.Verblijfplaats.objects.filter(datum_einde__isnull=True)
            .values_list("adres_id", "persoon__geboortedatum").iterator(chunk_size=5000)
        ),
        "vestigingen": reg.Vestiging.objects.values_list("adres_id", "sbi_id", "datum_aanvang", "datum_einde"),
        "woz": reg.WozWaarde.objects.values_list("verblijfsobject__hoofdadres_id", "waarde"),
        "overdrachten": reg.Eigendomsoverdracht.objects.values_list(
            "verblijfsobject__hoofdadres_id", "datum", "koopsom"),
        "signalen": _signals(codes),
        "casussen": _cases(codes),
        "interventies": _interventions(),
    }
    counts = {}
    for name, header in CSV_TABLES.items():
        rows = queries[name]
        if hasattr(rows, "iterator"):
            rows = rows.iterator(chunk_size=5000)
        counts[name] = _write(directory / f"{name}.csv", header, rows)
    return counts


def _own_buurt(codes):
    """A function (signal's gemeente, buurt) -> the buurt when it lies in that gemeente; for a buurt
    elsewhere ``buiten:<gemeente>`` (ADR 0030 §11): a signal of Zaanstad about an address in
    Wormerland counts in Zaanstad's "buiten de gemeente" total, never in a Wormerland buurt cell.
    No buurt at all: None (it counts in no area)."""
    if codes is None:
        return lambda _gemeente, buurt: buurt
    gemeente_of = dict(reg.Buurt.objects.filter(wijk__gemeente__in=codes).values_list("code", "wijk__gemeente_id"))

    def own(gemeente, buurt):
        if buurt is None:
            return None
        return buurt if gemeente_of.get(buurt) == gemeente else f"{OUTSIDE_PREFIX}{gemeente}"
    return own


def _signals(codes=None):
    # Buurt of the signal, or else the buurt of its BAG address (never the address itself).
    rows = Signal.objects.values_list(
        "received_at", "channel", "phenomenon_id", "buurt_id", "address__verblijfsobject__buurt_id", "state",
        "gemeente_id")
    if codes is not None:
        rows = rows.filter(gemeente__in=codes)
    own = _own_buurt(codes)
    return ((received.date(), channel, phenomenon, own(gemeente, buurt or address_buurt), state)
            for received, channel, phenomenon, buurt, address_buurt, state, gemeente
            in rows.iterator(chunk_size=5000))


def _cases(codes=None):
    """A casus counts in the buurt and phenomenon of its first linked signal."""
    try:
        link_model = apps.get_model("cases", "CasusSignal")
    except LookupError:
        return iter(())
    first = (link_model.objects.values("casus_id")
             .annotate(first_signal=Min("signal_id"))
             .values_list("casus_id", "first_signal"))
    first_signal = dict(first)
    own = _own_buurt(codes)
    where = {signal_id: own(gemeente, buurt) for signal_id, buurt, gemeente in Signal.objects.filter(
        id__in=first_signal.values()).values_list("id", F("buurt_id"), "gemeente_id")}
    what = dict(Signal.objects.filter(id__in=first_signal.values()).values_list("id", "phenomenon_id"))
    casus_model = apps.get_model("cases", "Casus")
    casussen = casus_model.objects.all() if codes is None else casus_model.objects.filter(gemeente__in=codes)
    rows = []
    for casus_id, opened_at, state in casussen.values_list("id", "opened_at", "state"):
        signal_id = first_signal.get(casus_id)
        rows.append((casus_id, opened_at.date(), state, where.get(signal_id), what.get(signal_id)))
    return rows


def _interventions():
    """Interventions by instrument, in the buurt and phenomenon of their casus (if the cases app has them)."""
    try:
        model = apps.get_model("cases", "Intervention")
    except LookupError:
        return iter(())
    return model.objects.values_list("casus_id", "instrument__code", "created_at__date")
