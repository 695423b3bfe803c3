"""Forms of step 4. Shapes only: the rules live in the services (and protocol.wegingen)."""

from __future__ import annotations

from django import forms

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.core.datums import format_date
from meldpunt.protocol.services import WegingInput
from meldpunt.protocol.transitions import SIGNAL_STATE_LABELS
from meldpunt.protocol.wegingen import CASUS_DECISIONS, DEFAULT_LEGAL_BASIS
from meldpunt.web.forms import DateInput, StyledForm

from .models import InterventionStatus

PURPOSE = "Voorkomen en bestrijden van ondermijning (bestuurlijke aanpak)"


def users_with(role: str, gemeente=None):
    """Who can be chosen for ``role`` in ``gemeente`` (the casus's or meeting's: nobody sees the
    names of another gemeente's staff; the service checks the gemeente either way)."""
    return policy.holders({role}, gemeente).order_by("username")


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({obj.organisation})" if obj.organisation else name


class W4Form(StyledForm):
    """W4 on the casus: to link a signal, or to re-open."""

    reasoning = forms.CharField(label="Motivering weging 4", widget=forms.Textarea(attrs={"rows": 3}),
                                error_messages={"required": "Motiveer het besluit: de motivering is verplicht."})
    purpose = forms.CharField(label="Doel van de verwerking", initial=PURPOSE, max_length=300)
    legal_basis = forms.CharField(label="Grondslag", initial=DEFAULT_LEGAL_BASIS["W4"], max_length=300)

    def __init__(self, *args, previous=None, **kwargs):
        """``previous``: the weging 4 this one follows (re-opening: the casus' last); its purpose and
        basis are the starting point and its motivering is shown, not copied (a new step, new reasons)."""
        super().__init__(*args, **kwargs)
        if previous is not None:
            self.fields["purpose"].initial = previous.purpose or PURPOSE
            self.fields["legal_basis"].initial = previous.legal_basis or DEFAULT_LEGAL_BASIS["W4"]
            self.fields["reasoning"].help_text = (f"De vorige weging 4 ({format_date(previous.decided_at)}) zei: "
                                                  f"{previous.reasoning}")

    def weging(self) -> WegingInput:
        d = self.cleaned_data
        return WegingInput("W4", "casus", d["reasoning"], purpose=d["purpose"], legal_basis=d["legal_basis"])


