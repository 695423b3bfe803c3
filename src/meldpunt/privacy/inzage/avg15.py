"""The information AVG art. 15(1) requires next to the data themselves: purposes, categories,
recipients, retention, source, rights and the right to complain to the Autoriteit
Persoonsgegevens. Purposes and legal bases come from the processing register (art. 30)."""

from __future__ import annotations

from meldpunt.privacy.log import activity_at

CONTROLLER = "Het college van burgemeester en wethouders van de gemeente (Meldpunt Ondermijning)"


def controller(naam: str = "") -> str:
    """The controller the package is from: the college of the request's gemeente (ADR 0030 §7)."""
    if not naam:
        return CONTROLLER
    return f"Het college van burgemeester en wethouders van de gemeente {naam} (Meldpunt Ondermijning)"

RIGHTS = [
    {"recht": "Rectificatie (AVG art. 16)",
     "uitleg": "Zijn gegevens over u onjuist of onvolledig? Dan kunt u vragen ze te verbeteren of aan te vullen."},
    {"recht": "Wissing (AVG art. 17)",
     "uitleg": "U kunt vragen uw gegevens te wissen, bijvoorbeeld als ze niet meer nodig zijn voor het doel."},
    {"recht": "Beperking van de verwerking (AVG art. 18)",
     "uitleg": "U kunt vragen de verwerking tijdelijk te beperken, bijvoorbeeld zolang de juistheid wordt "
               "onderzocht."},
    {"recht": "Bezwaar (AVG art. 21)",
     "uitleg": "De gemeente verwerkt deze gegevens voor een taak van algemeen belang (AVG art. 6 lid 1 sub e). "
               "U kunt bezwaar maken vanwege uw bijzondere situatie."},
    {"recht": "Klacht bij de Autoriteit Persoonsgegevens (AVG art. 77)",
     "uitleg": "Bent u het niet eens met dit antwoord? U kunt een klacht indienen bij de Autoriteit "
               "Persoonsgegevens, Postbus 93374, 2509 AJ Den Haag, www.autoriteitpersoonsgegevens.nl. U kunt "
               "ook contact opnemen met de functionaris gegevensbescherming van de gemeente."},
]

AUTOMATED_DECISIONS = ("Er vindt geen geautomatiseerde besluitvorming of profilering plaats als bedoeld in AVG "
                       "art. 22: elk besluit over een signaal wordt door een medewerker genomen en gemotiveerd.")

RETENTION_POLICY = ("Signalen waarop geen actie volgt, worden een jaar versleuteld bewaard en daarna vernietigd. "
                    "Andere signalen en casussen worden bewaard volgens de Selectielijst gemeenten en "
                    "intergemeentelijke organen 2020 en daarna vernietigd.")

CATEGORY_LABELS = {
    "identificerend": "Identificerende gegevens (naam, geboortedatum)",
    "bsn": "Burgerservicenummer",
    "adres": "Adresgegevens",
    "voertuig": "Kentekengegevens",
    "onderneming": "Gegevens over een onderneming (KvK-nummer)",
    "contact": "Contactgegevens (als melder)",
    "signaal": "Gegevens over een mogelijke betrokkenheid bij ondermijning (signalen en beoordelingen)",
    "strafrechtelijk": "Strafrechtelijke gegevens (AVG art. 10)",
    "log": "Gegevens over de verwerking zelf (verwerkingslog)",
}


def activity_now(code: str, gemeente_code: str = "") -> dict:
    """The register entry of ``code`` valid now in ``gemeente_code``'s register: its own version when
    the gemeente changed the activity, else the shared template's (ADR 0030 §7); {} when unknown."""
    try:
        activity = activity_at(code, gemeente_code=gemeente_code)
    except LookupError:
        return {}
    return {"activiteit": activity.name, "doel": activity.purpose, "grondslag": activity.legal_basis}


def purposes(activity_codes: set[str], gemeente_code: str = "") -> list[dict]:
    """The current register entry, in the request's gemeente's register, for every activity under
    which the subject's data were processed."""
    return [row for row in (activity_now(code, gemeente_code) for code in sorted(activity_codes)) if row]


def categories(codes: set[str]) -> list[str]:
    return [label for code, label in CATEGORY_LABELS.items() if code in codes]
