"""The story of `meldpunt demo --regio` (ADR 0030 §13): Zaanstad asks the regio about a person who
recurs in a Wormerland signal. It leaves one question asked ("Wormerland: treffer" on Zaanstad's
signal) and one regional request waiting in Wormerland's *Te beoordelen* — walked through the real
services as the one-gemeente stories are, by the demo users of the gemeente concerned, dated in
the past two weeks."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from meldpunt.accounts.models import User
from meldpunt.intake import services as intake
from meldpunt.intake.models import MentionedSubject
from meldpunt.protocol import services as protocol
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.protocol.services import WegingInput
from meldpunt.regio import index
from meldpunt.regio import services as regio_services
from meldpunt.regio.models import RegionalQuestion, RegionalRequest
from meldpunt.regio.source import CODE as REGIO_SOURCE
from meldpunt.registries.models import Persoon, Verblijfplaats
from meldpunt.tenancy.models import Tenant

from .stories.clock import days_ago, on
from .stories.intake import COMMON, step1
from .stories.research import PC1

REPORTED_DAYS_AGO = 12


def build_index(tenants: list[Tenant]) -> int:
    """The hit/no-hit index of every gemeente: the loader's bulk insert passes no intake hook."""
    return sum(index.rebuild(tenant) for tenant in tenants)


def already_told() -> bool:
    return RegionalQuestion.objects.exists()


def recurring_bsn(asking: Tenant, answering: Tenant) -> str | None:
    """A BSN named in a signal of ``asking`` and in one of ``answering`` (the generator's recurring person)."""
    elsewhere = MentionedSubject.objects.filter(signal__gemeente=answering, kind="persoon").exclude(bsn="")
    return (MentionedSubject.objects.filter(signal__gemeente=asking, kind="persoon", bsn__in=elsewhere.values("bsn"))
            .order_by("bsn").values_list("bsn", flat=True).first())


def _user(role: str, tenant: Tenant) -> User:
    slug = "".join(c for c in tenant.naam.lower() if c.isalnum())
    return User.objects.get(username=f"{role}.{slug}")


def tell(tenants: list[Tenant], today: date | None = None) -> RegionalQuestion | None:
    """Zaanstad (the first tenant) asks about the person it shares with Wormerland (the second).
    Nothing when told before, or when the data hold no such person."""
    if already_told():
        return None
    zaanstad, wormerland = tenants[0], tenants[1]
    bsn = recurring_bsn(zaanstad, wormerland)
    if bsn is None:
        return None
    today = today or timezone.localdate()
    person = Persoon.objects.get(bsn=bsn)
    home = (Verblijfplaats.objects.filter(persoon=person, datum_einde__isnull=True)
            .values_list("adres_id", flat=True).first())
    name = " ".join(p for p in (person.voornamen, person.voorvoegsel, person.geslachtsnaam) if p)
    regisseur = User.objects.get(username="regisseur.regio")
    with on(days_ago(today, REPORTED_DAYS_AGO, 9)):
        signal = intake.create_signal(intake.SignalInput(
            channel="webformulier", reporter_kind="anoniem", phenomenon="woon_adresfraude", address=home,
            description="Veel wisselende bewoners; de bewoner zou ook in een andere gemeente actief zijn.",
            subjects=[intake.SubjectInput("persoon", role="bewoner", name=name, birth_date=person.geboortedatum,
                                          bsn=bsn)]), gemeente=zaanstad)
    step1(_user("beoordelaar", zaanstad), signal, days_ago(today, REPORTED_DAYS_AGO - 1, 11))
    with on(days_ago(today, REPORTED_DAYS_AGO - 3, 14)):
        protocol.decide(_user("teamlid", zaanstad), signal, [WegingInput(
            "W3", "bronnenonderzoek", "Concreet en recent; mogelijk speelt dezelfde persoon ook elders in de regio.",
            necessity="Nodig om te bepalen of een bestuurlijke aanpak past.",
            proportionality="Alleen de genoemde betrokkene.",
            subsidiarity="Een lichter middel zegt niets over de andere gemeenten.", **COMMON)],
            "zwaarte_bronnenonderzoek")
    source = Source.objects.get(gemeente=zaanstad, code=REGIO_SOURCE)
    with on(days_ago(today, 6, 10)):
        [item] = research.request_sources(regisseur, signal, [source], [m.pk for m in signal.subjects.all()],
                                          "Kennen Wormerland en Oostzaan deze persoon uit hun eigen signalen?")
    asked_at = days_ago(today, 5, 11)
    convenant = zaanstad.regio.convenant
    with on(asked_at):
        research.decide_pc1(_user("privacyfunctionaris", zaanstad), item, research.Pc1Input(
            "toegestaan", "Alleen treffer of geen treffer per gemeente, op grond van het convenant.",
            **{**PC1, "primary_basis": convenant}, legal_basis=convenant))
        # The job runs on commit (in process here); asked again it finds the question done.
        question = regio_services.ask_region(item.pk)
    RegionalQuestion.objects.filter(pk=question.pk).update(asked_at=asked_at)
    RegionalRequest.objects.filter(answer__question=question).update(received_at=asked_at + timedelta(minutes=2))
    return question
