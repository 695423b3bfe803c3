"""The ondermijningsbeeld: indicator matrix (P7), snapshots (immutable, versioned, diffed,
scheduled), dashboards, report (PDF with maps), exports, access and no personal data."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime
from types import SimpleNamespace

import duckdb
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from beeld_support import beeld_dir, forget_snapshots
from meldpunt.insight import (
    charts,
    conf,
    dashboards,
    exports,
    kerncijfers,
    pipeline,
    report,
    selectors,
    services,
    storage,
)
from meldpunt.insight.forms import DashboardFilterForm
from meldpunt.insight.hotspots import LEVEL_LABELS
from meldpunt.insight.models import DataSource, Indicator, Snapshot, SnapshotImmutable, Trigger
from meldpunt.insight.pipeline import MEASURES
from meldpunt.insight.validators import stigmatising_terms, validate_not_stigmatising

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def beeld(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two snapshots of the demo municipality (the second diffs against the first)."""
    folder = tmp_path_factory.mktemp("beeld")
    with django_db_blocker.unblock(), beeld_dir(folder):
        forget_snapshots()
        first = services.regenerate(trigger=Trigger.ON_DEMAND)
        second = services.regenerate(trigger=Trigger.ON_DEMAND)
    yield SimpleNamespace(first=first, second=second, folder=folder)
    with django_db_blocker.unblock():
        forget_snapshots()


@pytest.fixture
def snapshots(beeld):
    with beeld_dir(beeld.folder):
        yield beeld.first, beeld.second


@pytest.fixture
def snapshot(snapshots):
    return snapshots[1]


# ------------------------------------------------------------------- indicator matrix, P7


def test_matrix_is_seeded_for_every_phenomenon_with_sources():
    phenomena = list(selectors.matrix())
    with_indicators = [p for p in phenomena if p.indicators.all()]
    assert len(with_indicators) >= 9
    hard = Indicator.objects.filter(kind="hard").count()
    soft = Indicator.objects.filter(kind="zacht").count()
    assert hard >= 8 and soft >= 8
    abc = Indicator.objects.get(code="abc_transacties")
    assert abc.measure == "abc_doorverkopen" and abc.sources.filter(code="kadaster").exists()
    assert DataSource.objects.get(code="netbeheerder").availability == "niet_beschikbaar"


P7_SURFACES_WORDS = ["nationaliteit", "etniciteit", "herkomst", "afkomst", "geboorteland", "migratieachtergrond"]


def test_p7_no_stigmatising_words_in_indicators_scores_or_filters(snapshot):
    texts = []
    for ind in Indicator.objects.all():
        texts += [ind.name, ind.description, ind.measure, ind.reference]
    for src in DataSource.objects.all():
        texts += [src.name, src.legal_note, src.department]
    texts += list(MEASURES.values()) + list(LEVEL_LABELS.values())
    for theme in dashboards.THEMES.values():
        texts += [theme.title, theme.intro]
        form = DashboardFilterForm({}, theme=theme, snapshot=snapshot, gemeenten=[("GM0479", "Zaanstad")])
        for field in form.fields.values():
            texts.append(str(field.label))
            texts += [str(label) for _, label in field.choices]
    texts.append(snapshot.method)
    joined = "\n".join(t for t in texts if t)
    assert stigmatising_terms(joined) == []
    for word in P7_SURFACES_WORDS:
        assert word not in joined.lower()


def test_p7_validator_refuses_a_stigmatising_indicator():
    with pytest.raises(ValidationError):
        validate_not_stigmatising("Aandeel bewoners naar nationaliteit")
    indicator = Indicator(code="x", phenomenon_id="overig", kind="hard", name="Bewoners met migratieachtergrond")
    with pytest.raises(ValidationError):
        indicator.full_clean()


