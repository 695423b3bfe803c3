"""The gemeente a person works for (ADR 0030 §4, §10): the header's switcher, ``?gemeente=`` links,
the werkvoorraad and its CSV per scope, detail pages that switch to their record's gemeente.

Roles are held per gemeente (ADR 0030 §3): a person of several gemeenten is given roles in each
(``make_user(..., gemeente=)`` then ``grant_roles``), a person of one gemeente roles there only.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from conftest import grant_roles, make_tenant
from factories import OTHER_NAME, new_signal
from meldpunt.privacy.models import SecurityEvent, SecurityLogEntry
from meldpunt.tenancy import current

pytestmark = pytest.mark.django_db

ZAANSTAD, WORMERLAND = "GM0479", "GM0880"


@pytest.fixture
def two_gemeenten(home_gemeente, make_user):
    """Zaanstad (home) and Wormerland, a signal in each; a regisseur of both, a beoordelaar of Zaanstad."""
    wormerland = make_tenant()
    regisseur = make_user("beoordelaar", "regisseur", username="regio-regisseur", gemeente=home_gemeente)
    grant_roles(regisseur, "beoordelaar", "regisseur", gemeente=wormerland)
    zaans = new_signal(regisseur, gemeente=home_gemeente)
    wormer = new_signal(regisseur, OTHER_NAME, "999990019", index=1, gemeente=wormerland)
    local = make_user("beoordelaar", username="zaanse-beoordelaar", gemeente=home_gemeente)
    return {"regisseur": regisseur, "local": local, "zaans": zaans, "wormer": wormer, "wormerland": wormerland}


def queue_references(client, **params) -> set[str]:
    """The references of the werkvoorraad, all pages (the demo's signals are Zaanstad's too)."""
    response = client.get(reverse("web:werkvoorraad"), params)
    assert response.status_code == 200
    return {s.reference for s in response.context["page"].paginator.object_list}


def export_rows(client) -> list[list[str]]:
    content = client.get(reverse("web:werkvoorraad_export")).content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def refusals() -> int:
    return SecurityLogEntry.objects.filter(event=SecurityEvent.ACCESS_DENIED).count()


def test_a_person_of_one_gemeente_sees_its_name_and_no_switcher(client, two_gemeenten):
    client.force_login(two_gemeenten["local"])
    response = client.get(reverse("web:werkvoorraad"))
    page = response.content.decode()
    assert "Meldpunt Ondermijning — Zaanstad" in page
    assert 'data-testid="gemeente-kiezen"' not in page and "Wormerland" not in page
    assert two_gemeenten["zaans"].reference in queue_references(client)
    assert two_gemeenten["wormer"].reference not in queue_references(client)


def test_the_first_gemeente_by_name_then_the_switcher_then_all(client, two_gemeenten):
    zaans, wormer = two_gemeenten["zaans"].reference, two_gemeenten["wormer"].reference
    client.force_login(two_gemeenten["regisseur"])
    response = client.get(reverse("web:werkvoorraad"))
    page = response.content.decode()
    assert "Werkt voor:" in page and ">Al mijn gemeenten<" in page
    assert not response.context["show_gemeente"]
    # Wormerland comes before Zaanstad by name
    assert queue_references(client) == {wormer}

    answer = client.post(reverse("tenancy:kiezen"), {"gemeente": ZAANSTAD, "volgende": "/werkvoorraad/"})
    assert answer.status_code == 302 and answer["Location"] == "/werkvoorraad/"
    in_zaanstad = queue_references(client)
    assert zaans in in_zaanstad and wormer not in in_zaanstad
    counts = dict(client.get(reverse("web:werkvoorraad")).context["cards"])
    assert sum(counts.values()) == len(in_zaanstad)  # the counts follow the scope

    client.post(reverse("tenancy:kiezen"), {"gemeente": current.ALL})
    response = client.get(reverse("web:werkvoorraad"))
    assert response.context["show_gemeente"]
    assert queue_references(client) == in_zaanstad | {wormer}
    page = response.content.decode()
    assert '>Gemeente</th>' in page and ">Zaanstad</td>" in page  # the first page: the most urgent

    rows = export_rows(client)
    assert rows[0][:2] == ["kenmerk", "gemeente"]
    assert {row[1] for row in rows[1:]} == {"Wormerland", "Zaanstad"}


def test_a_shared_link_chooses_and_is_remembered(client, two_gemeenten):
    wormer = two_gemeenten["wormer"].reference
    client.force_login(two_gemeenten["regisseur"])
    client.post(reverse("tenancy:kiezen"), {"gemeente": ZAANSTAD})
    assert queue_references(client, gemeente=WORMERLAND.lower()) == {wormer}
    assert queue_references(client) == {wormer}
    rows = export_rows(client)
    assert "gemeente" not in rows[0] and [row[0] for row in rows[1:]] == [wormer]


@pytest.mark.parametrize("how", ["link", "switcher"])
def test_a_forged_gemeente_is_refused_logged_and_changes_nothing(client, two_gemeenten, how):
    local = two_gemeenten["local"]
    client.force_login(local)
    queue_references(client)  # the session holds Zaanstad's default
    before, chosen_before = refusals(), client.session.get(current.SESSION_KEY)
    for forged in (WORMERLAND, "GM0363", "<script>", current.ALL.upper() + "X"):
        if how == "link":
            response = client.get(reverse("web:werkvoorraad"), {"gemeente": forged})
        else:
            response = client.post(reverse("tenancy:kiezen"), {"gemeente": forged})
        assert response.status_code == 403
        assert "Wormerland" not in response.content.decode()
    assert refusals() == before + 4
    line = SecurityLogEntry.objects.filter(event=SecurityEvent.ACCESS_DENIED).latest("pk")
    assert line.username == local.username and current.REFUSED in line.detail
    assert client.session.get(current.SESSION_KEY) == chosen_before
    assert two_gemeenten["zaans"].reference in queue_references(client)
    assert two_gemeenten["wormer"].reference not in queue_references(client)


def test_the_switcher_needs_a_post_with_csrf(two_gemeenten):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(two_gemeenten["regisseur"])
    assert strict.get(reverse("tenancy:kiezen")).status_code == 405
    assert strict.post(reverse("tenancy:kiezen"), {"gemeente": ZAANSTAD}).status_code == 403
    assert current.SESSION_KEY not in strict.session


def test_the_switcher_sends_back_only_to_this_site(client, two_gemeenten):
    client.force_login(two_gemeenten["regisseur"])
    answer = client.post(reverse("tenancy:kiezen"), {"gemeente": ZAANSTAD, "volgende": "https://kwaad.example/"})
    assert answer["Location"] == reverse("web:start")


def test_an_fg_may_choose_although_the_fg_only_reads(client, home_gemeente, wormerland, make_user):
    fg = grant_roles(make_user("fg", gemeente=home_gemeente), "fg", gemeente=wormerland)
    client.force_login(fg)
    assert client.post(reverse("tenancy:kiezen"), {"gemeente": WORMERLAND}).status_code == 302
    assert client.session[current.SESSION_KEY] == WORMERLAND


def test_a_detail_page_works_for_its_records_gemeente_and_says_so(client, two_gemeenten):
    client.force_login(two_gemeenten["regisseur"])
    client.post(reverse("tenancy:kiezen"), {"gemeente": ZAANSTAD})
    response = client.get(reverse("protocol:signaal", args=[two_gemeenten["wormer"].reference]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "U werkt nu voor Wormerland." in page
    assert 'data-testid="record-gemeente"' in page
    assert client.session[current.SESSION_KEY] == WORMERLAND
    # a second look says nothing new
    again = client.get(reverse("protocol:signaal", args=[two_gemeenten["wormer"].reference])).content.decode()
    assert "U werkt nu voor" not in again


def test_a_detail_page_of_a_one_gemeente_person_shows_no_gemeente_line(client, two_gemeenten):
    client.force_login(two_gemeenten["local"])
    page = client.get(reverse("protocol:signaal", args=[two_gemeenten["zaans"].reference])).content.decode()
    assert 'data-testid="record-gemeente"' not in page and "U werkt nu voor" not in page


def test_with_one_tenant_nothing_changes(client, home_gemeente, make_user):
    user = make_user("beoordelaar", "regisseur")
    signal = new_signal(user)
    client.force_login(user)
    response = client.get(reverse("web:werkvoorraad"))
    assert "Meldpunt Ondermijning — Zaanstad" in response.content.decode()
    assert not response.context["show_gemeente"]
    assert signal.reference in queue_references(client)
    rows = export_rows(client)
    assert "gemeente" not in rows[0]


def test_limit_is_a_filter_only_when_a_scope_is_given(two_gemeenten):
    from meldpunt.intake.models import Signal

    everything = Signal.objects.all()
    assert current.limit(everything, None).count() == everything.count()
    assert list(current.limit(everything, [two_gemeenten["wormerland"]])) == [two_gemeenten["wormer"]]
    assert list(current.limit(everything, [WORMERLAND])) == [two_gemeenten["wormer"]]
    assert current.limit(everything, []).count() == 0


STAFF_FORM = {"channel": "intern", "reporter_kind": "medewerker", "phenomenon": "hennepteelt_drugs",
              "description": "Afgeplakte ramen bij de loods.", "location_text": "de loods",
              "betrokkene-TOTAL_FORMS": "0", "betrokkene-INITIAL_FORMS": "0", "betrokkene-MIN_NUM_FORMS": "0",
              "betrokkene-MAX_NUM_FORMS": "10"}


def test_a_staff_signal_lands_in_the_gemeente_worked_for(client, two_gemeenten):
    from meldpunt.intake.models import Signal

    regisseur = two_gemeenten["regisseur"]
    client.force_login(regisseur)
    url = reverse("intake:signaal_nieuw")
    client.post(reverse("tenancy:kiezen"), {"gemeente": WORMERLAND})
    assert "Voor welke gemeente?" not in client.get(url).content.decode()
    client.post(url, STAFF_FORM)
    assert Signal.objects.filter(reported_by=regisseur).latest("pk").gemeente_id == WORMERLAND

    # "Al mijn gemeenten": the form asks, and registers nothing until a gemeente is chosen
    client.post(reverse("tenancy:kiezen"), {"gemeente": current.ALL})
    page = client.get(url).content.decode()
    assert "Voor welke gemeente?" in page and ">Zaanstad</option>" in page
    before = Signal.objects.count()
    refused = client.post(url, STAFF_FORM)
    assert refused.status_code == 200 and "Kies de gemeente waar het signaal bij hoort." in refused.content.decode()
    forged = client.post(url, {**STAFF_FORM, "gemeente": "GM0363"})
    assert "Kies een gemeente uit de lijst." in forged.content.decode()
    assert Signal.objects.count() == before
    client.post(url, {**STAFF_FORM, "gemeente": ZAANSTAD})
    assert Signal.objects.filter(reported_by=regisseur).latest("pk").gemeente_id == ZAANSTAD


def test_a_one_gemeente_staff_member_is_not_asked(client, two_gemeenten):
    from meldpunt.intake.models import Signal

    local = two_gemeenten["local"]
    client.force_login(local)
    assert "Voor welke gemeente?" not in client.get(reverse("intake:signaal_nieuw")).content.decode()
    client.post(reverse("intake:signaal_nieuw"), STAFF_FORM)
    assert Signal.objects.filter(reported_by=local).get().gemeente_id == ZAANSTAD


PUBLIC_FORM = {"phenomenon": "overig", "description": "Een goede omschrijving van wat er gebeurt.", "anonymous": "ja"}


def test_the_public_form_names_its_gemeente_when_there_are_several(client, two_gemeenten):
    from meldpunt.intake.models import Signal

    listing = client.get("/melden/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert 'href="/melden/wormerland/"' in page and 'href="/melden/zaanstad/"' in page
    assert client.post("/melden/", PUBLIC_FORM).status_code == 200  # a list, no form: nothing is sent
    before = Signal.objects.count()
    form = client.get("/melden/wormerland/").content.decode()
    assert "Meld een vermoeden van ondermijning in Wormerland" in form
    assert client.post("/melden/wormerland/", PUBLIC_FORM).status_code == 302
    assert Signal.objects.count() == before + 1
    assert Signal.objects.latest("pk").gemeente_id == WORMERLAND
    assert client.get("/melden/purmerend/").status_code == 404
    assert client.get("/melden/bedankt/").status_code in (200, 302)  # the receipt is not a gemeente


def test_with_one_tenant_the_public_form_is_as_before(client, home_gemeente):
    from meldpunt.intake.models import Signal

    page = client.get("/melden/").content.decode()
    assert "Meld een vermoeden van ondermijning</h1>" in page
    assert client.post("/melden/", PUBLIC_FORM).status_code == 302
    assert Signal.objects.latest("pk").gemeente_id == ZAANSTAD
    assert client.get("/melden/zaanstad/").status_code == 200
