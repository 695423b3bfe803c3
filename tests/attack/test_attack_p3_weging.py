"""P3 attacked: no step without its weging. We take steps through the pages and through the API
(`signalen/<kenmerk>/overgangen`) with no wegingen, incomplete ones, the wegingen of another
signal, a replay from a second browser after the step was already taken, a weging changed after
its step, and a casus put on the agenda without privacy check 2A. Every attempt is refused and
writes nothing: every table is counted before and after."""

import json

import pytest
from django.urls import reverse

from factories import open_casus, planned_meeting, resident_signal, weging
from meldpunt.cases import releases
from meldpunt.cases import services as case_services
from meldpunt.cases.models import ReleaseRequest, ReleaseState
from meldpunt.protocol.models import Weging
from rowcount import changed, rows

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

BASE = "/api/v1"
W1_CHECKLIST = {"kenmerken": ["openbare_orde"], "verankering": ["gelegenheid_zakelijk"]}
# A refusal may rightly be written to the security log (BIO 12.4.1); nothing else may change.


def api_weging(kind, decision, **extra):
    body = {"soort": kind, "besluit": decision, "motivering": "Zo gewogen om deze reden.",
            "doel": "Bestrijden van ondermijning", "grondslag": "AVG art. 6 lid 1 sub e"}
    if kind == "W1" and decision == "ja":
        body["beoordelingskader"] = W1_CHECKLIST
    body.update(extra)
    return body


def step1(**overrides):
    wegingen = {"W1": api_weging("W1", "ja"), "W2A": api_weging("W2A", "ja"), "W2B": api_weging("W2B", "ja")}
    wegingen.update(overrides)
    return [w for w in wegingen.values() if w is not None]


STEP1_FORM = {
    "w1_decision": "ja", "w1_kenmerken": ["openbare_orde"], "w1_verankering": ["gelegenheid_zakelijk"],
    "w1_reasoning": "Structureel patroon.", "w2a_decision": "ja", "w2a_reasoning": "Gemeentelijke taak.",
    "w2b_decision": "ja", "w2b_reasoning": "Ons grondgebied.", "purpose": "Bestrijden van ondermijning",
    "legal_basis": "AVG art. 6 lid 1 sub e",
}


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def overgang(client, signal, body):
    return post(client, f"{BASE}/signalen/{signal.reference}/overgangen", body)


@pytest.fixture
def beoordelaar(client, make_user):
    user = make_user("beoordelaar", "teamlid")  # sees the signal in step 1 and in step 2
    client.force_login(user)
    return user


INCOMPLETE = {
    "zonder wegingen": {"overgang": "intake_doorzetten"},
    "lege lijst": {"overgang": "intake_doorzetten", "wegingen": []},
    "alleen W1": {"overgang": "intake_doorzetten", "wegingen": step1(W2A=None, W2B=None)},
    "W1 zonder beoordelingskader": {"overgang": "intake_doorzetten",
                                    "wegingen": step1(W1=api_weging("W1", "ja", beoordelingskader={}))},
    "W2A zonder grondslag": {"overgang": "intake_doorzetten", "wegingen": step1(W2A=api_weging("W2A", "ja",
                                                                                              grondslag=""))},
    "W2B zonder motivering": {"overgang": "intake_doorzetten",
                              "wegingen": step1(W2B=api_weging("W2B", "ja", motivering="   "))},
    "besluit past niet": {"overgang": "intake_doorzetten", "wegingen": step1(W2B=api_weging("W2B", "nee"))},
    "afwijzen zonder nee": {"overgang": "intake_afwijzen", "wegingen": step1()},
    "W3 in stap 1": {"overgang": "intake_doorzetten", "wegingen": [api_weging("W3", "geen_actie")]},
}


