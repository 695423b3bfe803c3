"""Pages of the ondermijningsbeeld. Thin: figures come from selectors and dashboards, access from
the policy (page rule "ondermijningsbeeld": analist — also for management — and regisseur).
Everything shown is aggregate; there is no page with personal data here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from meldpunt import policy
from meldpunt.core import csvexport
from meldpunt.web.access import page

from . import beeldcache, dashboards, exports, kerncijfers, regional, report, selectors, tasks
from .forms import DashboardFilterForm
from .models import Availability, IndicatorKind
from .pipeline import MEASURES


def _my_gemeenten(request, snap) -> list[tuple[str, str]]:
    """The gemeenten of ``snap`` whose cells this user reads (ADR 0030 §11): where they hold a beeld
    role. A regio's snapshot holds every member's cells; the others are never shown."""
    mine = policy.beeld_gemeenten(request.user)
    return [(code, naam) for code, naam in selectors.snapshot_gemeenten(snap) if code in mine]


def _chosen(request, gemeenten) -> str:
    asked = request.GET.get("gemeente")
    return asked if asked in dict(gemeenten) else gemeenten[0][0]


@page("ondermijningsbeeld")
def overview(request):
    snap = selectors.latest_snapshot()
    context = {"snapshot": snap, "themes": dashboards.THEMES.values(), "phenomena": selectors.matrix()}
    if snap is not None:
        gemeenten = _my_gemeenten(request, snap)
        context["gemeenten"] = gemeenten
        context["may_see_regio"] = bool(snap.regio_id) and policy.may_open_regional_beeld(request.user, snap.regio_id)
        # What the export holds for this reader (see ``export``): their gemeenten, or the whole regio.
        context["export_gemeenten"] = [naam for _code, naam in _export_gemeenten(request, snap) or []]
        if gemeenten:
            code = _chosen(request, gemeenten)
            context.update(beeldcache.remember(snap, ("overzicht", code), lambda: _overview_figures(snap, code,
                                                                                                  gemeenten)))
    return render(request, "insight/overview.html", context)


def _overview_figures(snap, code: str, gemeenten) -> dict:
    """The overview's figures for one gemeente: the same for everyone, so kept per snapshot."""
    cells = {c.measure: c for c in selectors.cells(snap, level="gemeente", area=code, phenomenon="*",
                                                    dim="", category="*") if c.period in ("actueel",
                                                                                           snap.periods[-1])}
    return {
        "gemeente": dict(gemeenten)[code],
        "cards": [(MEASURES[m], cells[m].display if m in cells else "0")
                  for m in ("signalen", "casussen", "interventies", "cbs_inwoners", "adressen")],
        "latest_period": snap.periods[-1] if snap.periods else "",
        # ADR 0030 §11: the gemeente's own signals about an address elsewhere, suppressed like any count.
        "outside": [(MEASURES[m], shown) for m, shown in
                    selectors.outside(snap, code, snap.periods[-1] if snap.periods else "actueel").items()],
        "comparison": kerncijfers.compare(code),
        "comparison_text": kerncijfers.describe(code),
        "context_labels": [label for label, _unit in kerncijfers.INDICATORS.values()],
        "context_rows": [(w.code, w.naam, [kerncijfers.fmt(v) for v in w.figures.values()])
                         for w in kerncijfers.children("wijk", code)],
    }


def _theme(slug: str) -> dashboards.Theme:
    theme = dashboards.THEMES.get(slug)
    if theme is None:
        raise Http404("Dit thema bestaat niet.")
    return theme


@page("ondermijningsbeeld")
def dashboard(request, theme):
    theme = _theme(theme)
    snap = selectors.latest_snapshot()
    gemeenten = _my_gemeenten(request, snap) if snap is not None else []
    if not gemeenten:
        return _none_yet(request, theme.title)
    form = DashboardFilterForm(request.GET or None, theme=theme, snapshot=snap, gemeenten=gemeenten)
    board = dashboards.cached_build(theme, snap, form.filters())
    return render(request, "insight/dashboard.html", {"board": board, "form": form, "theme": theme,
                                                      "themes": dashboards.THEMES.values(), "snapshot": snap})


@page("ondermijningsbeeld")
def matrix(request):
    return render(request, "insight/matrix.html", {"phenomena": selectors.matrix(), "kinds": IndicatorKind})


@page("ondermijningsbeeld")
def phenomenon(request, code):
    item = selectors.phenomenon(code)
    if item is None:
        raise Http404("Dit fenomeen bestaat niet.")
    return render(request, "insight/phenomenon.html", {
        "phenomenon": item, "measures": MEASURES, "availability": dict(Availability.choices)})


@page("ondermijningsbeeld")
def matrix_export(request):
    availability = dict(Availability.choices)
    header = ["fenomeen", "indicator", "soort", "toelichting", "vindplaats", "eigenaar", "juridische notitie",
              "beschikbaarheid", "maat in het beeld", "gewicht hotspotscore"]
    rows = [
        [phen.name, indicator.name, indicator.get_kind_display(), indicator.description,
         source.name if source else "", source.department if source else "", source.legal_note if source else "",
         availability.get(source.availability, "") if source else "",
         MEASURES.get(indicator.measure, ""), str(indicator.hotspot_weight).replace(".", ",")]
        for phen in selectors.matrix()
        for indicator in phen.indicators.all()
        for source in (list(indicator.sources.all()) or [None])
    ]
    return csvexport.response(f"indicatormatrix-{timezone.localdate():%Y%m%d}.csv", header, rows)


