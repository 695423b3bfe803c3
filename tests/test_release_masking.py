"""The masker of free text under a release (cases.masking, ADR 0021): what it hides, what it keeps,
and how it is built for one casus and one release (cases.items.release_masker)."""

from datetime import date

import pytest

from meldpunt.cases import masking
from meldpunt.cases.items import release_masker, released_content
from meldpunt.cases.masking import Masker, name_terms, number_terms

PERSON = name_terms("Piet van der Berg", masking.PERSOON)
COMPANY = name_terms("Zwartgeld Holding B.V.", masking.BEDRIJF, "onderneming")


def masker(hidden=(), shown=()) -> Masker:
    return Masker(hidden=list(hidden), shown=[t.shown() for t in shown])


@pytest.mark.parametrize("text", [
    "Piet van der Berg", "PIET VAN DER BERG", "piet   van der berg", "Piet van-der-Berg", "Piet.van.der.Berg",
    "Berg, Piet", "P. van der Berg", "Van der Berg", "Be-rg", "B e r g", "Bérg", "berg_piet", "PietvanderBerg",
])
@pytest.mark.unit
def test_a_name_is_masked_whatever_the_case_spacing_or_punctuation(text):
    masked = masker(PERSON).mask(f"Gezien: {text}, gisteren.")
    flat = "".join(c for c in masked.lower() if c.isalpha())
    assert "berg" not in flat and "piet" not in flat, masked
    assert masked.startswith("Gezien: ") and masked.endswith(", gisteren.") and "[persoon]" in masked


@pytest.mark.unit
def test_particles_and_legal_forms_alone_are_not_a_name():
    m = masker(PERSON + COMPANY)
    assert m.mask("Van de winkel naar de Holding B.V.") == "Van de winkel naar de Holding B.V."
    assert m.mask("Zwartgeld Holding B.V. en zwartgeld") == "[bedrijf] en [bedrijf]"


@pytest.mark.unit
def test_known_numbers_in_any_notation():
    m = masker(number_terms("999993653", masking.BSN) + number_terms("87654321", masking.KVK)
               + masking.kenteken_terms("XK12BZ") + masking.date_terms(date(1980, 2, 1)))
    text = "BSN 999 99 3653 / 9999.93.653, KvK 8765-4321, kenteken xk-12-bz, geboren 1-2-1980 of 01 februari 1980"
    assert m.mask(text) == ("BSN [BSN] / [BSN], [KvK-nummer], kenteken [kenteken], geboren [geboortedatum] of "
                            "[geboortedatum]")


@pytest.mark.parametrize(("text", "expected"), [
    ("BSN 111222333 bekend", "BSN [BSN] bekend"),  # passes the elfproef
    ("ordernummer 123456789", "ordernummer 123456789"),  # fails it
    ("KvK 1122 3344", "[KvK-nummer]"),
    ("nummer 11223344", "nummer [KvK-nummer]"),
    ("woont op 1234 AB 56", "woont op [adres]"),
    ("woont op 1234ab 5-a", "woont op [adres]"),
    ("postcode 1234 AB", "postcode [adres]"),
    ("woont op Kerkstraat 12a.", "woont op [adres]."),
    ("kenteken 99-ZZT-9 en AB12CD", "kenteken [kenteken] en [kenteken]"),
    ("bel 06-12345678 of +31 6 1234 5678", "bel [telefoonnummer] of [telefoonnummer]"),
    ("mail a.b@voorbeeld.nl", "mail [e-mailadres]"),
    ("op 01-02-2024 om 12:30 met 2 man", "op 01-02-2024 om 12:30 met 2 man"),
    ("in 2024 zo'n 1000 kg", "in 2024 zo'n 1000 kg"),
])
@pytest.mark.unit
def test_numbers_shaped_like_identifiers_are_masked_and_ordinary_numbers_are_not(text, expected):
    assert masker().mask(text) == expected


