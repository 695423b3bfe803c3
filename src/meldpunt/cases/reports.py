"""Reports of step 4 for the regisseur: interventions per period, department and instrument, and
the funnel from signal to result with lead times per step. Counts and durations only, no
references or names; as a page, CSV and PDF (one selector feeds all three).

Both start from what the user may see (P1: ``policy.signals_visible_to``, the casussen they may
open) and suppress small counts (P6, as insight.suppression): 1-4 is shown as "<5", and a
total with a hidden part is hidden too, so it cannot give that part away. A lead time over fewer than 5
signals or casussen is not shown (it would describe single cases)."""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from meldpunt import policy
from meldpunt.core.datums import format_month
from meldpunt.insight.suppression import THRESHOLD
from meldpunt.intake.models import Signal
from meldpunt.protocol.models import StateChange
from meldpunt.tenancy import current as current_gemeente
from meldpunt.tenancy.current import gemeente_scope
from meldpunt.web.access import page
from meldpunt.web.forms import DateInput, StyledForm

from . import selectors
from .models import CasusStateChange, Intervention, InterventionStatus

OPEN = [InterventionStatus.GEPLAND, InterventionStatus.IN_UITVOERING]
SUPPRESSED = "<5"


def _small(count: int) -> bool:
    return 0 < count < THRESHOLD


def suppressed(count: int) -> int | str:
    """A count as it may be published (P6): 1-4 becomes "<5", zero stays 0."""
    return SUPPRESSED if _small(count) else count