class LinkForm(W4Form):
    signal = forms.ModelChoiceField(label="Signaal", queryset=None, empty_label="— kies —",
                                    help_text="Alleen signalen die u mag zien en die nog bij geen casus horen.")
    field_order = ["signal", "reasoning", "purpose", "legal_basis"]

    def __init__(self, *args, signals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signal"].queryset = signals
        self.fields["signal"].label_from_instance = (
            lambda s: f"{s.reference} – {s.phenomenon.name} ({SIGNAL_STATE_LABELS.get(s.state, s.state)})")


class JoinCasusForm(W4Form):
    """From the signal page: this signal into an existing casus, with its weging 4 on the casus."""

    casus = forms.ModelChoiceField(label="Casus", queryset=None, empty_label="— kies —",
                                   error_messages={"required": "Kies de casus waar het signaal bij hoort."},
                                   help_text="Alleen lopende casussen die u mag zien.")
    field_order = ["casus", "reasoning", "purpose", "legal_basis"]

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["casus"].queryset = cases
        self.fields["casus"].label_from_instance = lambda c: f"{c.reference} – {c.title}"


class TeamForm(StyledForm):
    members = forms.ModelMultipleChoiceField(label="Casusteam", queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, gemeente=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = users_with(Role.TEAMLID, gemeente)
        self.fields["members"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class CloseForm(StyledForm):
    result_class = forms.ModelChoiceField(label="Resultaatklasse", queryset=None, empty_label="— kies —",
                                          help_text="Bepaalt de bewaartermijn van het dossier.")
    evaluation = forms.CharField(label="Evaluatie", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, result_classes=None, links=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_class"].queryset = result_classes
        self.links = list(links)
        for link in self.links:
            self.fields[f"uitkomst_{link.signal_id}"] = forms.CharField(
                label=f"Uitkomst voor signaal {link.signal.reference}", required=False, max_length=300,
                widget=forms.TextInput(attrs={"class": "utrecht-textbox utrecht-textbox--html-input"}))

    def outcomes(self) -> dict[int, str]:
        return {link.signal_id: self.cleaned_data.get(f"uitkomst_{link.signal_id}", "") for link in self.links}


class MeetingForm(StyledForm):
    title = forms.CharField(label="Naam van het overleg", max_length=200, initial="Casusoverleg ondermijning")
    starts_at = forms.DateTimeField(label="Datum en tijd", widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                         format="%Y-%m-%dT%H:%M"),
                                    input_formats=["%Y-%m-%dT%H:%M"])
    location = forms.CharField(label="Plaats", max_length=200, required=False)
    with_third_parties = forms.BooleanField(
        label="Met externe partners (alleen als het lokale protocol dat toelaat)", required=False,
        help_text="Het verslag wordt dan 5 jaar bewaard (selectielijst 19.1.11), anders 1 jaar (19.1.9).")


class AgendaForm(StyledForm):
    casus = forms.ModelChoiceField(label="Casus", queryset=None, empty_label="— kies —",
                                   error_messages={"required": "Kies een casus.",
                                                   "invalid_choice": "Kies een lopende casus die u mag zien."})

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["casus"].queryset = cases
        self.fields["casus"].label_from_instance = lambda c: c.reference


class InviteForm(StyledForm):
    user = UserChoice(label="Deelnemer", queryset=None, empty_label="— kies —",
                      error_messages={"required": "Kies een deelnemer."})
    organisation = forms.CharField(label="Afdeling of organisatie", max_length=200,
                                   error_messages={"required": "Vul de afdeling of organisatie in."})
    external = forms.BooleanField(label="Externe partner", required=False)

    def __init__(self, *args, gemeente=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_with(Role.DEELNEMER, gemeente)


class ItemsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class ReleaseRequestForm(StyledForm):
    items = ItemsField(label="Wat mag de ontvanger zien?", help_text="Alleen wat nodig is (minimale gegevens).")
    purpose = forms.CharField(label="Waarvoor heeft de ontvanger dit nodig?", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, catalogue=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(i.key, f"{i.label}") for i in catalogue]


class ReleaseDecisionForm(StyledForm):
    decision = forms.ChoiceField(label="Besluit", widget=forms.RadioSelect)
    approved = ItemsField(label="Bij deels vrijgeven: wat wel", required=False,
                          help_text="Verplicht bij deels vrijgeven: een deel van wat is gevraagd.")
    reasoning = forms.CharField(label="Motivering", widget=forms.Textarea(attrs={"rows": 3}))
    necessity = forms.CharField(label="Noodzaak en minimale gegevens", required=False,
                                widget=forms.Textarea(attrs={"rows": 2}), help_text="Verplicht bij (deels) vrijgeven.")
    purpose = forms.CharField(label="Doel", max_length=300)
    legal_basis = forms.CharField(label="Grondslag", max_length=300)

    def __init__(self, *args, request=None, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = request.kind
        self.fields["decision"].choices = list(CASUS_DECISIONS[self.kind].items())
        self.fields["approved"].choices = [(i.key, i.label) for i in items]
        self.fields["legal_basis"].initial = DEFAULT_LEGAL_BASIS[self.kind]
        self.fields["purpose"].initial = request.purpose[:300]

    def clean(self):
        """'(verplicht bij …)' at the field; the service checks the same and stays the rule."""
        data = super().clean()
        if data.get("decision") == "deels" and not data.get("approved"):
            self.add_error("approved", "Kies bij 'deels vrijgeven' wat wel wordt vrijgegeven.")
        if data.get("decision") in ("vrijgeven", "deels") and not (data.get("necessity") or "").strip():
            self.add_error("necessity", "Vrijgeven vraagt een afweging van de noodzaak: waarom heeft de ontvanger "
                                        "precies deze gegevens nodig?")
        return data

    def weging(self) -> WegingInput:
        d = self.cleaned_data
        return WegingInput(self.kind, d["decision"], d["reasoning"], purpose=d["purpose"],
                           legal_basis=d["legal_basis"], necessity=d["necessity"])


class MinutesForm(StyledForm):
    minutes = forms.CharField(label="Verslag", widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(label="Besluiten", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AttendanceForm(StyledForm):
    present = forms.MultipleChoiceField(label="Aanwezig", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (p.pk, f"{p.user.get_full_name() or p.user.get_username()} ({p.organisation})") for p in participants]


class InterventionForm(StyledForm):
    instrument = forms.ModelChoiceField(label="Instrument", queryset=None, empty_label="— kies —")
    description = forms.CharField(label="Wat gebeurt er?", widget=forms.Textarea(attrs={"rows": 3}))
    owner = UserChoice(label="Uitvoerder", queryset=None, empty_label="— kies —")
    department = forms.CharField(label="Afdeling", max_length=200, required=False,
                                 help_text="Leeg laten: de gebruikelijke afdeling van het instrument.")
    deadline = forms.DateField(label="Uiterlijk klaar op", widget=DateInput)

    def __init__(self, *args, instruments=None, gemeente=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.fields["instrument"].label_from_instance = (
            lambda i: f"{i.name} — {i.competent_authority}; {i.legal_basis}")
        self.fields["owner"].queryset = users_with(Role.UITVOERDER, gemeente)


class ProgressForm(StyledForm):
    status = forms.ChoiceField(label="Nieuwe status", widget=forms.RadioSelect, choices=[
        (InterventionStatus.IN_UITVOERING, "Gestart"), (InterventionStatus.AFGEROND, "Afgerond"),
        (InterventionStatus.GESTOPT, "Gestopt")])
    note = forms.CharField(label="Toelichting", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.CharField(label="Resultaat", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Verplicht bij afgerond.")
