"""Demo work for step 4: one casus with a planned casusoverleg, a participant invited and a PC2A
release waiting for the privacyfunctionaris. Through the services, so everything has its weging,
history and log lines. Called by ``demo.services`` once, on a fresh demo database."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from meldpunt.accounts.models import User
from meldpunt.intake.models import Signal
from meldpunt.protocol import services as protocol
from meldpunt.protocol.services import WegingInput

from . import meetings, releases
from .models import Casus

COMMON = {"purpose": "Voorkomen en bestrijden van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e"}


def give_demo_casus() -> Casus | None:
    if Casus.objects.exists():
        return None
    team, regie = User.objects.get(username="teamlid"), User.objects.get(username="regisseur")
    deelnemer = User.objects.get(username="deelnemer")
    signal = Signal.objects.filter(state="zwaarte").order_by("reference").first()
    if signal is None:
        return None
    protocol.decide(team, signal, [WegingInput(
        "W3", "bronnenonderzoek", "Concreet en recent; samenhang met eerdere signalen op dit adres.",
        necessity="Nodig om te bepalen of een bestuurlijke aanpak past.",
        proportionality="Alleen de bronnen van handhaving en burgerzaken.",
        subsidiarity="Een lichter middel geeft geen beeld van de bewoning.", **COMMON)], "zwaarte_bronnenonderzoek")
    protocol.decide(regie, signal, [WegingInput("W4", "casus", "Hits bij handhaving en burgerzaken bevestigen het "
                                                               "signaal.", **COMMON)], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=signal)
    meeting = meetings.plan(regie, "Casusoverleg ondermijning", timezone.now() + timedelta(days=7),
                            "Stadhuis, kamer 2.14")
    item = meetings.add_to_agenda(regie, meeting, casus)
    seat = meetings.invite(regie, meeting, deelnemer, "Vergunningen, toezicht en handhaving")
    releases.request_pc2a(regie, item, seat, ["veld:fenomeen", "veld:locatie"],
                          "Handhaving beoordeelt of een last onder bestuursdwang past.")
    return casus
