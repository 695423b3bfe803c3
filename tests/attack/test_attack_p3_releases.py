"""Attack P1/P3 through free text under a release (issue 13 item 2, ADR 0021).

A participant released "fenomeen + locatie + omschrijving" tries to read, in the description, the
names and numbers of subjects that were never released to them: on their page, in the print, in
the API (their export), under every spelling the reporter might have used. Free text shows as
written only after the privacyfunctionaris released that separately, and nothing shows at all
before an approved PC2A/PC2B (P3).
"""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from factories import add_intervention, planned_meeting, release, weging
from meldpunt.cases import meetings, releases, selectors, services
from meldpunt.cases.models import Casus, ReleaseState
from meldpunt.intake import services as intake
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import services as protocol
from meldpunt.registries.models import Nummeraanduiding

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

PERSON, PERSON_BSN = "Piet van der Berg", "999993653"
COMPANY, COMPANY_KVK = "Zwartgeld Holding B.V.", "87654321"
PLATE = "XK-12-BZ"
OTHER_PERSON, OTHER_BSN = "Klaas Vaak", "999990019"
MARKER = "Sterke wietlucht"  # harmless words of the description that must stay readable
# What must never reach a participant who was released only fields (lower case, no separators).
SECRETS = ["berg", "piet", "zwartgeld", "999993653", "87654321", "xk12bz", "klaas", "vaak", "999990019"]


def squash(text: str) -> str:
    """Lower case without spaces and punctuation: a secret split by punctuation still shows."""
    return "".join(c for c in text.lower() if c.isalnum())


def leaks(text: str) -> list[str]:
    flat = squash(text)
    return [s for s in SECRETS if s in flat]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def addresses():
    return list(Nummeraanduiding.objects.order_by("pk")[:6])


def street_and_number(a) -> str:
    return f"{a.openbare_ruimte} {a.huisnummer}{a.huisletter}"


def description() -> str:
    home = addresses()[5]
    return (f"{MARKER} bij de loods. {PERSON} (BSN {PERSON_BSN}) rijdt met de {PLATE} naar {COMPANY} "
            f"(KvK {COMPANY_KVK}), gevestigd op {street_and_number(home)}. Ook {OTHER_PERSON} was erbij.")


