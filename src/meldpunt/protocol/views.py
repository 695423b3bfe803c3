"""Signal pages: detail with timeline, the step 1 and step 2 decisions, forwards with their
letter, and opening a sealed signal. Thin: reads via selectors, writes via services."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from meldpunt.accounts import policy
from meldpunt.intake import selectors as intake_selectors
from meldpunt.registries import related
from meldpunt.web.access import page
from meldpunt.web.forms import add_service_errors

from . import letters, research_selectors, selectors, services
from .forms import ForwardForm, IntakeDecisionForm, RevealForm, ZwaarteForm
from .transitions import SIGNAL_STATE_LABELS, SignalState


def _context(request, signal, **extra):
    return {
        "signal": signal, "state_label": SIGNAL_STATE_LABELS.get(signal.state, signal.state),
        "subjects": intake_selectors.mentions_of(signal), "timeline": selectors.timeline(signal),
        "transitions": services.available(request.user, signal),
        "attachments": signal.attachments.all(),
        "research": research_selectors.for_signal(request.user, signal), **extra,
    }


@page("signaal")
def signaal(request, reference):
    signal = intake_selectors.signal_for(request.user, reference)
    # Related items only here: they write their own log lines, so only where they are shown.
    return render(request, "protocol/signaal.html",
                  _context(request, signal, related=related.related_for_signal(request.user, signal),
                           may_link=policy.may_open(request.user, "koppelen")))


def _after_step(request, signal, done: str):
    """Back to the signal page after a step, or to the queue when the step took the signal out of
    this user's involvement (need to know, P1): its page would now answer 404."""
    signal.refresh_from_db(fields=["state", "assigned_to"])
    if policy.may_read_signal(request.user, signal):
        messages.success(request, done)
        return redirect("protocol:signaal", signal.reference)
    label = SIGNAL_STATE_LABELS.get(signal.state, signal.state)
    messages.success(request, f"{done} Signaal {signal.reference} staat nu in de stap '{label}' en niet meer in "
                              "uw werkvoorraad.")
    return redirect("web:werkvoorraad")


@page("signaal")
@require_http_methods(["GET", "POST"])
def stap1(request, reference):
    signal = intake_selectors.signal_for(request.user, reference)
    if signal.state != SignalState.ONTVANGEN:
        messages.info(request, "Stap 1 is voor dit signaal al gezet.")
        return redirect("protocol:signaal", reference)
    form = IntakeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide(request.user, signal, form.wegingen(), form.transition_code())
        except services.ProtocolError as error:
            add_service_errors(form, error)
        else:
            return _after_step(request, signal, "De wegingen van stap 1 zijn vastgelegd.")
    return render(request, "protocol/stap1.html", _context(request, signal, form=form))


@page("signaal")
@require_http_methods(["GET", "POST"])
def stap2(request, reference):
    signal = intake_selectors.signal_for(request.user, reference)
    if signal.state != SignalState.ZWAARTE:
        messages.info(request, "Dit signaal wacht niet op weging 3.")
        return redirect("protocol:signaal", reference)
    form = ZwaarteForm(request.POST or None)
    forward_form = ForwardForm(request.POST or None, prefix="doorzending")
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        needs_forward = decision in ("afdeling", "riec")
        if not needs_forward or forward_form.is_valid():
            try:
                with transaction.atomic():
                    if needs_forward:
                        d = forward_form.cleaned_data
                        services.forward(request.user, signal, d["destination"], d["legal_basis"], d["items"],
                                         d["note"])
                    services.decide(request.user, signal, [form.weging()], f"zwaarte_{decision}")
            except services.ProtocolError as error:
                add_service_errors(form, error)
            else:
                return _after_step(request, signal, "Weging 3 is vastgelegd.")
        else:
            form.add_error(None, "Bij doorzetten naar een afdeling of het RIEC hoort een doorzending: kies de "
                                 "bestemming en wat er wordt verzonden.")
    return render(request, "protocol/stap2.html", _context(request, signal, form=form, forward_form=forward_form))


@page("signaal")
@require_http_methods(["GET", "POST"])
def doorzenden(request, reference):
    signal = intake_selectors.signal_for(request.user, reference)
    form = ForwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.forward(request.user, signal, d["destination"], d["legal_basis"], d["items"], d["note"])
        except services.ProtocolError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"De doorzending naar {d['destination'].name} is vastgelegd.")
            return redirect("protocol:signaal", reference)
    return render(request, "protocol/doorzenden.html", _context(request, signal, form=form))


@page("signaal")
def brief(request, reference, forward_id):
    signal = intake_selectors.signal_for(request.user, reference, action="doorzendbrief_afdrukken")
    sent = selectors.forward_of(signal, forward_id)
    if sent is None:
        raise Http404("Deze doorzending bestaat niet.")
    pdf = letters.forward_letter(sent)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="doorzending-{signal.reference}-{sent.pk}.pdf"'
    return response


@page("signaal")
@require_http_methods(["GET", "POST"])
def versleuteld(request, reference):
    signal = intake_selectors.signal_for(request.user, reference)
    form = RevealForm(request.POST or None)
    payload = None
    if request.method == "POST" and form.is_valid():
        try:
            payload = services.reveal_sealed(request.user, signal, form.cleaned_data["reason"])
        except services.ProtocolError as error:
            add_service_errors(form, error)
    return render(request, "protocol/versleuteld.html", _context(request, signal, form=form, payload=payload))


@page("signaal")
@require_POST
def overgang(request, reference):
    """A transition whose wegingen were already recorded (e.g. through the API)."""
    signal = intake_selectors.signal_for(request.user, reference)
    try:
        services.transition(request.user, signal, request.POST.get("overgang", ""), request.POST.get("toelichting", ""))
    except services.ProtocolError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("protocol:signaal", reference)
