"""Pages of bronnenonderzoek: the regisseur's requests (from the signal page), the
privacyfunctionaris's privacy check 1, the bronhouder's questions, and opening approved details.
Thin: reads via research_selectors, writes via research (services)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from meldpunt.core.errors import MeldpuntError
from meldpunt.intake import selectors as intake_selectors
from meldpunt.tenancy.current import gemeente_scope
from meldpunt.web.access import page
from meldpunt.web.forms import add_service_errors

from .. import sources
from . import selectors
from . import services as research
from .forms import DetailDecisionForm, DetailRequestForm, HitAnswerForm, Pc1Form, SourceRequestForm, SupplyForm
from .models import DetailRequest, DetailState, HitResult, RequestState, SourceRequest

# ------------------------------------------------------------------------------ regisseur


@page("bronnenonderzoek")
@require_http_methods(["GET", "POST"])
def bronnen_aanvragen(request, reference):
    signal = intake_selectors.signal_for(request.user, reference)
    form = SourceRequestForm(request.POST or None, source_qs=selectors.active_sources(signal.gemeente_id),
                             mentions=selectors.queryable_mentions(signal))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            research.request_sources(request.user, signal, d["sources"], d["subjects"], d["purpose"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "De bronnen zijn aangevraagd. De privacyfunctionaris beslist per bron.")
            return redirect("protocol:signaal", reference)
    return render(request, "protocol/bronnen_aanvragen.html",
                  {"signal": signal, "form": form, "unaskable": selectors.unaskable_mentions(signal)})


@page("bronnenonderzoek")
@require_POST
def bron_opnieuw(request, reference, pk):
    signal = intake_selectors.signal_for(request.user, reference)
    item = get_object_or_404(SourceRequest, pk=pk, signal=signal)
    try:
        research.retry_connector(request.user, item)
    except MeldpuntError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("protocol:signaal", reference)


@page("bronnenonderzoek")
@require_http_methods(["GET", "POST"])
def details_aanvragen(request, reference, hit_id):
    signal = intake_selectors.signal_for(request.user, reference)
    hit = selectors.hit_for_requester(request.user, signal, hit_id)
    labels = hit.request.source.field_labels(sources.detail_kind(hit.subject, hit.request.source))
    form = DetailRequestForm(request.POST or None, fields=labels.items())
    if request.method == "POST" and form.is_valid():
        try:
            research.request_details(request.user, hit, form.cleaned_data["fields_wanted"],
                                     form.cleaned_data["purpose"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Het verzoek om details wacht op de privacyfunctionaris.")
            return redirect("protocol:signaal", reference)
    return render(request, "protocol/bron_details_aanvragen.html",
                  {"signal": signal, "hit": hit, "question": sources.question_label(hit.subject), "form": form})


@page("bronnenonderzoek")
def details(request, reference, pk):
    signal = intake_selectors.signal_for(request.user, reference)
    opened = selectors.open_details(request.user, signal, pk)
    return render(request, "protocol/bron_details.html",
                  {"signal": signal, "opened": opened, "question": sources.question_label(opened.request.hit.subject)})


# ------------------------------------------------------------------------------ privacyfunctionaris


def pc1_section(request):
    """The privacyfunctionaris's 'Te beoordelen' section (web.views.TE_BEOORDELEN_SECTIONS)."""
    # A view-level type of the casus pages: an exception listed in pyproject.toml (importlinter).
    from meldpunt.cases.meeting_views import Section

    rows = [{"kind": "PC1 bron", "item": r, "source": r.source, "signal": r.signal, "requested_by": r.requested_by,
             "requested_at": r.requested_at}
            for r in selectors.pending_pc1(request.user, gemeente_scope(request))]
    rows += [{"kind": "PC1 details", "item": d, "source": d.hit.request.source, "signal": d.hit.request.signal,
              "requested_by": d.requested_by, "requested_at": d.requested_at}
             for d in selectors.pending_details(request.user, gemeente_scope(request))]
    rows.sort(key=lambda r: r["requested_at"])
    return Section("Bronnenonderzoek (privacytoets 1)",
                   "Per bron: mag de regisseur deze bron raadplegen (hit/no-hit)? En per hit: mogen de gevraagde "
                   "details worden geopend? U besluit niet over uw eigen verzoeken.",
                   "protocol/_bron_verzoeken.html", rows, "Er wachten geen bronverzoeken op uw besluit.")


