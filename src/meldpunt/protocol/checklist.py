"""The beoordelingskader for weging 1 (CCV checklist signaalanalyse, domain reference §1.5)."""

KENMERKEN = [
    ("schade_instituties", "Schade aan instituties (bestuur, politie, overheid)"),
    ("gezag_bestuur", "Aantasting van het gezag van het bestuur"),
    ("openbare_orde", "Aantasting van openbare orde en veiligheid"),
    ("ontwrichting", "Ontwrichting van sociale, politieke of economische structuren"),
    ("georganiseerde_criminaliteit",
     "Onrechtmatigheden, maatschappelijke bedreigingen of georganiseerde criminaliteit"),
]
VERANKERING = [
    ("gelegenheid_bestuurlijk", "Gelegenheidsstructuren in de bestuurlijke omgeving"),
    ("gelegenheid_maatschappelijk", "Gelegenheidsstructuren in de (sociaal-)maatschappelijke omgeving"),
    ("gelegenheid_zakelijk", "Gelegenheidsstructuren in de zakelijke of economische omgeving"),
    ("faciliterende_processen", "Processen of structuren binnen een organisatie die faciliteren mogelijk maken"),
    ("betrokkenheid_locatie_netwerk", "Betrokkenheid van een locatie, persoon, groep, familie of netwerk"),
]
SIGNALERING = [
    ("incongruenties", "Incongruenties"),
    ("malafide_activiteiten", "Malafide en/of criminele activiteiten"),
    ("systematisch", "Veelal systematisch en structureel gepleegd"),
    ("latent", "Latent aanwezig"),
    ("complex", "Complex"),
]
GROUPS = {"kenmerken": KENMERKEN, "verankering": VERANKERING, "signalering": SIGNALERING}
GROUP_LABELS = {
    "kenmerken": "Kenmerken van ondermijning",
    "verankering": "Indicatoren situationele en lokale verankering",
    "signalering": "Indicatoren signalering",
}


def clean_checklist(raw: dict) -> dict[str, list[str]]:
    """Keep only known items, in catalogue order; raise ValueError on unknown ones."""
    cleaned = {}
    for group, items in GROUPS.items():
        chosen = set((raw or {}).get(group) or [])
        known = {code for code, _ in items}
        unknown = chosen - known
        if unknown:
            raise ValueError(f"Onbekend onderdeel van het beoordelingskader: {', '.join(sorted(unknown))}.")
        cleaned[group] = [code for code, _ in items if code in chosen]
    extra = set(raw or {}) - set(GROUPS)
    if extra:
        raise ValueError(f"Onbekende groep in het beoordelingskader: {', '.join(sorted(extra))}.")
    return cleaned
