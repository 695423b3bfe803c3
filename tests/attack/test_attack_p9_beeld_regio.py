"""P9 on the regional beeld (ADR 0030 §11): one snapshot of the regio Zaanstreek holds the cells of
Zaanstad, Wormerland and Oostzaan. An analist of some of them exports that snapshot and reads its
version page and report: they get exactly their own gemeenten' cells (the same published,
suppressed values the regio-wide analist gets for those keys) and never a name, code or cell of
another gemeente's area — also not by asking for it in the address."""

from __future__ import annotations

import csv
import io
import json

from django.urls import reverse

from conftest import grant_roles
from meldpunt.accounts import services as account_services
from meldpunt.insight import selectors
from meldpunt.registries.models import Buurt, Wijk
from meldpunt.tenancy.models import Regio, Tenant
from test_beeld_regio import regio_beeld  # noqa: F401 (the fixture)
from test_words_not_codes import visible_text

PASSWORD = "een-lang-wachtwoord-voor-tests"
ZAANSTAD, WORMERLAND, OOSTZAAN = "GM0479", "GM0880", "GM0431"


def _analist(name: str, *codes: str, regio=None):
    if regio is not None:
        return account_services.create_user(name, PASSWORD, ["analist"], regio=regio)
    user = account_services.create_user(name, PASSWORD, ["analist"], gemeente=Tenant.objects.get(code=codes[0]))
    for code in codes[1:]:
        user = grant_roles(user, "analist", gemeente=Tenant.objects.get(code=code))
    return user


def _areas_of(codes) -> dict[str, set[str]]:
    wijken = set(Wijk.objects.filter(gemeente__in=codes).values_list("code", flat=True))
    return {"gemeente": set(codes), "buiten de gemeente": set(codes), "wijk": wijken,
            "buurt": set(Buurt.objects.filter(wijk__in=wijken).values_list("code", flat=True))}


def _csv(client, **params) -> list[dict]:
    response = client.get(reverse("insight:export_csv"), params)
    assert response.status_code == 200, response.status_code
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _json(client, **params) -> dict:
    response = client.get(reverse("insight:export_json"), params)
    assert response.status_code == 200, response.status_code
    return json.loads(response.content)


def _key(row: dict) -> tuple:
    return tuple(row[k] for k in ("gebiedsniveau", "gebiedscode", "fenomeen", "periode", "maat", "dimensie",
                                  "categorie", "soort"))


def test_a_member_only_analist_exports_their_gemeente_of_the_regio_snapshot_and_nothing_else(
        regio_beeld, client):  # noqa: F811 (the fixture, imported)
    regio, snap, _path = regio_beeld
    everything = _analist("analist-zaanstreek", regio=regio)
    client.force_login(everything)
    whole = _csv(client)
    assert {r["gebiedsniveau"] for r in whole} >= {"regio", "gemeente", "wijk", "buurt"}
    assert {r["gebiedscode"] for r in whole if r["gebiedsniveau"] == "gemeente"} == {ZAANSTAD, WORMERLAND, OOSTZAAN}
    published = {_key(r): (r["waarde"], r["afgeschermd"]) for r in whole}
    assert "gemeenten" not in _json(client)["ondermijningsbeeld"]
    assert "de cijfers van" not in visible_text(client.get(reverse("web:ondermijningsbeeld")).content.decode())

    for name, codes in (("analist-zaanstad", (ZAANSTAD,)), ("analist-wormerland", (WORMERLAND,)),
                        ("analist-zaanstad-oostzaan", (ZAANSTAD, OOSTZAAN))):
        user = _analist(name, *codes)
        client.force_login(user)
        allowed = _areas_of(codes)
        # Asking for another gemeente, a regio or an older version in the address changes nothing.
        for params in ({}, {"gemeente": WORMERLAND if ZAANSTAD in codes else ZAANSTAD}, {"regio": regio.code},
                       {"versie": str(snap.version)}):
            rows = _csv(client, **params)
            assert rows, name
            for row in rows:
                level, area = row["gebiedsniveau"], row["gebiedscode"]
                assert level in allowed and area in allowed[level], (name, level, area)
                # The very value (and suppression) the pages of the whole regio publish.
                assert published[_key(row)] == (row["waarde"], row["afgeschermd"]), (name, _key(row))
            assert {r["gebiedscode"] for r in rows if r["gebiedsniveau"] == "gemeente"} == set(codes)
            document = _json(client, **params)
            assert document["ondermijningsbeeld"]["gemeenten"] == sorted(codes)
            assert {(c["gebiedsniveau"], c["gebiedscode"]) for c in document["cellen"]} == \
                {(r["gebiedsniveau"], r["gebiedscode"]) for r in rows}
        response = client.get(reverse("insight:export_csv"))
        names = [Tenant.objects.get(code=c).naam for c in sorted(codes)]  # in the order of their codes
        assert response["Content-Disposition"].endswith(
            f'ondermijningsbeeld-v{snap.version}-{"-".join(n.lower() for n in names)}.csv"')
        # The overview says what the export holds.
        overview = " ".join(visible_text(client.get(reverse("web:ondermijningsbeeld")).content.decode()).split())
        assert f"(de cijfers van {', '.join(names)};" in overview
        others = _areas_of([c for c in (ZAANSTAD, WORMERLAND, OOSTZAAN) if c not in codes])
        text = response.content.decode("utf-8-sig")
        assert not any(f";{area};" in text for area in others["wijk"] | others["buurt"] | others["gemeente"])


