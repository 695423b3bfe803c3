"""Attack P1/P3 on released registry details (issue 12, part 3).

A participant released one BRP field of one person tries to read more: the other approved fields
(birth date), the person's BSN, another participant's release (the directors of the company), the
directors' BSNs inside a released NHR field; on their page, in their printed agenda, in the API, and
at the requester's own details page. A regisseur tries to propose a detail nobody approved: a field
outside the PC1 decision, a refused request, a request of another casus' signal, a made-up one.
"""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from factories import casus_with_details, planned_meeting, release, weging
from meldpunt.cases import releases
from meldpunt.cases.errors import CaseError
from meldpunt.protocol.research.models import DetailState
from meldpunt.registries.models import Functionaris, Persoon
from rowcount import changed, rows

pytestmark = [pytest.mark.attack, pytest.mark.django_db]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def key(detail, field):
    return f"gegeven:{detail.pk}:{field}"


@pytest.fixture
def regie(make_user):
    return make_user("regisseur", "teamlid", "beoordelaar")


@pytest.fixture
def pf(make_user):
    return make_user("privacyfunctionaris")


@pytest.fixture
def scene(regie, pf, make_user):
    """A casus with approved BRP (woonadres, geboortedatum) and NHR (naam, functionarissen)
    details; participant A gets the woonadres, participant B the directors."""
    casus, person, company, brp, nhr = casus_with_details(regie, pf)
    a, b = make_user("deelnemer"), make_user("deelnemer")
    meeting, item, (seat_a, seat_b) = planned_meeting(regie, casus, a, b)
    release(regie, pf, item, seat_a, [key(brp, "verblijfplaats.adres")])
    release(regie, pf, item, seat_b, [key(nhr, "functionarissen")])
    persoon = Persoon.objects.get(bsn=person.bsn)
    directors = [f.persoon for f in Functionaris.objects.filter(onderneming__kvk_nummer=company.kvk_nummer)
                 .select_related("persoon")]
    return {"casus": casus, "person": person, "persoon": persoon, "company": company, "brp": brp, "nhr": nhr,
            "a": a, "b": b, "meeting": meeting, "item": item, "seat_a": seat_a, "directors": directors}


def everything_a_participant_sees(client, user, meeting) -> str:
    client.force_login(user)
    page = client.get(reverse("web:mijn_casussen")).content.decode()
    printed = pdf_text(client.get(reverse("cases:mijn_agenda_pdf", args=[meeting.pk])).content)
    api = json.dumps(client.get("/api/v1/mijn-casussen").json(), ensure_ascii=False)
    return "\n".join((page, printed, api))


def test_a_participant_reads_only_their_released_field(client, scene):
    seen = everything_a_participant_sees(client, scene["a"], scene["meeting"])
    persoon = scene["persoon"]
    assert "Woonadres" in seen
    # Not released to A: the birth date (approved in step 3), the name and BSN of the person, the
    # company's directors (released to B), and every BSN.
    assert "Geboortedatum" not in seen and persoon.geboortedatum.isoformat() not in seen
    assert persoon.bsn not in seen and persoon.geslachtsnaam not in seen
    assert "Functionarissen" not in seen
    for director in scene["directors"]:
        assert director.bsn not in seen and director.geslachtsnaam not in seen


def test_another_participants_release_stays_theirs_and_directors_bsns_never_show(client, scene):
    seen = everything_a_participant_sees(client, scene["b"], scene["meeting"])
    assert "Functionarissen" in seen and "Woonadres" not in seen
    for director in scene["directors"]:
        assert director.naam in seen, "the released field is readable"
        assert director.bsn not in seen, "a director's BSN is not part of the released text"
    assert "burgerservicenummer" not in seen and "{'" not in seen


def test_a_participant_cannot_open_the_details_at_the_source(client, scene):
    client.force_login(scene["a"])
    signal = scene["brp"].hit.request.signal
    assert client.get(reverse("protocol:bron_details", args=[signal.reference, scene["brp"].pk])).status_code in (
        403, 404)
    assert client.get(reverse("cases:casus", args=[scene["casus"].reference])).status_code == 403


def test_a_detail_nobody_approved_cannot_be_proposed(client, regie, pf, make_user, scene):
    brp, nhr, item, seat = scene["brp"], scene["nhr"], scene["item"], scene["seat_a"]
    # An approved detail of another casus' signal is not an item of this one.
    _casus, _p, _c, other_brp, _n = casus_with_details(regie, pf, brp_fields=("geboorte.datum",),
                                                            nhr_fields=("naam",))
    attempts = [key(brp, "burgerservicenummer"),            # in the source, not asked, not approved
                key(brp, "naam.geslachtsnaam"),             # idem
                key(nhr, "verblijfplaats.adres"),           # a field of another source
                key(other_brp, "geboorte.datum"),           # approved, but for another casus
                f"gegeven:{brp.pk + 10_000}:verblijfplaats.adres",  # no such request
                f"gegeven:{brp.pk}",                        # malformed
                ]
    before = rows()
    for bad in attempts:
        with pytest.raises(CaseError, match="horen niet bij deze casus"):
            releases.request_pc2a(regie, item, seat, [bad], "Nodig.")
    # Through the page, a tampered checkbox value is refused the same way.
    client.force_login(regie)
    url = reverse("cases:vrijgave_vragen", args=[scene["meeting"].pk, item.pk, seat.pk])
    response = client.post(url, {"items": [key(brp, "burgerservicenummer")], "purpose": "Nodig."})
    assert response.status_code == 200
    assert changed(before) == {}


def test_a_refused_or_withdrawn_detail_is_no_item(regie, pf, scene):
    brp = scene["brp"]
    brp.state = DetailState.GEWEIGERD
    brp.save(update_fields=["state"])
    with pytest.raises(CaseError, match="horen niet bij deze casus"):
        releases.request_pc2a(regie, scene["item"], scene["seat_a"], [key(brp, "geboorte.datum")], "Nodig.")


def test_the_privacyfunctionaris_cannot_widen_a_release_to_an_unasked_detail(regie, pf, scene):
    asked = releases.request_pc2a(regie, scene["item"], scene["seat_a"],
                                  [key(scene["brp"], "geboorte.datum"), "veld:fenomeen"], "Nodig.")
    with pytest.raises(CaseError, match="niet meer"):
        releases.decide(pf, asked, weging("PC2A", "deels"), [key(scene["nhr"], "functionarissen")])