@pytest.mark.parametrize("case", list(INCOMPLETE))
def test_api_step_without_a_complete_weging_is_refused_and_writes_nothing(client, beoordelaar, case):
    signal = resident_signal()
    before = rows()
    response = overgang(client, signal, INCOMPLETE[case])
    assert response.status_code in (400, 403, 409), response.content
    assert response["Content-Type"] == "application/problem+json"
    assert changed(before) == {}
    signal.refresh_from_db()
    assert signal.state == "ontvangen"


def test_page_step_with_an_incomplete_weging_is_refused_and_writes_nothing(client, beoordelaar):
    signal = resident_signal()
    url = reverse("protocol:stap1", args=[signal.reference])
    for missing in ("w1_reasoning", "legal_basis", "w1_verankering", "w2b_decision"):
        form = {k: v for k, v in STEP1_FORM.items() if k != missing}
        before = rows()
        response = client.post(url, form)
        assert response.status_code == 200, missing  # the form again, with the error
        assert changed(before) == {}, missing
    # The bare transition button without any weging on record.
    before = rows()
    response = client.post(reverse("protocol:overgang", args=[signal.reference]), {"overgang": "intake_doorzetten"},
                           follow=True)
    assert "Leg eerst weging W1 vast" in response.content.decode()
    assert changed(before) == {}
    signal.refresh_from_db()
    assert signal.state == "ontvangen"


def test_the_wegingen_of_another_signal_do_not_count(client, beoordelaar):
    """Complete wegingen recorded on B are no wegingen for A, whatever id or body is sent."""
    a, b = resident_signal(index=0), resident_signal(index=1)
    for body in step1():
        assert post(client, f"{BASE}/signalen/{b.reference}/wegingen", body).status_code == 201
    b_ids = list(Weging.objects.filter(signal=b).values_list("pk", flat=True))
    before = rows()
    attempts = [{"overgang": "intake_doorzetten"},
                {"overgang": "intake_doorzetten", "wegingIds": b_ids, "weging": b_ids[0], "signaal": b.reference}]
    for body in attempts:
        response = overgang(client, a, body)
        assert response.status_code == 400 and "Leg eerst weging W1 vast" in response.content.decode()
    response = client.post(reverse("protocol:overgang", args=[a.reference]),
                           {"overgang": "intake_doorzetten", "weging": b_ids[0]}, follow=True)
    assert "Leg eerst weging W1 vast" in response.content.decode()
    assert changed(before) == {}
    a.refresh_from_db()
    assert a.state == "ontvangen"
    assert not Weging.objects.filter(pk__in=b_ids, used_by__isnull=False).exists()


def test_a_replay_after_the_step_was_taken_elsewhere_writes_nothing(client, make_user):
    """Two browsers: A opens the step form, B takes the step, then A submits (page and API)."""
    from django.test import Client

    signal = resident_signal()
    # A also works in the team, so the signal stays visible to A after step 1 (else: 404, P1).
    a_user, b_user = make_user("beoordelaar", "teamlid"), make_user("beoordelaar")
    browser_a, browser_b = Client(), Client()
    browser_a.force_login(a_user)
    browser_b.force_login(b_user)
    url = reverse("protocol:stap1", args=[signal.reference])
    assert browser_a.get(url).status_code == 200
    assert browser_b.post(url, STEP1_FORM).status_code == 302
    signal.refresh_from_db()
    assert signal.state == "zwaarte"
    before = rows()
    replay = browser_a.post(url, {**STEP1_FORM, "w1_decision": "nee", "w1_reasoning": "Toch niet."})
    assert replay.status_code == 302
    response = overgang(browser_a, signal, {"overgang": "intake_afwijzen",
                                            "wegingen": [api_weging("W1", "nee")]})
    assert response.status_code == 409, response.content
    # A weging on its own for a step that is already behind the signal is refused too: it would
    # otherwise lie around as a W1 'nee' next to the W1 'ja' that was used.
    response = post(browser_a, f"{BASE}/signalen/{signal.reference}/wegingen", api_weging("W1", "nee"))
    assert response.status_code == 409, response.content
    assert "hoort niet bij de status" in response.json()["detail"]
    assert response.json()["title"] == "Conflict met de huidige stand"
    assert changed(before) == {}
    signal.refresh_from_db()
    assert signal.state == "zwaarte"


