"""Reports of step 4: interventions per period, department and instrument, and the funnel from
signal to result with lead times; as page, CSV and PDF, aggregates only, for the regisseur."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from factories import SECRET_NAME, open_casus, run_to_uitvoering
from meldpunt.cases import interventions, reports, services
from meldpunt.privacy.retention.models import ResultClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def result_class(db):
    return ResultClass.objects.filter(active=True, applies_to="casus").order_by("pk").first() or \
        ResultClass.objects.create(code="handhaving-test", name="Handhaving uitgevoerd", selectielijst_item="12.2",
                                   term_months=120, applies_to="casus")


@pytest.fixture
def done(make_user, result_class):
    regie, pf = make_user("regisseur", "teamlid", "beoordelaar"), make_user("privacyfunctionaris")
    casus = open_casus(regie)
    uitvoerder = make_user("uitvoerder")
    action = run_to_uitvoering(regie, pf, casus, make_user("deelnemer"), uitvoerder)
    interventions.report(uitvoerder, action, "in_uitvoering", "Gestart.")
    interventions.report(uitvoerder, action, "afgerond", result="Gesloten.")
    services.transition(regie, casus, "monitoren")
    services.close(regie, casus, result_class, "Goed verlopen.")
    return regie, casus


def test_reports_count_interventions_and_the_funnel(done):
    regie, casus = done
    start, end = reports.PeriodForm().period()
    (row,) = [r for r in reports.interventions_per_period(regie, start, end) if r["instrument"].startswith("Sluiting")]
    # One intervention: a small count, shown as "<5" (P6); zero stays 0.
    assert row["toegevoegd"] == "<5" and row["afgerond"] == "<5" and row["open"] == 0 and row["gestopt"] == 0
    steps = {s.step: s for s in reports.funnel(regie, start, end)}
    assert steps["Casus gestart (stap 4)"].count not in (0, 1)
    closed = steps["Casus afgesloten met resultaat"]
    assert closed.count == "<5" and closed.median_days is None and closed.p90_days is None


def test_report_page_csv_and_pdf_show_no_persons(client, done, make_user):
    regie, casus = done
    client.force_login(regie)
    page = client.get(reverse("cases:rapportages")).content.decode()
    assert "Sluiting drugspand" in page and SECRET_NAME not in page and casus.reference not in page
    csv_text = client.get(reverse("cases:rapportage_export", args=["interventies", "csv"])).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("maand;afdeling;instrument") and SECRET_NAME not in csv_text
    pdf = client.get(reverse("cases:rapportage_export", args=["trechter", "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Ontvangen" in text and SECRET_NAME not in text
    assert client.get(reverse("cases:rapportage_export", args=["onbekend", "csv"])).status_code == 404
    client.force_login(make_user("analist"))
    assert client.get(reverse("cases:rapportages")).status_code == 403


def test_the_funnel_counts_only_what_the_user_may_see(done, make_user):
    regie, casus = done
    start, end = reports.PeriodForm().period()
    other = make_user("regisseur")
    steps = {s.step: s for s in reports.funnel(other, start, end)}
    assert steps["Casus afgesloten met resultaat"].count == 0  # not their casus, not their signals
    assert steps["Casus gestart (stap 4)"].count == 0
    assert steps["Ontvangen"].count != 0  # signals in the regie states they do read
    assert all(s.count == 0 for s in reports.funnel(make_user("teamlid"), start, end)[3:])


def test_small_counts_are_suppressed_and_totals_do_not_reveal_them():
    row = reports._suppressed_row({"toegevoegd": 9, "afgerond": 2, "gestopt": 0, "open": 7, "te_laat": 6})
    assert row == {"toegevoegd": "<5", "afgerond": "<5", "gestopt": 0, "open": 7, "te_laat": 6}
    row = reports._suppressed_row({"toegevoegd": 7, "afgerond": 1, "gestopt": 1, "open": 5, "te_laat": 0})
    assert row["toegevoegd"] == "<5" and row["afgerond"] == row["gestopt"] == "<5"
    row = reports._suppressed_row({"toegevoegd": 12, "afgerond": 5, "gestopt": 0, "open": 7, "te_laat": 3})
    assert row == {"toegevoegd": 12, "afgerond": 5, "gestopt": 0, "open": 7, "te_laat": "<5"}
    assert [reports.suppressed(n) for n in (0, 1, 4, 5)] == [0, "<5", "<5", 5]
