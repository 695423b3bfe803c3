"""Releases cover what step 3 found (issue 12, part 3): every approved registry detail field is a
release item, proposed per field and per participant; the recipient reads only the released
fields, in words; the privacyfunctionaris' preview is the same content."""

import pytest

from factories import casus_with_details, planned_meeting, release, weging
from meldpunt.cases import items, releases, selectors
from meldpunt.cases.errors import CaseError
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.registries.models import Functionaris, Persoon

pytestmark = pytest.mark.django_db


@pytest.fixture
def regie(make_user):
    return make_user("regisseur", "teamlid", "beoordelaar")


@pytest.fixture
def pf(make_user):
    return make_user("privacyfunctionaris")


@pytest.fixture
def found(regie, pf):
    casus, person, company, brp, nhr = casus_with_details(regie, pf)
    return {"casus": casus, "person": person, "company": company, "brp": brp, "nhr": nhr}


def key(detail, field):
    return f"gegeven:{detail.pk}:{field}"


def test_each_approved_field_is_an_item_and_nothing_else(found):
    catalogue = {i.key: i for i in items.catalogue(found["casus"])}
    brp, nhr = found["brp"], found["nhr"]
    for detail, field in ((brp, "verblijfplaats.adres"), (brp, "geboorte.datum"), (nhr, "naam"),
                          (nhr, "functionarissen")):
        assert key(detail, field) in catalogue
    assert catalogue[key(brp, "verblijfplaats.adres")].label.startswith("BRP (Basisregistratie Personen): Woonadres")
    assert catalogue[key(nhr, "functionarissen")].group == "gegeven"
    assert key(brp, "burgerservicenummer") not in catalogue  # not asked, not approved
    # No field path and no Python in a label.
    assert not any("verblijfplaats" in i.label or "{" in i.label for i in catalogue.values())


def test_the_recipient_reads_only_the_released_field_in_words(found):
    persoon = Persoon.objects.get(bsn=found["person"].bsn)
    content = items.released_content(found["casus"], [key(found["brp"], "verblijfplaats.adres")])
    assert not content.empty
    (row,) = content.details
    assert row["bron"].startswith("BRP") and [v["gegeven"] for v in row["waarden"]] == ["Woonadres"]
    assert persoon.naam not in str(content.as_dict())  # the subject itself was not released
    assert "naam niet vrijgegeven" in row["over"]
    assert persoon.geboortedatum.isoformat() not in str(content.as_dict())
    with_subject = items.released_content(found["casus"], [key(found["brp"], "verblijfplaats.adres"),
                                                           f"betrokkene:{found['person'].pk}"])
    assert persoon.naam in with_subject.details[0]["over"]


def test_directors_are_readable_and_their_bsns_never_shown(found):
    directors = list(Functionaris.objects.filter(onderneming__kvk_nummer=found["company"].kvk_nummer)
                     .select_related("persoon"))
    content = items.released_content(found["casus"], [key(found["nhr"], "functionarissen")])
    (row,) = content.details
    (value,) = row["waarden"]
    assert value["gegeven"] == "Functionarissen" and len(value["regels"]) == len(directors)
    text = " ".join(value["regels"])
    for director in directors:
        assert director.persoon.naam in text and director.persoon.bsn not in text
    assert "{" not in text and "datumAanvang" not in text and "'" not in text
    assert {s.identifier for s in content.log_subjects} >= {d.persoon.bsn for d in directors}


def test_a_proposal_per_participant_and_the_preview_is_what_they_get(regie, pf, make_user, found):
    a, b = make_user("deelnemer"), make_user("deelnemer")
    meeting, item, (seat_a, seat_b) = planned_meeting(regie, found["casus"], a, b)
    asked = releases.request_pc2a(regie, item, seat_a, [key(found["brp"], "verblijfplaats.adres")], "Adres nodig.")
    review = selectors.release_review(pf, asked)
    assert [i.key for i in review.asked] == [key(found["brp"], "verblijfplaats.adres")]
    releases.decide(pf, asked, weging("PC2A", "vrijgeven"))
    release(regie, pf, item, seat_b, ["veld:fenomeen"])
    (seen_a,) = selectors.released_to_participant(a)
    (seen_b,) = selectors.released_to_participant(b)
    assert seen_a.items[0].content.details == review.preview.details
    assert seen_b.items[0].content.details == []
    assert ProcessingLogEntry.objects.filter(user_id=a.pk, action="vrijgave_inzien", subject_type="bsn").exists()


def test_a_detail_that_is_not_approved_cannot_be_proposed(regie, pf, make_user, found):
    meeting, item, (seat,) = planned_meeting(regie, found["casus"], make_user("deelnemer"))
    for bad in (key(found["brp"], "burgerservicenummer"), f"gegeven:{found['brp'].pk + 999}:naam",
                f"gegeven:{found['nhr'].pk}:verblijfplaats.adres"):
        with pytest.raises(CaseError, match="horen niet bij deze casus"):
            releases.request_pc2a(regie, item, seat, [bad], "Nodig.")
    assert not item.release_requests.exists()


