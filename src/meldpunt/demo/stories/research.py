"""Signals about people and companies, and step 3 (bronnenonderzoek): requests answered and
pending, privacy check 1 decided and waiting, a question waiting for the bronhouder, approved
details. Each signal is made through the intake service with its mentioned subjects."""

from __future__ import annotations

from datetime import date, timedelta

from meldpunt.accounts.models import User
from meldpunt.intake import services as intake
from meldpunt.intake.models import Signal
from meldpunt.protocol import services as protocol
from meldpunt.protocol import sources as source_rules
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import HitResult, Source, SourceRequest
from meldpunt.protocol.services import WegingInput
from meldpunt.registries.models import Functionaris, Persoon, Verblijfplaats, Vestiging

from .clock import days_ago, on
from .intake import COMMON, step1

PC1 = {
    "primary_basis": "De wettelijke taak van de afdeling die de gegevens verzamelde.",
    "compatibility": {
        "a_verband": "Beide doelen dienen de openbare orde en de integriteit van het bestuur.",
        "b_context": "Gegevens uit de eigen gemeentelijke taak, over inwoners en ondernemers van de gemeente.",
        "c_aard": "Geen bijzondere of strafrechtelijke gegevens.",
        "d_gevolgen": "Alleen een hit of geen hit; details pas na een tweede besluit.",
        "e_waarborgen": "Vier ogen, logging per raadpleging, minimale gegevens.",
    },
    "necessity": "Zonder deze bron is niet te zeggen of het signaal klopt.",
    "proportionality": "Alleen de genoemde betrokkenen, alleen de gevraagde velden.",
    "subsidiarity": "Een openbare bron geeft geen beeld van de bewoning of de vergunningen.",
}


def people(n: int, offset: int = 0) -> list[tuple[Persoon, str]]:
    """Adult persons with a current address, and that address (a BAG nummeraanduiding)."""
    rows = (Verblijfplaats.objects.filter(datum_einde__isnull=True, persoon__geboortedatum__year__lt=1995)
            .select_related("persoon").order_by("persoon_id")[offset:offset + n])
    return [(row.persoon, row.adres_id) for row in rows]


def companies(n: int, offset: int = 0) -> list[Vestiging]:
    """Active establishments of companies that have a director in the BRP."""
    with_officer = Functionaris.objects.values("onderneming_id")
    return list(Vestiging.objects.filter(datum_einde__isnull=True, onderneming__in=with_officer)
                .select_related("onderneming").order_by("vestigingsnummer")[offset:offset + n])


def person_subject(person: Persoon, address: str, role: str = "bewoner") -> intake.SubjectInput:
    name = " ".join(p for p in (person.voornamen, person.voorvoegsel, person.geslachtsnaam) if p)
    return intake.SubjectInput("persoon", role=role, name=name, birth_date=person.geboortedatum, bsn=person.bsn,
                               address=address)


def company_subject(branch: Vestiging) -> intake.SubjectInput:
    return intake.SubjectInput("onderneming", role="exploitant", name=branch.onderneming.naam,
                               kvk_nummer=branch.onderneming.kvk_nummer, address=branch.adres_id)


def report(today: date, days: int, phenomenon: str, description: str, address: str, subjects,
           channel: str = "webformulier", user=None) -> Signal:
    """A new report, dated ``days`` before today."""
    with on(days_ago(today, days, 9)):
        return intake.create_signal(intake.SignalInput(
            channel=channel, description=description, phenomenon=phenomenon, address=address,
            reporter_kind="anoniem" if channel == "webformulier" else "medewerker", subjects=subjects), user=user)


def to_research(signal: Signal, today: date, days: int) -> None:
    """Steps 1 and 2 of a signal reported ``days`` ago: on to bronnenonderzoek."""
    beoordelaar, teamlid = User.objects.get(username="beoordelaar"), User.objects.get(username="teamlid")
    step1(beoordelaar, signal, days_ago(today, days - 1, 11))
    with on(days_ago(today, days - 3, 14)):
        protocol.decide(teamlid, signal, [WegingInput(
            "W3", "bronnenonderzoek", "Concreet en recent, en samenhang met eerdere signalen over dit adres.",
            necessity="Nodig om te bepalen of een bestuurlijke aanpak past.",
            proportionality="Alleen de bronnen die iets over deze betrokkenen zeggen.",
            subsidiarity="Een lichter middel geeft geen beeld van de bewoning.", **COMMON)],
            "zwaarte_bronnenonderzoek")


def ask(signal: Signal, codes: list[str], when) -> list[SourceRequest]:
    """One request per source, about the mentioned subjects that source says something about."""
    regisseur = User.objects.get(username="regisseur")
    made = []
    with on(when):
        for code in codes:
            source = Source.objects.get(gemeente_id=signal.gemeente_id, code=code)
            chosen = [m.id for m in signal.subjects.all() if source_rules.subject_kind(m) in (source.fields or {})]
            if chosen:
                made += research.request_sources(regisseur, signal, [source], chosen,
                                                 "Nagaan of de betrokkenen bekend zijn bij de afdelingen.")
    return made


