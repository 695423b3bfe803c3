"""Shared test factories: signals, wegingen, casussen, meetings, releases and source requests,
built through the real services (no model shortcuts), so every test starts from a state the app
itself could reach. Users with roles come from the ``make_user`` fixture in conftest.py.

Import with ``from factories import ...`` (``tests`` is on pytest's pythonpath)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from meldpunt.cases import interventions, meetings, releases, services
from meldpunt.cases.models import Casus, Instrument
from meldpunt.intake import services as intake
from meldpunt.protocol import services as protocol
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.protocol.research.services import Pc1Input
from meldpunt.protocol.services import WegingInput
from meldpunt.registries.models import Nummeraanduiding, Persoon

# ------------------------------------------------------------------------------- wegingen

REASONING = "Zo gewogen om deze reden."
BASIS = {"purpose": "Bestrijden van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e", "reasoning": REASONING}
W1_CHECKLIST = {"kenmerken": ["openbare_orde"], "verankering": ["gelegenheid_zakelijk"]}
WEIGHED = {"necessity": "nodig", "proportionality": "evenredig", "subsidiarity": "geen lichter middel"}
SECRET_NAME = "Geheime Betrokkene"
OTHER_NAME = "Andere Betrokkene"


def weging(kind, decision, reasoning=REASONING, **extra):
    """A complete weging: the W1 checklist for W1 'ja', necessity, proportionality and
    subsidiarity for W3 'bronnenonderzoek' and for PC2A/PC2B."""
    values = dict(BASIS, reasoning=reasoning)
    if kind == "W1" and decision == "ja":
        values["checklist"] = W1_CHECKLIST
    if kind == "W3" and decision == "bronnenonderzoek" or kind in ("PC2A", "PC2B"):
        values.update(WEIGHED)
    values.update(extra)
    return WegingInput(kind, decision, **values)


def research_weging(kind, decision, **extra):
    """The bronnenonderzoek tests' weging: the checklist on every W1, the three tests on every W3."""
    values = dict(BASIS, reasoning="Zo gewogen.")
    if kind == "W1":
        values["checklist"] = W1_CHECKLIST
    if kind == "W3":
        values.update(WEIGHED)
    values.update(extra)
    return WegingInput(kind, decision, **values)


# -------------------------------------------------------------------------------- signals


def first_address() -> int:
    """The primary key of the first address of the demo municipality."""
    return Nummeraanduiding.objects.order_by("pk").first().pk


def new_signal(user, name=SECRET_NAME, bsn="999993653", index=0, gemeente=None):
    """A signal at the ``index``-th address naming one person (``name``, ``bsn``), of ``gemeente``
    (a tenancy.Tenant; without one the installation's only gemeente, the home tenant)."""
    address = Nummeraanduiding.objects.order_by("pk")[index]
    data = intake.SignalInput(channel="intern", description="Sterke wietlucht, ramen afgeplakt.",
                              phenomenon="hennepteelt_drugs", reporter_kind="medewerker", address=address.pk,
                              subjects=[intake.SubjectInput(kind="persoon", name=name, bsn=bsn)])
    return intake.create_signal(data, user=user, gemeente=gemeente)


def to_research(user, signal, reasoning=REASONING):
    """Steps 1 and 2 through the protocol: the signal ends in 'bronnenonderzoek'."""
    protocol.decide(user, signal, [weging("W1", "ja", reasoning), weging("W2A", "ja", reasoning),
                                   weging("W2B", "ja", reasoning)], "intake_doorzetten")
    protocol.decide(user, signal, [weging("W3", "bronnenonderzoek", reasoning)], "zwaarte_bronnenonderzoek")
    signal.refresh_from_db()
    return signal


def walk_to_research(walker, signal):
    """Steps 1 and 2 with the bronnenonderzoek tests' wegingen."""
    protocol.decide(walker, signal, [research_weging("W1", "ja"), research_weging("W2A", "ja"),
                                     research_weging("W2B", "ja")], "intake_doorzetten")
    protocol.decide(walker, signal, [research_weging("W3", "bronnenonderzoek")], "zwaarte_bronnenonderzoek")
    signal.refresh_from_db()
    return signal


def signal_in_research(people, demo):
    """A signal walked to 'bronnenonderzoek' by someone else than the people under test, naming a
    demo person (BSN), a demo company (KvK) and an unknown BSN."""
    walker = people["walker"]
    data = intake.SignalInput(
        channel="intern", description="Drukte bij een pand, wisselende bewoners.", phenomenon="hennepteelt_drugs",
        reporter_kind="medewerker", address=first_address(),
        subjects=[intake.SubjectInput(kind="persoon", name="A. Bewoner", role="bewoner", bsn=demo["bsn"]),
                  intake.SubjectInput(kind="onderneming", name="B.V.", kvk_nummer=demo["kvk"]),
                  intake.SubjectInput(kind="persoon", name="Onbekend", bsn=demo["unknown_bsn"])])
    signal = walk_to_research(walker, intake.create_signal(data, user=walker))
    assert signal.state == "bronnenonderzoek"
    return signal


