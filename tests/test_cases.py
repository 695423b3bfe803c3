"""The casus (step 4): opened by W4 'casus', further signals linked with their own weging, the
lifecycle on CASUS_TRANSITIONS with append-only history, need to know (P1) and closing with a
result class. The helpers are in factories.py."""

import pytest
from django.db import connection  # noqa: F401 - used by the skipif condition
from django.utils import timezone

from factories import (
    BASIS,
    OTHER_NAME,
    SECRET_NAME,
    new_signal,
    open_casus,
    planned_meeting,
    run_to_uitvoering,
    to_research,
    weging,
)
from meldpunt import policy
from meldpunt.cases import interventions, releases, selectors, services
from meldpunt.cases.models import Casus, CasusSignal, CasusStateChange
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.privacy.retention.models import ResultClass
from meldpunt.protocol import services as protocol
from meldpunt.protocol.models import Weging
from meldpunt.protocol.transitions import CASUS_TRANSITIONS, CasusState

pytestmark = pytest.mark.django_db


@pytest.fixture
def regie(make_user):
    """The regisseur, also team member and beoordelaar (a small gemeente: roles combine)."""
    return make_user("regisseur", "teamlid", "beoordelaar")


@pytest.fixture
def pf(make_user):
    return make_user("privacyfunctionaris")


@pytest.fixture
def result_class(db):
    return ResultClass.objects.filter(active=True, applies_to="casus").order_by("pk").first() or \
        ResultClass.objects.create(code="handhaving-test", name="Handhaving uitgevoerd", selectielijst_item="12.2",
                                   term_months=120, applies_to="casus")


# ------------------------------------------------------------------------------------ tests


def test_w4_casus_opens_a_casus_with_history_and_the_signal(regie):
    casus = open_casus(regie)
    assert casus.state == CasusState.VOORBEREIDING and casus.lead == regie
    assert casus.reference.startswith(f"CA-{timezone.now():%Y}-")
    link = casus.signal_links.get()
    assert link.signal.state == "casus" and link.weging.type == "W4" and link.weging.decision == "casus"
    first = casus.history.get()
    assert (first.transition, first.source, first.target) == ("casus_starten", "", CasusState.VOORBEREIDING)
    assert ProcessingLogEntry.objects.filter(action="casus_starten", object_id=str(casus.pk)).exists()


def test_linking_a_further_signal_needs_its_own_w4_on_the_casus(regie):
    casus = open_casus(regie)
    fresh = new_signal(regie, OTHER_NAME, "999990019", index=1)
    with pytest.raises(protocol.WrongState):  # straight from intake would skip W1–W3 (P3)
        services.link_signal(regie, casus, fresh, weging("W4", "casus"))
    other = to_research(regie, fresh)
    with pytest.raises(services.CaseError):  # no reasoning: incomplete weging, nothing written
        services.link_signal(regie, casus, other, weging("W4", "casus", reasoning=""))
    assert casus.signal_links.count() == 1 and not Weging.objects.filter(casus=casus).exists()
    link = services.link_signal(regie, casus, other, weging("W4", "casus"))
    other.refresh_from_db()
    assert other.state == "casus" and link.weging.casus == casus and link.weging.signal is None
    assert other.history.latest("at", "id").transition == "casus_koppelen"
    with pytest.raises(services.CaseError):  # a signal belongs to one casus
        services.link_signal(regie, casus, other, weging("W4", "casus"))


def test_weging_belongs_to_exactly_one_of_signal_or_casus(regie):
    from django.db import IntegrityError, transaction

    casus = open_casus(regie)
    signal = casus.signal_links.get().signal
    with pytest.raises(IntegrityError), transaction.atomic():
        Weging.objects.create(signal=signal, casus=casus, type="W4", decision="casus", reasoning="x",
                              decided_by=regie, role="regisseur", decided_at=timezone.now())
    with pytest.raises(protocol.ProtocolError):  # a casus weging cannot be put on a signal
        protocol.record_weging(regie, signal, weging("PC2A", "vrijgeven"))


def test_lifecycle_refuses_every_step_without_its_requirements(regie, pf, make_user, result_class):
    casus = open_casus(regie)
    with pytest.raises(services.CaseError, match="agenda"):
        services.transition(regie, casus, "casus_agenderen")
    deelnemer = make_user("deelnemer")
    meeting, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    with pytest.raises(services.CaseError, match="2A"):  # the participant's release is not decided
        services.transition(regie, casus, "casus_agenderen")
    request = releases.request_pc2a(regie, item, seat, ["veld:fenomeen"], "Voor het overleg.")
    with pytest.raises(services.CaseError, match="2A"):
        services.transition(regie, casus, "casus_agenderen")
    releases.decide(pf, request, weging("PC2A", "weigeren"))
    services.transition(regie, casus, "casus_agenderen")
    with pytest.raises(services.CaseError, match="verslag"):
        services.transition(regie, casus, "pva_vaststellen")
    with pytest.raises(services.WrongState):
        services.transition(regie, casus, "monitoren")
    with pytest.raises(services.CaseError):
        services.transition(regie, casus, "afsluiten")
    assert list(casus.history.values_list("transition", flat=True)) == ["casus_starten", "casus_agenderen"]


