"""The subject pages (issue 12, part 2): any number of subject rows on the staff intake form with a
'Nog een betrokkene toevoegen' submit button (works without JavaScript), and the pages to add,
correct and remove a subject after intake, each with a reason. The browser test does it by clicks."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from factories import new_signal
from meldpunt.intake.models import MentionedSubject, Signal, SubjectChange
from test_browser_cases import Person
from test_browser_intake import _address
from test_words_not_codes import codes_in, visible_text

FORM = {"channel": "intern", "reporter_kind": "medewerker", "phenomenon": "hennepteelt_drugs",
        "description": "Afgeplakte ramen en wietlucht bij de loods.", "location_text": "de loods"}


def _rows(prefix_total: int, **rows) -> dict:
    data = {"betrokkene-TOTAL_FORMS": str(prefix_total), "betrokkene-INITIAL_FORMS": "0",
            "betrokkene-MIN_NUM_FORMS": "0", "betrokkene-MAX_NUM_FORMS": "10"}
    data.update({f"betrokkene-{key.replace('_', '-', 1)}": value for key, value in rows.items()})
    return data


@pytest.mark.django_db
def test_add_another_row_without_javascript_keeps_what_was_typed(make_user, client):
    user = make_user("beoordelaar")
    client.force_login(user)
    url = reverse("intake:signaal_nieuw")
    assert client.get(url).context["subjects"].total_form_count() == 1
    typed = {**FORM, **_rows(1, **{"0_kind": "persoon", "0_name": "Kees Overwater", "0_birth_year": "1984"}),
             "nog_een_betrokkene": "1"}
    response = client.post(url, typed)
    body = response.content.decode()
    assert response.status_code == 200 and not Signal.objects.filter(reported_by=user).exists()
    assert response.context["subjects"].total_form_count() == 2
    assert 'value="Kees Overwater"' in body and 'value="1984"' in body and "Afgeplakte ramen" in body
    assert "foutmelding" not in body and codes_in(visible_text(body)) == []
    # Ten rows at most: the button goes, the count stays.
    full = client.post(url, {**FORM, **_rows(10), "nog_een_betrokkene": "1"})
    assert full.context["subjects"].total_form_count() == 10
    assert "Nog een betrokkene toevoegen" not in full.content.decode()
    # Registering takes every filled row.
    rows = _rows(3, **{"0_kind": "persoon", "0_name": "Kees Overwater", "0_birth_year": "1984",
                       "1_kind": "persoon", "1_description": "Vrouw met rode jas.", "1_age_from": "30",
                       "1_age_to": "40", "2_kind": "voertuig", "2_kenteken": "AB-123-C"})
    client.post(url, {**FORM, **rows})
    signal = Signal.objects.get(reported_by=user)
    assert list(signal.subjects.order_by("pk").values_list("kind", "birth_year", "age_from", "kenteken")) == [
        ("persoon", 1984, None, ""), ("persoon", None, 30, ""), ("voertuig", None, None, "AB123C")]


@pytest.mark.django_db
def test_the_pages_ask_a_reason_and_change_nothing_without_one(make_user, client):
    beoordelaar = make_user("beoordelaar")
    signal = new_signal(beoordelaar)
    mention = signal.subjects.get()
    client.force_login(beoordelaar)
    add = reverse("intake:betrokkene_toevoegen", args=[signal.reference])
    response = client.post(add, {"kind": "persoon", "name": "Kees Overwater", "birth_year": "1984", "reason": " "})
    assert response.status_code == 422 and "Reden van de wijziging" in response.content.decode()
    remove = reverse("intake:betrokkene_verwijderen", args=[signal.reference, mention.pk])
    assert client.post(remove, {"reason": ""}).status_code == 422
    assert signal.subjects.count() == 1 and not SubjectChange.objects.exists()
    correct = reverse("intake:betrokkene_corrigeren", args=[signal.reference, mention.pk])
    page = client.get(correct).content.decode()
    assert f'value="{mention.name}"' in page  # the form starts from what is known
    response = client.post(correct, {"kind": "persoon", "name": "Geheime Betrokkene", "bsn": mention.bsn,
                                     "age_from": "50", "age_to": "40", "reason": "Leeftijd erbij."})
    assert response.status_code == 422 and "hoger" in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("orm_next_to_playwright")
def test_registering_with_more_rows_then_correcting_and_removing_by_clicks(live_server, browser):
    _address()
    user = Person(browser, live_server.url, "beoordelaar-betrokkenen", ["beoordelaar"])
    page = user.page
    user.open("/signalen/nieuw/", "betrokkenen-formulier")
    page.get_by_label("Hennepteelt en drugs").check()
    page.get_by_label("Omschrijving").fill("Afgeplakte ramen en wietlucht bij de loods.")
    page.get_by_label("Of beschrijf de plek").fill("de loods achter het tankstation")
    page.locator("#id_betrokkene-0-kind").select_option("persoon")
    page.locator("#id_betrokkene-0-name").fill("Verkeerde Naam")
    user.submit(page.get_by_role("button", name="Nog een betrokkene toevoegen"))
    user.check("betrokkenen-extra-regel")
    expect(page.get_by_role("group", name="Betrokkene 2")).to_be_visible()
    page.locator("#id_betrokkene-1-kind").select_option("persoon")
    page.locator("#id_betrokkene-1-description").fill("Man met rode jas, rond de veertig.")
    user.submit(page.get_by_role("button", name="Signaal registreren"))
    user.check("betrokkenen-signaal")
    signal = Signal.objects.get(reported_by__username="beoordelaar-betrokkenen")
    assert signal.subjects.count() == 2

    # Correct the described man (a name came in), remove the wrong one.
    described = signal.subjects.get(name="")
    with page.expect_navigation():
        page.get_by_role("link", name="Corrigeren Persoon").click()
    user.check("betrokkenen-corrigeren")
    page.get_by_label("Of de leeftijd van").fill("35")
    page.get_by_label("Leeftijd tot en met").fill("45")
    page.get_by_label("Reden van de wijziging").fill("De melder schatte de leeftijd.")
    user.submit(page.get_by_role("button", name="Correctie vastleggen"))
    user.check("betrokkenen-gecorrigeerd")
    with page.expect_navigation():
        page.get_by_role("link", name="Verwijderen Verkeerde Naam").click()
    user.check("betrokkenen-verwijderen")
    page.get_by_label("Reden van het verwijderen").fill("Per vergissing vastgelegd.")
    user.submit(page.get_by_role("button", name="Verwijderen"))
    user.check("betrokkenen-verwijderd")
    main = page.locator("main")
    expect(main).to_contain_text("Betrokkene gecorrigeerd: Persoon")
    expect(main).to_contain_text("Gewijzigd: leeftijd van, leeftijd tot en met.")
    expect(main).to_contain_text("Betrokkene verwijderd: Persoon")
    assert "Verkeerde Naam" not in main.inner_text()
    assert list(MentionedSubject.objects.filter(signal=signal).values_list("pk", "age_from", "age_to")) == [
        (described.pk, 35, 45)]
    assert codes_in(visible_text(page.content())) == []
