"""P1 need to know, attacked on the linking page (issue 13, finding 1; review f3).

Design §3 step 3: bronnenonderzoek is hit/no-hit first. After a privacy check 1 that allows
hit/no-hit only, the linking page (and the selector and services behind it) may tell whether the
registry has a hit and how many candidates, never who; identities (BSN, name, birth date,
address) open only through an approved details request, and only its approved fields. A
co-resident scored 0 % is never listed, and no link is confirmed or rejected without the
approved identity. Review f3: before approved details not even how many candidates (a count says
whether name and birth date matched one person exactly), no "details needed" notice after "geen
treffer", the "Details aanvragen" link decided by the same policy as the service, the page's queries
not growing with the candidates, and no judgement on a record that is not a listed candidate (else
confirming is an oracle for whether any BSN exists).
"""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factories import first_address, pc1, signal_with_named_people, walk_to_research
from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.core import identifiers
from meldpunt.core.datums import format_date
from meldpunt.intake import services as intake
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import services as protocol
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.registries import linking as linker_module
from meldpunt.registries import selectors
from meldpunt.registries import services as linking
from meldpunt.registries.linking import Linker, Mention
from meldpunt.registries.models import LinkJudgement, Nummeraanduiding, Persoon, Verblijfplaats

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

ALL_PERSON_FIELDS = ["burgerservicenummer", "naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam",
                     "geboorte.datum", "verblijfplaats.adres"]


@pytest.fixture
def people(make_user):
    return {"walker": make_user(*[r.value for r in Role]), "regisseur": make_user("regisseur"),
            "regisseur2": make_user("regisseur"), "pf": make_user("privacyfunctionaris"),
            "teamlid": make_user("teamlid")}


def _brp_pc1(people, signal, *mentions):
    item = research.request_sources(people["regisseur"], signal, [Source.objects.get(code="BRP")],
                                    [m.pk for m in mentions], "Bestaat deze persoon in de BRP?")[0]
    return research.decide_pc1(people["pf"], item, pc1())


def _approve_details(people, item, mention, asked, approved=None):
    request = research.request_details(people["regisseur"], item.hits.get(subject=mention), asked, "Wie is het?")
    return research.decide_details(people["pf"], request, pc1(approved_fields=approved or asked))


def _url(signal, mention):
    return reverse("registries:koppelen", args=[signal.reference, mention.pk])


def _body(client, user, url, **kwargs):
    client.force_login(user)
    response = client.post(url, kwargs) if kwargs else client.get(url)
    return response, response.content.decode()


def _household():
    """A demo address where at least three people live now, and one of them."""
    address = (Nummeraanduiding.objects
               .annotate(n=Count("ingeschrevenen", filter=Q(ingeschrevenen__datum_einde__isnull=True)))
               .filter(n__gte=3).order_by("pk").first())
    residents = list(Persoon.objects.filter(verblijfplaatsen__adres=address,
                                            verblijfplaatsen__datum_einde__isnull=True).distinct().order_by("pk"))
    return address, residents[0], residents[1:]


def _signal_naming_a_resident(people):
    """A signal in bronnenonderzoek naming one resident by BSN at their home address."""
    address, persoon, others = _household()
    walker = people["walker"]
    data = intake.SignalInput(
        channel="intern", description="Veel aanloop aan huis.", phenomenon="hennepteelt_drugs",
        reporter_kind="medewerker", address=address.pk,
        subjects=[intake.SubjectInput(kind="persoon", name="De bewoner", bsn=persoon.bsn, address=address.pk)])
    signal = walk_to_research(walker, intake.create_signal(data, user=walker))
    return signal, signal.subjects.get(), persoon, others


def test_after_pc1_the_page_says_hit_or_no_hit_and_never_who(people, client):
    signal, persoon, known, invented = signal_with_named_people(people)
    _brp_pc1(people, signal, known, invented)
    candidates = Linker().link(Mention.from_subject(known)).candidates
    assert candidates and candidates[0].key == persoon.bsn  # the registry has them: the page must not say
    response, text = _body(client, people["regisseur"], _url(signal, known))
    assert response.status_code == 200
    assert "De BRP heeft een treffer voor deze betrokkene" in text
    for candidate in candidates:
        assert candidate.key not in text and candidate.label not in text
    assert persoon.geslachtsnaam not in text and "Bevestigen: dezelfde" not in text
    assert response.context["rows"] == []
    # The selector every path shares hands out no candidate either.
    found = selectors.link_candidates(people["regisseur"], known)
    assert found.hit is True and found.count is None and found.rows == []
    _, text = _body(client, people["regisseur"], _url(signal, invented))
    assert "De BRP heeft geen treffer voor deze betrokkene" in text