def test_matrix_pages_and_export(client, make_user):
    client.force_login(make_user("analist"))
    response = client.get(reverse("insight:matrix"))
    assert response.status_code == 200 and "Witwassen via vastgoed" in response.content.decode()
    page = client.get(reverse("insight:phenomenon", args=["witwassen_vastgoed"])).content.decode()
    assert "ABC-transacties" in page and "Kadaster" in page and "Beschikbaar in deze gemeente" in page
    assert client.get(reverse("insight:phenomenon", args=["bestaat-niet"])).status_code == 404
    export = client.get(reverse("insight:matrix_export"))
    text = export.content.decode("utf-8-sig")
    rows = list(__import__("csv").reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["fenomeen", "indicator", "soort"]
    assert any(r[1] == "ABC-transacties" and r[4].startswith("Kadaster") for r in rows[1:])


def test_only_analist_and_regisseur_open_the_beeld(client, make_user, snapshot):
    urls = [reverse("web:ondermijningsbeeld"), reverse("insight:matrix"), reverse("insight:dashboard", args=["drugs"]),
            reverse("insight:report"), reverse("insight:export_csv"), reverse("insight:snapshots")]
    client.force_login(make_user("beoordelaar"))
    assert all(client.get(u).status_code == 403 for u in urls)
    client.force_login(make_user("regisseur"))
    assert all(client.get(u).status_code == 200 for u in urls)


# --------------------------------------------------------------------------- snapshots


def test_snapshot_is_immutable(snapshot):
    snap = Snapshot.objects.get(pk=snapshot.pk)
    snap.method = "anders"
    with pytest.raises(SnapshotImmutable):
        snap.save()
    with pytest.raises(SnapshotImmutable):
        Snapshot.objects.filter(pk=snap.pk).update(method="anders")
    with pytest.raises(SnapshotImmutable):
        Snapshot.objects.filter(pk=snap.pk).delete()
    with pytest.raises(SnapshotImmutable):
        snap.delete()
    assert Snapshot.objects.get(pk=snap.pk).method == snapshot.method


def test_snapshot_file_is_sealed_and_a_changed_file_is_refused(snapshot, tmp_path):
    path = storage.verified_path(snapshot)
    assert storage.sha256_of(path) == snapshot.cells_sha256
    assert not path.stat().st_mode & 0o222, "the cell file is read-only"
    forged = Snapshot(pk=snapshot.pk, version=snapshot.version, cells_file=snapshot.cells_file, cells_sha256="0" * 64)
    with pytest.raises(storage.SnapshotFileError):
        storage.verified_path(forged)


def test_snapshots_are_versioned_with_sources_method_and_diff(snapshots):
    first, second = snapshots
    assert second.version == first.version + 1
    assert first.diff == {} and second.diff["vorige_versie"] == first.version
    assert second.diff["gelijk"] > 0 and second.diff["gewijzigd"] == 0  # same data, same picture
    tables = {s["tabel"] for s in second.sources}
    assert {"signalen", "inschrijvingen", "vestigingen", "buurten"} <= tables
    assert "Afscherming" in second.method and second.pipeline_version
    assert second.suppressed_primary > 0 and second.suppressed_secondary > 0
    assert second.periods and second.area_year == 2024


def test_diff_shows_what_changed(snapshots, settings):
    from meldpunt.intake.models import Signal

    first, second = snapshots
    signal = Signal.objects.filter(buurt__isnull=False).order_by("id").first()
    Signal.objects.filter(pk=signal.pk).update(phenomenon_id="zorgfraude" if signal.phenomenon_id != "zorgfraude"
                                               else "omg")
    third = services.regenerate()
    try:
        assert third.diff["vorige_versie"] == second.version
        assert third.diff["gewijzigd"] + third.diff["toegevoegd"] + third.diff["verdwenen"] > 0
    finally:
        storage.verified_path(third).chmod(0o600)


def test_run_due_is_idempotent_and_follows_the_schedule(snapshots, settings):
    settings.MELDPUNT_BEELD_SCHEDULE = "uit"
    assert services.run_due() is None
    settings.MELDPUNT_BEELD_SCHEDULE = "maandelijks"
    made = services.run_due()
    assert made is not None and made.trigger == Trigger.SCHEDULE
    assert services.run_due() is None, "a second run in the same month does nothing"
    later = timezone.make_aware(datetime(2099, 1, 2, 3, 0))
    assert services.is_due(later)
    settings.MELDPUNT_BEELD_SCHEDULE = "elk uur"
    with pytest.raises(ValueError):
        conf.schedule()


def test_command_regenerates_with_progress(snapshots):
    out = io.StringIO()
    call_command("beeld", "regenerate", stdout=out, stderr=io.StringIO())
    call_command("beeld", "status", stdout=out)
    text = out.getvalue()
    assert re.search(r"Momentopname versie \d+ gemaakt", text) and "Schema:" in text


def test_command_takes_a_peildatum_and_refuses_a_bad_one(snapshots):
    """`meldpunt beeld regenerate --peildatum`: the snapshot counts as of that day (issue 12)."""
    call_command("beeld", "regenerate", "--peildatum", "2026-01-15", stdout=io.StringIO(), stderr=io.StringIO())
    assert Snapshot.objects.order_by("-version").first().reference_date == date(2026, 1, 15)
    count = Snapshot.objects.count()
    with pytest.raises(CommandError, match="geen datum"):
        call_command("beeld", "run-due", "--peildatum", "15-01-2026", stdout=io.StringIO())
    assert Snapshot.objects.count() == count


# ---------------------------------------------------------------------- pages and report


@pytest.mark.parametrize("theme", list(dashboards.THEMES))
def test_dashboard_per_theme_with_charts_tables_map_and_hotspots(client, make_user, snapshot, theme):
    client.force_login(make_user("analist"))
    page = client.get(reverse("insight:dashboard", args=[theme]))
    html = page.content.decode()
    assert page.status_code == 200
    # Every chart is drawn, or says in words that there are too few observations (no empty boxes).
    assert html.count('role="img"') + html.count("te weinig waarnemingen voor een grafiek") >= 4
    assert html.count("<path ") == 79, "every buurt of Zaanstad on the map"
    assert "(tabel bij de grafiek)" in html and "(tabel bij de kaart)" in html
    assert "Hotspots" in html and "<style" not in html and "style=" not in html
    assert "Waar staat de gemeente?" in html and "Vergelijkbare gemeenten" in html
    # By default the map and cards show all phenomena together: per buurt that sum is readable
    # where a count per phenomenon mostly is not.
    assert page.context["board"].filters.phenomenon == "*"
    assert "Signalen alle fenomenen" in html and "Kaart: Signalen alle fenomenen in" in html


def test_dashboard_filters_and_bad_filters(client, make_user, snapshot):
    client.force_login(make_user("analist"))
    wijk = "WK047913"
    page = client.get(reverse("insight:dashboard", args=["vastgoed"]),
                      {"gemeente": "GM0479", "wijk": wijk, "periode": snapshot.periods[0],
                       "fenomeen": "woon_adresfraude", "kaart": "adressen_overbewoning"})
    assert page.status_code == 200
    assert "buiten de selectie" in page.content.decode()
    bad = client.get(reverse("insight:dashboard", args=["vastgoed"]), {"periode": "1999", "wijk": "<script>"})
    assert bad.status_code == 200 and "<script>" not in bad.content.decode()
    assert client.get(reverse("insight:dashboard", args=["onbekend"])).status_code == 404


def test_overview_snapshot_pages(client, make_user, snapshot):
    client.force_login(make_user("analist"))
    overview = client.get(reverse("web:ondermijningsbeeld")).content.decode()
    assert f"Versie {snapshot.version}" in overview and "Dashboards per thema" in overview
    detail = client.get(reverse("insight:snapshot", args=[snapshot.version])).content.decode()
    assert "Methode" in detail and snapshot.cells_sha256 in detail


def test_report_pdf_renders_with_maps(snapshot):
    pdf = report.pdf(snapshot)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 5
    assert text.count("Kaart:") >= 4, "one map per theme"
    assert text.count("Legenda") >= 4
    assert "Methode" in text and "Bronnen" in text and "Afscherming" in text
    assert snapshot.reference_date.strftime("%Y") in text
    # The maps are drawn as vector paths: 79 buurten per map, four maps.
    drawn = sum(page.get_contents().get_data().count(b" re\n") + page.get_contents().get_data().count(b" l\n")
                for page in reader.pages if page.get_contents() is not None)
    assert drawn > 4 * 79


# --------------------------------------------------------------------- no personal data


@pytest.fixture
def personal_data():
    from meldpunt.registries.models import Nummeraanduiding, Persoon

    people = list(Persoon.objects.values_list("bsn", "voornamen", "geslachtsnaam")[:400])
    addresses = list(Nummeraanduiding.objects.values_list("identificatie", "postcode", "huisnummer",
                                                          "openbare_ruimte")[:400])
    return people, addresses


def _assert_no_personal_data(text: str, people, addresses):
    for bsn, first, last in people:
        assert bsn not in text
        assert f"{first} {last}" not in text
    for ident, postcode, number, street in addresses:
        assert ident not in text
        assert f"{postcode} {number}" not in text and f"{postcode}{number}" not in text
        assert f"{street} {number}," not in text


def test_no_personal_data_in_snapshot_exports_and_report(client, make_user, snapshot, personal_data):
    people, addresses = personal_data
    path = storage.verified_path(snapshot)
    columns = [r[0] for r in duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
    assert set(columns) == {"level", "area", "parent", "phenomenon", "period", "measure", "dim", "category",
                            "kind", "value", "hidden", "primary_hidden"}
    assert duckdb.sql(f"SELECT count(*) FROM '{path}' WHERE level NOT IN ('buurt', 'wijk', 'gemeente')"
                      ).fetchall()[0][0] == 0
    assert duckdb.sql(f"SELECT count(*) FROM '{path}' WHERE hidden AND value IS NOT NULL").fetchall()[0][0] == 0
    dump = "\n".join(str(r) for r in duckdb.sql(f"SELECT * FROM '{path}'").fetchall())
    csv_text = exports.csv_bytes(snapshot).decode("utf-8-sig")
    json_text = exports.json_bytes(snapshot).decode()
    client.force_login(make_user("analist"))
    html = client.get(reverse("insight:report")).content.decode()
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(report.pdf(snapshot))).pages)
    meta = json.loads(json_text)["ondermijningsbeeld"]
    assert meta["versie"] == snapshot.version and meta["sha256_cellen"] == snapshot.cells_sha256
    for text in (dump, csv_text, json_text, html, pdf_text, json.dumps(snapshot.summary), json.dumps(snapshot.diff)):
        _assert_no_personal_data(text, people, addresses)
    assert "<5" in csv_text and "×" in csv_text


