"""Attack: an inzage answer (AVG art. 15) that tips off (UAVG art. 41).

The attacker is the data subject reading their own answer, next to a friend's answer: anything
in the package that differs because something was fully restricted, or any word about a casus
the gemeente keeps quiet about, betrays the investigation. Also: blanking third parties must not
eat ordinary words, and subject A's answer never holds subject B.
"""

import io
import json
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

import factories
from meldpunt.cases.models import Casus, CasusSignal
from meldpunt.core import identifiers
from meldpunt.core.datums import format_date
from meldpunt.intake import services as intake
from meldpunt.intake import subjects as intake_subjects
from meldpunt.privacy import log
from meldpunt.privacy.inzage import package, pdf, services
from meldpunt.privacy.inzage.models import Decision, ItemKind
from meldpunt.privacy.inzage.redaction import REDACTED, Redactor
from meldpunt.privacy.inzage.services import DecisionInput, RequestInput
from meldpunt.protocol import services as protocol
from meldpunt.registries.models import Buurt, Persoon

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

ANNA = {"name": "Annemarie Zwartkop", "birth_date": date(1981, 3, 14)}
BART = {"name": "Bartholomeus Kwikstaart", "birth_date": date(1975, 11, 2)}
CORA = {"name": "Cornelia Roodborst", "birth_date": date(1988, 1, 23)}
# A third party whose name, run together, is an ordinary word ('handhaving').
HAN = {"name": "Han Dhaving", "birth_date": date(1969, 7, 9)}
SILENT = "Ook het bestaan van een beperking zou het lopende onderzoek verraden."
RESTRICT = dict(ground="d", reasoning="Lopend onderzoek in de casus; verstrekken waarschuwt de betrokkene.",
                necessity="Alleen deze casus en alleen zolang het onderzoek loopt; de rest wordt verstrekt.")


def free_bsns(count: int) -> list[str]:
    """Valid (elfproef) test BSNs that are nobody in the demo BRP."""
    taken = set(Persoon.objects.filter(bsn__startswith="9999").values_list("bsn", flat=True))
    found = []
    for n in range(99990000, 99999999):
        for last in range(10):
            value = f"{n}{last}"
            try:
                identifiers.parse_bsn(value)
            except identifiers.InvalidIdentifier:
                continue
            if value not in taken and value != "999993653":
                found.append(value)
                break
        if len(found) == count:
            return found
    raise AssertionError("geen vrije BSN's")


REASONING = "Zo gewogen om deze reden, met de feiten erbij."


def weging(kind, decision, reasoning=REASONING):
    return factories.weging(kind, decision, reasoning)


def new_signal(staff, description, *subjects):
    return intake.create_signal(intake.SignalInput(
        channel="intern", reporter_kind="medewerker", phenomenon="hennepteelt_drugs", description=description,
        buurt=Buurt.objects.order_by("code").first().code, subjects=list(subjects)), user=staff)


def person(who, bsn, role=""):
    return intake.SubjectInput(kind="persoon", role=role, name=who["name"], birth_date=who["birth_date"], bsn=bsn)


def to_research(staff, signal):
    return factories.to_research(staff, signal, REASONING)


def to_casus(staff, signal) -> Casus:
    """Steps 1-3 and W4 'casus', through the protocol: the signal moves to the state 'casus'."""
    to_research(staff, signal)
    protocol.decide(staff, signal, [weging("W4", "casus", "Hits bij handhaving bevestigen het beeld; casus.")],
                    "hits_casus")
    signal.refresh_from_db()
    return Casus.objects.get(signal_links__signal=signal)


@pytest.fixture
def staff(make_user):
    return make_user("regisseur", "teamlid", "beoordelaar")


@pytest.fixture
def pf(make_user):
    return make_user("privacyfunctionaris")