@page("bron_besluiten")
@require_http_methods(["GET", "POST"])
def bron_pc1(request, pk):
    item = selectors.request_for_decision(request.user, pk)
    if item.state != RequestState.AANGEVRAAGD:
        messages.info(request, "Over dit bronverzoek is al besloten.")
        return redirect("web:te_beoordelen")
    form = Pc1Form(request.POST or None, source=item.source)
    if request.method == "POST" and form.is_valid():
        try:
            research.decide_pc1(request.user, item, form.data_input())
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Privacytoets 1 voor {item.source.name} is vastgelegd.")
            return redirect("web:te_beoordelen")
    return render(request, "protocol/bron_pc1.html", {
        "item": item, "form": form, "subject_lines": selectors.subject_lines(item.subjects.all())})


@page("bron_besluiten")
@require_http_methods(["GET", "POST"])
def bron_details_besluit(request, pk):
    item = selectors.details_for_decision(request.user, pk)
    if item.state != DetailState.AANGEVRAAGD:
        messages.info(request, "Over dit verzoek om details is al besloten.")
        return redirect("web:te_beoordelen")
    labels = item.hit.request.source.field_labels(sources.detail_kind(item.hit.subject, item.hit.request.source))
    asked = [(f, labels.get(f, f)) for f in item.fields]
    form = DetailDecisionForm(request.POST or None, fields=asked)
    if request.method == "POST" and form.is_valid():
        try:
            research.decide_details(request.user, item, form.data_input())
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Uw besluit over de details is vastgelegd.")
            return redirect("web:te_beoordelen")
    return render(request, "protocol/bron_details_besluit.html", {
        "item": item, "form": form, "asked": asked, "first": item.hit.request.weging,
        "subject_lines": selectors.subject_lines([item.hit.subject])})


# ------------------------------------------------------------------------------ bronhouder


@page("bevragingen")
def bevragingen(request):
    """The bronhouder's questions: subject number, source and fields; never the signal."""
    scope = gemeente_scope(request)
    return render(request, "protocol/bevragingen.html", {
        "hits": selectors.bronhouder_hits(request.user, scope),
        "details": selectors.bronhouder_details(request.user, scope),
        "answer_form": HitAnswerForm()})


@page("bevragingen")
@require_POST
def bevraging_beantwoorden(request, pk):
    # A question for another source is not there for this bronhouder (P1: 404, nothing told).
    hit = get_object_or_404(HitResult, pk=pk, request__source__bronhouders=request.user)
    form = HitAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Kies 'hit' of 'geen hit'.")
        return redirect("web:bevragingen")
    try:
        research.answer_hit(request.user, hit, form.cleaned_data["answer"] == "hit")
    except MeldpuntError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Uw antwoord is vastgelegd.")
    return redirect("web:bevragingen")


@page("bevragingen")
@require_http_methods(["GET", "POST"])
def gegevens_leveren(request, pk):
    item = next((d for d in selectors.bronhouder_details(request.user) if d.pk == pk), None)
    if item is None:
        # Not for one of the user's sources: 404 (P1). One of theirs that is not open: back to the list.
        get_object_or_404(DetailRequest, pk=pk, hit__request__source__bronhouders=request.user)
        messages.info(request, "Dit verzoek staat niet (meer) voor u open.")
        return redirect("web:bevragingen")
    form = SupplyForm(request.POST or None, fields=item.labelled_fields)
    if request.method == "POST" and form.is_valid():
        try:
            research.supply_details(request.user, item, form.cleaned_data)
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "De goedgekeurde gegevens zijn geleverd.")
            return redirect("web:bevragingen")
    return render(request, "protocol/bevraging_leveren.html", {"item": item, "form": form})