def test_a_used_weging_cannot_be_changed_or_replaced_afterwards(client, beoordelaar):
    signal = resident_signal()
    response = overgang(client, signal, {"overgang": "intake_doorzetten", "wegingen": step1()})
    assert response.status_code == 201, response.content
    used = {w.pk: (w.type, w.decision, w.reasoning, w.used_by_id) for w in Weging.objects.filter(signal=signal)}
    assert len(used) == 3 and all(v[3] for v in used.values())
    before = rows()
    url = f"{BASE}/signalen/{signal.reference}/wegingen"
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(url, data=json.dumps(api_weging("W1", "nee")),
                                           content_type="application/json")
        assert response.status_code == 405, method
    assert post(client, url, api_weging("W1", "nee", motivering="Achteraf toch nee.")).status_code == 409
    assert post(client, url, api_weging("W2B", "nee")).status_code == 409
    assert client.get(f"/beheer/admin/protocol/weging/{next(iter(used))}/change/").status_code in (302, 403, 404)
    assert changed(before) == {}
    assert {w.pk: (w.type, w.decision, w.reasoning, w.used_by_id)
            for w in Weging.objects.filter(signal=signal)} == used


@pytest.fixture
def agenda(make_user):
    regie, pf = make_user("regisseur", "teamlid", "beoordelaar"), make_user("privacyfunctionaris")
    casus = open_casus(regie)
    deelnemer = make_user("deelnemer")
    meeting, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    request = releases.request_pc2a(regie, item, seat, ["veld:fenomeen"], "Nodig om de aanpak te bepalen.")
    return {"regie": regie, "pf": pf, "casus": casus, "seat": seat, "request": request, "deelnemer": deelnemer}


def test_no_release_and_no_agenda_without_a_complete_pc2a(client, agenda):
    regie, pf, casus, request = agenda["regie"], agenda["pf"], agenda["casus"], agenda["request"]
    before = rows()
    with pytest.raises(case_services.CaseError):  # PC2A asked but not decided
        case_services.transition(regie, casus, "casus_agenderen")
    attempts = [
        weging("PC2B", "vrijgeven"),  # the wrong privacy check
        weging("PC2A", "vrijgeven", necessity=""),  # incomplete
        weging("PC2A", "vrijgeven", legal_basis=""),
        weging("W4", "casus"),  # a weging of another kind altogether
    ]
    for data in attempts:
        with pytest.raises(case_services.CaseError):
            releases.decide(pf, request, data)
    with pytest.raises(case_services.NotAllowed):  # the regisseur decides their own request
        releases.decide(regie, request, weging("PC2A", "vrijgeven"))
    # The decision page with an incomplete form.
    client.force_login(pf)
    response = client.post(reverse("cases:vrijgave_besluiten", args=[request.pk]),
                           {"decision": "vrijgeven", "reasoning": "", "purpose": "x", "legal_basis": ""})
    assert response.status_code == 200
    assert changed(before) == {}
    request.refresh_from_db()
    assert request.state == ReleaseState.AANGEVRAAGD and request.weging_id is None
    casus.refresh_from_db()
    assert casus.state == "voorbereiding"
    # And the participant sees nothing of the casus while no PC2A was decided.
    from meldpunt.cases import selectors

    (seat,) = selectors.released_to_participant(agenda["deelnemer"])
    assert seat.items[0].content.empty


def test_a_decided_release_cannot_be_decided_again(agenda):
    pf, request = agenda["pf"], agenda["request"]
    releases.decide(pf, request, weging("PC2A", "weigeren"))
    before = rows()
    with pytest.raises(case_services.CaseError):
        releases.decide(pf, request, weging("PC2A", "vrijgeven"))
    assert changed(before) == {}
    assert ReleaseRequest.objects.get(pk=request.pk).state == ReleaseState.GEWEIGERD