def typo_person():
    """A demo person and a way the reporter may have misspelt the surname (two letters swapped)."""
    persoon = (Persoon.objects.filter(geslachtsnaam__regex=r"^.{6,}$", geboortedatum__isnull=False)
               .order_by("pk").first())
    last = persoon.geslachtsnaam
    typo = last[0] + last[2] + last[1] + last[3:]
    return persoon, f"{persoon.voornamen} {persoon.voorvoegsel} {typo}".replace("  ", " ")


def signal_with_named_people(people):
    """A signal in bronnenonderzoek that names a demo person (with a typo) and an invented person,
    both only by name and birth date: no BSN, no address."""
    persoon, written = typo_person()
    walker = people["walker"]
    data = intake.SignalInput(
        channel="intern", description="Twee personen genoemd, zonder BSN.", phenomenon="hennepteelt_drugs",
        reporter_kind="medewerker", address=first_address(),
        subjects=[intake.SubjectInput(kind="persoon", name=written, birth_date=persoon.geboortedatum),
                  intake.SubjectInput(kind="persoon", name="Xander Quintus Zwartveld", birth_date=date(1971, 2, 3)),
                  intake.SubjectInput(kind="persoon", name="Alleen Een Naam")])
    signal = walk_to_research(walker, intake.create_signal(data, user=walker))
    known = signal.subjects.get(name=written)
    invented = signal.subjects.get(name="Xander Quintus Zwartveld")
    return signal, persoon, known, invented


# ------------------------------------------------------------------------ source requests

COMPATIBILITY = {key: "Gewogen: past bij het doel." for key in research.COMPATIBILITY_FACTORS}


def pc1(decision="toegestaan", **extra):
    """A complete privacy check 1 (PC1) for a source request."""
    values = {"reasoning": "De bron is nodig om het signaal te toetsen.", "primary_basis": "Wet BRP art. 3.2",
              "compatibility": dict(COMPATIBILITY), "necessity": "Zonder deze bron geen toets.",
              "proportionality": "Alleen hit/no-hit.", "subsidiarity": "Geen lichter middel."}
    values.update(extra)
    return Pc1Input(decision=decision, **values)


def mention(signal, bsn="", kvk=""):
    """The subject of ``signal`` with this BSN (or KvK number)."""
    return signal.subjects.get(**({"bsn": bsn} if bsn else {"kvk_nummer": kvk}))


def brp_request(people, demo, signal):
    """The regisseur asks the BRP about the known and the unknown BSN of ``signal_in_research``."""
    return research.request_sources(people["regisseur"], signal, [Source.objects.get(code="BRP")],
                                    [mention(signal, bsn=demo["bsn"]).pk, mention(signal, bsn=demo["unknown_bsn"]).pk],
                                    "Wonen hier de genoemde personen?")[0]


# ------------------------------------------------------------------- casus, overleg, vrijgave


def open_casus(team_and_regie, name=SECRET_NAME, bsn="999993653", gemeente=None) -> Casus:
    """A signal through steps 1-3 and W4 'casus': returns the casus it opened (of the signal's gemeente)."""
    signal = to_research(team_and_regie, new_signal(team_and_regie, name, bsn, gemeente=gemeente))
    protocol.decide(team_and_regie, signal, [weging("W4", "casus")], "hits_casus")
    return Casus.objects.get(signal_links__signal=signal)


def planned_meeting(regie, casus, *participants, third_parties=False):
    """A casusoverleg in three days with ``casus`` on the agenda and a seat per participant."""
    meeting = meetings.plan(regie, "Casusoverleg ondermijning", timezone.now() + timedelta(days=3), "Stadhuis",
                            third_parties)
    item = meetings.add_to_agenda(regie, meeting, casus)
    seats = [meetings.invite(regie, meeting, p, f"Afdeling {i}") for i, p in enumerate(participants)]
    return meeting, item, seats


def release(regie, pf, item, seat, keys, decision="vrijgeven", approved=None):
    """A PC2A release request for ``keys`` to ``seat``, decided by the privacyfunctionaris."""
    request = releases.request_pc2a(regie, item, seat, keys, "Nodig om de aanpak te bepalen.")
    return releases.decide(pf, request, weging("PC2A", decision), approved)


def subject_key(casus, name=SECRET_NAME):
    from meldpunt.intake.models import MentionedSubject

    return f"betrokkene:{MentionedSubject.objects.get(signal__casus_links__casus=casus, name=name).pk}"


