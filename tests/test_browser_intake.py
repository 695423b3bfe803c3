"""Browser tests (real HTTP, Chromium) for intake and the first protocol steps: the public form
with its receipt and what it does *not* keep (P5), and a signal through W1–W2B (beoordelaar)
and W3 (teamlid), with accessibility checks (axe) and screenshots in var/screenshots/.

Every test builds the data it needs: a live server flushes the database after each test, so the
demo municipality may be gone by the time these run."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from PIL import Image
from playwright.sync_api import expect

from conftest import axe_violations
from meldpunt.accounts import services as account_services
from meldpunt.intake import services as intake_services
from meldpunt.intake.models import Attachment, MentionedSubject, ReporterContact, Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import services as protocol_services
from meldpunt.protocol.models import Forward, StateChange, Weging
from meldpunt.registries.models import Buurt, Gemeente, Nummeraanduiding, Pand, Verblijfsobject, Wijk

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("orm_next_to_playwright")]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PASSWORD = "een-lang-wachtwoord-voor-tests"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) MeldpuntBrowserTest/7.3 (uniek-ua-kenmerk-4711)"
CAMERA = "CanonTestcamera-XJ9"
WIJK_CODE = "WK099801"
WIJK_NAAM = "Testwijk Browser"


# ---------------------------------------------------------------------------------- helpers


def _context(browser):
    # bypass_csp: axe is injected as a script tag, which the strict CSP would refuse.
    return browser.new_context(bypass_csp=True, locale="nl-NL", user_agent=USER_AGENT,
                               viewport={"width": 1280, "height": 900})


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert violations == [], f"axe op {what}: {summary}"


def _submit(page) -> None:
    """Click the page's own form button (the header holds the logout form) and wait for the answer."""
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/inloggen/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    _submit(page)
    expect(page.locator(".mp-header__user")).to_contain_text(username)


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (96, 64), (180, 40, 40))
    exif = image.getexif()
    exif[0x010F] = CAMERA  # Make
    exif[0x0132] = "2025:05:01 23:14:07"  # DateTime
    gps = exif.get_ifd(0x8825)  # GPS IFD
    gps.update({1: "N", 2: (52.0, 22.0, 31.5), 3: "E", 4: (4.0, 53.0, 12.25)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the test file really carries what must go
        assert check.getexif()[0x010F] == CAMERA
        assert check.getexif().get_ifd(0x8825)
    return data


def _address() -> Nummeraanduiding:
    """A minimal address with a buurt, in a test wijk of its own (the demo data may be flushed)."""
    gemeente, _ = Gemeente.objects.get_or_create(code="GM0998", defaults={"naam": "Testgemeente"})
    wijk, _ = Wijk.objects.get_or_create(code=WIJK_CODE, defaults={"naam": WIJK_NAAM, "gemeente": gemeente})
    buurt, _ = Buurt.objects.get_or_create(code="BU09980101", defaults={"naam": "Testbuurt Browser", "wijk": wijk})
    pand, _ = Pand.objects.get_or_create(identificatie="0998100000000001", defaults={"bouwjaar": 1972})
    address, _ = Nummeraanduiding.objects.get_or_create(identificatie="0998200000000001", defaults={
        "openbare_ruimte": "Loodsweg", "huisnummer": 7, "postcode": "9998ZX", "woonplaats": "Testdorp"})
    Verblijfsobject.objects.get_or_create(identificatie="0998010000000001", defaults={
        "hoofdadres": address, "pand": pand, "oppervlakte": 420, "gebruiksdoel": "industriefunctie",
        "buurt": buurt})
    return address


def _signal(address, description: str) -> Signal:
    return intake_services.create_signal(intake_services.SignalInput(
        channel="intern", reporter_kind="medewerker", phenomenon="hennepteelt_drugs",
        description=description, address=address.pk))


def _step1_wegingen() -> list[protocol_services.WegingInput]:
    common = {"purpose": "Voorkomen van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e"}
    checklist = {"kenmerken": ["openbare_orde"], "verankering": ["betrokkenheid_locatie_netwerk"]}
    return [protocol_services.WegingInput("W1", "ja", "Structureel patroon.", checklist=checklist, **common),
            protocol_services.WegingInput("W2A", "ja", "Handhaving is een gemeentelijke taak.", **common),
            protocol_services.WegingInput("W2B", "ja", "Het adres ligt in onze gemeente.", **common)]


def _no_trace_of(values: object, *needles: str) -> None:
    text = repr(values)
    for needle in needles:
        assert needle not in text, f"{needle!r} gevonden in {text[:300]}"


# ------------------------------------------------------------------------------ public form


def test_public_form_anonymous_signal_keeps_nothing_of_the_sender(live_server, browser):
    cache.clear()  # the public form is throttled per address; start with a clean count
    base = live_server.url
    jpeg = _jpeg_with_exif()
    description = "Elke nacht rond twee uur stopt er een busje bij de loods en worden er zakken uitgeladen."
    before = Signal.objects.count(), Attachment.objects.count()
    context = _context(browser)
    page = context.new_page()
    try:
        page.goto(f"{base}/melden/")
        expect(page.locator("h1")).to_have_text("Meld een vermoeden van ondermijning")
        expect(page.locator("#id_anonymous_0")).to_be_checked()  # anonymous is the default
        _assert_accessible(page, "het meldformulier")
        _shot(page, "intake-formulier")
        # Layout checks axe cannot make: the skip link only shows on focus, and the footer text is
        # white on the red of the Utrecht page footer (axe cannot measure text on a gradient).
        skip = page.locator(".utrecht-skip-link")
        expect(skip).not_to_be_in_viewport()
        page.keyboard.press("Tab")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        assert page.locator("footer p").evaluate("p => getComputedStyle(p).color") == "rgb(255, 255, 255)"

        # 1. No description: a Dutch error, nothing stored.
        page.get_by_label("Drugs of hennepteelt in een woning of pand").check()
        _submit(page)
        expect(page.locator("main .utrecht-alert--error")).to_contain_text("Uw melding is nog niet verstuurd")
        expect(page.locator("#id_description-fout")).to_have_text("Dit veld is vereist.")
        expect(page.locator("#id_description")).to_have_attribute("aria-invalid", "true")
        assert (Signal.objects.count(), Attachment.objects.count()) == before
        _assert_accessible(page, "het meldformulier met een fout")
        _shot(page, "intake-fout-omschrijving")

        # 2. A text file named .jpg: refused by content, with a Dutch message; nothing stored.
        page.fill("#id_description", description)
        page.set_input_files("#id_uploads", files=[
            {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": b"Dit is geen foto maar gewone tekst.\n"}])
        _submit(page)
        expect(page.locator("#id_uploads-fout")).to_contain_text("Dit soort bestand nemen we niet aan")
        expect(page.locator("#id_uploads-fout")).to_contain_text("JPG, PNG of PDF")
        assert (Signal.objects.count(), Attachment.objects.count()) == before
        _assert_accessible(page, "het meldformulier met een geweigerde bijlage")
        _shot(page, "intake-fout-bijlage")

        # 3. The real thing: an anonymous signal with a photo that carries EXIF.
        expect(page.locator("#id_description")).to_have_value(description)  # kept after the refusal
        expect(page.get_by_label("Drugs of hennepteelt in een woning of pand")).to_be_checked()
        page.set_input_files("#id_uploads", files=[
            {"name": "IMG_jan_jansen.jpg", "mimeType": "image/jpeg", "buffer": jpeg}])
        _submit(page)
        page.wait_for_url(f"{base}/melden/bedankt/")
        code = page.locator("#ontvangstcode").inner_text().strip()
        assert len(code) == 14 and code.count("-") == 2
        _assert_accessible(page, "de ontvangstbevestiging")
        _shot(page, "intake-bedankt")

        # The code is shown once: a reload goes back to the form.
        page.goto(f"{base}/melden/bedankt/")
        assert page.url == f"{base}/melden/"
    finally:
        context.close()

    signal = Signal.objects.get(receipt_code=code)
    assert signal.reporter_kind == "anoniem" and signal.channel == "webformulier"
    assert signal.description == description and signal.phenomenon_id == "hennepteelt_drugs"
    assert signal.reported_by is None
    assert not ReporterContact.objects.filter(signal=signal).exists()
    assert not MentionedSubject.objects.filter(signal=signal).exists()

    attachment = Attachment.objects.get(signal=signal)
    assert attachment.original_name == ""
    assert "jan" not in attachment.file.name.lower()
    with attachment.file.open("rb") as handle:
        stored = handle.read()
    assert stored.startswith(b"\xff\xd8\xff") and attachment.content_type == "image/jpeg"
    with Image.open(io.BytesIO(stored)) as image:
        assert len(image.getexif()) == 0
        assert image.size == (96, 64)
    assert CAMERA.encode() not in stored and b"Exif" not in stored and b"2025:05:01" not in stored

    # No IP address or user agent anywhere for it: the rows, the sessions, the processing log.
    needles = ("127.0.0.1", USER_AGENT, "MeldpuntBrowserTest", "IMG_jan_jansen")
    _no_trace_of(Signal.objects.filter(pk=signal.pk).values().get(), *needles)
    _no_trace_of(Attachment.objects.filter(pk=attachment.pk).values().get(), *needles)
    _no_trace_of(list(StateChange.objects.filter(signal=signal).values()), *needles)
    sessions = [(s.session_data, s.get_decoded()) for s in Session.objects.all()]
    _no_trace_of(sessions, *needles)
    _no_trace_of([data for _raw, data in sessions], code)  # the receipt left the session too
    log_lines = list(ProcessingLogEntry.objects.filter(object_type="signal", object_id=str(signal.pk)).values())
    assert log_lines, "het registreren hoort in het verwerkingslog"
    _no_trace_of(log_lines, *needles)


# ------------------------------------------------------------------------- protocol steps


def test_signal_through_step_1_and_step_2_in_the_browser(live_server, browser):
    base = live_server.url
    address = _address()
    beoordelaar = account_services.create_user("beoordelaar-browser", PASSWORD, ["beoordelaar"])
    teamlid = account_services.create_user("teamlid-browser", PASSWORD, ["teamlid"])
    first = _signal(address, "Sterke wietlucht en afgeplakte ramen bij de loods aan de Loodsweg.")
    second = _signal(address, "Busjes met jerrycans rijden 's nachts af en aan bij dezelfde loods.")
    protocol_services.decide(beoordelaar, second, _step1_wegingen(), "intake_doorzetten")
    # The team works on signals assigned to it: that is the involvement that keeps them visible
    # after weging 3 (need to know, P1).
    Signal.objects.filter(pk__in=[first.pk, second.pk]).update(assigned_to=teamlid)

    context = _context(browser)
    page = context.new_page()
    try:
        # --- Beoordelaar: werkvoorraad, signal, step 1.
        _login(page, base, beoordelaar.username)
        assert page.url == f"{base}/werkvoorraad/"
        page.select_option("#id_wijk", WIJK_CODE)
        page.select_option("#id_state", "ontvangen")
        _submit(page)
        rows = page.locator("main table tbody tr")
        expect(rows).to_have_count(1)  # the second signal is in step 2: not the beoordelaar's
        expect(rows.first).to_contain_text(first.reference)
        expect(rows.first).to_contain_text("Testbuurt Browser")
        expect(page.locator("main caption")).to_contain_text("1 signaal,")
        _assert_accessible(page, "de werkvoorraad")
        _shot(page, "intake-werkvoorraad")

        page.get_by_role("link", name=first.reference).click()
        page.wait_for_url(f"{base}/signalen/{first.reference}/")
        expect(page.locator(".mp-badge")).to_have_text("Ontvangen")
        expect(page.locator("main")).to_contain_text("Loodsweg 7")
        _assert_accessible(page, "de signaalpagina")
        _shot(page, "intake-signaal")

        page.get_by_role("link", name="Stap 1: wegen (W1, W2A, W2B)").click()
        page.wait_for_url(f"{base}/signalen/{first.reference}/stap-1/")
        _assert_accessible(page, "stap 1")
        _shot(page, "intake-stap1")
        label = page.locator("label[for=id_w1_reasoning]").bounding_box()
        box = page.locator("#id_w1_reasoning").bounding_box()
        assert label["y"] + label["height"] <= box["y"], "het label hoort boven het tekstvak"

        page.check("#id_w1_decision_0")
        page.check("#id_w1_kenmerken_2")
        page.fill("#id_w1_reasoning", "Hennepteelt in een bedrijfspand: aantasting van de openbare orde.")
        page.check("#id_w2a_decision_0")
        page.fill("#id_w2a_reasoning", "Handhaving Opiumwet art. 13b is een bevoegdheid van de burgemeester.")
        page.check("#id_w2b_decision_0")
        page.fill("#id_w2b_reasoning", "Het pand ligt in onze gemeente.")
        _submit(page)  # without a verankering indicator
        alert = page.locator("main .utrecht-alert--error")
        expect(alert).to_contain_text("ten minste één indicator van situationele en lokale verankering")
        assert not Weging.objects.filter(signal=first).exists()
        first.refresh_from_db()
        assert first.state == "ontvangen" and first.history.count() == 1
        _assert_accessible(page, "stap 1 met fouten")
        _shot(page, "intake-stap1-fout")

        expect(page.locator("#id_w1_decision_0")).to_be_checked()  # what was filled in is kept
        expect(page.locator("#id_w1_reasoning")).not_to_be_empty()
        page.check("#id_w1_verankering_4")
        _submit(page)
        # The signal now waits for the team and leaves the beoordelaar's sight (need to know).
        page.wait_for_url(f"{base}/werkvoorraad/")
        expect(page.locator("main .utrecht-alert").first).to_contain_text(first.reference)
        first.refresh_from_db()
        assert first.state == "zwaarte"
        assert sorted(Weging.objects.filter(signal=first).values_list("type", flat=True)) == ["W1", "W2A", "W2B"]
        _shot(page, "intake-stap1-klaar")

        # --- Teamlid: step 2.
        page.locator("header button[type=submit]").click()  # log out
        page.wait_for_url(f"{base}/inloggen/")
        _login(page, base, teamlid.username)
        page.select_option("#id_wijk", WIJK_CODE)
        _submit(page)
        expect(page.locator("main table tbody tr")).to_have_count(2)
        expect(page.locator("main caption")).to_contain_text("2 signalen,")
        _assert_accessible(page, "de werkvoorraad van het team")

        page.get_by_role("link", name=first.reference).click()
        page.wait_for_url(f"{base}/signalen/{first.reference}/")
        expect(page.locator(".mp-badge")).to_have_text("Bepalen zwaarte")
        timeline = page.locator(".mp-timeline")
        for title in ("Weging 1", "Weging 2A", "Weging 2B", "Status: Bepalen zwaarte"):
            expect(timeline).to_contain_text(title)
        _assert_accessible(page, "de signaalpagina in stap 2")
        _shot(page, "intake-signaal-zwaarte")

        page.get_by_role("link", name="Stap 2: zwaarte bepalen (W3)").click()
        page.wait_for_url(f"{base}/signalen/{first.reference}/stap-2/")
        _assert_accessible(page, "stap 2")
        _shot(page, "intake-stap2")
        page.get_by_label("Geen actie (een jaar versleuteld bewaren)").check()
        page.fill("#id_reasoning", "Te weinig concreet voor verder onderzoek; een jaar bewaren.")
        _submit(page)
        page.wait_for_url(f"{base}/signalen/{first.reference}/")
        expect(page.locator(".mp-badge")).to_have_text("Geen actie (versleuteld)")
        expect(page.locator(".mp-dl")).to_contain_text("Versleuteld bewaard tot")
        expect(page.locator("main")).not_to_contain_text("wietlucht")
        _assert_accessible(page, "een versleuteld signaal")
        _shot(page, "intake-signaal-versleuteld")
        first.refresh_from_db()
        assert first.state == "geen_actie" and first.description == ""
        assert first.sealed is not None and len(bytes(first.sealed)) > 50
        assert b"wietlucht" not in bytes(first.sealed)

        # The other signal: W3 'afdeling' with a forward.
        page.goto(f"{base}/werkvoorraad/?wijk={WIJK_CODE}&state=zwaarte")
        page.get_by_role("link", name=second.reference).click()
        page.get_by_role("link", name="Stap 2: zwaarte bepalen (W3)").click()
        page.wait_for_url(f"{base}/signalen/{second.reference}/stap-2/")
        page.get_by_label("Doorzetten naar een gemeentelijke afdeling").check()
        page.fill("#id_reasoning", "Bouw- en milieuovertredingen: de afdeling VTH neemt de regie.")
        _submit(page)  # no destination chosen yet
        expect(page.locator("main .utrecht-alert--error")).to_contain_text("hoort een doorzending")
        assert not Forward.objects.filter(signal=second).exists()
        _assert_accessible(page, "stap 2 met fouten")
        _shot(page, "intake-stap2-fout")

        page.select_option("#id_doorzending-destination", label="Afdeling Vergunningen, Toezicht en Handhaving")
        for item in ("Fenomeen", "Omschrijving van het signaal", "Locatie (adres of buurt)"):
            expect(page.get_by_label(item, exact=True)).to_be_checked()
        page.fill("#id_doorzending-note", "Graag controle op de milieuvergunning.")
        _submit(page)
        page.wait_for_url(f"{base}/signalen/{second.reference}/")
        expect(page.locator(".mp-badge")).to_have_text("Doorgezet naar afdeling")
        timeline = page.locator(".mp-timeline")
        expect(timeline).to_contain_text("Doorgezonden naar Afdeling Vergunningen, Toezicht en Handhaving")
        expect(timeline).to_contain_text("Weging 3")
        _assert_accessible(page, "een doorgezet signaal")
        _shot(page, "intake-signaal-doorgezet")

        link = page.get_by_role("link", name="Doorzendbrief (PDF)")
        expect(link).to_have_count(1)
        response = page.request.get(base + link.get_attribute("href"))
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
    finally:
        context.close()

    second.refresh_from_db()
    assert second.state == "doorgezet_afdeling"
    sent = Forward.objects.get(signal=second)
    assert sent.destination.code == "afdeling_vth"
    assert sent.items == ["fenomeen", "omschrijving", "locatie"]
    assert sent.content["omschrijving"].startswith("Busjes met jerrycans")
    assert "Loodsweg 7" in sent.content["locatie"]["adres"]
