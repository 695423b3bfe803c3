"""B's weging of a regional request (WegingType RV, ADR 0030 §8.5): what makes it complete, and
what a release contains. Never reporter data: the items that can be chosen are fixed here."""

from __future__ import annotations

from dataclasses import dataclass, field

from meldpunt.core.datums import format_date
from meldpunt.protocol.transitions import SIGNAL_STATE_LABELS

RV_DECISIONS = {"delen": "Delen met de vragende gemeente", "niet_delen": "Niets delen"}
# What may be shared per matched signal. Reporter contact is not among them and cannot be chosen.
ITEMS = {"fenomeen": "Fenomeen", "ontvangen": "Datum ontvangen", "status": "Stap in het protocol",
         "gebied": "Buurt", "samenvatting": "Samenvatting (door u geschreven)"}
COMPATIBILITY = {
    "a_verband": "a. Verband tussen het oorspronkelijke doel en het doel van de vragende gemeente",
    "b_context": "b. Context van de verzameling en de verhouding met de betrokkene",
    "c_aard": "c. Aard van de gegevens (bijzondere of strafrechtelijke gegevens)",
    "d_gevolgen": "d. Mogelijke gevolgen voor de betrokkene",
    "e_waarborgen": "e. Passende waarborgen",
}


@dataclass
class RvInput:
    decision: str
    reasoning: str
    legal_basis: str = ""
    compatibility: dict = field(default_factory=dict)
    necessity: str = ""
    proportionality: str = ""
    subsidiarity: str = ""
    art9_data: bool = False
    art10_data: bool = False
    special_data_basis: str = ""
    # Per matched signal id: the chosen item keys; "samenvatting" carries its text in summaries.
    items: dict = field(default_factory=dict)
    summaries: dict = field(default_factory=dict)


def rv_problems(weging, items: dict, signals: dict) -> list[str]:
    """Why this RV weging is not complete (Dutch); empty when it is."""
    problems = []
    if weging.decision not in RV_DECISIONS:
        problems.append("Kies een besluit: delen of niets delen.")
    if not (weging.reasoning or "").strip():
        problems.append("Motiveer het besluit: de motivering is verplicht.")
    if not (weging.legal_basis or "").strip():
        problems.append("Vul de grondslag in.")
    if weging.decision == "delen":
        open_factors = [label for key, label in COMPATIBILITY.items()
                        if not str((weging.compatibility or {}).get(key, "")).strip()]
        if open_factors:
            problems.append("Weeg elke factor van verenigbaarheid (AVG art. 6 lid 4): " + "; ".join(open_factors) + ".")
        for name, label in (("necessity", "noodzaak"), ("proportionality", "proportionaliteit"),
                            ("subsidiarity", "subsidiariteit")):
            if not (getattr(weging, name) or "").strip():
                problems.append(f"Delen vraagt een afweging van de {label}.")
        chosen = {str(k): v for k, v in items.items() if v}
        if not chosen:
            problems.append("Kies per gevonden signaal wat u deelt, of besluit niets te delen.")
        if set(chosen) - {str(pk) for pk in signals}:
            problems.append("U kunt alleen delen over de gevonden signalen van dit verzoek.")
        for values in chosen.values():
            unknown = [v for v in values if v not in ITEMS]
            if unknown:
                problems.append("Alleen fenomeen, datum, stap, buurt en een samenvatting kunnen worden gedeeld; "
                                "nooit gegevens van de melder.")
                break
    if (weging.art9_data or weging.art10_data) and not (weging.special_data_basis or "").strip():
        problems.append("Vermeld de grondslag voor de bijzondere of strafrechtelijke gegevens.")
    return problems


def release_content(items: dict, signals: dict, summaries: dict | None = None) -> list[dict]:
    """The frozen content for A: per matched signal only the chosen items, as words and dates."""
    content = []
    summaries = summaries or {}
    for number, (pk, signal) in enumerate(sorted(signals.items()), start=1):
        chosen = items.get(str(pk)) or items.get(pk) or []
        if not chosen:
            continue
        entry = {"signaal": f"Signaal {number}"}
        if "fenomeen" in chosen:
            entry["Fenomeen"] = signal.phenomenon.name if signal.phenomenon_id else "onbekend"
        if "ontvangen" in chosen:
            entry["Datum ontvangen"] = format_date(signal.received_at)
        if "status" in chosen:
            entry["Stap in het protocol"] = SIGNAL_STATE_LABELS.get(signal.state, signal.state)
        if "gebied" in chosen:
            entry["Buurt"] = signal.buurt.naam if signal.buurt_id else "onbekend"
        if "samenvatting" in chosen:
            entry["Samenvatting"] = str(summaries.get(str(pk)) or summaries.get(pk) or "").strip()
        content.append(entry)
    return content
