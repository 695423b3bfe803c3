"""Casusoverleg pages: plan a meeting, its agenda, participants, PC2A requests, minutes and
attendance (regisseur); the privacyfunctionaris's release decisions ('Te beoordelen'); the
participant's 'Mijn casussen' and the printable agenda. Thin: selectors read, services write."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from meldpunt.core.errors import MeldpuntError
from meldpunt.tenancy.current import gemeente_scope, switch_to_record
from meldpunt.web.access import page
from meldpunt.web.forms import add_service_errors, flash_service_errors

from . import meetings, printing, releases, selectors
from .forms import (
    AgendaForm,
    AttendanceForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    ReleaseDecisionForm,
    ReleaseRequestForm,
)
from .models import AgendaItem, Participant


@page("casusoverleg")
@require_http_methods(["GET", "POST"])
def overleggen(request):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = meetings.plan(request.user, d["title"], d["starts_at"], d["location"], d["with_third_parties"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Het casusoverleg is gepland. Zet casussen op de agenda en nodig deelnemers uit.")
            return redirect("cases:overleg", meeting.pk)
    return render(request, "cases/overleggen.html", {"meetings": selectors.meetings_for(request.user), "form": form})


@page("casusoverleg")
def overleg(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    switch_to_record(request, meeting.gemeente_id)
    return _overleg_page(request, meeting)


def _agenda_form(request, data=None) -> AgendaForm:
    return AgendaForm(data, cases=selectors.visible_cases(request.user).exclude(state__in=["afgesloten",
                                                                                          "vernietigd"]))


def _overleg_page(request, meeting, *, agenda_form=None, invite_form=None):
    """The meeting page; with a refused form bound, its errors show at its fields (no redirect)."""
    agenda = selectors.meeting_agenda(request.user, meeting)
    participants = list(meeting.participants.select_related("user"))
    requests = {}
    for item in agenda:
        if item.visible:
            for r in item.release_requests.all():
                requests.setdefault((item.pk, r.participant_id), []).append(r)
    rows = [(item, [(p, requests.get((item.pk, p.pk), [])) for p in participants]) for item in agenda]
    return render(request, "cases/overleg.html", {
        "meeting": meeting, "rows": rows, "participants": participants,
        "agenda_form": agenda_form or _agenda_form(request),
        "invite_form": invite_form or InviteForm(gemeente=meeting.gemeente_id), "attendance_form": AttendanceForm(
            participants=participants, initial={"present": [p.pk for p in participants if p.attended]}),
    })


@page("casusoverleg")
@require_POST
def agenderen(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    form = _agenda_form(request, request.POST)
    if form.is_valid():
        try:
            meetings.add_to_agenda(request.user, meeting, form.cleaned_data["casus"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            return redirect("cases:overleg", pk)
    return _overleg_page(request, meeting, agenda_form=form)


@page("casusoverleg")
@require_POST
def uitnodigen(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    form = InviteForm(request.POST, gemeente=meeting.gemeente_id)
    if form.is_valid():
        d = form.cleaned_data
        try:
            meetings.invite(request.user, meeting, d["user"], d["organisation"], d["external"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "De deelnemer is uitgenodigd. Vraag per casus aan wat hij mag zien (2A).")
            return redirect("cases:overleg", pk)
    return _overleg_page(request, meeting, invite_form=form)


def _agenda_item(request, pk, item_pk) -> AgendaItem:
    meeting = selectors.meeting_for(request.user, pk)
    item = next((i for i in selectors.meeting_agenda(request.user, meeting) if i.pk == item_pk and i.visible), None)
    if item is None:
        raise Http404("Dit agendapunt bestaat niet of u mag het niet zien.")
    return item


@page("casusoverleg")
@require_http_methods(["GET", "POST"])
def vrijgave_vragen(request, pk, item_pk, participant_pk):
    item = _agenda_item(request, pk, item_pk)
    participant = Participant.objects.filter(meeting=item.meeting, pk=participant_pk).select_related("user").first()
    if participant is None:
        raise Http404("Deze deelnemer is niet uitgenodigd.")
    form = ReleaseRequestForm(request.POST or None, catalogue=selectors.release_catalogue(request.user, item.casus))
    if request.method == "POST" and form.is_valid():
        try:
            asked = releases.request_pc2a(request.user, item, participant, form.cleaned_data["items"],
                                          form.cleaned_data["purpose"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Het verzoek om vrijgave (privacytoets 2A) ligt bij de privacyfunctionaris.")
            note = selectors.masking_note(item.casus, asked.items)
            if note:
                messages.warning(request, note)
            return redirect("cases:overleg", pk)
    return render(request, "cases/formulier.html", {
        "casus": item.casus, "form": form, "title": f"Vrijgave aan {participant.organisation}",
        "warnings": selectors.free_text_warnings(item.casus), "masking": True,
        "intro": f"Wat moet {participant.user} ({participant.organisation}) van casus {item.casus.reference} zien "
                 "om de aanpak te bepalen? De privacyfunctionaris besluit (privacytoets 2A).",
        "button": "Vrijgave aanvragen", "back": reverse("cases:overleg", args=[pk])})


@page("casusoverleg")
@require_http_methods(["GET", "POST"])
def verslag(request, pk, item_pk):
    item = _agenda_item(request, pk, item_pk)
    form = MinutesForm(request.POST or None,
                       initial=selectors.minutes_of(request.user, item) if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.record_minutes(request.user, item, form.cleaned_data["minutes"], form.cleaned_data["decisions"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Het verslag is vastgelegd.")
            return redirect("cases:overleg", pk)
    return render(request, "cases/formulier.html", {
        "casus": item.casus, "form": form, "title": f"Verslag {item.casus.reference}",
        "intro": "Verslag en besluiten van dit agendapunt. Het verslag krijgt de bewaartermijn van een "
                 f"{'overleg met derden (5 jaar)' if item.meeting.with_third_parties else 'intern overleg (1 jaar)'}.",
        "button": "Verslag vastleggen", "back": reverse("cases:overleg", args=[pk])})


@page("casusoverleg")
@require_POST
def aanwezigheid(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    form = AttendanceForm(request.POST, participants=meeting.participants.all())
    if form.is_valid():
        try:
            meetings.record_attendance(request.user, meeting, form.cleaned_data["present"])
        except MeldpuntError as error:
            flash_service_errors(request, error)
        else:
            messages.success(request, "De aanwezigheid is vastgelegd; het overleg is gehouden.")
    return redirect("cases:overleg", pk)


@page("casusoverleg")
def agenda_pdf(request, pk, participant_pk):
    """The printable agenda as one participant gets it (only their released items), limited to the
    casussen the requesting regisseur may open: never another regisseur's casus on the agenda."""
    meeting = selectors.meeting_for(request.user, pk)
    participant = meeting.participants.filter(pk=participant_pk).select_related("user").first()
    if participant is None:
        raise Http404("Deze deelnemer is niet uitgenodigd.")
    view = selectors.participant_meeting(participant.user, meeting.pk, as_seen_by=request.user)
    return _pdf(printing.agenda(view), f"agenda-{meeting.pk}-{participant.pk}.pdf")


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------- privacyfunctionaris