@pytest.mark.unit
def test_a_shown_subject_stays_readable_but_a_hidden_namesake_does_not():
    kees = name_terms("Kees Berg", masking.PERSOON)
    m = masker(hidden=PERSON, shown=kees + number_terms("999990019", masking.BSN))
    assert m.mask("Kees Berg (999990019) en Piet van der Berg") == "Kees Berg (999990019) en [persoon]"
    # The surname alone could be either of them: masked.
    assert m.mask("Berg was er") == "[persoon] was er"
    # A shown company keeps a hidden person's surname inside its name.
    m = masker(hidden=name_terms("Jan Zwartgeld", masking.PERSOON), shown=COMPANY)
    assert m.mask("Zwartgeld Holding en Jan") == "Zwartgeld Holding en [persoon]"


@pytest.mark.unit
def test_findings_count_what_is_masked_for_a_warning():
    found = masker(PERSON).findings("Piet van der Berg en Berg, BSN 111222333")
    assert found == {"[persoon]": 2, "[BSN]": 1}
    assert masking.describe(found) == "persoon (2×), BSN"
    assert masker(PERSON).findings("") == {} and masker(PERSON).mask("") == ""


@pytest.mark.unit
def test_accents_and_expanding_letters_map_back_to_the_original_text():
    m = masker(name_terms("Straße", masking.PERSOON) + name_terms("Ömer Çelik", masking.PERSOON))
    assert m.mask("Voor STRASSE en Omer Celik, ‘ja’.") == "Voor [persoon] en [persoon], ‘ja’."


# ------------------------------------------------------------------- built for one casus


@pytest.fixture
def regie(make_user):
    return make_user("regisseur", "teamlid", "beoordelaar")


@pytest.mark.django_db
def test_the_masker_of_a_release_uses_registry_names_a_person_confirmed(regie):
    from factories import open_casus
    from meldpunt.intake.models import MentionedSubject
    from meldpunt.registries.models import LinkJudgement, Onderneming

    casus = open_casus(regie)
    company = Onderneming.objects.order_by("pk").first()
    signal = casus.signal_links.get().signal
    mention = MentionedSubject.objects.create(signal=signal, kind="onderneming", name="de zaak op de hoek")
    LinkJudgement.objects.create(mention=mention, entity_kind="onderneming", entity_key=company.kvk_nummer,
                                 verdict="bevestigd", judged_by=regie)
    text = f"Eigenaar van {company.naam.upper()} (KvK {company.kvk_nummer}) is Geheime Betrokkene."
    masked = release_masker(casus, ["veld:omschrijving"]).mask(text)
    assert company.naam.lower() not in masked.lower() and company.kvk_nummer not in masked
    assert "Geheime" not in masked and "Betrokkene" not in masked
    # Released: the confirmed company stays readable, the person does not.
    masked = release_masker(casus, ["veld:omschrijving", f"betrokkene:{mention.pk}"]).mask(text)
    assert company.naam.upper() in masked and "Geheime" not in masked


@pytest.mark.django_db
def test_the_reporter_is_always_masked_and_a_released_location_is_not(regie):
    from factories import open_casus
    from meldpunt.intake.models import ReporterContact

    casus = open_casus(regie)
    signal = casus.signal_links.get().signal
    ReporterContact.objects.create(signal=signal, name="Mevrouw Melder", phone="0612345678", email="m@x.nl")
    address = signal.address
    where = f"{address.openbare_ruimte} {address.huisnummer}{address.huisletter}"
    type(signal).objects.filter(pk=signal.pk).update(
        description=f"Mevrouw Melder (06 1234 5678) ziet het bij {where}.")
    content = released_content(casus, ["veld:omschrijving", "veld:locatie"])
    text = content.signals[0]["omschrijving"]
    assert "Melder" not in text and "5678" not in text and "[melder]" in text and where in text
    content = released_content(casus, ["veld:omschrijving"])
    assert where not in content.signals[0]["omschrijving"] and content.masks["[adres]"] == 1


def supplied(regie, mention, source_code: str, values: dict):
    """Approved registry details a bronhouder supplied for ``mention`` (as after PC1 and delivery)."""
    from django.utils import timezone

    from meldpunt.protocol.research.models import DetailRequest, DetailState, HitResult, Source, SourceRequest

    now = timezone.now()
    request, _ = SourceRequest.objects.get_or_create(
        signal=mention.signal, source=Source.objects.get(code=source_code),
        defaults={"purpose": "Toets", "requested_by": regie, "requested_at": now, "state": "toegestaan"})
    hit = HitResult.objects.create(request=request, subject=mention, hit=True)
    return DetailRequest.objects.create(hit=hit, fields=list(values), purpose="Toets", requested_by=regie,
                                        requested_at=now, state=DetailState.TOEGESTAAN,
                                        approved_fields=list(values), supplied=values, supplied_by=regie,
                                        supplied_at=now)