@page("ondermijningsbeeld")
def regio(request):
    found = regional.requested_regio(request.GET.get("regio"))
    # ADR 0030 §11: the regio side by side only for a regio-wide analist or the beeld role in every member.
    if found is not None and not policy.may_open_regional_beeld(request.user, found):
        raise PermissionDenied(f"Het beeld van de regio {found.naam} ziet alleen wie het beeld van elke gemeente "
                               "van de regio mag zien.")
    board = regional.table(found) if found else None
    return render(request, "insight/regio.html", {"regio": found, "board": board,
                                                  "themes": dashboards.THEMES.values()})


@page("ondermijningsbeeld")
def snapshots(request):
    return render(request, "insight/snapshots.html", {"snapshots": selectors.snapshots()[:50],
                                                      "may_regenerate": policy.may_open(request.user, "beeld_maken")})


@page("beeld_maken")
@require_POST
def new_snapshot(request):
    """'Nieuw beeld maken': a background job (meldpunt.jobs); its page shows the progress, and in
    the embedded default the finished result at once. A run already going is shown, not doubled."""
    run = tasks.beeld_maken.start(user=request.user, user_id=request.user.pk)
    return redirect("jobs:taak", run.pk)


@page("ondermijningsbeeld")
def snapshot_detail(request, version):
    snap = selectors.snapshot(version)
    if snap is None:
        raise Http404("Deze versie bestaat niet.")
    # A regio's snapshot holds every member's areas: name only those of the user's gemeenten (§11).
    diff = selectors.visible_diff(snap.diff, policy.beeld_gemeenten(request.user))
    names = selectors.area_names({c["gebied"] for c in diff["grootste_wijzigingen"]} | set(diff["hotspots_nieuw"]))
    return render(request, "insight/snapshot.html", {"snapshot": snap, "diff": diff, "names": names,
                                                     "measures": MEASURES})


def _requested_snapshot(request):
    """The snapshot asked for (?versie=), else the latest; None when none was made yet."""
    version = request.GET.get("versie")
    if version:
        snap = selectors.snapshot(int(version)) if version.isdigit() else None
        if snap is None:
            raise Http404("Deze versie van het ondermijningsbeeld bestaat niet.")
        return snap
    return selectors.latest_snapshot()


def _none_yet(request, title):
    return render(request, "insight/no_snapshot.html", {
        "title": title, "may_regenerate": policy.may_open(request.user, "beeld_maken")})


@page("ondermijningsbeeld")
def report_html(request):
    snap = _requested_snapshot(request)
    gemeenten = _my_gemeenten(request, snap) if snap is not None else []
    if not gemeenten:
        return _none_yet(request, "Rapport ondermijningsbeeld")
    return render(request, "insight/report_page.html", report.context(snap, _chosen(request, gemeenten)))


@page("ondermijningsbeeld")
def report_pdf(request):
    snap = _requested_snapshot(request)
    gemeenten = _my_gemeenten(request, snap) if snap is not None else []
    if not gemeenten:
        return _none_yet(request, "Rapport ondermijningsbeeld")
    response = HttpResponse(report.pdf(snap, _chosen(request, gemeenten)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ondermijningsbeeld-v{snap.version}.pdf"'
    return response


def _export_gemeenten(request, snap) -> list[tuple[str, str]] | None:
    """The gemeenten whose cells the export holds for this reader; None: every cell of ``snap``
    (every gemeente, and the regio level only for whom the regional beeld opens, ADR 0030 §11)."""
    mine = _my_gemeenten(request, snap)
    whole = len(mine) == len(selectors.snapshot_gemeenten(snap)) and (
        not snap.regio_id or policy.may_open_regional_beeld(request.user, snap.regio_id))
    return None if whole else mine


@page("ondermijningsbeeld")
def export(request, fmt):
    snap = _requested_snapshot(request)
    if snap is None:
        return _none_yet(request, "Export ondermijningsbeeld")
    # A regio's snapshot holds every member's cells (ADR 0030 §11): the export holds the cells of the
    # gemeenten whose beeld this user reads — all of them (and the regio level) only for whom the
    # regional beeld opens.
    if not _my_gemeenten(request, snap):
        raise PermissionDenied("Dit beeld bevat geen cijfers van een gemeente waarvoor u het beeld inziet.")
    only = _export_gemeenten(request, snap)
    gemeenten = None if only is None else [code for code, _naam in only]
    if fmt == "csv":
        response = HttpResponse(exports.csv_bytes(snap, gemeenten), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.json_bytes(snap, gemeenten), content_type="application/json")
    names = "" if only is None else "-" + "-".join(slugify(naam) for _code, naam in only)
    response["Content-Disposition"] = f'attachment; filename="ondermijningsbeeld-v{snap.version}{names}.{fmt}"'
    return response