def test_a_detail_withdrawn_after_release_shows_nothing(regie, pf, make_user, found):
    deelnemer = make_user("deelnemer")
    meeting, item, (seat,) = planned_meeting(regie, found["casus"], deelnemer)
    release(regie, pf, item, seat, [key(found["brp"], "verblijfplaats.adres")])
    found["brp"].approved_fields = ["geboorte.datum"]
    found["brp"].save(update_fields=["approved_fields"])
    (seen,) = selectors.released_to_participant(deelnemer)
    assert seen.items[0].content.details == []


def test_the_preview_includes_what_the_participant_already_has(regie, pf, make_user, found):
    deelnemer = make_user("deelnemer")
    meeting, item, (seat,) = planned_meeting(regie, found["casus"], deelnemer)
    release(regie, pf, item, seat, ["veld:fenomeen"])
    asked = releases.request_pc2a(regie, item, seat, [key(found["nhr"], "functionarissen")], "Bestuurders nodig.")
    review = selectors.release_review(pf, asked)
    assert review.includes_earlier and review.preview.signals and review.preview.details
    releases.decide(pf, asked, weging("PC2A", "vrijgeven"))
    (seen,) = selectors.released_to_participant(deelnemer)
    assert seen.items[0].content.as_dict() == review.preview.as_dict()


def test_pages_show_the_details_in_words(client, regie, pf, make_user, found):
    from django.urls import reverse

    from test_words_not_codes import codes_in, visible_text

    deelnemer = make_user("deelnemer")
    meeting, item, (seat,) = planned_meeting(regie, found["casus"], deelnemer)
    client.force_login(regie)
    form = client.get(reverse("cases:vrijgave_vragen", args=[meeting.pk, item.pk, seat.pk])).content.decode()
    assert "Woonadres van persoon" in form and "Functionarissen van onderneming" in form
    assert codes_in(visible_text(form)) == []
    keys = [key(found["brp"], "verblijfplaats.adres"), key(found["nhr"], "functionarissen")]
    asked = releases.request_pc2a(regie, item, seat, keys, "Adres en bestuurders nodig.")
    client.force_login(pf)
    decision = client.get(reverse("cases:vrijgave_besluiten", args=[asked.pk])).content.decode()
    assert "Gegevens uit bronnenonderzoek" in decision and "Woonadres" in decision
    assert codes_in(visible_text(decision)) == []
    releases.decide(pf, asked, weging("PC2A", "vrijgeven"))
    client.force_login(deelnemer)
    page = client.get(reverse("web:mijn_casussen")).content.decode()
    director = Functionaris.objects.filter(onderneming__kvk_nummer=found["company"].kvk_nummer).first().persoon
    assert "Woonadres" in page and director.naam in page and director.bsn not in page
    assert "Geboortedatum" not in page  # approved in step 3, not released
    assert codes_in(visible_text(page)) == []


def test_registry_values_read_as_words():
    from meldpunt.protocol.research.readable import readable, readable_lines

    assert readable("1980-02-01") == "1 februari 1980"
    assert readable(None) == readable([]) == "niet geregistreerd"
    assert readable(1250) == "1.250" and readable(True) == "ja"
    directors = [{"burgerservicenummer": "999993653", "naam": "Jan Jansen", "functie": "bestuurder",
                  "datumAanvang": "2020-03-01", "datumEinde": None}]
    assert readable_lines(directors) == ["Jan Jansen, bestuurder, sinds 1 maart 2020"]
    assert readable({"datumInschrijving": "2021-05-04"}) == "datum inschrijving 4 mei 2021"
    assert readable(["999993653", "999990019"]) == "999993653; 999990019"  # a BSN field released on its own


def test_an_uitvoerder_gets_a_detail_through_pc2b(regie, pf, make_user, found):
    from factories import run_to_uitvoering

    uitvoerder = make_user("uitvoerder")
    action = run_to_uitvoering(regie, pf, found["casus"], make_user("deelnemer"), uitvoerder)
    assert selectors.action_of(uitvoerder, action.pk).content.details == []
    asked = releases.request_pc2b(regie, action, [key(found["nhr"], "naam")], "De uitvoerder schrijft de B.V. aan.")
    review = selectors.release_review(pf, asked)
    assert review.includes_earlier and review.preview.signals  # the location released before
    releases.decide(pf, asked, weging("PC2B", "vrijgeven"))
    seen = selectors.action_of(uitvoerder, action.pk).content
    assert seen.as_dict() == review.preview.as_dict()
    (row,) = seen.details
    assert row["bron"] == "Handelsregister (KvK)" and [v["gegeven"] for v in row["waarden"]] == ["Naam"]
