"""Seeds for the configurable protocol data: W3 criteria, forward destinations and step norms.
Seeding adds what is missing and never overwrites what functioneel beheer changed."""

from datetime import date

from .models import Criteria, Destination, StepNorm
from .sources import seed_sources

W3_CRITERIA_V1 = [
    {"code": "concreet", "label": "Het signaal is voldoende concreet (wie, wat, waar)."},
    {"code": "recent", "label": "De waarneming is recent (niet ouder dan een jaar)."},
    {"code": "trend", "label": "Trend- of fenomeenanalyse vraagt bijzondere aandacht voor dit fenomeen of deze buurt."},
    {"code": "ernst", "label": "De mogelijke schade voor de openbare orde of de integriteit van het bestuur is groot."},
    {"code": "samenhang", "label": "Er is samenhang met andere signalen over hetzelfde adres, bedrijf of netwerk."},
]

DESTINATIONS = [
    ("afdeling_vth", "Afdeling Vergunningen, Toezicht en Handhaving", "afdeling",
     "AVG art. 6 lid 1 sub e; Gemeentewet art. 125; Omgevingswet"),
    ("afdeling_burgerzaken", "Afdeling Burgerzaken (BRP-adresonderzoek)", "afdeling",
     "AVG art. 6 lid 1 sub c; Wet BRP art. 2.39 en 4.18"),
    ("afdeling_werk_inkomen", "Afdeling Werk en Inkomen", "afdeling", "AVG art. 6 lid 1 sub e; Participatiewet"),
    ("afdeling_zorg", "Afdeling Zorg en Jeugd (rechtmatigheid)", "afdeling",
     "AVG art. 6 lid 1 sub e; Wmo 2015 art. 2.3.10; Jeugdwet"),
    ("riec", "RIEC Noord-Holland", "riec", "AVG art. 6 lid 1 sub e; Convenant RIEC-LIEC 2024"),
    ("politie", "Politie eenheid Noord-Holland", "politie", "AVG art. 6 lid 1 sub e; Sv art. 162 (aangifte)"),
    ("andere_gemeente", "Andere gemeente", "gemeente", "AVG art. 6 lid 1 sub e; Gemeentewet art. 172"),
    ("mma", "Meld Misdaad Anoniem", "mma", "AVG art. 6 lid 1 sub e"),
]

# Norms in working days per step; the gemeente sets its own.
STEP_NORMS = {"ontvangen": 5, "zwaarte": 10, "bronnenonderzoek": 20}


def seed_protocol(**_kwargs) -> None:
    Criteria.objects.get_or_create(kind="W3", version=1, defaults={
        "title": "Beleidscriteria weging 3 (zwaarte)", "factors": W3_CRITERIA_V1, "valid_from": date(2026, 1, 1)})
    for code, name, kind, basis in DESTINATIONS:
        Destination.objects.get_or_create(code=code, defaults={"name": name, "kind": kind,
                                                               "default_legal_basis": basis})
    for state, days in STEP_NORMS.items():
        StepNorm.objects.get_or_create(state=state, defaults={"working_days": days})
    seed_sources()
