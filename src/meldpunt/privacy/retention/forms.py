"""Forms of the retention pages: metadata and reasons only."""

from django import forms
from django.utils import timezone

from meldpunt.core.datums import format_date
from meldpunt.web.forms import DateInput, StyledForm

from . import selectors
from .models import RecordKind

KIND_CHOICES = [("", "Signalen en casussen"), *RecordKind.choices]


class ComposeForm(StyledForm):
    """``gemeenten``: where the archivaris composes; with more than one, the list's gemeente is chosen
    (a list holds one controller's records, ADR 0030 §7)."""

    gemeente = forms.ChoiceField(label="Gemeente", required=False)
    name = forms.CharField(label="Naam van de lijst", max_length=200,
                           error_messages={"required": "Geef de lijst een naam."})
    kind = forms.ChoiceField(label="Soort dossier", choices=KIND_CHOICES, required=False)
    result_class = forms.ChoiceField(label="Resultaatklasse", required=False)
    until = forms.DateField(label="Bewaartermijn verstreken op of voor", required=False, widget=DateInput,
                            help_text="Leeg: alles wat vandaag vernietigd mag worden.")

    def __init__(self, *args, gemeenten=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeenten = {tenant.code: tenant for tenant in gemeenten}
        if len(self.gemeenten) > 1:
            self.fields["gemeente"].required = True
            self.fields["gemeente"].error_messages["required"] = "Kies de gemeente van de lijst."
            self.fields["gemeente"].choices = [("", "Kies een gemeente")] + [
                (code, tenant.naam) for code, tenant in self.gemeenten.items()]
        else:
            del self.fields["gemeente"]
        self.fields["result_class"].choices = [("", "Alle resultaatklassen")] + [
            (c.code, str(c)) for c in selectors.result_classes()]
        self.fields["name"].initial = f"Vernietigingslijst {format_date(timezone.localdate())}"

    def chosen_gemeente(self):
        """The list's gemeente: the one chosen, or the archivaris's only one (None: none at all)."""
        if "gemeente" in self.fields:
            return self.gemeenten.get(self.cleaned_data.get("gemeente"))
        return next(iter(self.gemeenten.values()), None)


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(label="Besluit", widget=forms.RadioSelect,
                                 choices=[("goedkeuren", "Goedkeuren (de bedenktijd gaat in)"),
                                          ("afwijzen", "Afwijzen")],
                                 error_messages={"required": "Kies goedkeuren of afwijzen."})
    note = forms.CharField(label="Toelichting", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Verplicht bij afwijzen.")

    def clean(self):
        """'(verplicht bij afwijzen)' at the field; the service checks the length and stays the rule."""
        data = super().clean()
        if data.get("decision") == "afwijzen" and not (data.get("note") or "").strip():
            self.add_error("note", "Geef bij afwijzen de reden.")
        return data


class CancelForm(StyledForm):
    note = forms.CharField(label="Reden van annuleren", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HoldForm(StyledForm):
    kind = forms.ChoiceField(label="Soort dossier", choices=RecordKind.choices)
    reference = forms.CharField(label="Kenmerk", max_length=20,
                                error_messages={"required": "Vul het kenmerk van het dossier in."})
    reason = forms.CharField(label="Reden (bezwaar, beroep, lopende procedure)", max_length=300,
                             error_messages={"required": "Vul de reden van de bewaarplicht in."})
    until = forms.DateField(label="Tot en met", required=False, widget=DateInput,
                            help_text="Leeg: tot de bewaarplicht wordt opgeheven.")