@pytest.fixture
def world(staff):
    """Anna: one signal that became a casus (the casus is what the gemeente keeps quiet about),
    one that stayed in bronnenonderzoek, with Bart and Han as third parties. Cora, the control: the
    same two shapes, but neither in a casus."""
    anna_bsn, bart_bsn, han_bsn, cora_bsn = free_bsns(4)
    in_casus = new_signal(staff, f"{ANNA['name']} en {BART['name']} bij een loods; controle door handhaving.",
                          person(ANNA, anna_bsn, "huurder"), person(BART, bart_bsn, "helper"))
    casus = to_casus(staff, in_casus)
    plain = new_signal(staff, f"Controle door team handhaving op het adres; {HAN['name']} "
                              f"({HAN['birth_date']:%d-%m-%Y}) was erbij, H. Dhaving reed weg. {ANNA['name']} keek toe",
                       person(ANNA, anna_bsn), person(HAN, han_bsn))
    to_research(staff, plain)
    control_research = to_research(staff, new_signal(staff, f"{CORA['name']} bij een andere loods.",
                                                     person(CORA, cora_bsn, "huurder")))
    control_plain = to_research(staff, new_signal(staff, f"{CORA['name']} parkeert vaak.", person(CORA, cora_bsn)))
    # A participant reads what PC2A released on the casus: a line that names no object.
    log.record("vrijgave_inzien", "casus_delen", intake_subjects.of_signal(in_casus), user=staff)
    return {"anna_bsn": anna_bsn, "bart_bsn": bart_bsn, "han_bsn": han_bsn, "cora_bsn": cora_bsn, "casus": casus,
            "in_casus": in_casus, "plain": plain, "control": [control_research, control_plain]}


def answer(pf, who, bsn, *, restrict=(), mention=False):
    """Register, search, decide (``restrict``: the kinds to restrict fully), close and answer; the
    answer is generated twice, so the first generation is in the log of the second."""
    request = services.register(pf, RequestInput(
        received_on=timezone.localdate(), requester_name=who["name"], requester_contact="per post",
        identity_document="digid", subject_bsn=bsn))
    services.search(pf, request)
    for item in request.items.order_by("kind", "id"):
        if item.kind in restrict:
            services.decide(pf, item, DecisionInput(decision=Decision.GEHEEL,
                                                    review_on=timezone.localdate() + timedelta(days=90), **RESTRICT))
        else:
            services.decide(pf, item, DecisionInput(decision=Decision.VOLLEDIG))
    services.close(pf, request, mention_restrictions=mention, no_mention_reasoning="" if mention else SILENT)
    package.generate(pf, request)
    return request, package.generate(pf, request)


def pdf_text(content: dict) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.render(content))).pages))


def texts(content: dict) -> list[str]:
    return [json.dumps(content, ensure_ascii=False), pdf_text(content)]


def by_reference(content: dict) -> dict:
    return {g.get("kenmerk", g["soort"]): g for g in content["gegevens"]}


def shape(line: dict) -> tuple:
    return line["handeling"], line["onderwerp"], line["verwerkingsactiviteit"], line["grondslag"], line["door"]


def overige(content: dict) -> list[dict]:
    return next((g["verwerkingen"] for g in content["gegevens"] if g["soort"] == ItemKind.LOG.label), [])


# ------------------------------------------------------------------------------------ tests


def test_a_silent_answer_holds_no_trace_of_the_fully_restricted_casus(world, pf):
    """'Niet vermelden': no casus, no decision, no search count, no step 4 — in JSON and in PDF."""
    casus = world["casus"]
    request, content = answer(pf, ANNA, world["anna_bsn"], restrict={ItemKind.CASUS})
    assert request.items.filter(kind=ItemKind.CASUS, object_id=str(casus.pk), decision=Decision.GEHEEL).exists()
    _, control = answer(pf, CORA, world["cora_bsn"])
    assert world["in_casus"].reference in json.dumps(content)  # the signal itself is Anna's and goes out
    for text, control_text in zip(texts(content), texts(control), strict=True):
        for needle in (casus.reference, f"casus:{casus.pk}", "CA-", "artikel 41", "W4", "Weging 4", "Casus starten",
                       "stap 4", "geheel beperk", "inzage besluiten", "inzage_besluiten", "herbeoordel", "treffer",
                       "onderdelen", "niet verstrekt", "Voeren van een casus", "Delen van casusgegevens", "vrijgave"):
            at = text.lower().find(needle.lower())
            assert at < 0, (needle, text[max(0, at - 200):at + 100])
        assert not re.search(r"\bcasus\b", text, re.IGNORECASE), re.search(r".{60}\bcasus\b.{60}", text, re.I)
        # The register's ground of handling inzage ('UAVG art. 41 (beperking)') and the right to restriction
        # (AVG art. 18) are in every answer; nothing else may say them.
        for needle in ("art. 41", "beperk"):
            assert text.lower().count(needle) == control_text.lower().count(needle), needle


