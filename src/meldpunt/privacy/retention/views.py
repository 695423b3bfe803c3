"""Retention pages: the watchlist (archivaris; read-only for the FG), destruction lists with
review, cancel and execute, legal holds, and the verklaring van vernietiging. Thin: reads via
selectors, writes via services."""

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from meldpunt import policy
from meldpunt.core.errors import MeldpuntError
from meldpunt.tenancy.current import gemeente_scope, switch_to_record
from meldpunt.web.access import page
from meldpunt.web.forms import add_service_errors, flash_service_errors

from . import selectors, services, tasks
from .forms import CancelForm, ComposeForm, HoldForm, ReviewForm
from .models import DestructionList, DestructionStatement, LegalHold, ListStatus


def _overview(request, readonly: bool, *, compose_form=None, hold_form=None):
    """The watchlist; with a refused form bound, its errors show at its fields (no redirect)."""
    scope = gemeente_scope(request)
    overviews = selectors.overviews(request.user)
    return render(request, "retention/bewaartermijnen.html", {
        "readonly": readonly, "overviews": overviews, "several": len(overviews) > 1,
        "lists": selectors.destruction_lists(request.user, scope)[:50],
        "compose_form": compose_form or _compose_form(request.user),
        "hold_form": hold_form or HoldForm(prefix="bewaarplicht"),
    })


def _compose_form(user, data=None) -> ComposeForm:
    return ComposeForm(data, prefix="lijst", gemeenten=selectors.gemeenten_of(user, "bewaartermijnen"))


@page("bewaartermijnen")
def bewaartermijnen(request):
    return _overview(request, readonly=False)


@page("bewaartermijnen_inzien")
def inzien(request):
    return _overview(request, readonly=not policy.may_open(request.user, "bewaartermijnen"))


@page("bewaartermijnen")
@require_POST
def opstellen(request):
    form = _compose_form(request.user, request.POST)
    if not form.is_valid():
        return _overview(request, readonly=False, compose_form=form)
    data = form.cleaned_data
    try:
        destruction_list = services.compose(request.user, data["name"], kind=data["kind"],
                                            result_class=data["result_class"], until=data["until"],
                                            gemeente=form.chosen_gemeente())
    except MeldpuntError as error:
        add_service_errors(form, error)
        return _overview(request, readonly=False, compose_form=form)
    messages.success(request, "De lijst is opgesteld en staat ter beoordeling.")
    return redirect("retention:lijst", destruction_list.pk)


def _list(pk: int, user) -> DestructionList:
    try:
        return selectors.destruction_list(pk, user)
    except DestructionList.DoesNotExist:
        raise Http404("Deze vernietigingslijst bestaat niet.") from None


@page("bewaartermijnen_inzien")
def lijst(request, pk):
    destruction_list = _list(pk, request.user)
    switch_to_record(request, destruction_list.gemeente_id)
    return _list_page(request, destruction_list)


def _list_page(request, destruction_list, *, review_form=None):
    """A destruction list; with a refused review bound, its errors show at its fields."""
    may_act = policy.may_open(request.user, "bewaartermijnen")
    statement = DestructionStatement.objects.filter(destruction_list=destruction_list).first()
    return render(request, "retention/lijst.html", {
        "destruction_list": destruction_list, "items": selectors.list_items(destruction_list),
        "statement": statement, "may_act": may_act,
        # During the bedenktijd the service refuses to execute: say until when, offer no button.
        "cooling_off": bool(destruction_list.cooling_off_until and destruction_list.cooling_off_until > timezone.now()),
        "may_review": policy.may_review_destruction_list(request.user, destruction_list.gemeente_id)
        and destruction_list.status == ListStatus.TER_BEOORDELING
        and destruction_list.composed_by_id != request.user.pk,
        "review_form": review_form or ReviewForm(), "cancel_form": CancelForm(),
    })


