"""Linking subjects mentioned in signals to registry records: matching, scoring, judgements,
and precision/recall on planted mentions with realistic typos."""

from datetime import date

import pytest
from django.db.models import F
from django.utils import timezone

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.demo.generator.mentions import plant_mentions
from meldpunt.intake.models import MentionedSubject, Phenomenon, Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol.research.models import DetailRequest, HitResult, Source, SourceRequest
from meldpunt.registries import matching as mt
from meldpunt.registries import models as m
from meldpunt.registries import selectors, services
from meldpunt.registries.linking import Linker, Mention
from meldpunt.registries.linking_quality import measure

# The linker was tuned on mention seeds 1 and 7; this seed was not looked at while tuning.
UNSEEN_SEED = 2024

# ----------------------------------------------------------------------- matching


@pytest.mark.parametrize("written", [
    "Jan van der Meer", "J. v.d. Meer", "Jan Vandermeer", "Meer, Jan van der", "JAN VAN DER MEER", "Jan vd Meer",
])
@pytest.mark.unit
def test_tussenvoegsel_variants_compare_equal(written):
    registered = mt.registry_name("Jan", "van der", "Meer")
    name = mt.split_mentioned_name(written)
    assert mt.surname_similarity(name, registered) == 100
    assert mt.first_name_similarity(name.first, registered.first) >= 90


@pytest.mark.unit
def test_typos_and_diacritics():
    assert mt.fold("Öztürk") == "ozturk"
    assert mt.similarity("smits", "smtis") >= 88  # one transposition
    assert mt.similarity("jansen", "jnsen") >= 88  # one dropped letter
    assert mt.similarity("jansen", "bakker") < 50
    assert mt.first_name_similarity("d", "dirk") == 90 and mt.first_name_similarity("d", "jan") == 10


@pytest.mark.unit
def test_dates():
    assert mt.date_relation(date(1980, 3, 7), date(1980, 7, 3)) == "omgewisseld"
    assert mt.date_relation(date(1980, 3, 7), date(1981, 3, 7)) == "tikfout"
    assert mt.date_relation(date(1980, 3, 7), date(1975, 11, 20)) == "anders"
    assert mt.swapped(date(1980, 3, 25)) is None


@pytest.mark.parametrize("text, expected", [
    ("Eikenstraat 12a, 1501 AB Zaandam", ("eikenstraat", 12, "A", "", "1501AB")),
    ("1501ab 12-2", ("", 12, "", "2", "1501AB")),
    ("Eikenstr. 12 hs", ("eikenstraat", 12, "", "HS", "")),
    ("Frans Halsweg 3 II", ("franshalsweg", 3, "", "II", "")),
])
@pytest.mark.unit
def test_written_addresses_are_parsed(text, expected):
    a = mt.parse_address(text)
    assert (a.street, a.huisnummer, a.huisletter, a.toevoeging, a.postcode) == expected


@pytest.mark.unit
def test_company_names_without_legal_form():
    assert mt.company_key("Zaan Handel B.V.") == mt.company_key("zaan handel bv") == "zaan handel"
    assert mt.company_similarity("Zaan Handle", "Zaan Handel B.V.") > 85
    assert mt.company_similarity("Zaan Horeca", "Zaan Handel B.V.") < 80


# ------------------------------------------------------------------------- linker


def _resident():
    verblijf = m.Verblijfplaats.objects.select_related("persoon", "adres").order_by("pk").first()
    return verblijf.persoon, verblijf.adres


@pytest.mark.django_db
def test_a_person_with_typos_is_proposed_with_reasons():
    persoon, adres = _resident()
    typo = persoon.geslachtsnaam[0] + persoon.geslachtsnaam[2] + persoon.geslachtsnaam[1] + persoon.geslachtsnaam[3:]
    mention = Mention(kind="persoon", name=f"{persoon.voornamen} {persoon.voorvoegsel} {typo}",
                      address_text=f"{adres.openbare_ruimte} {adres.huisnummer}, {adres.postcode.lower()}")
    result = Linker().link(mention)
    assert result.proposal is not None and result.proposal.key == persoon.bsn
    assert "postcode en huisnummer gelijk" in result.proposal.reasons
    assert any(r.startswith("naam lijkt") for r in result.proposal.reasons)
    assert 0.8 <= result.proposal.score <= 1


