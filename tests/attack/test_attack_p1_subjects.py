"""P1 need to know, attacked on the pages that add, correct and remove subjects after intake.

Only who works on a signal in its step changes its subjects (policy.subject_change_refusal). An
attacker swaps in the kenmerk of a signal they do not read, the id of another signal's subject, or
posts to a signal that is closed: each answer is 404 or 403, shows nothing of the subject, and
nothing changes — no subject, no timeline entry, no log line of a change.
"""

import pytest
from django.urls import reverse

from factories import new_signal, to_research, weging
from meldpunt.accounts.roles import Role
from meldpunt.intake.models import MentionedSubject, SubjectChange
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import services as protocol

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

SECRET_A, SECRET_B = "Geheime Eerste", "Geheime Tweede"
CHANGE = {"kind": "persoon", "name": "Aanvaller Ingevoegd", "birth_year": "1980", "reason": "Zomaar."}


@pytest.fixture
def world(make_user):
    walker = make_user(*[r.value for r in Role])
    intake_signal = new_signal(walker, name=SECRET_A)  # step 1: beoordelaar and regisseur
    research_signal = to_research(walker, new_signal(walker, name=SECRET_B, bsn="999990019", index=1))
    closed = new_signal(walker, name=SECRET_A, index=2)
    protocol.decide(walker, closed, [weging("W1", "nee"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_afwijzen")
    return {"intake": intake_signal, "research": research_signal, "closed": closed}


def _snapshot():
    return (sorted(MentionedSubject.objects.values_list("pk", "signal_id", "name", "birth_year")),
            SubjectChange.objects.count(), ProcessingLogEntry.objects.filter(action__startswith="betrokkene_").count())


def _urls(signal, mention):
    return [reverse("intake:betrokkene_toevoegen", args=[signal.reference]),
            reverse("intake:betrokkene_corrigeren", args=[signal.reference, mention.pk]),
            reverse("intake:betrokkene_verwijderen", args=[signal.reference, mention.pk])]


def _attack(client, user, urls, refused=(403, 404), secrets=(SECRET_A, SECRET_B)):
    client.force_login(user)
    before = _snapshot()
    for url in urls:
        for response in (client.get(url), client.post(url, CHANGE)):
            body = response.content.decode()
            assert response.status_code in refused, f"{url}: {response.status_code}"
            assert not [s for s in secrets if s in body], f"{url} shows a subject in its refusal"
    assert _snapshot() == before


@pytest.mark.parametrize("role", ["teamlid", "melder_intern", "fg", "auditor", "privacyfunctionaris", "bronhouder",
                                  "analist"])
def test_who_does_not_work_on_the_signal_in_step_1_changes_nothing(world, make_user, client, role):
    signal = world["intake"]
    _attack(client, make_user(role), _urls(signal, signal.subjects.get()))


def test_the_beoordelaar_changes_nothing_of_a_signal_past_step_1(world, make_user, client):
    signal = world["research"]
    _attack(client, make_user("beoordelaar"), _urls(signal, signal.subjects.get()))


def test_swapping_in_a_subject_of_another_signal_is_not_found(world, make_user, client):
    """The beoordelaar may change the step-1 signal; the ids of the other signal's subject do not work there."""
    foreign = world["research"].subjects.get()
    urls = _urls(world["intake"], foreign)[1:]
    _attack(client, make_user("beoordelaar"), urls, refused=(404,))
    teamlid = make_user("teamlid")  # the other way round: a teamlid on the research signal
    _attack(client, teamlid, _urls(world["research"], world["intake"].subjects.get())[1:], refused=(404,))


def test_a_closed_signal_is_refused_in_words_to_the_regisseur_who_reads_it(world, make_user, client):
    signal = world["closed"]
    regisseur = make_user("regisseur")
    _attack(client, regisseur, _urls(signal, signal.subjects.get()), refused=(403,), secrets=())
    client.force_login(regisseur)
    body = client.get(reverse("intake:betrokkene_toevoegen", args=[signal.reference])).content.decode()
    assert "afgehandeld of doorgezet" in body
    page = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert "Betrokkene toevoegen" not in page and "afgehandeld of doorgezet" in page
