"""The data rules as first seeded (issue 5: registry indicators), with their documented default
thresholds (``rule_schemas.SCHEMAS``, ADR 0017) and legal basis. Functioneel beheer edits them in the
admin afterwards; seeding only adds what is missing and never overwrites an edit.

The rules look at addresses, companies and sales, never at who someone is: no nationality,
ethnicity or origin (P7). A finding becomes a signal in step 1; a person decides.
"""

from .models import DataRule, DataRuleKind, Phenomenon
from .rule_schemas import SCHEMAS

_BASE = "AVG art. 6 lid 1 sub e (taak van algemeen belang); Gemeentewet art. 172 (openbare orde)"

RULES = [
    ("overbewoning", DataRuleKind.OVERBEWONING, "woon_adresfraude",
     "Veel volwassenen op weinig m²",
     "Woningen waar veel volwassenen staan ingeschreven op weinig woonoppervlak (BRP-inschrijvingen tegen de "
     "BAG-oppervlakte), naar het profiel van de Landelijke Aanpak Adreskwaliteit (bv. 6 volwassenen op 40 m²). "
     "Het signaal noemt alleen het adres en de aantallen, geen bewoners.",
     f"{_BASE}; Wet BRP art. 3.8 en 3.9 met het gemeentelijke reglement voor verstrekkingen (gebruik voor een "
     "wettelijke taak) en de Wet BRP adreskwaliteit (LAA); Huisvestingswet 2014. Alleen aantallen volwassenen en de "
     "oppervlakte worden gebruikt; geen namen of persoonskenmerken in het signaal."),
    ("bedrijven_woonadres", DataRuleKind.BEDRIJVEN_WOONADRES, "malafide_onderneming",
     "Meerdere bedrijven op één woonadres",
     "Woonadressen waar in korte tijd meerdere bedrijven zijn gevestigd, vaak kort bestaand en met dezelfde "
     "bestuurders (Handelsregister tegen BAG-gebruiksdoel). Het signaal noemt het adres en de KvK-nummers; "
     "bestuurders worden alleen geteld.",
     f"{_BASE}; Handelsregisterwet 2007 (openbare registratie); Wet Bibob (voorbereiden van een "
     "integriteitsbeoordeling). Alleen KvK-gegevens en aantallen; bestuurders worden niet genoemd."),
    ("risicobranche_wisselingen", DataRuleKind.RISICOBRANCHE_WISSELINGEN, "malafide_onderneming",
     "Risicobranche in één straat met veel bestuurderswisselingen",
     "Straten met veel actieve vestigingen van één risicobranche (SBI-codes van kapsalons, nagelstudio's, "
     "belwinkels, autohandel, horeca, uitzendbureaus, vastgoed) waar in korte tijd veel bestuurders of eigenaren "
     "bijkwamen of vertrokken. Het signaal noemt de straat en de KvK-nummers.",
     f"{_BASE} en art. 174 (toezicht op openbare inrichtingen); Wet Bibob; APV (exploitatievergunning); "
     "Handelsregisterwet 2007. Alleen KvK-gegevens en aantallen; bestuurders worden niet genoemd."),
    ("abc_doorverkoop", DataRuleKind.ABC_DOORVERKOOP, "witwassen_vastgoed",
     "Snelle doorverkoop met waardesprong (ABC)",
     "Woningen die binnen een half jaar opnieuw zijn verkocht voor veel meer dan de vorige koopsom "
     "(ABC-transactie, Kadaster-koopsommen). Het signaal noemt het adres, de data en de koopsommen.",
     f"{_BASE}; Wet Bibob (vastgoedtransacties, sinds 1 oktober 2022); Kadasterwet (openbare registratie van "
     "koopsommen). Geen eigenaren of kopers in het signaal."),
]


def seed_rules(**_kwargs) -> None:
    for code, kind, phenomenon, name, description, legal_basis in RULES:
        if not Phenomenon.objects.filter(code=phenomenon).exists():
            continue  # the phenomena are seeded first; a renamed catalogue is left alone
        DataRule.objects.get_or_create(code=code, defaults={
            "kind": kind, "name": name, "description": description, "legal_basis": legal_basis,
            "phenomenon_id": phenomenon, "parameters": _defaults(kind)})


def _defaults(kind: str) -> dict:
    return {name: spec.default for name, spec in SCHEMAS[kind].items()}