@pytest.mark.django_db
def test_supplied_first_names_birth_date_and_resident_bsns_are_masked(regie):
    from factories import open_casus
    from meldpunt.intake.models import MentionedSubject

    casus = open_casus(regie)
    signal = casus.signal_links.get().signal
    person = MentionedSubject.objects.create(signal=signal, kind="persoon", name="de buurman")
    supplied(regie, person, "BRP", {"naam.voornamen": "Jozef Adriaan", "naam.voorvoegsel": "van den",
                                    "naam.geslachtsnaam": "Heuvelrug", "geboorte.datum": "1975-03-14",
                                    "burgerservicenummer": "999993653"})
    address = MentionedSubject.objects.create(signal=signal, kind="adres", name="het pand ernaast")
    # A list of BSNs (as a connector gives it) and several in one text (as a bronhouder types them).
    supplied(regie, address, "BRP", {"ingeschrevenen.burgerservicenummer": ["999990019", "111222333"]})
    other = MentionedSubject.objects.create(signal=signal, kind="adres", name="de loods")
    supplied(regie, other, "BRP", {"ingeschrevenen.burgerservicenummer": "123456782; 100000009"})
    text = ("Jozef (geboren 14-03-1975, ook: 14 maart 1975) heet voluit Jozef Adriaan van den Heuvelrug; "
            "Adriaan woont er met BSN 999990019. Ook 123456782 en 1000.00.009 staan er ingeschreven. "
            "Van den Berg en Van Dam wonen verderop.")
    masked = release_masker(casus, ["veld:omschrijving"]).mask(text)
    flat = "".join(c for c in masked.lower() if c.isalnum())
    for secret in ("jozef", "adriaan", "heuvelrug", "1975", "maart", "999990019", "123456782", "100000009"):
        assert secret not in flat, (secret, masked)
    assert masked.count("[geboortedatum]") == 2 and "[BSN]" in masked, masked
    # The voorvoegsel alone identifies no one: other people's "Van den" and "Van" stay readable.
    assert masked.endswith("Van den Berg en Van Dam wonen verderop."), masked
    # Released: the person's supplied names stay readable.
    masked = release_masker(casus, ["veld:omschrijving", f"betrokkene:{person.pk}"]).mask(text)
    assert "Jozef Adriaan van den Heuvelrug" in masked and "14-03-1975" in masked, masked


@pytest.mark.unit
def test_every_bsn_of_a_supplied_list_becomes_a_term_of_its_own():
    import re

    from meldpunt.cases.items import _supplied_terms

    for value in (["999990019", "123456782"], "999990019, 123456782", "999990019;\n123456782"):
        terms = _supplied_terms({"ingeschrevenen.burgerservicenummer": value}, "adres")
        assert [t.label for t in terms] == [masking.BSN, masking.BSN], value
        assert re.search(terms[0].pattern, "bsn 999 99 0019.") and re.search(terms[1].pattern, "12345.6782")
    # Not identifying, or empty: nothing.
    assert _supplied_terms({"aantalIngeschrevenen": "3", "naam.voornamen": ["", " "]}, "adres") == []


@pytest.mark.unit
def test_a_shorter_hidden_name_is_masked_when_its_longer_form_overlaps_a_shown_one():
    # "Jan Zwartgeld" (hidden) and "Zwartgeld Holding B.V." (shown) overlap; the longer, shown, wins
    # and the hidden first name before it is still masked.
    m = masker(hidden=name_terms("Jan Zwartgeld", masking.PERSOON), shown=COMPANY)
    assert m.mask("Gezien: Jan Zwartgeld Holding B.V.") == "Gezien: [persoon] Zwartgeld Holding B.V."
    # Mask and findings come from one scan of the text.
    assert m.mask_and_count("Jan en Jan Zwartgeld") == ("[persoon] en [persoon]", {"[persoon]": 2})
