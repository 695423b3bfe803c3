"""Intake pages: the public form (no account), its receipt, and the internal form. Thin: the
forms check shape, intake.services does the work."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from meldpunt import policy
from meldpunt.tenancy import selectors as tenancy_selectors
from meldpunt.tenancy.current import gemeente_scope
from meldpunt.web.access import page
from meldpunt.web.forms import add_service_errors

from . import additions, throttle
from .errors import IntakeError
from .forms import AdditionForm, InternalSignalForm, PublicSignalForm, adding_row, subject_formset
from .models import Channel
from .services import create_signal

RECEIPT_SESSION_KEY = "meldpunt_receipt"


@require_http_methods(["GET", "POST"])
def melden(request, gemeente: str = ""):
    """The public form. Nothing about the sender is kept for an anonymous signal (P5). With several
    gemeenten, ``/melden/`` lists them and ``/melden/<slug>/`` is the form of one (ADR 0030 §4)."""
    tenants = tenancy_selectors.public_tenants()
    tenant = None
    if gemeente:
        tenant = tenancy_selectors.tenant_for_slug(gemeente)
        if tenant is None:
            raise Http404("Deze gemeente is niet bij dit meldpunt aangesloten.")
    elif len(tenants) > 1:
        return render(request, "intake/melden_gemeenten.html", {"tenants": tenants})
    form = PublicSignalForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not throttle.allow(request):
            return render(request, "intake/te_veel.html", status=429)
        if form.is_valid():
            try:
                signal = create_signal(form.to_input(), gemeente=tenant)
            except IntakeError as error:
                add_service_errors(form, error)
            else:
                request.session[RECEIPT_SESSION_KEY] = signal.receipt_code
                return redirect("intake:bedankt")
    return render(request, "intake/melden.html", {"form": form, "tenant": tenant if len(tenants) > 1 else None})


@require_http_methods(["GET", "POST"])
def aanvullen(request):
    """Add to an earlier report with its receipt code. The answer is the same for every valid
    code: reporters are not told what became of their report (intake.additions)."""
    form = AdditionForm(request.POST or None)
    if request.method == "POST":
        if not throttle.allow(request, scope="aanvullen"):
            return render(request, "intake/te_veel.html", status=429)
        if form.is_valid():
            try:
                additions.add_to_report(form.cleaned_data["code"], form.cleaned_data["text"])
            except IntakeError as error:
                add_service_errors(form, error)
            else:
                return redirect("intake:aanvulling_ontvangen")
    return render(request, "intake/aanvullen.html", {"form": form})


def aanvulling_ontvangen(request):
    return render(request, "intake/aanvulling_ontvangen.html")


def bedankt(request):
    code = request.session.pop(RECEIPT_SESSION_KEY, None)
    if code is None:
        return redirect("intake:melden")
    return render(request, "intake/bedankt.html", {"code": code})


@page("signaal_melden")
@require_http_methods(["GET", "POST"])
def signaal_nieuw(request):
    may_register_calls = policy.may_register_channel(request.user, Channel.TELEFOON)
    scope = gemeente_scope(request)
    data = request.POST if request.method == "POST" else None
    subjects = subject_formset(data)
    if adding_row(data):
        # One more subject row: everything comes back as typed, unchecked (nothing is registered yet).
        form = InternalSignalForm(initial=data.dict(), may_register_calls=may_register_calls, gemeenten=scope)
        return render(request, "intake/signaal_nieuw.html", {"form": form, "subjects": subjects, "row_added": True})
    form = InternalSignalForm(data, request.FILES or None, may_register_calls=may_register_calls, gemeenten=scope)
    if request.method == "POST" and form.is_valid() and subjects.is_valid():
        items = [s for s in (f.to_input() for f in subjects.forms if f.cleaned_data) if s]
        try:
            signal = create_signal(form.to_input(items), user=request.user, gemeente=form.chosen_gemeente())
        except IntakeError as error:
            add_service_errors(form, error)
            for key, texts in error.field_errors.items():
                if key.startswith("subjects."):
                    subjects.forms[int(key.split(".")[1])].add_error(None, " ".join(texts))
        else:
            messages.success(request, f"Signaal {signal.reference} is geregistreerd.")
            if may_register_calls:  # meldpunt staff work on the signal they registered
                return redirect(reverse("protocol:signaal", args=[signal.reference]))
            return redirect("web:mijn_meldingen")
    return render(request, "intake/signaal_nieuw.html", {"form": form, "subjects": subjects})
