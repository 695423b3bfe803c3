"""The four registry indicators of the data rules, as aggregate queries over the registry tables.

Each evaluator takes a rule's (validated) parameters and the reference date and returns its
findings. The heavy part is one GROUP BY ... HAVING per rule in the database (it runs the same on
SQLite and PostgreSQL); only the few groups over the threshold are looked at in Python. The
definitions and default thresholds follow the ondermijningsbeeld (``insight/pipeline.py``),
which counts the same indicators per buurt; here they point at one address, street or company.

Minimisation: a finding names an address or companies (KvK), never a person; persons are only
counted (adults on an address, arriving and leaving directors).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from meldpunt.core.datums import format_date
from meldpunt.registries.models import (
    Eigendomsoverdracht,
    Functionaris,
    Gebruiksdoel,
    Nummeraanduiding,
    Verblijfplaats,
    Verblijfsobject,
    Vestiging,
    WozWaarde,
)

from .models import DataRuleKind, SubjectKind

MAX_COMPANIES_NAMED = 25  # a street finding names at most this many companies


@dataclass
class Finding:
    """One address, street or sale that meets a rule. ``key`` identifies it across runs (it is
    stored only as a keyed hash); ``facts`` are counts and dates, never names of persons."""

    key: str
    summary: str
    address_id: str = ""
    buurt: str = ""
    location_text: str = ""
    facts: dict = field(default_factory=dict)
    # (kind, kvk_nummer or address id, name, role): turned into mentioned subjects
    subjects: list[tuple[str, str, str, str]] = field(default_factory=list)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _euro(amount: int) -> str:
    return "€ " + f"{amount:,}".replace(",", ".")


def _decimal(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _nl_date(day: date) -> str:
    return format_date(day)


def _current(prefix: str, ref: date) -> Q:
    """Rows valid on the reference date (started, not yet ended)."""
    return Q(**{f"{prefix}datum_aanvang__lte": ref}) & (
        Q(**{f"{prefix}datum_einde__isnull": True}) | Q(**{f"{prefix}datum_einde__gt": ref}))


def _addresses(ids) -> dict[str, Nummeraanduiding]:
    return Nummeraanduiding.objects.in_bulk(list(ids))


# ----------------------------------------------------------------------------- overbewoning


def overbewoning(params: dict, ref: date) -> list[Finding]:
    """Dwellings with at least ``min_volwassenen`` adults registered and at most
    ``max_m2_per_volwassene`` m² of floor area per adult (the LAA profile: 6 adults on 40 m²)."""
    adult_born_by = _years_before(ref, 18)
    rows = (Verblijfplaats.objects
            .filter(_current("", ref), persoon__geboortedatum__lte=adult_born_by,
                    adres__verblijfsobject__gebruiksdoel=Gebruiksdoel.WOON)
            .values("adres_id", "adres__verblijfsobject__oppervlakte", "adres__verblijfsobject__buurt_id")
            .annotate(adults=Count("persoon_id", distinct=True))
            .filter(adults__gte=params["min_volwassenen"])
            .order_by("adres_id"))
    hits = [r for r in rows
            if r["adres__verblijfsobject__oppervlakte"] <= params["max_m2_per_volwassene"] * r["adults"]]
    addresses = _addresses(r["adres_id"] for r in hits)
    findings = []
    for row in hits:
        address, surface, adults = addresses[row["adres_id"]], row["adres__verblijfsobject__oppervlakte"], row["adults"]
        findings.append(Finding(
            key=row["adres_id"], address_id=row["adres_id"], buurt=row["adres__verblijfsobject__buurt_id"],
            location_text=str(address),
            summary=(f"Op {address} staan op {_nl_date(ref)} {adults} volwassenen ingeschreven op een woning van "
                     f"{surface} m² (woonfunctie): {_decimal(surface / adults)} m² per volwassene."),
            facts={"volwassenen": adults, "oppervlakte_m2": surface},
            subjects=[(SubjectKind.ADRES, row["adres_id"], "", "adres uit de registratie")],
        ))
    return findings


# ---------------------------------------------------------------------- bedrijven op woonadres


def bedrijven_woonadres(params: dict, ref: date) -> list[Finding]:
    """Dwellings where at least ``min_bedrijven`` companies started an establishment in the last
    ``terugkijken_jaren`` years (short-lived companies at a home address, often sharing directors)."""
    since = _years_before(ref, params["terugkijken_jaren"])
    in_window = Vestiging.objects.filter(adres__verblijfsobject__gebruiksdoel=Gebruiksdoel.WOON,
                                         datum_aanvang__gte=since, datum_aanvang__lte=ref)
    groups = (in_window.values("adres_id").annotate(companies=Count("onderneming_id", distinct=True))
              .filter(companies__gte=params["min_bedrijven"]).order_by("adres_id"))
    found = [g["adres_id"] for g in groups]
    if not found:
        return []
    establishments = defaultdict(list)
    for row in (in_window.filter(adres_id__in=found).order_by("datum_aanvang", "id")
                .values("adres_id", "onderneming_id", "onderneming__kvk_nummer", "onderneming__naam",
                        "datum_aanvang", "datum_einde")):
        establishments[row["adres_id"]].append(row)
    company_ids = {row["onderneming_id"] for rows in establishments.values() for row in rows}
    companies_of_person = defaultdict(set)
    for officer in Functionaris.objects.filter(onderneming_id__in=company_ids).values("persoon_id", "onderneming_id"):
        companies_of_person[officer["persoon_id"]].add(officer["onderneming_id"])
    addresses = _addresses(found)
    buurten = dict(Verblijfsobject.objects.filter(hoofdadres_id__in=found).values_list("hoofdadres_id", "buurt_id"))
    findings = []
    for adres_id in found:
        rows = establishments[adres_id]
        ids = {r["onderneming_id"] for r in rows}
        ended = [r for r in rows if r["datum_einde"] and r["datum_einde"] <= ref]
        short_lived = [r for r in ended if (r["datum_einde"] - r["datum_aanvang"]).days < 365]
        officers = [p for p, theirs in companies_of_person.items() if theirs & ids]
        shared = [p for p in officers if len(companies_of_person[p] & ids) >= 2]
        address = addresses[adres_id]
        summary = (f"Op het woonadres {address} zijn sinds {_nl_date(since)} {len(ids)} bedrijven gevestigd; "
                   f"{len(ended)} daarvan zijn al opgeheven, {len(short_lived)} binnen een jaar na de start. "
                   f"Deze bedrijven hebben samen {len(officers)} bestuurders of eigenaren, van wie {len(shared)} "
                   f"bij twee of meer van deze bedrijven.")
        findings.append(Finding(
            key=adres_id, address_id=adres_id, buurt=buurten.get(adres_id, ""), location_text=str(address),
            summary=summary,
            facts={"bedrijven": len(ids), "opgeheven": len(ended), "kortlevend": len(short_lived),
                   "bestuurders": len(officers), "gedeelde_bestuurders": len(shared)},
            subjects=[(SubjectKind.ADRES, adres_id, "", "vestigingsadres uit het Handelsregister")] + [
                (SubjectKind.ONDERNEMING, r["onderneming__kvk_nummer"], r["onderneming__naam"],
                 "onderneming op dit adres") for r in _unique_companies(rows)],
        ))
    return findings


def _unique_companies(rows):
    seen = set()
    for row in rows:
        if row["onderneming_id"] not in seen:
            seen.add(row["onderneming_id"])
            yield row


# ------------------------------------------------------------------- risicobranche en wisselingen


def risicobranche_wisselingen(params: dict, ref: date) -> list[Finding]:
    """Streets with at least ``min_vestigingen_in_straat`` active establishments of one
    risk-branch SBI code whose companies saw at least ``min_wisselingen`` directors or owners
    arrive or leave in the last ``wisselingen_jaren`` years (a new owner counts as an arrival)."""
    since = _years_before(ref, params["wisselingen_jaren"])
    active = Vestiging.objects.filter(_current("", ref), sbi_id__in=params["sbi_codes"])
    groups = (active.values("adres__woonplaats", "adres__openbare_ruimte", "sbi_id")
              .annotate(establishments=Count("id"))
              .filter(establishments__gte=params["min_vestigingen_in_straat"])
              .order_by("adres__woonplaats", "adres__openbare_ruimte", "sbi_id"))
    findings = []
    for group in groups:
        place, street, sbi = group["adres__woonplaats"], group["adres__openbare_ruimte"], group["sbi_id"]
        rows = list(active.filter(adres__woonplaats=place, adres__openbare_ruimte=street, sbi_id=sbi)
                    .order_by("datum_aanvang", "id")
                    .values("onderneming_id", "onderneming__kvk_nummer", "onderneming__naam", "datum_aanvang",
                            "adres__verblijfsobject__buurt_id", "sbi__omschrijving"))
        ids = {r["onderneming_id"] for r in rows}
        officers = Functionaris.objects.filter(onderneming_id__in=ids)
        arrived = officers.filter(datum_aanvang__gte=since, datum_aanvang__lte=ref).count()
        left = officers.filter(datum_einde__gte=since, datum_einde__lte=ref).count()
        if arrived + left < params["min_wisselingen"]:
            continue
        new_establishments = sum(1 for r in rows if r["datum_aanvang"] >= since)
        buurt = Counter(r["adres__verblijfsobject__buurt_id"] for r in rows if r["adres__verblijfsobject__buurt_id"])
        branch = f"SBI {sbi} ({rows[0]['sbi__omschrijving']})" if rows[0]["sbi__omschrijving"] else f"SBI {sbi}"
        companies = list(_unique_companies(rows))
        named = companies[:MAX_COMPANIES_NAMED]
        summary = (f"In {street} ({place}) zijn op {_nl_date(ref)} {len(rows)} vestigingen actief in de "
                   f"risicobranche {branch}; {new_establishments} daarvan zijn sinds {_nl_date(since)} gestart. "
                   f"Bij deze bedrijven kwamen in die periode {arrived} bestuurders of eigenaren bij en "
                   f"vertrokken er {left}.")
        if len(companies) > len(named):
            summary += f" Genoemd zijn de eerste {len(named)} van {len(companies)} bedrijven."
        findings.append(Finding(
            key=f"{place}|{street}|{sbi}", buurt=buurt.most_common(1)[0][0] if buurt else "",
            location_text=f"{street}, {place}", summary=summary,
            facts={"vestigingen": len(rows), "nieuw": new_establishments, "bijgekomen": arrived, "vertrokken": left,
                   "sbi": sbi},
            subjects=[(SubjectKind.ONDERNEMING, r["onderneming__kvk_nummer"], r["onderneming__naam"],
                       f"vestiging in de risicobranche in de {street}"[:80]) for r in named],
        ))
    return findings


# ----------------------------------------------------------------------------- ABC-doorverkoop


def abc_doorverkoop(params: dict, ref: date) -> list[Finding]:
    """A property sold again within ``max_dagen`` days for at least ``min_stijging`` times the
    previous price (an ABC transaction), within the last ``terugkijken_jaren`` years."""
    since = _years_before(ref, params["terugkijken_jaren"])
    sales = Eigendomsoverdracht.objects.filter(datum__gte=since, datum__lte=ref)
    if params["alleen_woningen"]:
        sales = sales.filter(verblijfsobject__gebruiksdoel=Gebruiksdoel.WOON)
    resold = (sales.values("verblijfsobject_id").annotate(n=Count("id")).filter(n__gte=2)
              .values("verblijfsobject_id"))
    by_object = defaultdict(list)
    for vbo, day, price in (sales.filter(verblijfsobject_id__in=resold).order_by("verblijfsobject_id", "datum", "id")
                            .values_list("verblijfsobject_id", "datum", "koopsom")):
        by_object[vbo].append((day, price))
    pairs = []
    for vbo, rows in by_object.items():
        for (first_day, first_price), (second_day, second_price) in zip(rows, rows[1:], strict=False):
            days = (second_day - first_day).days
            if first_price and days <= params["max_dagen"] and second_price >= params["min_stijging"] * first_price:
                pairs.append((vbo, first_day, first_price, second_day, second_price))
    if not pairs:
        return []
    objects = {o.pk: o for o in Verblijfsobject.objects.select_related("hoofdadres").filter(
        pk__in={p[0] for p in pairs})}
    woz = {}
    for vbo, value in (WozWaarde.objects.filter(verblijfsobject_id__in=objects, peildatum__lte=ref)
                       .order_by("verblijfsobject_id", "peildatum").values_list("verblijfsobject_id", "waarde")):
        woz[vbo] = value  # the latest peildatum wins
    findings = []
    for vbo, first_day, first_price, second_day, second_price in pairs:
        obj = objects[vbo]
        address = obj.hoofdadres
        rise = second_price / first_price
        summary = (f"{address} is op {_nl_date(first_day)} verkocht voor {_euro(first_price)} en "
                   f"{(second_day - first_day).days} dagen later, op {_nl_date(second_day)}, opnieuw voor "
                   f"{_euro(second_price)}: {_decimal(rise, 2)} keer de eerste koopsom.")
        if vbo in woz:
            summary += f" De WOZ-waarde is {_euro(woz[vbo])}."
        findings.append(Finding(
            key=f"{vbo}|{second_day.isoformat()}", address_id=address.pk, buurt=obj.buurt_id,
            location_text=str(address), summary=summary,
            facts={"dagen": (second_day - first_day).days, "stijging": round(rise, 3)},
            subjects=[(SubjectKind.ADRES, address.pk, "", "doorverkocht object")],
        ))
    return findings


EVALUATORS = {
    DataRuleKind.OVERBEWONING: overbewoning,
    DataRuleKind.BEDRIJVEN_WOONADRES: bedrijven_woonadres,
    DataRuleKind.RISICOBRANCHE_WISSELINGEN: risicobranche_wisselingen,
    DataRuleKind.ABC_DOORVERKOOP: abc_doorverkoop,
}