@pytest.mark.django_db
def test_swapped_day_and_month_still_finds_the_person():
    persoon = m.Persoon.objects.filter(geboortedatum__day__lte=12).exclude(
        geboortedatum__day=F("geboortedatum__month")).order_by("pk").first()
    born = persoon.geboortedatum
    mention = Mention(kind="persoon", name=f"{persoon.voornamen} {persoon.voorvoegsel} {persoon.geslachtsnaam}",
                      birth_date=born.replace(day=born.month, month=born.day))
    result = Linker().link(mention)
    top = result.candidates[0]
    assert top.key == persoon.bsn
    assert "geboortedatum met dag en maand omgewisseld" in top.reasons


@pytest.mark.django_db
def test_someone_not_registered_at_the_address_is_not_linked_to_a_resident():
    persoon, adres = _resident()
    mention = Mention(kind="persoon", name="Xander Quintus Zwartveld", birth_date=date(1971, 2, 3),
                      address_text=str(adres))
    result = Linker().link(mention)
    assert result.proposal is None
    assert all(c.score < 0.5 for c in result.candidates)


@pytest.mark.django_db
def test_a_company_by_kvk_and_an_address_by_postcode():
    onderneming = m.Onderneming.objects.order_by("pk").first()
    result = Linker().link(Mention(kind="onderneming", name=onderneming.naam.lower(),
                                   kvk_nummer=onderneming.kvk_nummer))
    assert result.proposal.key == onderneming.kvk_nummer
    assert result.proposal.reasons[:2] == ("KvK-nummer gelijk", "naam gelijk")
    adres = m.Nummeraanduiding.objects.order_by("pk").first()
    result = Linker().link(Mention(kind="adres", address_text=f"{adres.postcode[:4]} {adres.postcode[4:]} "
                                                                f"{adres.huisnummer}"))
    assert result.proposal.key == adres.pk


@pytest.mark.django_db
def test_vehicles_have_no_registry_to_link_to():
    assert Linker().link(Mention(kind="voertuig", name="AB-123-C")).candidates == []


@pytest.mark.django_db
def test_link_precision_and_recall_on_planted_ground_truth(generated_s):
    """Issue 5: ≥ 0.98 precision and ≥ 0.95 recall on planted mentions with realistic typos, at
    size S, on a seed the tuning never used."""
    planted = plant_mentions(generated_s.out_dir, "S", seed=UNSEEN_SEED)
    assert planted["meta"]["linkable"] >= 400 and planted["meta"]["mentions"] > planted["meta"]["linkable"]
    assert sum(1 for x in planted["mentions"] if x["noise"]) > 0.5 * len(planted["mentions"])
    quality = measure(planted["mentions"])
    assert quality.precision >= 0.98, quality.wrong[:5]
    assert quality.recall >= 0.95, quality.missed[:5]


def test_planted_mentions_are_deterministic_per_seed(generated_s):
    first = plant_mentions(generated_s.out_dir, "S", seed=5)
    assert first == plant_mentions(generated_s.out_dir, "S", seed=5)
    assert first != plant_mentions(generated_s.out_dir, "S", seed=6)


# --------------------------------------------------------------------- judgements


@pytest.fixture
def linking_world(db, make_user, monkeypatch):
    monkeypatch.setitem(policy.PAGE_ROLES, services.LINKING_PAGE, frozenset({Role.REGISSEUR}))
    persoon, adres = _resident()
    signal = Signal.objects.create(
        reference="TEST-KOP-0001", received_at=timezone.now(), channel="intern",
        phenomenon=Phenomenon.objects.order_by("code").first(), description="test", state="ontvangen")
    mention = MentionedSubject.objects.create(
        signal=signal, kind="persoon", name=f"{persoon.voornamen} {persoon.geslachtsnaam}",
        birth_date=persoon.geboortedatum)
    regisseur = make_user(Role.REGISSEUR)
    # Candidates are shown only after an approved privacy check 1 for the BRP covering the mention
    # (tests/test_linking_page.py walks that through the protocol; here it is simply in place).
    approved = SourceRequest.objects.create(signal=signal, source=Source.objects.get(code="BRP"), purpose="test",
                                            requested_by=regisseur, requested_at=timezone.now(), state="toegestaan")
    approved.subjects.add(mention)
    # ... and, to see who the candidates are and judge them, an approved details request (issue 13).
    hit = HitResult.objects.create(request=approved, subject=mention, hit=True, answered_at=timezone.now())
    DetailRequest.objects.create(hit=hit, fields=["burgerservicenummer"], approved_fields=["burgerservicenummer"],
                                 purpose="test", requested_by=regisseur, requested_at=timezone.now(),
                                 state="toegestaan")
    return {"regisseur": regisseur, "persoon": persoon, "mention": mention, "signal": signal}