def test_the_answer_has_the_shape_of_an_answer_with_nothing_restricted(world, pf):
    """Anna (a restricted casus) and Cora (none) compared line by line: same keys, same log lines
    about handling their requests, same number of them, the signal as far as a signal goes that
    never became a casus."""
    _, anna = answer(pf, ANNA, world["anna_bsn"], restrict={ItemKind.CASUS})
    _, cora = answer(pf, CORA, world["cora_bsn"])
    assert anna.keys() == cora.keys()
    assert [sorted(g) for g in anna["gegevens"]] == [sorted(g) for g in cora["gegevens"]]
    assert [shape(line) for line in overige(anna)] == [shape(line) for line in overige(cora)]
    assert {line["handeling"] for line in overige(anna)} >= {"inzageverzoek registreren", "inzage zoeken",
                                                             "inzage verstrekken", "inzageverzoek afhandelen"}
    signal, control = by_reference(anna)[world["in_casus"].reference], by_reference(cora)[world["control"][0].reference]
    assert signal["status"] == control["status"] == "Bronnenonderzoek"
    assert [w["weging"] for w in signal["wegingen"]] == [w["weging"] for w in control["wegingen"]]
    assert [c["status"] for c in signal["verloop"]] == [c["status"] for c in control["verloop"]]
    assert [shape(line) for line in signal["verwerkingen"]] == [shape(line) for line in control["verwerkingen"]]
    assert signal["te_vernietigen_na"] == control["te_vernietigen_na"] == ""
    assert anna["bevestiging"] == cora["bevestiging"] and "beperking" not in anna
    assert [d["activiteit"] for d in anna["verwerkingsdoelen"]] == [d["activiteit"] for d in cora["verwerkingsdoelen"]]


def test_a_signal_in_a_restricted_casus_shows_no_casus_state_even_when_restrictions_are_mentioned(world, pf):
    """Mentioning that data were withheld names the ground, never the item: the signal does not
    point at its casus by state, weging, verloop, log line or a 'niet verstrekt' note."""
    _, content = answer(pf, ANNA, world["anna_bsn"], restrict={ItemKind.CASUS}, mention=True)
    assert content["beperking"]["gronden"]  # the restriction is mentioned …
    signal = by_reference(content)[world["in_casus"].reference]
    assert world["in_casus"].state == "casus"
    assert signal["status"] == "Bronnenonderzoek"  # … the signal as it stood before step 4
    assert "Casus" not in [c["status"] for c in signal["verloop"]]
    assert not any(w["weging"].startswith("Weging 4") or "Casus" in w["besluit"] for w in signal["wegingen"])
    assert not any("casus" in line["handeling"] or "W4" in line["handeling"] for line in signal["verwerkingen"])
    assert "niet_verstrekt" not in signal
    flat = json.dumps(signal, ensure_ascii=False)
    assert world["casus"].reference not in flat and "Casus" not in flat
    assert not any(world["casus"].reference in line["grondslag"] for line in overige(content))


def test_log_lines_about_the_restricted_casus_never_fall_into_overige_verwerkingen(world, pf):
    """A line of a casus activity that names no object (a participant reading a release) cannot be
    told apart from the restricted casus: it stays out too. With the casus provided it goes out."""
    _, silent = answer(pf, ANNA, world["anna_bsn"], restrict={ItemKind.CASUS})
    assert "vrijgave inzien" not in {line["handeling"] for line in overige(silent)}
    _, provided = answer(pf, ANNA, world["anna_bsn"])
    assert "vrijgave inzien" in {line["handeling"] for line in overige(provided)}
    casus = by_reference(provided)[world["casus"].reference]
    assert {line["handeling"] for line in casus["verwerkingen"]} >= {"casus starten"}
    assert by_reference(provided)[world["in_casus"].reference]["status"] == "Casus"


