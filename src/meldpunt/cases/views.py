"""Casus pages for the regisseur and the team: list, casus page, linking signals, lifecycle steps,
plan van aanpak (interventions, PC2B requests), closing and re-opening; and the uitvoerder's
'Mijn acties'. Thin: reads via selectors, writes via services."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from meldpunt import policy
from meldpunt.core.errors import MeldpuntError
from meldpunt.privacy.retention.models import ResultClass
from meldpunt.tenancy.current import switch_to_record
from meldpunt.web.access import page
from meldpunt.web.forms import add_service_errors

from . import interventions, releases, selectors, services
from .forms import CloseForm, InterventionForm, LinkForm, ProgressForm, ReleaseRequestForm, TeamForm, W4Form
from .models import Intervention
from .services import CASUS_STATE_LABELS


@page("casussen")
def casussen(request):
    state = request.GET.get("status", "")
    cases = selectors.case_list(request.user, state if state in CASUS_STATE_LABELS else "")
    return render(request, "cases/casussen.html", {"cases": cases, "labels": CASUS_STATE_LABELS, "state": state})


@page("casussen")
def casus(request, reference):
    case = selectors.casus_for(request.user, reference, log_read=False)
    switch_to_record(request, case.gemeente_id)
    data = selectors.casus_page(case, request.user)  # logs the read per subject shown
    prefetch_related_objects([case], "team")  # one read for the team list and the team form's ticks
    return render(request, "cases/casus.html", {
        "casus": case, "data": data, "state_label": CASUS_STATE_LABELS.get(case.state, case.state),
        "labels": CASUS_STATE_LABELS, "steps": services.available(request.user, case),
        "team_form": TeamForm(initial={"members": list(case.team.all())}, gemeente=case.gemeente_id),
        "is_regie": policy.may_manage_casus(request.user, case.gemeente_id), "today": timezone.localdate(),
    })


@page("casussen")
@require_POST
def overgang(request, reference):
    case = selectors.casus_for(request.user, reference, log_read=False)
    try:
        services.transition(request.user, case, request.POST.get("overgang", ""), request.POST.get("toelichting", ""))
    except MeldpuntError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, "De stap is gezet.")
    return redirect("cases:casus", reference)


@page("casussen")
@require_POST
def regie(request, reference):
    case = selectors.casus_for(request.user, reference, log_read=False)
    try:
        services.take_lead(request.user, case)
    except MeldpuntError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("cases:casus", reference)


@page("casussen")
@require_POST
def team(request, reference):
    case = selectors.casus_for(request.user, reference, log_read=False)
    form = TeamForm(request.POST, gemeente=case.gemeente_id)
    if form.is_valid():
        try:
            services.set_team(request.user, case, form.cleaned_data["members"])
        except MeldpuntError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, "Het casusteam is bijgewerkt.")
    return redirect("cases:casus", reference)


@page("casussen")
@require_http_methods(["GET", "POST"])
def koppelen(request, reference):
    case = selectors.casus_for(request.user, reference, log_read=False)
    form = LinkForm(request.POST or None, signals=selectors.linkable_signals(request.user, case))
    if request.method == "POST" and form.is_valid():
        try:
            services.link_signal(request.user, case, form.cleaned_data["signal"], form.weging())
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Signaal {form.cleaned_data['signal'].reference} hoort nu bij de casus.")
            return redirect("cases:casus", reference)
    return render(request, "cases/formulier.html", {
        "casus": case, "form": form, "title": "Signaal koppelen",
        "intro": "Een signaal koppelen aan deze casus is een stap met een eigen weging 4.",
        "button": "Koppelen"})


def _result_classes():
    classes = ResultClass.objects.filter(active=True, gemeente__isnull=True)
    if any(f.name == "applies_to" for f in ResultClass._meta.get_fields()):
        classes = classes.filter(applies_to="casus")
    return classes.order_by("selectielijst_item", "code")


@page("casussen")
@require_http_methods(["GET", "POST"])
def afsluiten(request, reference):
    case = selectors.casus_for(request.user, reference, log_read=False)
    refused = services.blockers(request.user, case, services.step("afsluiten"))
    links = list(case.signal_links.select_related("signal"))
    form = CloseForm(request.POST or None, result_classes=_result_classes(), links=links)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.close(request.user, case, d["result_class"], d["evaluation"], form.outcomes())
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "De casus is afgesloten.")
            return redirect("cases:casus", reference)
    return render(request, "cases/formulier.html", {
        "casus": case, "form": form, "title": "Casus afsluiten", "refused": refused,
        "intro": "Kies de resultaatklasse (die bepaalt de bewaartermijn), schrijf een evaluatie en leg per signaal "
                 "de uitkomst vast.", "button": "Afsluiten"})


@page("casussen")
@require_http_methods(["GET", "POST"])
def heropenen(request, reference):
    case = selectors.casus_for(request.user, reference, log_read=False)
    refused = services.blockers(request.user, case, services.step("heropenen"))
    previous = selectors.latest_w4(case)
    form = W4Form(request.POST or None, previous=previous)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen(request.user, case, form.weging())
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "De casus is weer open.")
            return redirect("cases:casus", reference)
    return render(request, "cases/formulier.html", {
        "casus": case, "form": form, "title": "Casus heropenen", "button": "Heropenen", "refused": refused,
        "intro": "Heropenen vraagt een nieuwe weging 4; de bewaartermijn telt pas weer bij het afsluiten."})


@page("casussen")
@require_http_methods(["GET", "POST"])
def interventie_nieuw(request, reference):
    case = selectors.casus_for(request.user, reference, log_read=False)
    form = InterventionForm(request.POST or None, instruments=selectors.instruments(), gemeente=case.gemeente_id)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            interventions.add(request.user, case, d["instrument"], d["description"], d["owner"], d["deadline"],
                              d["department"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "De interventie staat in het plan van aanpak. Vraag nu privacytoets 2B "
                                      "aan voor wat de uitvoerder nodig heeft.")
            return redirect("cases:casus", reference)
    return render(request, "cases/formulier.html", {
        "casus": case, "form": form, "title": "Interventie toevoegen", "button": "Toevoegen",
        "intro": "Elke afdeling handelt op de eigen wettelijke bevoegdheid: het instrument noemt het bevoegd "
                 "orgaan en de grondslag."})


def _intervention(case, pk) -> Intervention:
    found = case.interventions.select_related("instrument", "owner").filter(pk=pk).first()
    if found is None:
        raise Http404("Deze interventie hoort niet bij de casus.")
    return found


@page("casussen")
@require_http_methods(["GET", "POST"])
def interventie_vrijgave(request, reference, pk):
    """Ask PC2B: exactly what the uitvoerder of this intervention needs."""
    case = selectors.casus_for(request.user, reference, log_read=False)
    action = _intervention(case, pk)
    form = ReleaseRequestForm(request.POST or None, catalogue=selectors.release_catalogue(request.user, case))
    if request.method == "POST" and form.is_valid():
        try:
            asked = releases.request_pc2b(request.user, action, form.cleaned_data["items"],
                                          form.cleaned_data["purpose"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Het verzoek om vrijgave (privacytoets 2B) ligt bij de privacyfunctionaris.")
            note = selectors.masking_note(case, asked.items)
            if note:
                messages.warning(request, note)
            return redirect("cases:casus", reference)
    return render(request, "cases/formulier.html", {
        "casus": case, "form": form, "title": f"Vrijgave voor {action.instrument.name}",
        "warnings": selectors.free_text_warnings(case), "masking": True,
        "intro": f"Wat heeft {action.owner} nodig om deze interventie uit te voeren? De privacyfunctionaris "
                 "besluit (privacytoets 2B).", "button": "Vrijgave aanvragen"})


@page("mijn_acties")
def mijn_acties(request):
    return render(request, "cases/mijn_acties.html", {"actions": selectors.actions_of(request.user, with_content=False),
                                                      "today": timezone.localdate()})


@page("mijn_acties")
@require_http_methods(["GET", "POST"])
def actie(request, pk):
    action = selectors.action_of(request.user, pk)
    form = ProgressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            interventions.report(request.user, action.intervention, d["status"], d["note"], d["result"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "De voortgang is vastgelegd.")
            return redirect("cases:actie", pk)
    return render(request, "cases/actie.html", {"action": action, "form": form,
                                                "closed": not action.intervention.open})