@page("bewaartermijnen_inzien")  # the service checks the reviewer roles (configurable)
@require_POST
def beoordelen(request, pk):
    destruction_list = _list(pk, request.user)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _list_page(request, destruction_list, review_form=form)
    try:
        services.review(request.user, destruction_list, form.cleaned_data["decision"] == "goedkeuren",
                        form.cleaned_data["note"])
    except MeldpuntError as error:
        add_service_errors(form, error)
        return _list_page(request, destruction_list, review_form=form)
    messages.success(request, "Uw beoordeling is vastgelegd.")
    return redirect("retention:lijst", pk)


@page("bewaartermijnen")
@require_POST
def annuleren(request, pk):
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        services.cancel(request.user, _list(pk, request.user), form.cleaned_data.get("note", ""))
    except MeldpuntError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "De lijst is geannuleerd; de dossiers blijven bewaard.")
    return redirect("retention:lijst", pk)


@page("bewaartermijnen")
@require_POST
def uitvoeren(request, pk):
    """A background job (meldpunt.jobs, one at a time per list): with a worker, its page shows the
    progress; in the embedded default it has run when start() returns, and the list page says how."""
    destruction_list = _list(pk, request.user)
    if not policy.may_execute_destruction_list(request.user, destruction_list.gemeente_id):
        messages.error(request, "Alleen de archivaris voert vernietigingslijsten uit.")
        return redirect("retention:lijst", pk)
    run = tasks.vernietigen.start(user=request.user, gemeente=destruction_list.gemeente_id, list_id=destruction_list.pk,
                                  user_id=request.user.pk)
    if run.active:
        return redirect("jobs:taak", run.pk)
    if run.failed:
        messages.error(request, run.error_text)
    else:
        messages.success(request, f"De lijst is uitgevoerd: {run.result_text}")
    return redirect("retention:lijst", pk)


def _statement(pk: int, user) -> DestructionStatement:
    statement = selectors.statements(user).filter(pk=pk).first()
    if statement is None:
        raise Http404("Deze verklaring bestaat niet.")
    return statement


@page("bewaartermijnen_inzien")
def verklaring_pdf(request, pk):
    # WeasyPrint is heavy: it loads only when a verklaring is printed.
    from .statement import statement_pdf

    statement = _statement(pk, request.user)
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="verklaring-{statement.number}.pdf"'
    return response


@page("bewaartermijnen_inzien")
def verklaring_csv(request, pk):
    statement = _statement(pk, request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="verklaring-{statement.number}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["soort", "kenmerk", "fenomeen", "laatste status", "resultaatklasse", "selectielijst",
                     "brondatum", "te vernietigen na", "vernietigd op"])
    for stone in selectors.tombstones(statement).iterator(chunk_size=5000):
        writer.writerow([stone.kind, stone.reference, stone.phenomenon_code, stone.last_state,
                         stone.result_class_code, stone.selectielijst_item,
                         stone.brondatum.isoformat() if stone.brondatum else "",
                         stone.destroy_after.isoformat() if stone.destroy_after else "",
                         stone.destroyed_at.date().isoformat()])
    return response


@page("bewaartermijnen")
@require_POST
def bewaarplicht(request):
    form = HoldForm(request.POST, prefix="bewaarplicht")
    if not form.is_valid():
        return _overview(request, readonly=False, hold_form=form)
    data = form.cleaned_data
    try:
        services.place_hold(request.user, data["kind"], data["reference"], data["reason"], data["until"])
    except MeldpuntError as error:
        add_service_errors(form, error)
        return _overview(request, readonly=False, hold_form=form)
    messages.success(request, f"Bewaarplicht geplaatst op {data['reference']}; dit dossier wordt niet vernietigd.")
    return redirect("web:bewaartermijnen")


@page("bewaartermijnen")
@require_POST
def bewaarplicht_opheffen(request, pk):
    hold = LegalHold.objects.filter(pk=pk).first()
    if hold is None:
        raise Http404("Deze bewaarplicht bestaat niet.")
    try:
        services.lift_hold(request.user, hold)
    except MeldpuntError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "De bewaarplicht is opgeheven; de bewaartermijn is opnieuw berekend.")
    return redirect("web:bewaartermijnen")
