"""Bulk import: CSV (';' or ',') and JSON, all or nothing (P8), with a line-numbered report in Dutch."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meldpunt.accounts.roles import Role
from meldpunt.intake import imports
from meldpunt.intake.imports import BulkImportError, import_signals
from meldpunt.intake.models import MentionedSubject, Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol.models import StateChange
from meldpunt.registries.models import Buurt, Nummeraanduiding

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
URL = "/api/v1/imports"
FUTURE = (timezone.localdate() + timedelta(days=5)).isoformat()


def counts():
    return (Signal.objects.count(), MentionedSubject.objects.count(), StateChange.objects.count(),
            ProcessingLogEntry.objects.count())


@pytest.fixture
def user(make_user):
    return make_user(Role.BEOORDELAAR)


def csv_bytes(rows, delimiter=";"):
    return "\n".join(delimiter.join(row) for row in rows).encode()


def labels(error: BulkImportError):
    return [p.label(error.unit) for p in error.problems]


# -------------------------------------------------------------------------------------- happy paths


def test_csv_with_semicolons(user):
    address = Nummeraanduiding.objects.order_by("pk").first().pk
    buurt = Buurt.objects.order_by("code").first().code
    content = csv_bytes([
        ["omschrijving", "fenomeen", "datum", "locatie", "adres", "buurt", "kanaal", "soort melder"],
        ["Hennepgeur uit de schuur achter de boerderij.", "hennepteelt_drugs", "2025-03-01", "schuur", address, "",
         "", ""],
        ["Vaten en jerrycans in het bos gedumpt.", "drugslab_buitengebied", "02-03-2025", "bosrand", "", buurt,
         "data_analyse", "medewerker"],
    ])
    before = Signal.objects.count()
    signals = import_signals(user, "mma-week-10.csv", content)
    assert Signal.objects.count() == before + 2
    first, second = signals
    assert (first.channel, first.reporter_kind, first.address_id) == ("import", "mma", address)
    assert first.occurred_on.isoformat() == "2025-03-01" and first.state == "ontvangen"
    assert (second.channel, second.reporter_kind, second.buurt_id) == ("data_analyse", "medewerker", buurt)
    assert second.occurred_on.isoformat() == "2025-03-02"


def test_csv_with_commas_quotes_and_a_bom(user):
    text = ('\ufeffOmschrijving,Fenomeen,Soort_melder\r\n'
            '"Veel mensen in één woning, steeds andere namen op de bel.",woon_adresfraude,mma\r\n'
            '"Zaak zonder klanten; alleen contant, ""gesloten"" overdag.",malafide_onderneming,\r\n')
    signals = import_signals(user, "export.csv", text.encode())
    assert [s.phenomenon_id for s in signals] == ["woon_adresfraude", "malafide_onderneming"]
    assert signals[0].description.startswith("Veel mensen in één woning, steeds")
    assert '"gesloten"' in signals[1].description


def test_json(user):
    content = json.dumps([
        {"omschrijving": "Busjes halen om vijf uur groepen arbeiders op.", "fenomeen": "arbeidsuitbuiting",
         "datum": "2025-01-15"},
        {"omschrijving": "Clubhuis met camera's en intimidatie van buren.", "fenomeen": "omg", "soortMelder": "mma"},
    ]).encode()
    signals = import_signals(user, "lijst.json", content)
    assert [s.phenomenon_id for s in signals] == ["arbeidsuitbuiting", "omg"]
    assert all(s.channel == "import" for s in signals)


# ------------------------------------------------------------------------------------ all or nothing


def test_one_bad_row_among_good_rows_stores_nothing_and_names_the_lines(user):
    content = csv_bytes([
        ["omschrijving", "fenomeen", "datum"],                                          # line 1
        ["Hennepgeur uit de schuur achter de boerderij.", "hennepteelt_drugs", ""],    # line 2
        ["", "hennepteelt_drugs", ""],                                                  # line 3: no description
        ["Vaten en jerrycans in het bos gedumpt.", "drugslab_buitengebied", ""],       # line 4
        ["Een zaak waar nooit klanten komen.", "ufo", FUTURE],                          # line 5: two problems
        ["Veel mensen in een kleine woning.", "woon_adresfraude", "31-02-2025"],        # line 6: no such date
    ])
    before = counts()
    with pytest.raises(BulkImportError) as caught:
        import_signals(user, "signalen.csv", content)
    assert counts() == before
    error = caught.value
    assert sorted(labels(error)) == ["regel 3: omschrijving", "regel 5: datum", "regel 5: fenomeen",
                                     "regel 6: datum"]
    assert "4 fouten in 3 regels" in error.summary() and "niets opgeslagen" in error.summary()
    assert all(line.startswith("regel ") for line in error.report())


def test_line_numbers_follow_the_file_with_blank_lines_and_multiline_fields(user):
    text = ("omschrijving;fenomeen\n"                                 # 1
            "\n"                                                       # 2 (blank)
            '"Eerste regel van de omschrijving\nen de tweede regel.";overig\n'  # 3-4
            "Te kort;overig\n")                                        # 5
    with pytest.raises(BulkImportError) as caught:
        import_signals(user, "signalen.csv", text.encode())
    assert labels(caught.value) == ["regel 5: omschrijving"]


def test_json_reports_item_positions(user):
    content = json.dumps([
        {"omschrijving": "Busjes halen om vijf uur groepen arbeiders op.", "fenomeen": "arbeidsuitbuiting"},
        {"omschrijving": "kort", "fenomeen": "arbeidsuitbuiting"},
        {"omschrijving": "Een bedrijfspand zonder ramen waar mensen slapen.", "adres": "12345"},
    ]).encode()
    before = counts()
    with pytest.raises(BulkImportError) as caught:
        import_signals(user, "lijst.json", content)
    assert counts() == before
    assert labels(caught.value) == ["item 2: omschrijving", "item 3: adres"]


@pytest.mark.parametrize("filename, content, expected", [
    ("a.csv", b"", "leeg"),
    ("a.csv", b"omschrijving;fenomeen\n", "geen signalen"),
    ("a.csv", b"omschrijving;kleur\nIets langs de weg gezien.;rood\n", "Onbekende kolom"),
    ("a.csv", b"fenomeen\novertig\n", "Verplichte kolom ontbreekt: omschrijving"),
    ("a.csv", "omschrijving\nZorgbureau zonder zichtbare zorg.\n".encode("utf-16"), "UTF-8"),
    ("a.json", b'{"omschrijving": "x"}', "lijst"),
    ("a.json", b"[{", "geen geldige JSON"),
    ("a.json", b'[{"omschrijving": "Zorgbureau zonder zichtbare zorg.", "kleur": "rood"}]', "Onbekend veld"),
    ("a.json", b'["tekst"]', "object"),
    ("a.json", b"[" * 100_000, "genest"),
    ("a.csv", b'omschrijving;fenomeen\n"Niet afgesloten aanhalingsteken;overig\n', "CSV"),
    ("a.csv", b"omschrijving;kanaal\nZorgbureau zonder zichtbare zorg.;webformulier\n", "import of data_analyse"),
    ("a.csv", b"omschrijving;soort melder\nZorgbureau zonder zichtbare zorg.;buurman\n", "soort melder"),
    ("a.csv", b"omschrijving\nZorgbureau zonder zichtbare zorg.;extra veld\n", "meer velden"),
])
def test_malformed_files_store_nothing(user, filename, content, expected):
    before = counts()
    with pytest.raises(BulkImportError) as caught:
        import_signals(user, filename, content)
    assert counts() == before
    assert expected in " ".join(caught.value.report()) + caught.value.summary()


def test_limits(user, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    rows = [["omschrijving"]] + [[f"Signaal nummer {i} over een verdachte loods."] for i in range(3)]
    with pytest.raises(BulkImportError, match="meer dan 2 signalen"):
        import_signals(user, "a.csv", csv_bytes(rows))
    with pytest.raises(BulkImportError, match="meer dan 2 signalen"):
        import_signals(user, "a.json", json.dumps([{"omschrijving": r[0]} for r in rows[1:]]).encode())
    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    with pytest.raises(BulkImportError, match="te groot"):
        import_signals(user, "a.csv", b"omschrijving\n" + b"x" * 200)


# --------------------------------------------------------------------------------------------- API


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_api_imports_a_file(client, user):
    client.force_login(user)
    content = csv_bytes([["omschrijving", "fenomeen"],
                         ["Hennepgeur uit de schuur achter de boerderij.", "hennepteelt_drugs"],
                         ["Vaten en jerrycans in het bos gedumpt.", "drugslab_buitengebied"]], ",")
    response = client.post(URL, {"bestand": upload("import.csv", content)})
    assert response.status_code == 201, response.content
    assert response["API-Version"] == settings.MELDPUNT_API_VERSION
    body = response.json()
    assert body["aantal"] == 2 and len(body["kenmerken"]) == 2
    assert set(Signal.objects.filter(reference__in=body["kenmerken"]).values_list("channel", flat=True)) == {"import"}


def test_api_reports_the_lines_and_stores_nothing(client, user):
    client.force_login(user)
    content = csv_bytes([["omschrijving", "fenomeen"],
                         ["Hennepgeur uit de schuur achter de boerderij.", "hennepteelt_drugs"],
                         ["", "hennepteelt_drugs"],
                         ["Vaten en jerrycans in het bos gedumpt.", "ufo"]])
    before = counts()
    response = client.post(URL, {"bestand": upload("import.csv", content)})
    assert counts() == before
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["title"] == "Ongeldige invoer" and "niets opgeslagen" in body["detail"]
    assert [p["name"] for p in body["invalidParams"]] == ["regel 3: omschrijving", "regel 4: fenomeen"]
    assert all(p["reason"] for p in body["invalidParams"])


def test_api_refusals_store_nothing(client, make_user, user):
    before = counts()
    content = b"omschrijving\nHennepgeur uit de schuur achter de boerderij.\n"
    assert client.post(URL, {"bestand": upload("a.csv", content)}).status_code in (401, 403)
    for roles in ([Role.MELDER_INTERN], [Role.TEAMLID], [Role.ANALIST]):
        client.force_login(make_user(*roles))
        response = client.post(URL, {"bestand": upload("a.csv", content)})
        assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    client.force_login(user)
    response = client.post(URL, {})
    assert response.status_code == 400 and response.json()["invalidParams"][0]["name"] == "bestand"
    response = client.post(URL, data=json.dumps([{"omschrijving": "x"}]), content_type="application/json")
    assert response.status_code == 415 and response["Content-Type"] == PROBLEM
    response = client.post(URL, {"bestand": upload("a.csv", b"\x00\xff" * 10)})
    assert response.status_code == 400 and response.json()["invalidParams"][0]["name"] == "bestand"
    assert counts() == before


def test_api_refuses_an_oversize_file(client, user, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 1000)
    client.force_login(user)
    before = counts()
    response = client.post(URL, {"bestand": upload("a.csv", b"omschrijving\n" + b"x" * 2000)})
    assert response.status_code == 400 and "te groot" in response.json()["invalidParams"][0]["reason"]
    assert counts() == before
