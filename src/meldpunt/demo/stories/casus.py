"""Step 4: a casus at every stage. One in voorbereiding with a casusoverleg planned next week
and privacy check 2A decided for its participant; one in uitvoering whose interventions the uitvoerder works on; one
closed with its result. Each starts from a signal whose sources were asked and answered."""

from __future__ import annotations

from datetime import date, timedelta

from meldpunt.accounts.models import User
from meldpunt.cases import interventions, meetings, releases
from meldpunt.cases import services as cases
from meldpunt.cases.models import Casus, Instrument, Intervention
from meldpunt.privacy.retention.models import ResultClass
from meldpunt.protocol import services as protocol
from meldpunt.protocol.services import WegingInput

from .clock import days_ago, on
from .intake import COMMON
from .research import researched_signal

RELEASE = {"necessity": "De deelnemer beoordeelt of een bestuurlijk instrument past en heeft daarvoor precies "
                        "dit nodig.", **COMMON}


def _users():
    return {name: User.objects.get(username=name)
            for name in ("regisseur", "teamlid", "deelnemer", "privacyfunctionaris", "uitvoerder")}


def open_casus(today: date, days: int, phenomenon: str, description: str, offset: int) -> Casus:
    """A signal reported ``days`` ago, researched, and taken to casus with weging 4."""
    signal = researched_signal(today, days, phenomenon, description, offset)
    with on(days_ago(today, days - 10, 15)):
        protocol.decide(User.objects.get(username="regisseur"), signal, [WegingInput(
            "W4", "casus", "De hits bij burgerzaken, het handelsregister en handhaving bevestigen het signaal.",
            **COMMON)], "hits_casus")
    return Casus.objects.get(signal_links__signal=signal)


def prepare(casus: Casus, today: date, held_days_ago: int | None, planned_in: int = 0):
    """A casusoverleg with the deelnemer and PC2A decided; when the meeting is in the past, the casus
    went on the agenda and the minutes are recorded."""
    u = _users()
    when = days_ago(today, held_days_ago, 9) if held_days_ago is not None else days_ago(today, -planned_in, 9)
    asked_at = days_ago(today, (held_days_ago or 0) + 5)
    with on(asked_at):
        meeting = meetings.plan(u["regisseur"], "Casusoverleg ondermijning", when, "Stadhuis, kamer 2.14")
        item = meetings.add_to_agenda(u["regisseur"], meeting, casus)
        seat = meetings.invite(u["regisseur"], meeting, u["deelnemer"], "Vergunningen, toezicht en handhaving")
        request = releases.request_pc2a(u["regisseur"], item, seat, ["veld:fenomeen", "veld:locatie"],
                                        "Handhaving beoordeelt of een last onder bestuursdwang past.")
    with on(asked_at + timedelta(days=1)):
        releases.decide(u["privacyfunctionaris"], request, WegingInput(
            "PC2A", "vrijgeven", "Fenomeen en locatie volstaan voor de afweging van handhaving.", **RELEASE))
    if held_days_ago is None:
        return item
    with on(asked_at + timedelta(days=2)):
        cases.transition(u["regisseur"], casus, "casus_agenderen")
    with on(when + timedelta(hours=2)):
        meetings.record_attendance(u["regisseur"], meeting, [seat.pk])
        meetings.record_minutes(u["regisseur"], item, "Signaal en hits besproken; handhaving en burgerzaken "
                                "pakken het samen op.", "Controle ter plaatse en een BRP-adresonderzoek.")
    return item


def plan_of_action(casus: Casus, today: date, days: int, finished: bool) -> None:
    """The plan: two interventions, PC2B for each, and the uitvoering started."""
    u = _users()
    with on(days_ago(today, days)):
        cases.transition(u["regisseur"], casus, "pva_vaststellen")
    planned = []
    for code, description in (("bestuursdwang", "Controle ter plaatse en zo nodig een last onder bestuursdwang."),
                              ("brp-adresonderzoek", "Huisbezoek en adresonderzoek door burgerzaken.")):
        with on(days_ago(today, days - 1)):
            intervention = interventions.add(u["regisseur"], casus, Instrument.objects.get(code=code), description,
                                             u["uitvoerder"], today + timedelta(days=30))
            request = releases.request_pc2b(u["regisseur"], intervention, ["veld:fenomeen", "veld:locatie"],
                                            "De uitvoerder moet weten waar en waarom.")
        with on(days_ago(today, days - 2)):
            releases.decide(u["privacyfunctionaris"], request, WegingInput(
                "PC2B", "vrijgeven", "Adres en fenomeen zijn nodig om de interventie uit te voeren.", **RELEASE))
        planned.append(intervention)
    with on(days_ago(today, days - 3)):
        cases.transition(u["regisseur"], casus, "uitvoering_starten")
    with on(days_ago(today, days - 5)):
        interventions.report(u["uitvoerder"], planned[0], "in_uitvoering", "Controle ingepland met de politie.")
    if finished:
        for intervention in planned:
            with on(days_ago(today, days - 20)):
                if intervention.pk != planned[0].pk:
                    interventions.report(u["uitvoerder"], intervention, "in_uitvoering", "Gestart.")
                interventions.report(u["uitvoerder"], intervention, "afgerond", result="Uitgevoerd; de "
                                     "bewoning is aangepast in de BRP.")
        # The service only accepts a deadline in the future; this plan's deadline lay before its end.
        Intervention.objects.filter(pk__in=[i.pk for i in planned]).update(deadline=today - timedelta(days=days - 25))


def close(casus: Casus, today: date, days: int) -> None:
    regisseur = User.objects.get(username="regisseur")
    with on(days_ago(today, days)):
        cases.transition(regisseur, casus, "monitoren")
    with on(days_ago(today, days - 30)):
        cases.close(regisseur, casus, ResultClass.objects.get(code="handhaving-uitgevoerd", gemeente__isnull=True),
                    "De aanpak werkte: het pand is gesloten geweest en er zijn geen nieuwe signalen.")


def tell(today: date) -> None:
    # Voorbereiding: the casusoverleg is next week; the deelnemer sees what PC2A released.
    ready = open_casus(today, 30, "hennepteelt_drugs", "Sterke wietlucht en afgeplakte ramen; de bewoner "
                       "zou er niet wonen.", 10)
    prepare(ready, today, None, planned_in=6)
    # Uitvoering: the plan is set, one intervention runs, one waits for the uitvoerder.
    running = open_casus(today, 110, "malafide_onderneming", "Nagelstudio zonder klanten en wisselende "
                         "eigenaren; mogelijk witwassen.", 11)
    prepare(running, today, 80)
    plan_of_action(running, today, 75, finished=False)
    # Afgesloten: done and evaluated.
    done = open_casus(today, 300, "hennepteelt_drugs", "Hennepkwekerij op zolder; veel stroomverbruik.", 12)
    prepare(done, today, 270)
    plan_of_action(done, today, 265, finished=True)
    close(done, today, 200)
