"""Steps 1 and 2 for the generated signals, through the protocol services: the older ones end
where signals end (niet in behandeling, geen actie, doorgezet naar een afdeling, het RIEC or the
EURIEC), the last weeks' signals wait in the queue within their term, and a few are late."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from meldpunt.accounts.models import User
from meldpunt.intake.models import Signal
from meldpunt.protocol import services as protocol
from meldpunt.protocol.models import Destination
from meldpunt.protocol.services import ForwardInput, WegingInput

from .clock import INTAKE_ROWS, on

COMMON = {"purpose": "Voorkomen en bestrijden van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e"}
CHECKLIST = {"kenmerken": ["openbare_orde"], "verankering": ["betrokkenheid_locatie_netwerk"],
             "signalering": ["malafide_activiteiten"]}
WAITING_DAYS = 5  # younger signals wait for step 1 (the norm is five working days)
WEIGHING_DAYS = 12  # younger ones wait for step 2, inside its ten working days
LATE = 3  # a few older signals are left waiting: the queue shows what "te laat" looks like
EURIEC = ("euriec", "EURIEC (Euregionaal RIEC Maas-Rijn)", "riec",
          "AVG art. 6 lid 1 sub e; Convenant EURIEC 2024")


def euriec() -> Destination:
    """A border gemeente forwards cross-border signals to the EURIEC; the demo has one."""
    code, name, kind, basis = EURIEC
    return Destination.objects.get_or_create(code=code, defaults={"name": name, "kind": kind,
                                                                  "default_legal_basis": basis})[0]


def step1(beoordelaar, signal: Signal, when) -> None:
    with on(when, INTAKE_ROWS):
        protocol.decide(beoordelaar, signal, [
            WegingInput("W1", "ja", "Concreet signaal in onze gemeente dat past bij het fenomeen.",
                        checklist=CHECKLIST, **COMMON),
            WegingInput("W2A", "ja", "Openbare orde en integriteit: bevoegdheid van de burgemeester.", **COMMON),
            WegingInput("W2B", "ja", "De plek ligt in onze gemeente.", **COMMON),
        ], "intake_doorzetten")


def refuse(beoordelaar, signal: Signal, when) -> None:
    with on(when, INTAKE_ROWS):
        protocol.decide(beoordelaar, signal, [WegingInput(
            "W1", "nee", "Te algemeen: geen aanwijzing voor ondermijning, wel doorverwezen naar de wijkagent.",
            **COMMON)], "intake_afwijzen")


def step2(teamlid, signal: Signal, outcome: str, when, destination: Destination | None = None) -> None:
    reasons = {
        "geen_actie": "Op zichzelf te weinig om op te handelen; bewaren voor samenhang met latere signalen.",
        "afdeling": "Past bij het toezicht van de afdeling; die pakt het op eigen bevoegdheid op.",
        "riec": "Mogelijk regio-overstijgend netwerk: het RIEC brengt het samen met de partners.",
    }
    weging = WegingInput("W3", outcome, reasons[outcome], **COMMON)
    sent = None
    if destination is not None:
        sent = ForwardInput(destination, destination.default_legal_basis, ["fenomeen", "omschrijving", "locatie"])
    with on(when, INTAKE_ROWS):
        protocol.decide_with_forward(teamlid, signal, [weging], f"zwaarte_{outcome}", sent)


def walk_generated(today: date) -> None:
    """Every generated signal gets the steps its age calls for. The outcome follows the signal's
    number, so the same seed gives the same demo."""
    beoordelaar, teamlid = User.objects.get(username="beoordelaar"), User.objects.get(username="teamlid")
    afdeling = Destination.objects.get(code="afdeling_vth")
    riec, eu = Destination.objects.get(code="riec"), euriec()
    now = timezone.now()
    late = 0
    for signal in Signal.objects.filter(state="ontvangen").exclude(channel="data_analyse").order_by("received_at"):
        age = (now - signal.received_at).days
        received = signal.received_at
        if age < WAITING_DAYS:
            continue
        if age < WEIGHING_DAYS:
            step1(beoordelaar, signal, received + timedelta(days=1, hours=2))
            continue
        if late < LATE and age < 60 and signal.id % 7 == 0:
            late += 1
            continue
        kind = signal.id % 20
        if kind < 6:
            refuse(beoordelaar, signal, received + timedelta(days=2, hours=1))
            continue
        step1(beoordelaar, signal, received + timedelta(days=1, hours=2))
        decided = received + timedelta(days=5, hours=3)
        if kind < 11:
            step2(teamlid, signal, "geen_actie", decided)
        elif kind < 17:
            step2(teamlid, signal, "afdeling", decided, afdeling)
        else:
            step2(teamlid, signal, "riec", decided, eu if kind == 19 else riec)