def test_whole_lifecycle_to_closed_with_result_class(regie, pf, make_user, result_class):
    casus = open_casus(regie)
    uitvoerder = make_user("uitvoerder")
    action = run_to_uitvoering(regie, pf, casus, make_user("deelnemer"), uitvoerder)
    interventions.report(uitvoerder, action, "in_uitvoering", "Gestart.")
    services.transition(regie, casus, "monitoren")
    with pytest.raises(services.CaseError, match="interventies"):
        services.close(regie, casus, result_class, "Goed verlopen.")
    interventions.report(uitvoerder, action, "afgerond", result="Pand gesloten voor zes maanden.")
    with pytest.raises(services.CaseError, match="evaluatie"):
        services.close(regie, casus, result_class, "  ")
    signal = casus.signal_links.get().signal
    services.close(regie, casus, result_class, "Goed verlopen.", {signal.pk: "Bevestigd: hennepkwekerij"})
    casus.refresh_from_db()
    assert casus.state == CasusState.AFGESLOTEN and casus.result_class == result_class and casus.closed_at
    assert casus.signal_links.get().outcome == "Bevestigd: hennepkwekerij"
    assert list(casus.history.values_list("target", flat=True)) == [
        "voorbereiding", "casusoverleg", "pva_vastgesteld", "uitvoering", "monitoring", "afgesloten"]
    # Re-opening needs a W4 on the casus and clears the retention inputs.
    with pytest.raises(services.CaseError):
        services.reopen(regie, casus, weging("W4", "casus", reasoning=""))
    services.reopen(regie, casus, weging("W4", "casus"))
    casus.refresh_from_db()
    assert casus.state == CasusState.VOORBEREIDING and casus.closed_at is None and casus.result_class is None
    assert casus.history.latest("at", "id").weging.type == "W4"


def test_history_is_append_only_and_every_table_row_is_known():
    codes = {t.code for t in CASUS_TRANSITIONS}
    assert {"casus_agenderen", "pva_vaststellen", "uitvoering_starten", "monitoren", "afsluiten",
            "heropenen"} <= codes
    assert not hasattr(services, "delete_history")
    assert CasusStateChange._meta.get_field("casus").remote_field.on_delete.__name__ == "CASCADE"


def test_need_to_know_for_casussen(regie, make_user):
    casus = open_casus(regie)
    other_regie, team, outsider = make_user("regisseur"), make_user("teamlid"), make_user("deelnemer")
    visible = lambda u: set(policy.cases_visible_to(u, Casus.objects.all()))  # noqa: E731
    assert casus in visible(regie)
    assert casus not in visible(other_regie) and casus not in visible(team) and casus not in visible(outsider)
    services.set_team(regie, casus, [team])
    assert casus in visible(team)
    with pytest.raises(services.NotAllowed):
        services.transition(other_regie, casus, "casus_agenderen")
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.casus_for(other_regie, casus.reference)


def test_a_team_member_opens_a_casus_without_lead_and_a_regisseur_takes_it(make_user):
    team, regisseur = make_user("teamlid", "beoordelaar"), make_user("regisseur")
    signal = to_research(team, new_signal(team))
    protocol.decide(team, signal, [weging("W4", "casus")], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=signal)
    assert casus.lead is None and team in casus.team.all()
    assert casus in policy.cases_visible_to(regisseur, Casus.objects.all())
    services.take_lead(regisseur, casus)
    casus.refresh_from_db()
    assert casus.lead == regisseur


def test_destroying_a_casus_removes_every_copy(regie, pf, make_user, result_class):
    from meldpunt.cases.models import AgendaItem, InterventionUpdate, ReleaseRequest

    casus = open_casus(regie)
    uitvoerder = make_user("uitvoerder")
    action = run_to_uitvoering(regie, pf, casus, make_user("deelnemer"), uitvoerder)
    interventions.report(uitvoerder, action, "in_uitvoering", "Gestart.")
    pk = casus.pk
    casus.delete()
    assert not CasusSignal.objects.filter(casus_id=pk).exists()
    assert not CasusStateChange.objects.filter(casus_id=pk).exists()
    assert not AgendaItem.objects.filter(casus_id=pk).exists()
    assert not ReleaseRequest.objects.filter(casus_id=pk).exists()
    assert not Weging.objects.filter(casus_id=pk).exists()
    assert not InterventionUpdate.objects.filter(intervention_id=action.pk).exists()


