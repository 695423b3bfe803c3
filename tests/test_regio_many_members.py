"""A regional question to many members (ADR 0030 §14): every member's part is written together —
one line in each member's own chain, pseudonymised with its own key, every chain still verifies —
and a member without a hit costs no query of its own, so a question to the whole regio stays near
the cost of a question to one neighbour."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import grant_roles
from meldpunt.privacy import chain, log
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol.research import services as research
from meldpunt.regio import services
from meldpunt.regio.models import RegionalAnswer, RegionalRequest
from meldpunt.regio.source import seed_regio_sources
from meldpunt.tenancy.models import Tenant
from regio_support import ONLY_HERE_BSN, a_signal_in_research, ask, regio_pc1, signal_in, zaanstreek

pytestmark = pytest.mark.django_db

NEIGHBOURS = [("GM0415", "Landsmeer", "LM"), ("GM0431", "Oostzaan", "OZ"), ("GM0439", "Purmerend", "PU"),
              ("GM0385", "Edam-Volendam", "EV")]


@pytest.fixture
def regio(home_gemeente):
    return zaanstreek()


def add_members(regio_id, count):
    for code, naam, prefix in NEIGHBOURS[:count]:
        Tenant.objects.create(code=code, naam=naam, reference_prefix=prefix, key_slot=code,
                              log_chain=f"verwerking:{code}", register_uri=f"urn:nl:{code.lower()}:register",
                              regio_id=regio_id)
    seed_regio_sources()


@pytest.fixture
def people(make_user, regio):
    zaanstad, wormerland = regio
    walker = grant_roles(make_user("beoordelaar", "regisseur", "teamlid", gemeente=zaanstad),
                         "beoordelaar", "regisseur", "teamlid", gemeente=wormerland)
    return {"walker": walker, "regisseur": make_user("regisseur", gemeente=zaanstad),
            "pf_a": make_user("privacyfunctionaris", gemeente=zaanstad)}


def allowed_question(people, bsn=ONLY_HERE_BSN):
    item = ask(people["regisseur"], a_signal_in_research(people["walker"], bsn=bsn))
    research.decide_pc1(people["pf_a"], item, regio_pc1())
    return item


def members_part_queries(monkeypatch, item_pk) -> int:
    counted = []
    original = services._answer_members

    def spy(*args, **kwargs):
        with CaptureQueriesContext(connection) as context:
            result = original(*args, **kwargs)
        counted.append(len(context.captured_queries))
        return result

    monkeypatch.setattr(services, "_answer_members", spy)
    services.ask_region(item_pk)
    return counted[0]


def test_every_member_gets_one_line_in_its_own_chain_and_every_chain_verifies(people, regio):
    zaanstad, wormerland = regio
    add_members(zaanstad.regio_id, 4)
    signal_in(people["walker"], wormerland)  # Wormerland knows the shared BSN; the others do not
    item = ask(people["regisseur"], a_signal_in_research(people["walker"]))
    research.decide_pc1(people["pf_a"], item, regio_pc1())
    services.ask_region(item.pk)

    answers = dict(RegionalAnswer.objects.values_list("answering_id", "hit"))
    assert answers == {"GM0880": True, "GM0415": False, "GM0431": False, "GM0439": False, "GM0385": False}
    assert RegionalRequest.objects.filter(gemeente=wormerland).count() == 1
    received = ProcessingLogEntry.objects.filter(action="regio_vraag_ontvangen")
    assert sorted(received.values_list("gemeente_code", flat=True)) == sorted(answers)
    # One subject (the question), pseudonymised with each member's own key: no two lines link.
    assert received.values("subject_pseudonym").distinct().count() == len(answers)
    for name in chain.chains(ProcessingLogEntry):
        assert chain.verify(ProcessingLogEntry, name).ok, name


def test_members_without_a_hit_add_no_queries(people, regio, monkeypatch):
    zaanstad, _ = regio
    services.ask_region(allowed_question(people).pk)  # Wormerland's chain gets its head
    two = members_part_queries(monkeypatch, allowed_question(people).pk)  # Wormerland only
    add_members(zaanstad.regio_id, 4)
    services.ask_region(allowed_question(people).pk)  # the new members' chains get their heads
    six = members_part_queries(monkeypatch, allowed_question(people).pk)  # five members, no hit anywhere
    assert six == two
    assert ProcessingLogEntry.objects.filter(action="regio_vraag_ontvangen").count() == 2 + 5 + 5


def test_record_each_writes_each_controllers_line_in_its_chain(regio):
    zaanstad, wormerland = regio
    subject = log.DataSubject("bsn", "999993653")
    written = log.record_each("regio_vraag_ontvangen", services.ANSWERING,
                              [log.ControllerPart(zaanstad, [subject], basis="a"),
                               log.ControllerPart(wormerland, [subject], basis="b"),
                               log.ControllerPart(wormerland, [], basis="nobody")])
    assert written == 2
    lines = {line.gemeente_code: line for line in ProcessingLogEntry.objects.filter(action="regio_vraag_ontvangen")}
    assert set(lines) == {zaanstad.code, wormerland.code}
    assert lines[zaanstad.code].subject_pseudonym != lines[wormerland.code].subject_pseudonym
    assert lines[wormerland.code].activity_uri.startswith("urn:nl:gm0880:register")
    for name in (chain.chain_for(ProcessingLogEntry, zaanstad.code), "verwerking:GM0880"):
        assert chain.verify(ProcessingLogEntry, name).ok


def test_a_typed_address_in_b_meets_a_bag_address_in_a(people, regio):
    # B's beoordelaar typed the address (no BAG link); A's signal names the BAG nummeraanduiding.
    from meldpunt.intake import services as intake
    from meldpunt.registries.models import Nummeraanduiding

    zaanstad, wormerland = regio
    address = Nummeraanduiding.objects.order_by("pk").first()
    letter = f"{address.huisletter}" if address.huisletter else ""
    addition = f"-{address.toevoeging}" if address.toevoeging else ""
    typed = f"Ergens {address.huisnummer}{letter}{addition}, {address.postcode[:4]} {address.postcode[4:]}"
    data = intake.SignalInput(channel="intern", description="Drukte bij een pand.", phenomenon="hennepteelt_drugs",
                              reporter_kind="medewerker", subjects=[
                                  intake.SubjectInput(kind="adres", address_text=typed)])
    theirs = intake.create_signal(data, user=people["walker"], gemeente=wormerland)
    assert RegionalAnswer.objects.count() == 0
    assert theirs.subjects.get().address_id is None
    pand = intake.SubjectInput(kind="adres", address=address.pk)
    item = ask(people["regisseur"], a_signal_in_research(people["walker"], bsn=ONLY_HERE_BSN,
                                                         extra_subjects=[pand]))
    research.decide_pc1(people["pf_a"], item, regio_pc1())
    services.ask_region(item.pk)
    hits = dict(RegionalAnswer.objects.filter(mention__address=address).values_list("answering_id", "hit"))
    assert hits == {"GM0880": True}
    assert RegionalRequest.objects.get(gemeente=wormerland).matched_signals.get() == theirs


def test_the_job_answers_a_first_and_the_members_in_a_job_of_their_own(people, regio, monkeypatch):
    from meldpunt.regio import tasks

    zaanstad, wormerland = regio
    add_members(zaanstad.regio_id, 2)
    signal_in(people["walker"], wormerland)
    item = ask(people["regisseur"], a_signal_in_research(people["walker"]))
    research.decide_pc1(people["pf_a"], item, regio_pc1())
    started = []
    monkeypatch.setattr(tasks.answer_members, "start", lambda **kwargs: started.append(kwargs))
    tasks.ask_region(source_request=item.pk)
    # A has its bits; no member has anything yet: their part is the next job.
    assert dict(RegionalAnswer.objects.values_list("answering_id", "hit")) == {
        "GM0880": True, "GM0415": False, "GM0431": False}
    assert not RegionalRequest.objects.exists()
    assert not ProcessingLogEntry.objects.filter(action="regio_vraag_ontvangen").exists()
    question_id = started[0]["question"]
    assert started[0]["gemeente"] == zaanstad.code
    for _ in range(2):  # a retried job writes nothing twice
        services.answer_members(question_id)
    assert RegionalRequest.objects.get().gemeente == wormerland
    received = ProcessingLogEntry.objects.filter(action="regio_vraag_ontvangen")
    assert sorted(received.values_list("gemeente_code", flat=True)) == ["GM0415", "GM0431", "GM0880"]
    assert services.answer_members(question_id + 1000) is None  # a question destroyed meanwhile


def test_the_index_of_every_gemeente_in_one_read_equals_the_index_per_gemeente(people, regio):
    from django.core.management import call_command

    from meldpunt.regio import index
    from meldpunt.regio.models import MatchDigest

    zaanstad, wormerland = regio
    signal_in(people["walker"], wormerland)
    signal_in(people["walker"], zaanstad, index=1)

    def digests():
        return set(MatchDigest.objects.values_list("gemeente_id", "kind", "digest", "signal_id", "mention_id"))

    for tenant in (zaanstad, wormerland):
        index.rebuild(tenant)
    per_gemeente = digests()
    MatchDigest.objects.all().delete()
    call_command("regio", "index", "--alle")
    assert digests() == per_gemeente
    assert {row[0] for row in per_gemeente} >= {zaanstad.code, wormerland.code}
