"""Pages to add, correct and remove a subject of a signal after intake. Thin: the signal is read
through the selectors (policy + log), intake.subject_changes does the work and says no in Dutch."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from meldpunt import policy
from meldpunt.core.errors import MeldpuntError
from meldpunt.web.access import page
from meldpunt.web.forms import add_service_errors

from . import selectors, subject_changes
from .forms import SubjectChangeForm, SubjectRemovalForm
from .models import MentionedSubject


def _refused(request, signal, reason: str):
    return render(request, "intake/betrokkene_geweigerd.html", {"signal": signal, "reason": reason}, status=403)


def _changeable(request, reference, mention_id):
    """The signal and the subject to correct or remove, and the refusal page when this user may not
    change it now (the policy, or the subject was already put to a source)."""
    signal = selectors.signal_for(request.user, reference)
    mention = get_object_or_404(MentionedSubject.objects.select_related("address"), pk=mention_id, signal=signal)
    refusal = policy.subject_change_refusal(request.user, signal) or subject_changes.answered_refusal(mention)
    return signal, mention, (_refused(request, signal, refusal) if refusal else None)


def _back(request, signal, done: str):
    messages.success(request, done)
    return redirect("protocol:signaal", signal.reference)


@page("signaal")
@require_http_methods(["GET", "POST"])
def betrokkene_toevoegen(request, reference):
    signal = selectors.signal_for(request.user, reference)
    refusal = policy.subject_change_refusal(request.user, signal)
    if refusal:
        return _refused(request, signal, refusal)
    form = SubjectChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subject_changes.add_subject(request.user, signal, form.to_input(), form.cleaned_data["reason"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            return _back(request, signal, "De betrokkene is toegevoegd en staat op de tijdlijn.")
    return render(request, "intake/betrokkene_wijzigen.html",
                  {"signal": signal, "form": form, "title": "Betrokkene toevoegen", "button": "Toevoegen"},
                  status=422 if form.errors else 200)


@page("signaal")
@require_http_methods(["GET", "POST"])
def betrokkene_corrigeren(request, reference, mention_id):
    signal, mention, refused = _changeable(request, reference, mention_id)
    if refused:
        return refused
    form = SubjectChangeForm(request.POST or None, mention=mention)
    if request.method == "POST" and form.is_valid():
        try:
            subject_changes.correct_subject(request.user, signal, mention.pk, form.to_input(),
                                            form.cleaned_data["reason"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            return _back(request, signal, "De betrokkene is gecorrigeerd en de wijziging staat op de tijdlijn.")
    return render(request, "intake/betrokkene_wijzigen.html",
                  {"signal": signal, "form": form, "mention": mention, "title": "Betrokkene corrigeren",
                   "button": "Correctie vastleggen"}, status=422 if form.errors else 200)


@page("signaal")
@require_http_methods(["GET", "POST"])
def betrokkene_verwijderen(request, reference, mention_id):
    signal, mention, refused = _changeable(request, reference, mention_id)
    if refused:
        return refused
    form = SubjectRemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subject_changes.remove_subject(request.user, signal, mention.pk, form.cleaned_data["reason"])
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            return _back(request, signal, "De betrokkene is verwijderd; de reden staat op de tijdlijn.")
    return render(request, "intake/betrokkene_verwijderen.html", {"signal": signal, "form": form, "mention": mention},
                  status=422 if form.errors else 200)