def test_api_lists_and_shows_only_involved_casussen(client, regie, make_user):
    casus = open_casus(regie)
    client.force_login(regie)
    listing = client.get("/api/v1/casussen").json()
    assert casus.reference in [c["kenmerk"] for c in listing["results"]]
    detail = client.get(f"/api/v1/casussen/{casus.reference}")
    assert detail.status_code == 200 and detail.json()["betrokkenen"][0]["naam"] == SECRET_NAME
    assert ProcessingLogEntry.objects.filter(action="casus_inzien_api", user_id=regie.pk, subject_type="bsn").exists()
    other = make_user("regisseur")
    client.force_login(other)
    assert casus.reference not in [c["kenmerk"] for c in client.get("/api/v1/casussen").json()["results"]]
    assert client.get(f"/api/v1/casussen/{casus.reference}").status_code == 404


def test_api_status_filter_refuses_an_unknown_status_in_dutch(client, regie):
    casus = open_casus(regie)
    client.force_login(regie)
    listing = client.get("/api/v1/casussen?status=voorbereiding").json()
    assert casus.reference in [c["kenmerk"] for c in listing["results"]]
    refused = client.get("/api/v1/casussen?status=bestaat-niet")
    assert refused.status_code == 400 and refused["Content-Type"].startswith("application/problem+json")
    assert "Onbekende status" in refused.content.decode()


def test_closing_needs_a_result_class_meant_for_a_casus(regie, pf, make_user, result_class):
    casus = open_casus(regie)
    uitvoerder = make_user("uitvoerder")
    action = run_to_uitvoering(regie, pf, casus, make_user("deelnemer"), uitvoerder)
    interventions.report(uitvoerder, action, "in_uitvoering", "Gestart.")
    interventions.report(uitvoerder, action, "afgerond", result="Gesloten.")
    services.transition(regie, casus, "monitoren")
    minutes_class, _ = ResultClass.objects.get_or_create(code="overleg-intern-test", defaults={
        "name": "Verslag intern overleg", "selectielijst_item": "19.1.9", "term_months": 12, "applies_to": "overleg"})
    with pytest.raises(services.CaseError, match="niet bedoeld voor een casus"):
        services.close(regie, casus, minutes_class, "Goed verlopen.")
    casus.refresh_from_db()
    assert casus.state == CasusState.MONITORING and casus.result_class is None and casus.closed_at is None
    services.close(regie, casus, result_class, "Goed verlopen.")
    casus.refresh_from_db()
    assert casus.state == CasusState.AFGESLOTEN


def test_a_taken_reference_is_retried_not_a_server_error(regie, monkeypatch):
    """Two W4 decisions at once compute the same max + 1: the loser takes the next number."""
    first = open_casus(regie)
    real = services.new_reference
    calls = []

    def collide_once(now):
        calls.append(now)
        return first.reference if len(calls) == 1 else real(now)

    monkeypatch.setattr(services, "new_reference", collide_once)
    second = open_casus(regie, OTHER_NAME, "999990019")
    assert len(calls) == 2 and second.reference != first.reference
    assert Casus.objects.filter(reference=first.reference).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent transactions: PostgreSQL")
def test_concurrent_casus_openings_get_distinct_references():
    """Thread A inserts a reference and holds its transaction open; thread B computes the same
    number, waits on the unique index, fails when A commits and retries with the next one."""
    import threading
    import time

    from django.db import connections, transaction

    now = timezone.now()
    inserted, errors, made = threading.Event(), [], []

    def opener(first: bool):
        try:
            if not first:
                inserted.wait(5)
            with transaction.atomic():
                made.append(services.create_casus(now, title="Gelijktijdig", opened_at=now).reference)
                if first:
                    inserted.set()
                    time.sleep(0.5)  # B computes the same number meanwhile and blocks on it
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=opener, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(made) == 2 and len(set(made)) == 2


def test_the_link_page_links_a_further_signal_to_the_casus(client, regie):
    """The page offered the newest 200 signals as a sliced queryset and every choice failed
    (TypeError on .get()); the choice now validates and the signal joins with its own W4."""
    casus = open_casus(regie)
    other = to_research(regie, new_signal(regie, OTHER_NAME, "999990019", index=1))
    client.force_login(regie)
    page = client.get(f"/casussen/{casus.reference}/koppelen/")
    assert other.reference in page.content.decode() and "(bronnenonderzoek)" not in page.content.decode()
    answer = client.post(f"/casussen/{casus.reference}/koppelen/", {
        "signal": other.pk, "decision": "casus", **BASIS}, follow=True)
    assert answer.status_code == 200, answer.content
    other.refresh_from_db()
    assert other.state == "casus" and casus.signal_links.filter(signal=other).exists()
    assert f"Signaal {other.reference} hoort nu bij de casus." in answer.content.decode()
