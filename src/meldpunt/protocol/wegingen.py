"""What makes a weging complete (P3). One function per rule set, used by the services, the
forms and the API alike, so 'complete' means the same everywhere."""

from __future__ import annotations

DECISIONS: dict[str, dict[str, str]] = {
    "W1": {"ja": "Ja, dit is ondermijning", "nee": "Nee, geen ondermijning"},
    "W2A": {"ja": "Ja, een gemeentelijke taak of bevoegdheid", "nee": "Nee, een taak van een andere instantie"},
    "W2B": {"ja": "Ja, ons grondgebied", "nee": "Nee, buiten ons grondgebied"},
    "W3": {
        "geen_actie": "Geen actie (een jaar versleuteld bewaren)",
        "afdeling": "Doorzetten naar een gemeentelijke afdeling",
        "riec": "Doorzetten naar het RIEC",
        "bronnenonderzoek": "Bronnenonderzoek (stap 3)",
    },
    "W4": {
        "geen_hit": "Geen hit of onvoldoende bevestigd",
        "afdeling": "Afdelingen op eigen bevoegdheid",
        "riec": "Doorzetten naar het RIEC",
        "casus": "Casus starten",
    },
}
# Privacy checks 2A (before the casusoverleg) and 2B (for an intervention): what is shared. They
# belong to a casus, never to one signal, so they are kept apart from the signal wegingen above
# (which the protocol API lists); the cases app records them.
RELEASE = {"vrijgeven": "Vrijgeven zoals gevraagd", "deels": "Deels vrijgeven", "weigeren": "Niet vrijgeven"}
CASUS_DECISIONS: dict[str, dict[str, str]] = {"PC2A": RELEASE, "PC2B": RELEASE}
CASUS_ONLY = frozenset(CASUS_DECISIONS)
# Who records which weging is the policy's (meldpunt.policy.signals: WEGING_ROLES, CASUS_WEGING_ROLES).
DEFAULT_LEGAL_BASIS = {
    "W1": "AVG art. 6 lid 1 sub e; Gemeentewet art. 172",
    "W2A": "AVG art. 6 lid 1 sub e; Gemeentewet art. 172",
    "W2B": "AVG art. 6 lid 1 sub e",
    "W3": "AVG art. 6 lid 1 sub e; lokaal beleid weging 3",
    "W4": "AVG art. 6 lid 1 sub e",
    "PC2A": "AVG art. 6 lid 1 sub e; Gemeentewet art. 172; Modelprotocol ondermijning stap 4 (privacytoets 2A)",
    "PC2B": "AVG art. 6 lid 1 sub e; de wettelijke bevoegdheid van de interventie (privacytoets 2B)",
}


def missing(weging) -> list[str]:
    """The reasons, in Dutch, why this weging is not complete; empty when it is."""
    problems = []
    decisions = DECISIONS.get(weging.type) or CASUS_DECISIONS.get(weging.type)
    if decisions is None:
        return [f"Weging {weging.type} kan hier niet worden vastgelegd."]
    if weging.decision not in decisions:
        problems.append(f"Kies een besluit voor {weging.type}.")
    if not (weging.reasoning or "").strip():
        problems.append(f"Motiveer het besluit bij {weging.type}: de motivering is verplicht.")
    if not (weging.legal_basis or "").strip():
        problems.append(f"Vul de grondslag in bij {weging.type}.")
    if not (weging.purpose or "").strip():
        problems.append(f"Vul het doel van de verwerking in bij {weging.type}.")
    if weging.type == "W1" and weging.decision == "ja":
        checklist = weging.checklist or {}
        if not checklist.get("verankering"):
            problems.append("Weging 1 'ja' vraagt ten minste één indicator van situationele en lokale "
                            "verankering.")
        if not checklist.get("kenmerken"):
            problems.append("Weging 1 'ja' vraagt ten minste één kenmerk van ondermijning.")
    if weging.type == "W3":
        if weging.criteria_id is None:
            problems.append("Weging 3 wordt gewogen tegen de lokale criteria: kies de geldende versie.")
        if weging.decision == "bronnenonderzoek":
            for field, label in (("necessity", "noodzaak"), ("proportionality", "proportionaliteit"),
                                 ("subsidiarity", "subsidiariteit")):
                if not (getattr(weging, field) or "").strip():
                    problems.append(f"Bronnenonderzoek vraagt een afweging van de {label}.")
    if weging.type in CASUS_ONLY and weging.decision != "weigeren" and not (weging.necessity or "").strip():
        problems.append(f"Vrijgeven bij {weging.type} vraagt een afweging van de noodzaak: waarom heeft de "
                        "ontvanger precies deze gegevens nodig?")
    if (weging.art9_data or weging.art10_data) and not (weging.special_data_basis or "").strip():
        problems.append("Vermeld de grondslag voor de bijzondere of strafrechtelijke gegevens.")
    return problems


def is_negative(weging) -> bool:
    return weging.decision == "nee"