def test_candidates_are_read_with_access_check_and_logged(linking_world):
    w = linking_world
    before = ProcessingLogEntry.objects.filter(activity_code="koppelen").count()
    found = selectors.link_candidates(w["regisseur"], w["mention"])
    rows = found.rows
    assert rows[0][0].key == w["persoon"].bsn and found.hit is True
    assert rows[0][1] is None  # no judgement yet
    logged = ProcessingLogEntry.objects.filter(activity_code="koppelen", action="koppelkandidaten_zoeken")
    assert logged.count() - before == len(rows) == found.count
    assert not m.LinkJudgement.objects.exists()  # proposing never links anything


def _namesake(persoon) -> m.Persoon:
    """A second registered person with the same name and birth date: a second candidate for a mention."""
    from meldpunt.core import identifiers

    for number in range(999_990_000, 999_999_999):
        try:
            bsn = identifiers.parse_bsn(str(number))
        except identifiers.InvalidIdentifier:
            continue
        if not m.Persoon.objects.filter(bsn=bsn).exists():
            return m.Persoon.objects.create(bsn=bsn, voornamen=persoon.voornamen, voorvoegsel=persoon.voorvoegsel,
                                            geslachtsnaam=persoon.geslachtsnaam, geboortedatum=persoon.geboortedatum)
    raise AssertionError("no free BSN")


def test_confirm_and_reject_are_judgements_by_a_person(linking_world):
    w = linking_world
    bsn = w["persoon"].bsn
    other = _namesake(w["persoon"])  # judged only as a candidate of the mention (review f3, finding 4)
    assert {bsn, other.bsn} <= {c.key for c in selectors.shown_candidates(w["mention"])}
    judgement = services.confirm_link(w["regisseur"], w["mention"], bsn, score=0.97, reasons=["naam gelijk"])
    assert (judgement.verdict, judgement.entity_kind, judgement.judged_by) == ("bevestigd", "persoon", w["regisseur"])
    assert selectors.confirmed_link(w["mention"]).entity_key == bsn
    assert ProcessingLogEntry.objects.filter(action="koppeling_bevestigd", object_id=str(judgement.pk)).count() == 1
    with pytest.raises(services.LinkingError, match="al gekoppeld aan een andere registratie"):
        services.confirm_link(w["regisseur"], w["mention"], other.bsn)
    with pytest.raises(services.LinkingError, match="waarom"):
        services.reject_link(w["regisseur"], w["mention"], bsn, explanation=" ")
    assert m.LinkJudgement.objects.count() == 1  # refused judgements changed nothing
    services.reject_link(w["regisseur"], w["mention"], bsn, explanation="Andere geboorteplaats volgens melder")
    assert selectors.confirmed_link(w["mention"]) is None  # the latest judgement counts
    services.confirm_link(w["regisseur"], w["mention"], other.bsn)
    assert selectors.confirmed_link(w["mention"]).entity_key == other.bsn
    assert m.LinkJudgement.objects.filter(mention=w["mention"]).count() == 3  # history is kept


def test_judgements_are_refused_without_access_or_for_unknown_records(linking_world, make_user, monkeypatch):
    w = linking_world
    with pytest.raises(services.NotAllowed):
        services.confirm_link(make_user(Role.ANALIST), w["mention"], w["persoon"].bsn)
    with pytest.raises(services.LinkingError, match=r"niet \(meer\) bij de kandidaten"):
        services.confirm_link(w["regisseur"], w["mention"], "999999990")
    vehicle = MentionedSubject.objects.create(signal=w["signal"], kind="voertuig", kenteken="AB123C")
    with pytest.raises(services.LinkingError, match="geen kentekenregister"):
        services.confirm_link(w["regisseur"], vehicle, "AB123C")
    monkeypatch.delitem(policy.PAGE_ROLES, services.LINKING_PAGE)  # fail closed without a rule
    with pytest.raises(services.NotAllowed):
        selectors.link_candidates(w["regisseur"], w["mention"])
    assert not m.LinkJudgement.objects.exists()