class PeriodForm(StyledForm):
    van = forms.DateField(label="Van", required=False, widget=DateInput)
    tot = forms.DateField(label="Tot en met", required=False, widget=DateInput)

    def period(self) -> tuple[date, date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("tot") or today
        start = data.get("van") or end - timedelta(days=365)
        return (start, end) if start <= end else (end, start)


def interventions_per_period(user, start: date, end: date, gemeenten=None) -> list[dict]:
    """Per month, department and instrument: added, finished, stopped, open and overdue; of the
    gemeenten the person works for (``gemeenten``, tenancy.current; None = all)."""
    today = timezone.localdate()
    rows = (Intervention.objects.filter(casus__in=current_gemeente.limit(selectors.visible_cases(user), gemeenten),
                                        created_at__date__gte=start, created_at__date__lte=end)
            .annotate(maand=TruncMonth("created_at"))
            .values("maand", "department", "instrument__name")
            .annotate(toegevoegd=Count("id"),
                      afgerond=Count("id", filter=Q(status=InterventionStatus.AFGEROND)),
                      gestopt=Count("id", filter=Q(status=InterventionStatus.GESTOPT)),
                      open=Count("id", filter=Q(status__in=OPEN)),
                      te_laat=Count("id", filter=Q(status__in=OPEN, deadline__lt=today)))
            .order_by("maand", "department", "instrument__name"))
    return [{"maand": r["maand"].strftime("%Y-%m"), "afdeling": r["department"], "instrument": r["instrument__name"],
             **_suppressed_row(r)} for r in rows]


def _suppressed_row(r: dict) -> dict:
    """Toegevoegd = afgerond + gestopt + open: a visible total would give away one hidden part (and
    pin two small ones, 1 + 1), so a total with a hidden part is hidden too. Te laat is a part of
    open, not a sum."""
    parts = ("afgerond", "gestopt", "open")
    row = {k: suppressed(r[k]) for k in ("toegevoegd", *parts, "te_laat")}
    if any(_small(r[k]) for k in parts):
        row["toegevoegd"] = SUPPRESSED
    return row


@dataclass
class FunnelStep:
    step: str
    count: int | str  # suppressed: "<5" for 1-4
    median_days: float | None
    p90_days: float | None


def _step(label: str, count: int, median: float | None, p90: float | None) -> FunnelStep:
    if count < THRESHOLD:
        median = p90 = None  # a lead time of fewer than 5 describes single signals
    return FunnelStep(label, suppressed(count), median, p90)


def _durations(pairs) -> tuple[float | None, float | None]:
    days = sorted((b - a).total_seconds() / 86400 for a, b in pairs if a and b and b >= a)
    if not days:
        return None, None
    p90 = days[min(len(days) - 1, int(round(0.9 * (len(days) - 1))))]
    return round(statistics.median(days), 1), round(p90, 1)


def funnel(user, start: date, end: date, gemeenten=None) -> list[FunnelStep]:
    """Signals received in the period, how far they came, and the lead time of each step (days from
    entering the previous step). Only signals and casussen this user may see (P1); small counts
    suppressed (P6). The steps are nested, not parts of a sum, so no secondary suppression."""
    signals = current_gemeente.limit(policy.signals_visible_to(
        user, Signal.objects.filter(received_at__date__gte=start, received_at__date__lte=end)), gemeenten)
    received = dict(signals.values_list("pk", "received_at"))
    first_at: dict[str, dict[int, object]] = {"zwaarte": {}, "bronnenonderzoek": {}, "casus": {}}
    for signal_id, target, at in (StateChange.objects.filter(signal_id__in=signals.values("pk"),
                                                             target__in=list(first_at))
                                  .order_by("at").values_list("signal_id", "target", "at")):
        first_at[target].setdefault(signal_id, at)
    cases = selectors.visible_cases(user).filter(signal_links__signal_id__in=signals.values("pk")).distinct()
    opened = {c.pk: c.opened_at for c in cases}
    closed = dict(CasusStateChange.objects.filter(casus_id__in=list(opened), target="afgesloten")
                  .order_by("at").values_list("casus_id", "at"))
    steps = [_step("Ontvangen", len(received), None, None)]
    previous = received
    # Step numbers as on the signal page: 1 intake, 2 zwaarte, 3 bronnenonderzoek, 4 casus.
    for key, label in (("zwaarte", "Door intake (stap 1)"), ("bronnenonderzoek", "Naar bronnenonderzoek (stap 3)"),
                       ("casus", "Casus gestart (stap 4)")):
        reached = first_at[key]
        median, p90 = _durations((previous.get(pk), at) for pk, at in reached.items())
        steps.append(_step(label, len(reached), median, p90))
        previous = reached
    median, p90 = _durations((opened[pk], at) for pk, at in closed.items())
    steps.append(_step("Casus afgesloten met resultaat", len(closed), median, p90))
    return steps


KINDS = {
    "interventies": ("Interventies per periode, afdeling en instrument",
                     ["maand", "afdeling", "instrument", "toegevoegd", "afgerond", "gestopt", "open", "te_laat"]),
    "trechter": ("Van signaal tot resultaat, met doorlooptijden",
                 ["stap", "aantal", "mediaan_dagen", "p90_dagen"]),
}
# Column headers in CSV and PDF: words, not the keys above.
HEADERS = {"te_laat": "te laat", "mediaan_dagen": "mediaan (dagen)", "p90_dagen": "90e percentiel (dagen)"}


def _rows(user, kind: str, start: date, end: date, scope=None) -> list[list]:
    if kind == "interventies":
        return [[r[c] for c in KINDS[kind][1]] for r in interventions_per_period(user, start, end, scope)]
    return [[s.step, s.count, s.median_days if s.median_days is not None else "",
             s.p90_days if s.p90_days is not None else ""] for s in funnel(user, start, end, scope)]


@page("casus_rapportages")
def rapportages(request):
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    scope = gemeente_scope(request)
    return render(request, "cases/rapportages.html", {
        "form": form, "start": start, "end": end, "query": f"van={start.isoformat()}&tot={end.isoformat()}",
        "interventions": interventions_per_period(request.user, start, end, scope),
        "funnel": funnel(request.user, start, end, scope)})


@page("casus_rapportages")
def export(request, kind, fmt):
    if kind not in KINDS or fmt not in ("csv", "pdf"):
        raise Http404("Deze rapportage bestaat niet.")
    start, end = PeriodForm(request.GET or None).period()
    title, keys = KINDS[kind]
    columns = [HEADERS.get(key, key) for key in keys]
    rows = _rows(request.user, kind, start, end, gemeente_scope(request))
    name = f"{kind}-{start.isoformat()}-{end.isoformat()}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        if kind == "interventies":  # the CSV keeps 2026-12; a person reads "december 2026"
            rows = [[format_month(row[0]), *row[1:]] for row in rows]
        html = render_to_string("cases/rapportage_print.html", {
            "title": title, "columns": columns, "rows": rows, "start": start, "end": end,
            "printed_at": timezone.localtime()})
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
