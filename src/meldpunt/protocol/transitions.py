"""The transition tables of the Modelprotocol ondermijning (design §3), as data.

Each row: from state, to state, the roles that may take it, the wegingen it needs (each must be
complete, P3), the decisions those wegingen must carry, the fields the signal must have, and
whether only the system may take it (retention). Anything not in a table is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from meldpunt.accounts.roles import Role


class SignalState:
    ONTVANGEN = "ontvangen"
    NIET_IN_BEHANDELING = "niet_in_behandeling"
    ZWAARTE = "zwaarte"
    GEEN_ACTIE = "geen_actie"
    DOORGEZET_AFDELING = "doorgezet_afdeling"
    DOORGEZET_RIEC = "doorgezet_riec"
    BRONNENONDERZOEK = "bronnenonderzoek"
    AFDELING_REGIE = "afdeling_regie"
    CASUS = "casus"
    VERNIETIGD = "vernietigd"


SIGNAL_STATE_LABELS = {
    SignalState.ONTVANGEN: "Ontvangen",
    SignalState.NIET_IN_BEHANDELING: "Niet in behandeling",
    SignalState.ZWAARTE: "Bepalen zwaarte",
    SignalState.GEEN_ACTIE: "Geen actie (versleuteld)",
    SignalState.DOORGEZET_AFDELING: "Doorgezet naar afdeling",
    SignalState.DOORGEZET_RIEC: "Doorgezet naar RIEC",
    SignalState.BRONNENONDERZOEK: "Bronnenonderzoek",
    SignalState.AFDELING_REGIE: "Regie bij afdeling",
    SignalState.CASUS: "Casus",
    SignalState.VERNIETIGD: "Vernietigd",
}


class CasusState:
    VOORBEREIDING = "voorbereiding"
    CASUSOVERLEG = "casusoverleg"
    PVA_VASTGESTELD = "pva_vastgesteld"
    UITVOERING = "uitvoering"
    MONITORING = "monitoring"
    AFGESLOTEN = "afgesloten"
    VERNIETIGD = "vernietigd"


@dataclass(frozen=True)
class Transition:
    code: str
    source: str
    target: str
    label: str
    roles: frozenset[str]
    wegingen: tuple[str, ...] = ()
    # Per weging type, the decisions that lead here (e.g. W3 'bronnenonderzoek').
    decisions: tuple[tuple[str, frozenset[str]], ...] = ()
    # When set, at least one of these weging types must be negative (a 'no' ends intake).
    any_negative: tuple[str, ...] = ()
    required_fields: tuple[str, ...] = ()
    needs_forward: bool = False
    system_only: bool = False
    # Taken only by its own service, never offered as a step: ``casus_koppelen`` goes through
    # protocol.services.join_casus, with W4 recorded on the casus (cases.services.link_signal).
    service_only: bool = False


INTAKE = frozenset({Role.BEOORDELAAR, Role.REGISSEUR})
TEAM = frozenset({Role.TEAMLID})
TEAM_AND_REGIE = frozenset({Role.TEAMLID, Role.REGISSEUR})

S = SignalState
SIGNAL_TRANSITIONS: tuple[Transition, ...] = (
    Transition("intake_afwijzen", S.ONTVANGEN, S.NIET_IN_BEHANDELING,
               "Niet in behandeling nemen (geen ondermijning, geen gemeentelijke taak of niet ons grondgebied)",
               INTAKE, wegingen=("W1",), any_negative=("W1", "W2A", "W2B")),
    Transition("intake_doorzetten", S.ONTVANGEN, S.ZWAARTE, "Doorzetten naar bepalen zwaarte (stap 2)",
               INTAKE, wegingen=("W1", "W2A", "W2B"),
               decisions=(("W1", frozenset({"ja"})), ("W2A", frozenset({"ja"})), ("W2B", frozenset({"ja"}))),
               required_fields=("phenomenon", "location")),
    *(
        Transition(f"zwaarte_{outcome}", S.ZWAARTE, target, label, TEAM, wegingen=("W3",),
                   decisions=(("W3", frozenset({outcome})),),
                   needs_forward=target in (S.DOORGEZET_AFDELING, S.DOORGEZET_RIEC))
        for target, outcome, label in (
            (S.GEEN_ACTIE, "geen_actie", "Geen actie: een jaar versleuteld bewaren"),
            (S.DOORGEZET_AFDELING, "afdeling", "Doorzetten naar een afdeling (die neemt de regie)"),
            (S.DOORGEZET_RIEC, "riec", "Doorzetten naar het RIEC"),
            (S.BRONNENONDERZOEK, "bronnenonderzoek", "Verder onderzoeken: bronnenonderzoek (stap 3)"),
        )
    ),
    *(
        Transition(f"hits_{outcome}", S.BRONNENONDERZOEK, target, label, TEAM_AND_REGIE, wegingen=("W4",),
                   decisions=(("W4", frozenset({outcome})),),
                   needs_forward=target == S.DOORGEZET_RIEC)
        for target, outcome, label in (
            (S.NIET_IN_BEHANDELING, "geen_hit", "Geen hit of onvoldoende bevestigd: niet in behandeling"),
            (S.AFDELING_REGIE, "afdeling", "Afdelingen pakken het op eigen bevoegdheid op"),
            (S.DOORGEZET_RIEC, "riec", "Doorzetten naar het RIEC"),
            (S.CASUS, "casus", "Casus starten (stap 4)"),
        )
    ),
    Transition("casus_koppelen", S.BRONNENONDERZOEK, S.CASUS, "Koppelen aan casus", frozenset({Role.REGISSEUR}),
               service_only=True),
)

C = CasusState
REGIE = frozenset({Role.REGISSEUR})
# The casus lifecycle; the casus issue builds its engine on this table.
CASUS_TRANSITIONS: tuple[Transition, ...] = (
    Transition("casus_agenderen", C.VOORBEREIDING, C.CASUSOVERLEG, "Agenderen voor casusoverleg", REGIE,
               wegingen=("PC2A",)),
    Transition("pva_vaststellen", C.CASUSOVERLEG, C.PVA_VASTGESTELD, "Plan van aanpak vaststellen", REGIE,
               required_fields=("minutes",)),
    Transition("uitvoering_starten", C.PVA_VASTGESTELD, C.UITVOERING, "Interventies in uitvoering", REGIE,
               wegingen=("PC2B",)),
    Transition("monitoren", C.UITVOERING, C.MONITORING, "Naar monitoring", REGIE),
    Transition("afsluiten", C.MONITORING, C.AFGESLOTEN, "Afsluiten met resultaat", REGIE,
               required_fields=("result_class",)),
    Transition("heropenen", C.AFGESLOTEN, C.VOORBEREIDING, "Heropenen", REGIE, wegingen=("W4",)),
    Transition("casus_vernietigen", C.AFGESLOTEN, C.VERNIETIGD, "Vernietigen na afloop bewaartermijn",
               frozenset(), system_only=True),
)

SIGNAL_STATES = tuple(SIGNAL_STATE_LABELS)
_BY_CODE = {t.code: t for t in SIGNAL_TRANSITIONS}


def signal_transition(code: str) -> Transition | None:
    return _BY_CODE.get(code)


def from_state(state: str, table=SIGNAL_TRANSITIONS) -> list[Transition]:
    return [t for t in table if t.source == state]