# ------------------------------------------------- issue 14: readable at every size, context


def test_a_chart_without_visible_counts_says_so_instead_of_empty_boxes():
    hidden = selectors.Cell("gemeente", "GM0479", "", "*", "2025", "signalen", "", "*", "telling", None, True, True)
    zero = selectors.missing("gemeente", "GM0479", "signalen")
    sparse = charts.bar_chart("t", "Signalen per jaar", [("2024", hidden), ("2025", zero)])
    assert sparse.sparse and str(sparse.svg) == "" and sparse.rows == [("2024", "<5"), ("2025", "0")]
    shown = selectors.Cell("gemeente", "GM0479", "", "*", "2026", "signalen", "", "*", "telling", 12.0, False, False)
    drawn = charts.bar_chart("t", "Signalen per jaar", [("2024", hidden), ("2026", shown)])
    assert not drawn.sparse and 'role="img"' in str(drawn.svg)


def test_theme_pages_list_hotspots_by_their_own_indicators(snapshot):
    from meldpunt.insight.dashboards import Filters

    lists = {}
    for slug, theme in dashboards.THEMES.items():
        board = dashboards.build(theme, snapshot, Filters("GM0479", "", snapshot.periods[-1], theme.phenomena[0],
                                                          "signalen"))
        own = {pipeline.MEASURES[m] for m in dashboards.theme_measures(theme)}
        for h in board.hotspots:  # every listed reason is one of the theme's own indicators
            assert all(reason.rsplit(" (", 1)[0] in own for reason in h["indicatoren"]), (slug, h)
        lists[slug] = [h["code"] for h in board.hotspots]
        assert board.comparison and board.context_rows, "the CBS context is on every theme page"