def test_identities_only_for_the_fields_the_details_request_approved(people, client):
    signal, persoon, known, _invented = signal_with_named_people(people)
    item = _brp_pc1(people, signal, known)
    # Asked BSN, name and birth date; the privacyfunctionaris approves the birth date only.
    _approve_details(people, item, known, ["burgerservicenummer", "naam.geslachtsnaam", "geboorte.datum"],
                     approved=["geboorte.datum"])
    response, text = _body(client, people["regisseur"], _url(signal, known))
    rows = response.context["rows"]
    assert rows and all(c.key == "" and c.label.startswith("Kandidaat ") for c, _ in rows)
    assert persoon.bsn not in text and persoon.geslachtsnaam not in text
    assert format_date(persoon.geboortedatum) in text  # the approved field, and only that
    assert "Bevestigen: dezelfde" not in text and f'value="{persoon.bsn}"' not in text
    # Guessing the BSN into the form does not get a judgement recorded.
    response, _ = _body(client, people["regisseur"], _url(signal, known), entity_key=persoon.bsn,
                        verdict="bevestigd")
    assert response.status_code == 422 and not LinkJudgement.objects.exists()
    # A second request that opens the BSN makes the candidate judgeable, still without the name.
    _approve_details(people, item, known, ["burgerservicenummer"])
    response, text = _body(client, people["regisseur"], _url(signal, known))
    first = response.context["rows"][0][0]
    assert first.key == persoon.bsn and persoon.geslachtsnaam not in text and "Bevestigen: dezelfde" in text


def test_co_residents_scored_zero_are_never_listed(people, client):
    signal, mention, persoon, others = _signal_naming_a_resident(people)
    item = _brp_pc1(people, signal, mention)
    scored = {c.key: c.score for c in Linker(limit=50).link(Mention.from_subject(mention)).candidates}
    zero = [p for p in others if p.bsn in scored and round(scored[p.bsn] * 100) == 0]
    assert zero, "the household gives co-residents at 0 %: the attack needs them"
    _approve_details(people, item, mention, ALL_PERSON_FIELDS)
    response, text = _body(client, people["regisseur"], _url(signal, mention))
    shown = [c.key for c, _ in response.context["rows"]]
    assert persoon.bsn in shown
    for other in zero:
        assert other.bsn not in shown and other.bsn not in text and other.naam not in text
    assert "<dd>0%</dd>" not in text
    found = selectors.link_candidates(people["regisseur"], mention)
    assert all(c.score >= selectors.MIN_SCORE_SHOWN for c, _ in found.rows)
    assert found.count == len(found.rows)


def test_the_service_refuses_judgements_without_approved_identity(people, client):
    signal, persoon, known, _invented = signal_with_named_people(people)
    item = _brp_pc1(people, signal, known)
    # PC1 only: hit/no-hit. The service refuses, the page refuses, nothing is recorded.
    with pytest.raises(linking.LinkingError, match="goedgekeurd verzoek om details"):
        linking.confirm_link(people["regisseur"], known, persoon.bsn)
    assert not LinkJudgement.objects.exists()
    with pytest.raises(linking.LinkingError, match="Er is niets vastgelegd"):
        linking.reject_link(people["regisseur"], known, persoon.bsn, "Niet dezelfde.")
    response, text = _body(client, people["regisseur"], _url(signal, known), entity_key=persoon.bsn,
                           verdict="bevestigd")
    assert response.status_code == 422 and "goedgekeurd verzoek om details" in text
    # Approved details that open the BSN: for the regisseur who asked them, not for a colleague.
    _approve_details(people, item, known, ["burgerservicenummer"])
    with pytest.raises(linking.LinkingError, match="goedgekeurd verzoek om details"):
        linking.confirm_link(people["regisseur2"], known, persoon.bsn)
    response, text = _body(client, people["regisseur2"], _url(signal, known))
    assert response.context["rows"] == [] and persoon.bsn not in text
    assert not LinkJudgement.objects.exists()
    judgement = linking.confirm_link(people["regisseur"], known, persoon.bsn)
    assert judgement.entity_key == persoon.bsn