def test_the_version_page_and_the_report_name_the_changes_of_the_readers_gemeenten_only(
        regio_beeld, client, monkeypatch):  # noqa: F811 (the fixture, imported)
    regio, snap, _path = regio_beeld
    zaanstad_wijk = Wijk.objects.filter(gemeente=ZAANSTAD).order_by("code").first()
    wormerland_wijk = Wijk.objects.filter(gemeente=WORMERLAND).order_by("code").first()
    zaanstad_buurt = Buurt.objects.filter(wijk=zaanstad_wijk).order_by("code").first()
    wormerland_buurt = Buurt.objects.filter(wijk=wormerland_wijk).order_by("code").first()

    def change(level, area, was, now):
        return {"niveau": level, "gebied": area, "fenomeen": "*", "periode": snap.periods[-1], "maat": "signalen",
                "was": was, "nu": now, "verschil": now - was}

    # The diff as the pipeline writes it for a regio snapshot: changes in every member (a snapshot is
    # immutable: the pages are given this one with the diff in hand).
    snap.diff = {
        "vorige_versie": snap.version - 1 or 1, "toegevoegd": 3, "verdwenen": 0, "gewijzigd": 4, "gelijk": 100,
        "grootste_wijzigingen": [change("gemeente", WORMERLAND, 20, 31), change("wijk", wormerland_wijk.code, 9, 17),
                                 change("wijk", zaanstad_wijk.code, 30, 36), change("gemeente", ZAANSTAD, 90, 95)],
        "hotspots_nieuw": [wormerland_buurt.code, zaanstad_buurt.code], "hotspots_weg": [wormerland_buurt.code]}
    monkeypatch.setattr(selectors, "snapshot", lambda version, scope=None: snap)
    monkeypatch.setattr(selectors, "latest_snapshot", lambda scope=None: snap)

    client.force_login(_analist("analist-zaanstad-versie", ZAANSTAD))
    page = visible_text(client.get(reverse("insight:snapshot", args=[snap.version])).content.decode())
    assert zaanstad_wijk.naam in page and zaanstad_buurt.naam in page and "Zaanstad" in page
    for hidden in (wormerland_wijk.naam, wormerland_wijk.code, wormerland_buurt.naam, wormerland_buurt.code,
                   "Wormerland", WORMERLAND):
        assert hidden not in page, hidden
    report = visible_text(client.get(reverse("insight:report")).content.decode())
    assert zaanstad_wijk.naam in report
    for hidden in (wormerland_wijk.naam, wormerland_buurt.naam, "Wormerland"):
        assert hidden not in report, hidden

    client.force_login(_analist("analist-zaanstreek-versie", regio=Regio.objects.get()))
    page = visible_text(client.get(reverse("insight:snapshot", args=[snap.version])).content.decode())
    assert wormerland_wijk.naam in page and zaanstad_wijk.naam in page and wormerland_buurt.naam in page
