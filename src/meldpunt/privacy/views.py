"""The FG's pages (toezicht): the processing log and the security log, to search and export.

Read only: every view answers GET (and HEAD) and nothing else. Reads go through selectors,
which apply the policy; each page or export of log lines is itself logged (selectors.log_reading).
"""


from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from meldpunt.core import csvexport
from meldpunt.web.access import page

from . import ldv, selectors
from .forms import ProcessingLogForm, SecurityLogForm

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


@require_safe
@page("toezicht")
def toezicht(request):
    return render(request, "privacy/toezicht.html", {"heads": selectors.chain_heads(request.user)})


def _processing_form(request):
    register = selectors.activities().values()
    choices = sorted({(a.code, a.name) for a in register}, key=lambda c: c[1])
    return ProcessingLogForm(request.GET or None, staff=selectors.staff_choices(request.user), activities=choices)


def _page_of(request, lines):
    pages = Paginator(lines, PAGE_SIZE)
    current = pages.get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return current, query.urlencode()


@require_safe
@page("toezicht")
def verwerkingslog(request):
    form = _processing_form(request)
    filters = form.to_filter()
    current, query = _page_of(request, selectors.processing_log(request.user, filters))
    lines = selectors.with_names(list(current.object_list))
    selectors.log_reading(request.user, lines, "verwerkingslog_inzien", filters=filters)
    return render(request, "privacy/verwerkingslog.html", {
        "form": form, "page": current, "lines": lines, "query": query, "searched": bool(request.GET)})


@require_safe
@page("toezicht")
def beveiligingslog(request):
    form = SecurityLogForm(request.GET or None, staff=selectors.staff_choices(request.user))
    current, query = _page_of(request, selectors.security_log(request.user, form.to_filter()))
    lines = selectors.with_names(list(current.object_list))
    selectors.log_reading(request.user, lines, "beveiligingslog_inzien")
    return render(request, "privacy/beveiligingslog.html", {
        "form": form, "page": current, "lines": lines, "query": query, "searched": bool(request.GET)})


@require_safe
@page("toezicht")
def verwerking(request, trace_id: str):
    """One processing followed across all its spans (Logboek Dataverwerkingen: one trace)."""
    if not ldv.TRACE_ID.fullmatch(trace_id):
        raise Http404("Deze verwerking bestaat niet.")
    actions = selectors.trace_actions(request.user, trace_id)
    if not actions:
        raise Http404("Over deze verwerking staan geen regels in het verwerkingslog.")
    lines = [line for action in actions for line in action.lines]
    selectors.log_reading(request.user, lines, "verwerking_volgen")
    foreign = next((line for line in lines if line.foreign_processor or line.foreign_trace_id), None)
    return render(request, "privacy/verwerking.html", {
        "actions": actions, "trace_id": trace_id, "foreign": foreign, "count": len(lines),
        "requests": len({action.parent_span_id for action in actions})})


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


PROCESSING_COLUMNS = ["regel", "tijdstip", "medewerker", "rol", "handeling", "verwerkingsactiviteit", "versie",
                      "grondslag", "reden", "welke gegevens", "soort betrokkene", "betrokkene (pseudoniem)",
                      "object", "status", "trace-id", "span-id", "externe trace-id", "externe span-id",
                      "span-id van de handeling", "bovenliggende span-id", "externe partij",
                      "verwerkingsactiviteit (URI)", "systeem"]


@require_safe
@page("toezicht")
def verwerkingslog_export(request):
    filters = _processing_form(request).to_filter()
    lines = selectors.processing_log(request.user, filters)
    rows = []
    for chunk in _chunks(lines[:EXPORT_LIMIT]):
        for line in selectors.with_names(chunk):
            activity = line.activity
            rows.append([
                line.seq, _when(line.started_at), line.username_now, line.role, line.action,
                activity.name if activity else line.activity_code, line.activity_version,
                activity.legal_basis if activity else "", line.basis, line.data_categories,
                line.get_subject_type_display(), line.subject_pseudonym, line.object_label,
                line.get_status_display(), line.trace_id, line.span_id, line.foreign_trace_id, line.foreign_span_id,
                line.parent_span_id, line.action_parent_span_id, line.foreign_processor.removeprefix("partner:"),
                line.activity_uri, f"{line.resource_name} {line.resource_version}".strip(),
            ])
    # Logged after reading, so the export does not contain its own log lines.
    exported = lines.filter(seq__gte=rows[-1][0], seq__lte=rows[0][0]) if rows else lines.none()
    selectors.log_reading(request.user, exported, "verwerkingslog_exporteren", filters=filters)
    return csvexport.response("verwerkingslog.csv", PROCESSING_COLUMNS, rows)


SECURITY_COLUMNS = ["regel", "tijdstip", "gebeurtenis", "resultaat", "gebruiker", "rollen", "netwerkadres",
                    "apparaat", "object", "toelichting", "trace-id"]


@require_safe
@page("toezicht")
def beveiligingslog_export(request):
    filters = SecurityLogForm(request.GET or None, staff=selectors.staff_choices(request.user)).to_filter()
    lines = selectors.security_log(request.user, filters)
    rows = [
        [line.seq, _when(line.occurred_at), line.get_event_display(), line.get_result_display(), line.username,
         selectors.role_labels(line.roles), line.ip_address, line.user_agent,
         selectors.security_object_label(line.object_type, line.object_id), line.detail,
         line.trace_id]
        for line in lines[:EXPORT_LIMIT].iterator(chunk_size=2000)
    ]
    selectors.log_reading(request.user, lines, "beveiligingslog_exporteren")
    return csvexport.response("beveiligingslog.csv", SECURITY_COLUMNS, rows)


def _chunks(lines, size: int = 2000):
    chunk = []
    for line in lines.iterator(chunk_size=size):
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