def test_theme_pages_differ(snapshot):
    from meldpunt.insight.dashboards import Filters

    lists = {}
    for slug in ("vastgoed", "drugs"):
        theme = dashboards.THEMES[slug]
        board = dashboards.build(theme, snapshot, Filters("GM0479", "", snapshot.periods[-1], theme.phenomena[0],
                                                          "signalen"))
        lists[slug] = [h["code"] for h in board.hotspots]
        own = [MEASURES[m] for m in dashboards.theme_measures(theme)]
        for hotspot in board.hotspots:  # listed for the theme's own indicators, named as reasons
            assert hotspot["indicatoren"] and all(r.startswith(tuple(own)) for r in hotspot["indicatoren"]), hotspot
    assert lists["vastgoed"] and lists["drugs"]
    assert lists["vastgoed"] != lists["drugs"], lists


def test_report_reads_as_a_report(client, make_user, snapshot):
    client.force_login(make_user("analist"))
    html = client.get(reverse("insight:report"), {"versie": snapshot.version}).content.decode()
    for heading in ("Samenvatting", "Wat er veranderde sinds de vorige versie", "Per wijk",
                    "Waar staat de gemeente? Context uit CBS-cijfers"):
        assert heading in html, heading
    assert f"Ten opzichte van versie {snapshot.version - 1}" in html
    assert all(w.naam in html for w in kerncijfers.children("wijk", "GM0479")), "a row per wijk"