def allow(source_request: SourceRequest, when) -> None:
    pf = User.objects.get(username="privacyfunctionaris")
    with on(when):
        research.decide_pc1(pf, source_request, research.Pc1Input(
            "toegestaan", "Het doel is verenigbaar en de vraag is beperkt tot hit of geen hit.", **PC1))


def answer(source_request: SourceRequest, has_hit: bool, when) -> None:
    bronhouder = User.objects.get(username="bronhouder")
    with on(when):
        for hit in source_request.hits.all():
            research.answer_hit(bronhouder, hit, has_hit)


def approve_details(signal: Signal, code: str, fields: list[str], when, decide: bool = True) -> None:
    """Ask for details behind a hit of source ``code`` and (unless ``decide`` is False) approve them."""
    hit = HitResult.objects.filter(request__signal=signal, request__source__code=code, hit=True).first()
    if hit is None:
        return
    regisseur, pf = User.objects.get(username="regisseur"), User.objects.get(username="privacyfunctionaris")
    with on(when):
        asked = research.request_details(regisseur, hit, fields, "Bevestigen wie er woont en wie het bedrijf leidt.")
    if decide:
        with on(when + timedelta(hours=3)):
            research.decide_details(pf, asked, research.Pc1Input(
                "toegestaan", "Alleen de gegevens die nodig zijn om het signaal te bevestigen.",
                approved_fields=fields, **{k: v for k, v in PC1.items() if k in
                                            ("necessity", "proportionality", "subsidiarity")}))


def give_bronhouder_sources() -> None:
    bronhouder = User.objects.get(username="bronhouder")
    for source in Source.objects.filter(connector=""):
        source.bronhouders.add(bronhouder)


def researched_signal(today: date, days: int, phenomenon: str, description: str, offset: int) -> Signal:
    """A signal about a person at an address and a company, taken into bronnenonderzoek, its
    sources asked, allowed and answered, and the details of the BRP hit approved."""
    [(person, address)] = people(1, offset)
    [branch] = companies(1, offset)
    signal = report(today, days, phenomenon, description, address,
                    [person_subject(person, address), company_subject(branch)])
    to_research(signal, today, days)
    requests = ask(signal, ["BRP", "NHR", "VTH_DOSSIERS"], days_ago(today, days - 4))
    for item in requests:
        allow(item, days_ago(today, days - 5))
    for item in requests:
        if not item.source.connector:
            answer(item, True, days_ago(today, days - 7))
    approve_details(signal, "BRP", ["naam.geslachtsnaam", "verblijfplaats.adres",
                                    "verblijfplaats.datumAanvangAdreshouding"], days_ago(today, days - 8))
    return signal


def tell(today: date) -> None:
    give_bronhouder_sources()
    # Waiting for privacy check 1: the privacyfunctionaris has work.
    [(person, address)] = people(1, 40)
    waiting = report(today, 9, "woon_adresfraude", "Veel wisselende bewoners op één adres; de bewoner "
                     "zou er zelf niet wonen.", address, [person_subject(person, address)])
    to_research(waiting, today, 9)
    ask(waiting, ["BRP", "SOCIAAL_DOMEIN"], days_ago(today, 4))
    # Allowed, and waiting for the bronhouder's answer; the NHR answered at once; details waiting.
    [(person, address)] = people(1, 41)
    [branch] = companies(1, 41)
    asked = report(today, 14, "malafide_onderneming", "Kapsalon zonder klanten, wel veel contant geld en "
                   "wisselende medewerkers.", branch.adres_id, [company_subject(branch),
                                                                 person_subject(person, address, "eigenaar")])
    to_research(asked, today, 14)
    for item in ask(asked, ["NHR", "VTH_DOSSIERS", "BRP"], days_ago(today, 10)):
        allow(item, days_ago(today, 9))
    approve_details(asked, "NHR", ["functionarissen", "rechtsvorm"], days_ago(today, 6))
    approve_details(asked, "BRP", ["verblijfplaats.adres"], days_ago(today, 5), decide=False)
    # Answered and approved: the bronhouder still has to supply the details of the VTH dossier.
    supply = researched_signal(today, 18, "vakantiepark_bedrijventerrein", "Loods op het bedrijventerrein "
                               "met verduisterde ramen; 's nachts veel verkeer.", 42)
    approve_details(supply, "VTH_DOSSIERS", ["controles", "handhaving"], days_ago(today, 6))
    # Confirmed, and left to the departments on their own authority (weging 4 'afdeling').
    departments = researched_signal(today, 70, "arbeidsuitbuiting", "Veel arbeidsmigranten op één adres; "
                                    "busjes halen ze 's ochtends vroeg op.", 43)
    with on(days_ago(today, 58, 15)):
        protocol.decide(User.objects.get(username="regisseur"), departments, [WegingInput(
            "W4", "afdeling", "De hits bevestigen het signaal; burgerzaken en handhaving pakken het zelf op.",
            **COMMON)], "hits_afdeling")
