"""Signal pages: detail with timeline, the step 1 and step 2 decisions, forwards with their
letter, and opening a sealed signal. Thin: reads via selectors, writes via services."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from meldpunt import policy
from meldpunt.core.errors import MeldpuntError
from meldpunt.intake import selectors as intake_selectors
from meldpunt.registries import related
from meldpunt.tenancy.current import switch_to_record
from meldpunt.web.access import page
from meldpunt.web.forms import add_service_errors

from . import letters, pages, selectors, services
from .forms import ForwardForm, IntakeDecisionForm, RevealForm, Weging4Form, ZwaarteForm
from .research import selectors as research_selectors
from .transitions import SIGNAL_STATE_LABELS, SignalState


def _context(request, signal, **extra):
    return {
        "signal": signal, "state_label": SIGNAL_STATE_LABELS.get(signal.state, signal.state),
        "subjects": intake_selectors.mentions_of(signal), "timeline": selectors.timeline(signal),
        "transitions": services.available(request.user, signal),
        "step_pages": pages.offered(request.user, signal),
        "attachments": signal.attachments.all(),
        "research": research_selectors.for_signal(request.user, signal),
        "may_call_back": policy.may_read_reporter_contact(request.user, signal)
        and intake_selectors.has_reporter_contact(signal), **extra,
    }


@page("signaal")
def signaal(request, reference):
    # The subjects once: the read's log line, the list on the page and the related items all use them.
    signal = intake_selectors.signal_for(request.user, reference, with_subjects=True)
    switch_to_record(request, signal.gemeente_id)
    # Related items only here: they write their own log lines, so only where they are shown.
    return render(request, "protocol/signaal.html",
                  _context(request, signal, related=related.related_for_signal(request.user, signal),
                           may_link=policy.may_open(request.user, "koppelen"),
                           subject_refusal=policy.subject_change_refusal(request.user, signal),
                           answered_subjects=intake_selectors.answered_subject_ids(signal)))


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
    if request.method == "GET":
        selectors.read_wegingen_once(signal)  # the form's initial values and the timeline: one read
    refused, may_decide = pages.refusals(request.user, signal, "protocol:stap1")
    # A posted form shows what was posted: the values the signal already has only start an empty form.
    form = IntakeDecisionForm(request.POST or None,
                              initial=None if request.method == "POST" else IntakeDecisionForm.known(signal))
    if request.method == "POST" and form.is_valid():
        try:
            services.decide(request.user, signal, form.wegingen(), form.transition_code())
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            return _after_step(request, signal, "De wegingen van stap 1 zijn vastgelegd.")
    return render(request, "protocol/stap1.html",
                  _context(request, signal, form=form, refused=refused, may_decide=may_decide))


@page("signaal")
@require_http_methods(["GET", "POST"])
def stap2(request, reference):
    signal = intake_selectors.signal_for(request.user, reference)
    if signal.state != SignalState.ZWAARTE:
        messages.info(request, "Dit signaal wacht niet op weging 3.")
        return redirect("protocol:signaal", reference)
    if request.method == "GET":
        selectors.read_wegingen_once(signal)  # the form's initial values and the timeline: one read
    refused, may_decide = pages.refusals(request.user, signal, "protocol:stap2")
    form = ZwaarteForm(request.POST or None, initial=ZwaarteForm.known(signal))
    forward_form = _forward_form(request, ("afdeling", "riec"))
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        if _take_step(form, forward_form, [form.weging()], f"zwaarte_{decision}", request, signal,
                      needs_forward=decision in ("afdeling", "riec")):
            return _after_step(request, signal, "Weging 3 is vastgelegd.")
    return render(request, "protocol/stap2.html", _context(request, signal, form=form, forward_form=forward_form,
                                                           refused=refused, may_decide=may_decide))


def _forward_form(request, outcomes: tuple[str, ...], kind: str = "") -> ForwardForm:
    """The doorzending part of a step's page: checked only when the chosen outcome sends the signal
    on, so another outcome does not show errors on fields it does not use."""
    bound = request.method == "POST" and request.POST.get("decision") in outcomes
    return ForwardForm(request.POST if bound else None, prefix="doorzending", kind=kind)


def _take_step(form, forward_form, wegingen_in, code, request, signal, *, needs_forward: bool) -> bool:
    """One service call for a step whose outcome may send the signal on (W3, W4): the doorzending,
    the wegingen and the transition together, all or nothing. False: the errors are on the forms."""
    if needs_forward and not forward_form.is_valid():
        form.add_error(None, "Bij deze uitkomst hoort een doorzending: kies de bestemming en wat er wordt "
                             "verzonden.")
        return False
    try:
        services.decide_with_forward(request.user, signal, wegingen_in, code,
                                     forward_form.forward_input() if needs_forward else None)
    except MeldpuntError as error:
        add_service_errors(form, error)
        return False
    return True


@page("bronnenonderzoek")
@require_http_methods(["GET", "POST"])
def weging4(request, reference):
    """Weging 4, the end of step 3: casus, afdeling regie, RIEC or niet in behandeling."""
    signal = intake_selectors.signal_for(request.user, reference)
    if signal.state != SignalState.BRONNENONDERZOEK:
        messages.info(request, "Dit signaal wacht niet op weging 4.")
        return redirect("protocol:signaal", reference)
    steps = [t for t in services.available(request.user, signal) if t.code.startswith("hits_")]
    refused, _possible = pages.refusals(request.user, signal, "protocol:weging4")
    blockers = list(dict.fromkeys(p for r in refused for p in r.reasons))
    outcomes = {t.code.removeprefix("hits_") for t in steps}
    form = Weging4Form(request.POST or None, outcomes=outcomes, initial=Weging4Form.known(signal))
    forward_form = _forward_form(request, ("riec",), kind="riec")
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        if _take_step(form, forward_form, [form.weging()], form.transition_code(), request, signal,
                      needs_forward=decision == "riec"):
            if decision == "casus":
                casus = selectors.casus_of(signal)
                messages.success(request, f"Weging 4 is vastgelegd en casus {casus.reference} is gestart uit "
                                          f"signaal {signal.reference}.")
                return redirect("cases:casus", casus.reference)
            return _after_step(request, signal, "Weging 4 is vastgelegd.")
    return render(request, "protocol/weging4.html",
                  _context(request, signal, form=form, forward_form=forward_form, blockers=blockers,
                           may_decide=bool(steps)))


@page("signaal")
@require_http_methods(["GET", "POST"])
def doorzenden(request, reference):
    signal = intake_selectors.signal_for(request.user, reference)
    form = ForwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.forward(request.user, signal, d["destination"], d["legal_basis"], d["items"], d["note"])
        except MeldpuntError as error:
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
        except MeldpuntError as error:
            add_service_errors(form, error)
    return render(request, "protocol/versleuteld.html", _context(request, signal, form=form, payload=payload))


@page("signaal")
def contact_melder(request, reference):
    """How to reach the reporter for a call back; each opening is logged (intake.selectors)."""
    signal = intake_selectors.signal_for(request.user, reference)
    contact = intake_selectors.reporter_contact_for(request.user, signal)
    return render(request, "protocol/contact_melder.html", {"signal": signal, "contact": contact})


@page("signaal")
@require_POST
def overgang(request, reference):
    """A transition whose wegingen were already recorded (e.g. through the API)."""
    signal = intake_selectors.signal_for(request.user, reference)
    try:
        services.transition(request.user, signal, request.POST.get("overgang", ""), request.POST.get("toelichting", ""))
    except MeldpuntError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("protocol:signaal", reference)