def test_a_team_member_reading_the_page_sees_hit_or_no_hit_only(people, client):
    """The team reads the signal in step 3, but the approved details belong to the regisseur who asked."""
    signal, persoon, known, _invented = signal_with_named_people(people)
    item = _brp_pc1(people, signal, known)
    _approve_details(people, item, known, ALL_PERSON_FIELDS)
    response, text = _body(client, people["teamlid"], _url(signal, known))
    assert response.status_code == 200 and response.context["rows"] == []
    assert persoon.bsn not in text and persoon.geslachtsnaam not in text
    response, _ = _body(client, people["teamlid"], _url(signal, known), entity_key=persoon.bsn,
                        verdict="bevestigd")
    assert response.status_code == 422 and not LinkJudgement.objects.exists()


# ----------------------------------------------------------------------------- review f3


SEARCHED = {"activity_code": "koppelen", "action": "koppelkandidaten_zoeken"}
DETAILS_NOTICE = "Wie de kandidaten zijn, ziet u pas na een goedgekeurd verzoek om details"


def _signal_naming(people, name, birth_date):
    """A signal in bronnenonderzoek naming one person by name and birth date only."""
    walker = people["walker"]
    data = intake.SignalInput(
        channel="intern", description="Een persoon genoemd, zonder BSN.", phenomenon="hennepteelt_drugs",
        reporter_kind="medewerker", address=first_address(),
        subjects=[intake.SubjectInput(kind="persoon", name=name, birth_date=birth_date)])
    signal = walk_to_research(walker, intake.create_signal(data, user=walker))
    return signal, signal.subjects.get()


def _free_bsns(n):
    """``n`` valid BSNs that no registered person has."""
    found = []
    for number in range(999_990_000, 999_999_999):
        try:
            bsn = identifiers.parse_bsn(str(number))
        except identifiers.InvalidIdentifier:
            continue
        if not Persoon.objects.filter(bsn=bsn).exists():
            found.append(bsn)
            if len(found) == n:
                return found
    raise AssertionError("no free BSN")


def _listed(mention):
    """The registry keys the linker lists for a mention (score above 0 %), read here without the page."""
    return {c.key for c in Linker().link(Mention.from_subject(mention)).candidates
            if c.score >= selectors.MIN_SCORE_SHOWN}


def test_before_details_the_page_does_not_tell_how_many_candidates(people, client):
    """'Er is 1 mogelijke registratie' says that name and birth date matched one person exactly."""
    signal, persoon, known, _invented = signal_with_named_people(people)
    _brp_pc1(people, signal, known)
    assert _listed(known)  # the registry has candidates: the page must not count them
    response, text = _body(client, people["regisseur"], _url(signal, known))
    assert response.status_code == 200 and "De BRP heeft een treffer voor deze betrokkene" in text
    assert "mogelijke registratie" not in text and "gevonden" not in text
    found = selectors.link_candidates(people["regisseur"], known)
    assert found.count is None and found.rows == []
    # Not counted means not searched: no candidate was read, so none is logged as read.
    assert not ProcessingLogEntry.objects.filter(**SEARCHED, object_id=str(known.pk)).exists()


def test_no_details_notice_after_geen_treffer(people, client):
    """After 'geen treffer' a notice that details would show the candidates hints that there are some."""
    persoon = Persoon.objects.order_by("pk").first()
    signal, mention = _signal_naming(people, f"Piet {persoon.geslachtsnaam}", persoon.geboortedatum)
    _brp_pc1(people, signal, mention)
    assert _listed(mention), "the linker scores candidates: the attack needs them"
    response, text = _body(client, people["regisseur"], _url(signal, mention))
    assert "De BRP heeft geen treffer voor deze betrokkene" in text
    assert DETAILS_NOTICE not in text and "Details aanvragen" not in text
    assert response.context["details_needed"] == "" and response.context["hit_id"] is None
    # Behind a hit the notice and the regisseur's link are there (the fix hides nothing else).
    signal, _persoon, known, _invented = signal_with_named_people(people)
    _brp_pc1(people, signal, known)
    response, text = _body(client, people["regisseur"], _url(signal, known))
    assert DETAILS_NOTICE in text and "Details aanvragen bij deze hit" in text