def run_to_uitvoering(regie, pf, casus, deelnemer, uitvoerder):
    """The whole step 4 up to 'uitvoering'; returns the intervention."""
    meeting, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    release(regie, pf, item, seat, ["veld:fenomeen"])
    services.transition(regie, casus, "casus_agenderen")
    meetings.record_minutes(regie, item, "Besproken: aanpak via sluiting.", "Sluiting 13b voorbereiden.")
    meetings.record_attendance(regie, meeting, [seat.pk])
    services.transition(regie, casus, "pva_vaststellen")
    instrument = Instrument.objects.get(code="sluiting-13b-opiumwet")
    action = interventions.add(regie, casus, instrument, "Sluiting voorbereiden.", uitvoerder,
                               timezone.localdate() + timedelta(days=30))
    request = releases.request_pc2b(regie, action, ["veld:locatie"], "De uitvoerder moet het adres kennen.")
    releases.decide(pf, request, weging("PC2B", "vrijgeven"))
    services.transition(regie, casus, "uitvoering_starten")
    return action


def resident_signal(user=None, *, index=0, **extra):
    """A signal at the ``index``-th address naming 'A. Bewoner' with a valid BSN; ``extra`` goes to
    SignalInput."""
    address = Nummeraanduiding.objects.order_by("pk")[index].pk
    data = intake.SignalInput(
        channel="intern", reporter_kind="medewerker", description="Sterke wietlucht bij de woning, ramen afgeplakt.",
        phenomenon="hennepteelt_drugs", address=address,
        subjects=[intake.SubjectInput(kind="persoon", name="A. Bewoner", bsn="999993653")], **extra)
    return intake.create_signal(data, user=user)


def add_intervention(regie, casus, owner, code="sluiting-13b-opiumwet", days=30):
    """An intervention with instrument ``code`` for ``owner``, due in ``days`` days."""
    return interventions.add(regie, casus, Instrument.objects.get(code=code), "Sluiting voorbereiden.", owner,
                             timezone.localdate() + timedelta(days=days))


def casus_with_details(regie, pf, brp_fields=("verblijfplaats.adres", "geboorte.datum"),
                       nhr_fields=("naam", "functionarissen")):
    """A casus whose signal went through bronnenonderzoek with approved details (PC1 by ``pf``):
    BRP ``brp_fields`` of a demo person who lives somewhere, NHR ``nhr_fields`` of a demo company
    with directors. Returns (casus, person mention, company mention, BRP details, NHR details)."""
    from meldpunt.registries.models import Onderneming

    persoon = Persoon.objects.filter(verblijfplaatsen__isnull=False).order_by("pk").first()
    onderneming = Onderneming.objects.filter(functionarissen__isnull=False).order_by("pk").first()
    data = intake.SignalInput(
        channel="intern", description="Drukte bij een pand, wisselende bewoners.", phenomenon="hennepteelt_drugs",
        reporter_kind="medewerker", address=first_address(),
        subjects=[intake.SubjectInput(kind="persoon", name=persoon.naam, role="bewoner", bsn=persoon.bsn),
                  intake.SubjectInput(kind="onderneming", name=onderneming.naam,
                                      kvk_nummer=onderneming.kvk_nummer)])
    signal = to_research(regie, intake.create_signal(data, user=regie))
    person, company = signal.subjects.get(bsn=persoon.bsn), signal.subjects.get(kvk_nummer=onderneming.kvk_nummer)
    details = []
    for code, mention_, fields in (("BRP", person, brp_fields), ("NHR", company, nhr_fields)):
        (asked,) = research.request_sources(regie, signal, [Source.objects.get(code=code)], [mention_.pk],
                                            "Toetsen wie hier woont en wie de onderneming bestuurt.")
        research.decide_pc1(pf, asked, pc1())
        hit = asked.hits.get(subject=mention_)
        detail = research.request_details(regie, hit, list(fields), "Nodig voor de aanpak.")
        research.decide_details(pf, detail, pc1("toegestaan", approved_fields=list(fields)))
        detail.refresh_from_db()
        details.append(detail)
    protocol.decide(regie, signal, [weging("W4", "casus")], "hits_casus")
    return Casus.objects.get(signal_links__signal=signal), person, company, details[0], details[1]


# --------------------------------------------------------------------------------- inzage


def open_inzage_request(subject_bsn, pf):
    """An inzageverzoek for ``subject_bsn``, registered and searched by the privacyfunctionaris."""
    from meldpunt.privacy.inzage import services as inzage

    request = inzage.register(pf, inzage.RequestInput(
        received_on=timezone.localdate(), requester_name="A. Bewoner", requester_contact="per post",
        identity_document="digid", subject_bsn=subject_bsn))
    inzage.search(pf, request)
    return request
