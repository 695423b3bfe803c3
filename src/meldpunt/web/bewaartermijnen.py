"""Beheer › Bewaartermijnen (ADR 0030 §7): the functioneel beheerder of a gemeente sets that
gemeente's retention terms — per result class its term and valuation, per end state of a signal its
result class — or follows the installation's default. The page is about one gemeente, the one the
person works for (the header's switcher, or ``?gemeente=``); a POST names its gemeente and is refused
(403, a security event) for anyone who is not that gemeente's beheerder. Thin: reads in
``retention.terms``, writes in ``retention.configure``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from meldpunt import policy
from meldpunt.core.errors import MeldpuntError
from meldpunt.privacy.retention import configure, terms
from meldpunt.privacy.retention.models import Valuation
from meldpunt.protocol.transitions import SIGNAL_STATE_LABELS
from meldpunt.tenancy.current import gemeente_scope
from meldpunt.tenancy.models import Tenant

from .access import page
from .forms import flash_service_errors


class TermForm(forms.Form):
    gemeente = forms.CharField(max_length=6)
    resultaatklasse = forms.CharField(max_length=40)
    waardering = forms.ChoiceField(choices=Valuation.choices, error_messages={
        "required": "Kies vernietigen of blijvend bewaren.", "invalid_choice": "Kies vernietigen of blijvend bewaren."})
    termijn = forms.IntegerField(required=False, error_messages={
        "invalid": "Geef de bewaartermijn als een heel aantal maanden, bijvoorbeeld 60."})


class RuleForm(forms.Form):
    gemeente = forms.CharField(max_length=6)
    eindstatus = forms.CharField(max_length=30)
    resultaatklasse = forms.CharField(max_length=40, error_messages={"required": "Kies een resultaatklasse."})


def _beheerd(request) -> list[Tenant]:
    """The gemeenten of the current scope where this person is the beheerder."""
    return [t for t in gemeente_scope(request) if policy.may_set_retention_terms(request.user, t)]


@page("beheer")
def bewaartermijnen(request):
    mine = _beheerd(request)
    if not mine:
        raise PermissionDenied(configure.REFUSED)
    gemeente = mine[0]
    rows, rules = terms.settings_of(gemeente)
    signal_classes = [row.default for row in rows if row.default.applies_to == "signaal"]
    return render(request, "web/bewaartermijnen.html", {
        "gemeente": gemeente, "rows": rows, "several": len(mine) > 1,
        "rules": [(rule, SIGNAL_STATE_LABELS.get(rule.state, rule.state.replace("_", " "))) for rule in rules],
        "signal_classes": signal_classes, "valuations": Valuation.choices,
    })


def _tenant(request, code: str) -> Tenant:
    """The gemeente a POST names; refused (403, logged) unless the person is its beheerder."""
    tenant = Tenant.objects.filter(code=(code or "").strip().upper()).first()
    if tenant is None or not policy.may_set_retention_terms(request.user, tenant):
        raise PermissionDenied(configure.REFUSED)
    return tenant


def _back(tenant: Tenant):
    return redirect(f"{reverse('web:bewaartermijnen_instellen')}?gemeente={tenant.code}")


def _form_errors(request, form) -> None:
    for texts in form.errors.values():
        for text in texts:
            messages.error(request, text)


@page("beheer")
@require_POST
def termijn(request):
    form = TermForm(request.POST)
    tenant = _tenant(request, request.POST.get("gemeente", ""))
    if not form.is_valid():
        _form_errors(request, form)
        return _back(tenant)
    data = form.cleaned_data
    try:
        if "standaard" in request.POST:
            result = configure.reset_term(request.user, tenant, data["resultaatklasse"])
            messages.success(request, f"{result.name}: {tenant.naam} volgt weer de standaardtermijn "
                                      f"({result.term_label}).")
        else:
            result = configure.set_term(request.user, tenant, data["resultaatklasse"],
                                        valuation=data["waardering"], term_months=data["termijn"])
            messages.success(request, f"{result.name}: in {tenant.naam} geldt nu {result.term_label}. "
                                      "De vernietigingsdata zijn opnieuw berekend.")
    except MeldpuntError as error:
        flash_service_errors(request, error)
    return _back(tenant)


@page("beheer")
@require_POST
def regel(request):
    form = RuleForm(request.POST)
    tenant = _tenant(request, request.POST.get("gemeente", ""))
    if not form.is_valid():
        _form_errors(request, form)
        return _back(tenant)
    data = form.cleaned_data
    try:
        configure.set_signal_rule(request.user, tenant, data["eindstatus"], data["resultaatklasse"])
    except MeldpuntError as error:
        flash_service_errors(request, error)
    else:
        label = SIGNAL_STATE_LABELS.get(data["eindstatus"], data["eindstatus"])
        messages.success(request, f"Signalen van {tenant.naam} die eindigen in '{label}' volgen nu deze keuze.")
    return _back(tenant)