@dataclass
class Section:
    """One kind of decision on the privacyfunctionaris's page 'Te beoordelen'."""

    title: str
    intro: str
    template: str
    rows: list = field(default_factory=list)
    empty: str = "Er wacht niets op uw besluit."


def release_section(request) -> Section:
    return Section("Vrijgaven aan deelnemers en uitvoerders (PC2A en PC2B)",
                   "Wat een deelnemer van een casusoverleg of de uitvoerder van een interventie mag zien. U "
                   "besluit niet over uw eigen verzoeken.", "cases/_vrijgaven.html",
                   list(selectors.pending_releases(request.user, gemeente_scope(request))),
                   "Er wachten geen vrijgaven op uw besluit.")


@page("vrijgave_besluiten")
@require_http_methods(["GET", "POST"])
def vrijgave_besluiten(request, pk):
    release = selectors.release_for_decision(request.user, pk)
    if release.state != "aangevraagd":
        messages.info(request, "Over deze vrijgave is al besloten.")
        return redirect("web:te_beoordelen")
    review = selectors.release_review(request.user, release)
    asked = review.asked
    form = ReleaseDecisionForm(request.POST or None, request=release, items=asked)
    if request.method == "POST" and form.is_valid():
        try:
            releases.decide(request.user, release, form.weging(), form.cleaned_data["approved"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Uw besluit is vastgelegd.")
            return redirect("web:te_beoordelen")
    return render(request, "cases/vrijgave.html", {"release": release, "asked": asked, "form": form,
                                                   "review": review})


# ------------------------------------------------------------------------------ participant


@page("mijn_casussen")
def mijn_casussen(request):
    return render(request, "cases/mijn_casussen.html",
                  {"seats": selectors.released_to_participant(request.user)})


@page("mijn_casussen")
def mijn_agenda_pdf(request, pk):
    view = selectors.participant_meeting(request.user, pk)
    return _pdf(printing.agenda(view), f"agenda-{pk}.pdf")
