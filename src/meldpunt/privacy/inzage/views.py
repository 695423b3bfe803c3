"""Pages for inzageverzoeken. The privacyfunctionaris handles them ("inzage"); the FG oversees
them read-only ("inzage_toezicht"). Thin: reads via selectors, writes via services."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meldpunt.core.errors import MeldpuntError
from meldpunt.privacy import log
from meldpunt.privacy.models import SubjectType
from meldpunt.tenancy.current import gemeente_scope, switch_to_record
from meldpunt.web.access import page
from meldpunt.web.forms import add_service_errors

from . import answers, package, selectors, services, tasks
from .forms import CloseForm, DecisionForm, ExtendForm, RequestForm, ReviewForm
from .models import Ground


def _log_read(request, access_request, action: str) -> None:
    """Opening a request shows personal data of the requester and the subject (P2)."""
    subject = (log.DataSubject(SubjectType.BSN, access_request.subject_bsn) if access_request.subject_bsn
               else log.DataSubject(SubjectType.INTERNAL, f"inzageverzoek:{access_request.pk}"))
    log.record(action, services.ACTIVITY, [subject], user=request.user, obj=access_request, basis="AVG art. 15")


@page("inzage")
@require_GET
def overzicht(request):
    scope = gemeente_scope(request)
    return render(request, "inzage/overzicht.html", {
        "rows": selectors.overview(request.user, scope),
        "due": selectors.reviews_due(request.user, gemeenten=scope).count(),
        "handler": True})


@page("inzage")
@require_http_methods(["GET", "POST"])
def nieuw(request):
    form = RequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.register(request.user, form.to_input())
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Inzageverzoek {created.reference} is geregistreerd. Uiterste antwoorddatum: "
                                      f"{created.deadline:%d-%m-%Y}.")
            return redirect("inzage:verzoek", created.reference)
    return render(request, "inzage/nieuw.html", {"form": form})


def _detail_context(access_request, **extra):
    items = list(access_request.items.all())
    stored = answers.current(access_request)
    return {"r": access_request, "items": items, "overdue": selectors.is_overdue(access_request),
            "open": sum(1 for i in items if not i.decision), "answer": stored,
            "answer_fresh": answers.is_fresh(stored, access_request), **extra}


@page("inzage")
@require_GET
def verzoek(request, reference):
    access_request = selectors.request_for(request.user, reference)
    switch_to_record(request, access_request.gemeente_id)
    _log_read(request, access_request, "inzageverzoek_inzien")
    return render(request, "inzage/verzoek.html", _detail_context(access_request, close_form=CloseForm()))


@page("inzage")
@require_POST
def zoeken(request, reference):
    access_request = selectors.request_for(request.user, reference)
    try:
        items = services.search(request.user, access_request)
    except MeldpuntError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, f"Gezocht: {len(items)} onderdelen gevonden. Neem per onderdeel een besluit.")
    return redirect("inzage:verzoek", reference)


@page("inzage")
@require_http_methods(["GET", "POST"])
def verlengen(request, reference):
    access_request = selectors.request_for(request.user, reference)
    form = ExtendForm(request.POST or None, initial={"informed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.extend(request.user, access_request, d["months"], d["reason"], d["informed_on"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "De termijn is verlengd.")
            return redirect("inzage:verzoek", reference)
    return render(request, "inzage/verlengen.html", {"r": access_request, "form": form})


@page("inzage")
@require_http_methods(["GET", "POST"])
def besluit(request, reference, item_id):
    access_request = selectors.request_for(request.user, reference)
    item = selectors.item_of(access_request, item_id)
    initial = {"decision": item.decision, "ground": item.ground, "withheld_parts": item.withheld_parts,
               "reasoning": item.reasoning, "necessity": item.necessity, "review_on": item.review_on}
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide(request.user, item, form.to_input())
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Het besluit over '{item.label}' is vastgelegd.")
            return redirect("inzage:verzoek", reference)
    context = package.context_for(access_request)
    preview = package.item_content(item, context)
    _log_read(request, access_request, "inzage_onderdeel_inzien")
    return render(request, "inzage/besluit.html", {
        "r": access_request, "item": item, "form": form, "g": preview, "locked": access_request.is_closed})


@page("inzage")
@require_POST
def afhandelen(request, reference):
    access_request = selectors.request_for(request.user, reference)
    form = CloseForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.close(request.user, access_request, mention_restrictions=d["mention_restrictions"],
                           no_mention_reasoning=d["no_mention_reasoning"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Het verzoek is afgehandeld; de besluiten liggen nu vast.")
            return redirect("inzage:verzoek", reference)
    _log_read(request, access_request, "inzageverzoek_inzien")
    return render(request, "inzage/verzoek.html", _detail_context(access_request, close_form=form), status=400)


@page("inzage")
@require_POST
def pakket_maken(request, reference):
    """'Antwoordpakket maken': a background job builds and stores it; its page links back here."""
    access_request = selectors.request_for(request.user, reference)
    try:
        package.require_ready(request.user, access_request)
    except MeldpuntError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("inzage:verzoek", reference)
    run = tasks.antwoordpakket.start(user=request.user, gemeente=access_request.gemeente_id,
                                     request_id=access_request.pk, user_id=request.user.pk)
    return redirect("jobs:taak", run.pk)


def _stored_package(request, reference, kind: str, content_type: str, disposition: str):
    access_request = selectors.request_for(request.user, reference)
    try:
        data = answers.read(request.user, access_request, kind)
    except MeldpuntError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("inzage:verzoek", reference)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="inzage-{access_request.reference}.{kind}"'
    return response


@page("inzage")
@require_GET
def pakket_json(request, reference):
    return _stored_package(request, reference, "json", "application/json", "attachment")


@page("inzage")
@require_GET
def pakket_pdf(request, reference):
    return _stored_package(request, reference, "pdf", "application/pdf", "inline")


@page("inzage")
@require_GET
def herbeoordelen(request):
    return render(request, "inzage/herbeoordelen.html", {"due": selectors.reviews_due(request.user),
                                                         "handler": True})


@page("inzage")
@require_http_methods(["GET", "POST"])
def herbeoordeling(request, item_id):
    item = selectors.restriction_for(request.user, item_id)
    if item is None or not item.restricted:
        messages.info(request, "Dit onderdeel is niet (meer) beperkt.")
        return redirect("inzage:herbeoordelen")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.review(request.user, item, d["outcome"], d["reasoning"], d["next_review_on"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "De herbeoordeling is vastgelegd.")
            return redirect("inzage:herbeoordelen")
    return render(request, "inzage/herbeoordeling.html", {"item": item, "form": form,
                                                          "ground": Ground(item.ground).label})


# ------------------------------------------------------------------ FG: read-only oversight


@page("inzage_toezicht")
@require_GET
def toezicht(request):
    scope = gemeente_scope(request)
    return render(request, "inzage/overzicht.html", {
        "rows": selectors.overview(request.user, scope),
        "due_items": selectors.reviews_due(request.user, gemeenten=scope),
        "handler": False})


@page("inzage_toezicht")
@require_GET
def toezicht_verzoek(request, reference):
    access_request = selectors.request_for(request.user, reference, selectors.OVERSEE)
    _log_read(request, access_request, "inzageverzoek_toezicht")
    return render(request, "inzage/toezicht_verzoek.html", _detail_context(access_request))