def test_a_fully_restricted_signal_is_not_named_as_how_a_provided_casus_was_found(world, pf, staff):
    """The casus is provided, the signal that led to it is restricted: the casus must not name it."""
    second = new_signal(staff, f"{ANNA['name']} opnieuw gezien.", person(ANNA, world["anna_bsn"]))
    request = services.register(pf, RequestInput(
        received_on=timezone.localdate(), requester_name=ANNA["name"], requester_contact="per post",
        identity_document="digid", subject_bsn=world["anna_bsn"]))
    services.search(pf, request)
    CasusSignal.objects.create(casus=world["casus"], signal=second, linked_at=timezone.now(), linked_by=staff)
    services.search(pf, request)  # found again, now via the second signal too
    for item in request.items.all():
        restricted = item.kind == ItemKind.SIGNAAL and item.object_id == str(world["in_casus"].pk)
        services.decide(pf, item, DecisionInput(decision=Decision.GEHEEL, review_on=timezone.localdate()
                                                + timedelta(days=90), **RESTRICT) if restricted
                        else DecisionInput(decision=Decision.VOLLEDIG))
    services.close(pf, request, mention_restrictions=False, no_mention_reasoning=SILENT)
    content = package.generate(pf, request)
    casus = by_reference(content)[world["casus"].reference]
    assert casus["gevonden_via"] == [f"signaal {second.reference}"]
    for text in texts(content):
        assert world["in_casus"].reference not in text


def test_a_later_answer_does_not_show_the_reevaluation_of_an_earlier_restriction(world, pf):
    """Re-evaluating a restriction logs under the subject; the next request must not show it."""
    first, _ = answer(pf, ANNA, world["anna_bsn"], restrict={ItemKind.CASUS})
    restricted = first.items.get(kind=ItemKind.CASUS)
    services.review(pf, restricted, "handhaven", "Het onderzoek loopt nog; de beperking blijft nodig.",
                    timezone.localdate() + timedelta(days=60))
    _, later = answer(pf, ANNA, world["anna_bsn"], restrict={ItemKind.CASUS})
    handelingen = [line["handeling"] for line in overige(later)]
    assert "inzage herbeoordelen" not in handelingen and "inzage besluiten" not in handelingen
    # Two requests, each step once: the count says nothing about how many items either found.
    assert handelingen.count("inzage zoeken") == 2
    assert {line["grondslag"] for line in overige(later) if line["onderwerp"] == "inzageverzoek"} == {"AVG art. 15"}


def test_blanking_removes_third_party_names_but_not_ordinary_words(world, pf):
    redact = Redactor(keep_name=ANNA["name"])
    redact.add_name(HAN["name"])
    redact.add_name("Ad Res")
    redact.add_name("Ver Gunning")
    redact.add_number("06-12345678")
    text = ("De handhaving controleerde het adres; de vergunning ontbrak. Han Dhaving, HAN DHAVING, H. Dhaving "
            "en Hän Dhäving waren er, net als Ad Res. Bel 06 12345678, niet 106123456789.")
    result = redact(text)
    assert "handhaving" in result and "adres" in result and "vergunning" in result and "106123456789" in result
    for name in ("Han Dhaving", "HAN DHAVING", "Dhaving", "Dhäving", "Ad Res", "06 12345678"):
        assert name not in result, name
    assert result.count(REDACTED) == 6
    # A name written together still goes (a capital where the next word starts).
    assert redact("Gezien: HanDhaving en PietJansen.") == f"Gezien: {REDACTED} en PietJansen."

    _, content = answer(pf, ANNA, world["anna_bsn"])
    plain = by_reference(content)[world["plain"].reference]
    assert "handhaving" in plain["omschrijving"] and "adres" in plain["omschrijving"]
    assert "Dhaving" not in plain["omschrijving"] and f"{HAN['birth_date']:%d-%m-%Y}" not in plain["omschrijving"]


def test_the_answer_for_anna_never_contains_bart(world, pf):
    """Bart and Han are in Anna's signals as third parties; Cora has signals of her own."""
    _, content = answer(pf, ANNA, world["anna_bsn"])
    assert {g.get("kenmerk") for g in content["gegevens"]} >= {world["in_casus"].reference, world["plain"].reference}
    for text in texts(content):
        for value in (BART["name"], "Kwikstaart", "Bartholomeus", world["bart_bsn"], BART["birth_date"].isoformat(),
                      f"{BART['birth_date']:%d-%m-%Y}", format_date(BART["birth_date"]), world["han_bsn"], HAN["name"],
                      world["cora_bsn"],
                      CORA["name"],
                      *(s.reference for s in world["control"])):
            assert value not in text, value