def test_the_details_link_and_the_details_request_follow_one_policy(people, client, monkeypatch):
    signal, _persoon, known, _invented = signal_with_named_people(people)
    item = _brp_pc1(people, signal, known)
    hit = item.hits.get(subject=known)
    response, text = _body(client, people["regisseur"], _url(signal, known))
    assert response.context["hit_id"] == hit.pk and "Details aanvragen bij deze hit" in text
    _, text = _body(client, people["teamlid"], _url(signal, known))  # reads the signal, asks nothing
    assert "Details aanvragen bij deze hit" not in text
    # Where the policy says no, the page offers nothing and the service refuses: one rule, not two.
    monkeypatch.setattr(policy, "may_request_details", lambda user, signal: False, raising=False)
    _, text = _body(client, people["regisseur"], _url(signal, known))
    assert "Details aanvragen bij deze hit" not in text
    with pytest.raises(protocol.ProtocolError):
        research.request_details(people["regisseur"], hit, ["burgerservicenummer"], "Wie is het?")
    assert not hit.detail_requests.exists()
    monkeypatch.undo()
    assert policy.may_request_details(people["regisseur"], signal)
    assert not policy.may_request_details(people["teamlid"], signal)
    assert selectors.link_candidates(people["regisseur"], known).hit_id == hit.pk  # the view needs no private read


def test_the_page_queries_do_not_grow_with_the_candidates(people, client, monkeypatch,
                                                          django_assert_max_num_queries):
    signal, persoon, known, _invented = signal_with_named_people(people)
    item = _brp_pc1(people, signal, known)
    _approve_details(people, item, known, ALL_PERSON_FIELDS)
    # Namesakes registered after the hit, each living somewhere: more candidates with every field to show.
    home = Verblijfplaats.objects.filter(datum_einde__isnull=True).order_by("pk").first().adres
    for bsn in _free_bsns(4):
        namesake = Persoon.objects.create(bsn=bsn, voornamen=persoon.voornamen, voorvoegsel=persoon.voorvoegsel,
                                          geslachtsnaam=persoon.geslachtsnaam, geboortedatum=persoon.geboortedatum)
        Verblijfplaats.objects.create(persoon=namesake, adres=home, datum_aanvang=date(2020, 1, 1))
    real_init = Linker.__init__
    client.force_login(people["regisseur"])

    def page_with(limit):
        monkeypatch.setattr(linker_module.Linker, "__init__", lambda self, limit_=5: real_init(self, limit))
        return client.get(_url(signal, known))

    with CaptureQueriesContext(connection) as one:
        response = page_with(1)
    assert len(response.context["rows"]) == 1
    with django_assert_max_num_queries(len(one)):
        response = page_with(5)
    rows = response.context["rows"]
    assert len(rows) == 5 and all(c.address and c.birth_date and c.key for c, _ in rows)


def test_a_judgement_names_only_a_listed_candidate(people, client):
    """With the BSN of its candidates opened, confirming an arbitrary BSN would tell whether it exists."""
    signal, persoon, known, _invented = signal_with_named_people(people)
    item = _brp_pc1(people, signal, known)
    _approve_details(people, item, known, ["burgerservicenummer"])
    listed = _listed(known)
    elsewhere = Persoon.objects.exclude(bsn__in=listed).order_by("pk").first().bsn  # exists, not a candidate
    missing = _free_bsns(1)[0]  # valid, registered to nobody
    refusals = []
    for bsn in (elsewhere, missing):
        with pytest.raises(linking.LinkingError) as refused:
            linking.confirm_link(people["regisseur"], known, bsn)
        refusals.append(str(refused.value))
        with pytest.raises(linking.LinkingError) as refused:
            linking.reject_link(people["regisseur"], known, bsn, "Niet dezelfde.")
        refusals.append(str(refused.value))
        response, text = _body(client, people["regisseur"], _url(signal, known), entity_key=bsn, verdict="bevestigd")
        assert response.status_code == 422
        refusals.append(response.context["error"])
    assert len(set(refusals)) == 1 and "Er is niets vastgelegd" in refusals[0]
    assert not LinkJudgement.objects.exists()
    assert not ProcessingLogEntry.objects.filter(action__startswith="koppeling_").exists()
    # The listed candidate is judged as before.
    assert linking.confirm_link(people["regisseur"], known, persoon.bsn).entity_key == persoon.bsn