def signal_with(regie, text: str, *, reasoning: str = ""):
    """A signal through steps 1-3 whose description is ``text``, naming four subjects."""
    home = addresses()[5]
    data = intake.SignalInput(
        channel="intern", description=text, phenomenon="hennepteelt_drugs", reporter_kind="medewerker",
        address=addresses()[0].pk, subjects=[
            intake.SubjectInput(kind="persoon", name=PERSON, bsn=PERSON_BSN, role="bestuurder"),
            intake.SubjectInput(kind="onderneming", name=COMPANY, kvk_nummer=COMPANY_KVK),
            intake.SubjectInput(kind="voertuig", kenteken=PLATE),
            intake.SubjectInput(kind="adres", address=home.pk),
            intake.SubjectInput(kind="persoon", name=OTHER_PERSON, bsn=OTHER_BSN),
        ])
    signal = intake.create_signal(data, user=regie)
    extra = {"reasoning": reasoning} if reasoning else {}
    protocol.decide(regie, signal, [weging("W1", "ja", **extra), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    protocol.decide(regie, signal, [weging("W3", "bronnenonderzoek")], "zwaarte_bronnenonderzoek")
    signal.refresh_from_db()
    return signal


def casus_with(regie, text: str | None = None, **kwargs) -> Casus:
    signal = signal_with(regie, description() if text is None else text, **kwargs)
    protocol.decide(regie, signal, [weging("W4", "casus")], "hits_casus")
    return Casus.objects.get(signal_links__signal=signal)


def mention_key(casus, name) -> str:
    from meldpunt.intake.models import MentionedSubject

    return f"betrokkene:{MentionedSubject.objects.get(signal__casus_links__casus=casus, name=name).pk}"


@pytest.fixture
def regie(make_user):
    return make_user("regisseur", "teamlid", "beoordelaar")


@pytest.fixture
def pf(make_user):
    return make_user("privacyfunctionaris")


FIELDS = ["veld:fenomeen", "veld:locatie", "veld:omschrijving"]


def everything_the_participant_gets(client, user, meeting, regie) -> dict[str, str]:
    client.force_login(user)
    got = {"page": client.get(reverse("web:mijn_casussen")).content.decode(),
           "print": pdf_text(client.get(reverse("cases:mijn_agenda_pdf", args=[meeting.pk])).content),
           "api": json.dumps(client.get("/api/v1/mijn-casussen").json(), ensure_ascii=False)}
    client.force_login(regie)  # the regisseur prints the participant's agenda: the same content
    seat = meeting.participants.get(user=user)
    got["print by regisseur"] = pdf_text(client.get(reverse("cases:agenda_pdf", args=[meeting.pk, seat.pk])).content)
    return got


def test_fields_only_release_never_shows_unreleased_names_or_numbers_anywhere(client, regie, pf, make_user):
    casus = casus_with(regie)
    deelnemer = make_user("deelnemer")
    meeting, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    release(regie, pf, item, seat, FIELDS)
    home = addresses()[5]
    for where, text in everything_the_participant_gets(client, deelnemer, meeting, regie).items():
        assert MARKER in text, where  # the description itself is released ...
        assert leaks(text) == [], where  # ... without who is in it
        assert squash(street_and_number(home)) not in squash(text), where
        assert "[persoon]" in text and "[BSN]" in text and "[bedrijf]" in text and "[KvK-nummer]" in text, where
        assert "[kenteken]" in text and "[adres]" in text, where


def test_other_spellings_of_the_same_names_and_numbers_are_masked(regie, pf, make_user):
    variants = (f"{MARKER}. PIET   VAN DER BERG en berg, piet; P.van-der-Berg; Pi-et Be.rg. "
                "BSN 999 99 3653, 9999.93.653 en 999-993-653. zwartgeld holding bv, ZWARTGELD-HOLDING. "
                "KvK-nummer: 8765 4321, kvk 87.65.43.21. Kenteken xk 12 bz en XK12BZ. Klaas  VAAK.")
    casus = casus_with(regie, variants)
    deelnemer = make_user("deelnemer")
    _, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    release(regie, pf, item, seat, FIELDS)
    (view,) = selectors.released_to_participant(deelnemer)
    shown = view.items[0].content.signals[0]["omschrijving"]
    assert MARKER in shown and leaks(shown) == [], shown


def test_identifier_shaped_numbers_of_people_unknown_to_the_system_are_masked(regie, pf, make_user):
    # 111222333 passes the elfproef; nobody in the signal has it. Nor the postcode, plate or KvK.
    text = (f"{MARKER}. Een neef met BSN 111222333 woont op 1234 AB 56, rijdt 99-ZZT-9 en heeft KvK 11223344; "
            "bel hem op 06-12345678 of neef@voorbeeld.nl.")
    casus = casus_with(regie, text)
    deelnemer = make_user("deelnemer")
    _, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    release(regie, pf, item, seat, FIELDS)
    (view,) = selectors.released_to_participant(deelnemer)
    shown = squash(view.items[0].content.signals[0]["omschrijving"])
    for secret in ("111222333", "1234ab56", "99zzt9", "11223344", "0612345678", "neefvoorbeeldnl"):
        assert secret not in shown


def test_a_released_subject_stays_readable_and_the_others_do_not(regie, pf, make_user):
    casus = casus_with(regie)
    deelnemer = make_user("deelnemer")
    _, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    release(regie, pf, item, seat, [*FIELDS, mention_key(casus, PERSON)])
    (view,) = selectors.released_to_participant(deelnemer)
    shown = view.items[0].content.signals[0]["omschrijving"]
    assert PERSON in shown and PERSON_BSN in shown  # released: as written
    assert "zwartgeld" not in squash(shown) and COMPANY_KVK not in squash(shown)
    assert "klaas" not in squash(shown) and OTHER_BSN not in squash(shown)


def test_the_weging_explanation_and_working_title_are_masked_too(regie, pf, make_user):
    casus = casus_with(regie, reasoning=f"Melding over {PERSON.upper()} en {COMPANY} is concreet.")
    Casus.objects.filter(pk=casus.pk).update(title=f"Loods {OTHER_PERSON}")
    w1 = casus.signal_links.get().signal.wegingen.get(type="W1")
    deelnemer = make_user("deelnemer")
    _, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    release(regie, pf, item, seat, ["veld:werktitel", f"weging:{w1.pk}"])
    (view,) = selectors.released_to_participant(deelnemer)
    content = json.dumps(view.items[0].content.as_dict(), ensure_ascii=False)
    assert "concreet" in content and "Loods" in content
    assert leaks(content) == [], content


def test_the_privacyfunctionaris_decides_on_the_text_as_the_participant_will_get_it(client, regie, pf, make_user):
    casus = casus_with(regie)
    _, item, (seat,) = planned_meeting(regie, casus, make_user("deelnemer"))
    # The regisseur is warned when asking, and after asking, without being shown the text itself.
    client.force_login(regie)
    url = reverse("cases:vrijgave_vragen", args=[item.meeting_id, item.pk, seat.pk])
    form = client.get(url).content.decode()
    assert "gemaskeerd" in form and f"signaal {casus.signal_links.get().signal.reference} noemt: persoon" in form
    done = client.post(url, {"items": FIELDS, "purpose": "Voor het overleg."}, follow=True).content.decode()
    assert "wordt gemaskeerd wat niet is vrijgegeven: persoon" in done
    request = casus.release_requests.get()
    client.force_login(pf)
    page = client.get(reverse("cases:vrijgave_besluiten", args=[request.pk])).content.decode()
    preview = page.split("Zo ziet de ontvanger het", 1)[1]
    assert MARKER in preview and "[persoon]" in preview and "[BSN]" in preview
    assert leaks(preview) == []


def test_unmasked_text_only_after_its_own_explicit_decision(client, regie, pf, make_user):
    casus = casus_with(regie)
    deelnemer = make_user("deelnemer")
    _, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    # On its own it releases nothing, and the refusal changes nothing (P8).
    with pytest.raises(services.CaseError, match="vrije tekst"):
        releases.request_pc2a(regie, item, seat, ["veld:fenomeen", "veld:ongemaskeerd"], "Alles lezen.")
    assert not casus.release_requests.exists()
    # Asked with the description: the privacyfunctionaris releases the description, not the rest.
    asked = releases.request_pc2a(regie, item, seat, [*FIELDS, "veld:ongemaskeerd"], "Voor het overleg.")
    client.force_login(pf)
    page = client.get(reverse("cases:vrijgave_besluiten", args=[asked.pk])).content.decode()
    assert "Gevraagd: vrije tekst zonder maskering" in page
    assert leaks(page.split('Zonder "vrije tekst zonder maskering"', 1)[1]) == []
    releases.decide(pf, asked, weging("PC2A", "deels"), FIELDS)
    (view,) = selectors.released_to_participant(deelnemer)
    assert leaks(view.items[0].content.signals[0]["omschrijving"]) == []
    assert not ProcessingLogEntry.objects.filter(action="vrijgave_PC2A_ongemaskeerd").exists()
    # Released explicitly: as written, recorded in the decision and logged per data subject.
    asked = releases.request_pc2a(regie, item, seat, ["veld:omschrijving", "veld:ongemaskeerd"], "Namen nodig.")
    releases.decide(pf, asked, weging("PC2A", "vrijgeven"))
    asked.refresh_from_db()
    assert asked.state == ReleaseState.VRIJGEGEVEN and "veld:ongemaskeerd" in asked.approved_items
    (view,) = selectors.released_to_participant(deelnemer)
    assert PERSON in view.items[0].content.signals[0]["omschrijving"]
    logged = ProcessingLogEntry.objects.filter(action="vrijgave_PC2A_ongemaskeerd", user_id=pf.pk)
    assert logged.filter(subject_type="bsn").count() == 2


def test_nothing_of_the_text_before_an_approved_pc2a_or_pc2b_or_after_a_denial(client, regie, pf, make_user):
    casus = casus_with(regie)
    deelnemer, uitvoerder = make_user("deelnemer"), make_user("uitvoerder")
    meeting, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    pending = releases.request_pc2a(regie, item, seat, [*FIELDS, "veld:ongemaskeerd"], "Voor het overleg.")

    def participant_sees() -> str:
        client.force_login(deelnemer)
        return (client.get(reverse("web:mijn_casussen")).content.decode()
                + pdf_text(client.get(reverse("cases:mijn_agenda_pdf", args=[meeting.pk])).content)
                + json.dumps(client.get("/api/v1/mijn-casussen").json()))

    assert MARKER not in participant_sees() and leaks(participant_sees()) == []
    releases.decide(pf, pending, weging("PC2A", "weigeren"))
    assert MARKER not in participant_sees() and leaks(participant_sees()) == []
    # The uitvoerder of an intervention: nothing before PC2B is decided.
    release(regie, pf, item, seat, ["veld:fenomeen"])
    services.transition(regie, casus, "casus_agenderen")
    meetings.record_minutes(regie, item, "Besproken.", "Sluiting voorbereiden.")
    action = add_intervention(regie, casus, uitvoerder)
    releases.request_pc2b(regie, action, [*FIELDS, "veld:ongemaskeerd"], "Adres en aanleiding.")
    client.force_login(uitvoerder)
    seen = (client.get(reverse("cases:actie", args=[action.pk])).content.decode()
            + json.dumps(client.get("/api/v1/mijn-acties").json()))
    assert MARKER not in seen and leaks(seen) == []


def test_the_uitvoerder_gets_the_masked_text_under_pc2b(client, regie, pf, make_user):
    casus = casus_with(regie)
    uitvoerder = make_user("uitvoerder")
    _, item, (seat,) = planned_meeting(regie, casus, make_user("deelnemer"))
    release(regie, pf, item, seat, ["veld:fenomeen"])
    services.transition(regie, casus, "casus_agenderen")
    meetings.record_minutes(regie, item, "Besproken.", "Sluiting voorbereiden.")
    action = add_intervention(regie, casus, uitvoerder)
    # The regisseur writes the intervention in free text too.
    type(action).objects.filter(pk=action.pk).update(description=f"Sluiting van de loods; {PERSON} aanschrijven.")
    releases.decide(pf, releases.request_pc2b(regie, action, FIELDS, "Adres en aanleiding."),
                    weging("PC2B", "vrijgeven"))
    client.force_login(uitvoerder)
    page = client.get(reverse("cases:actie", args=[action.pk])).content.decode()
    assert "Sluiting van de loods; [persoon] aanschrijven." in page
    for text in (page, json.dumps(client.get("/api/v1/mijn-acties").json(), ensure_ascii=False)):
        assert MARKER in text and "[persoon]" in text and leaks(text) == []


# ------------------------------------------- an address never unmasks the people living there

RESIDENT, CO_RESIDENT, RESIDENT_BSN = "Geheime Bewoner", "Stille Huisgenoot", "999990019"


def casus_at_home(regie, text: str, subjects) -> Casus:
    """A casus of one signal at addresses()[0], naming ``subjects`` (SubjectInput)."""
    data = intake.SignalInput(channel="intern", description=text, phenomenon="hennepteelt_drugs",
                              reporter_kind="medewerker", address=addresses()[0].pk, subjects=subjects)
    signal = to_casus(regie, intake.create_signal(data, user=regie))
    return Casus.objects.get(signal_links__signal=signal)


def to_casus(regie, signal):
    protocol.decide(regie, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    protocol.decide(regie, signal, [weging("W3", "bronnenonderzoek")], "zwaarte_bronnenonderzoek")
    protocol.decide(regie, signal, [weging("W4", "casus")], "hits_casus")
    return signal


def test_releasing_the_location_does_not_unmask_the_people_living_there(regie, pf, make_user):
    home = addresses()[0]
    company = "Schaduw Beheer B.V."
    casus = casus_at_home(regie, f"{MARKER}. Hier woont {RESIDENT}, met de zaak {company}, op "
                                 f"{street_and_number(home)}.", [
        intake.SubjectInput(kind="persoon", name=RESIDENT, address=home.pk),
        intake.SubjectInput(kind="onderneming", name=company, address=home.pk)])
    deelnemer = make_user("deelnemer")
    _, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    release(regie, pf, item, seat, ["veld:omschrijving", "veld:locatie"])
    (view,) = selectors.released_to_participant(deelnemer)
    shown = view.items[0].content.signals[0]["omschrijving"]
    assert MARKER in shown and "[persoon]" in shown and "[bedrijf]" in shown, shown
    for secret in ("geheime", "bewoner", "schaduw"):
        assert secret not in squash(shown), shown
    # The location itself was released: the address stays readable, in the field and in the text.
    assert squash(street_and_number(home)) in squash(shown)
    assert view.items[0].content.signals[0]["locatie"] == str(home)


def test_a_released_resident_does_not_unmask_a_hidden_co_resident(regie, pf, make_user):
    home = addresses()[0]
    casus = casus_at_home(regie, f"{MARKER}. {RESIDENT} woont hier samen met {CO_RESIDENT}.", [
        intake.SubjectInput(kind="persoon", name=RESIDENT, bsn=RESIDENT_BSN, address=home.pk),
        intake.SubjectInput(kind="persoon", name=CO_RESIDENT, address=home.pk)])
    deelnemer = make_user("deelnemer")
    _, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    release(regie, pf, item, seat, ["veld:omschrijving", mention_key(casus, RESIDENT)])
    (view,) = selectors.released_to_participant(deelnemer)
    content = view.items[0].content
    shown = content.signals[0]["omschrijving"]
    assert RESIDENT in shown and "[persoon]" in shown, shown  # the released one as written ...
    assert "stille" not in squash(shown) and "huisgenoot" not in squash(shown), shown  # ... not the other
    assert [s["naam"] for s in content.subjects] == [RESIDENT]
    assert "stille" not in squash(json.dumps(content.as_dict(), ensure_ascii=False))
