"""Forms of bronnenonderzoek. They shape input only; the rules live in research.py."""

from django import forms

from meldpunt.web.forms import StyledForm

from .. import hooks, sources
from .services import COMPATIBILITY_FACTORS, DETAIL_DECISIONS, PC1_DECISIONS, PC1_LEGAL_BASIS, Pc1Input


def _text(label, rows=2, required=False, help_text=""):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class SourceRequestForm(StyledForm):
    sources = forms.ModelMultipleChoiceField(label="Bronnen", queryset=None, widget=forms.CheckboxSelectMultiple)
    subjects = forms.MultipleChoiceField(label="Betrokkenen", widget=forms.CheckboxSelectMultiple,
                                         help_text="Alleen betrokkenen met een BSN, KvK-nummer of adres uit de BAG; "
                                                   "een persoon met alleen een naam en geboortedatum, geboortejaar of "
                                                   "leeftijd alleen bij de BRP.")
    purpose = _text("Doel van het bronnenonderzoek", rows=3, required=True,
                    help_text="Waarom u deze bronnen over deze betrokkenen wilt raadplegen.")

    def __init__(self, *args, source_qs=None, mentions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = source_qs
        self.fields["sources"].label_from_instance = (
            lambda s: f"{s.name} — {s.department}{'' if s.has_connector else ' (antwoord door bronhouder)'}")
        self.fields["subjects"].choices = [
            (m.pk, f"{m.get_kind_display()}{f' ({m.role})' if m.role else ''}{f': {m.name}' if m.name else ''} — "
                   f"{sources.question_label(m)}") for m in mentions]


class _Pc1Fields(StyledForm):
    reasoning = _text("Motivering", rows=3, required=True)
    necessity = _text("Noodzaak", help_text="Verplicht bij toestaan.")
    proportionality = _text("Proportionaliteit", help_text="Verplicht bij toestaan.")
    subsidiarity = _text("Subsidiariteit", help_text="Verplicht bij toestaan: kan het met minder of lichter?")
    art9_data = forms.BooleanField(label="Bijzondere persoonsgegevens (AVG art. 9)", required=False)
    art10_data = forms.BooleanField(label="Strafrechtelijke gegevens (AVG art. 10)", required=False)
    special_data_basis = forms.CharField(label="Grondslag bijzondere of strafrechtelijke gegevens", max_length=300,
                                         required=False)
    legal_basis = forms.CharField(label="Grondslag van dit besluit", max_length=300, initial=PC1_LEGAL_BASIS)

    def _common(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("reasoning", "necessity", "proportionality", "subsidiarity", "art9_data",
                                  "art10_data", "special_data_basis", "legal_basis")}


class Pc1Form(_Pc1Fields):
    decision = forms.ChoiceField(label="Besluit", widget=forms.RadioSelect, choices=list(PC1_DECISIONS.items()))
    primary_basis = forms.CharField(label="A. Oorspronkelijke grondslag van de bron", max_length=300,
                                    required=False, help_text="Op welke grond verzamelde de afdeling deze gegevens?")
    field_order = ["decision", "primary_basis", *COMPATIBILITY_FACTORS, "reasoning"]

    def __init__(self, *args, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in COMPATIBILITY_FACTORS.items():
            self.fields[key] = _text(f"B. {label}", help_text="Verplicht bij toestaan.")
            self.fields[key].widget.attrs.update({"class": "utrecht-textarea utrecht-textarea--html-textarea",
                                                  "aria-describedby": f"id_{key}-uitleg"})
        if source is not None:
            self.fields["primary_basis"].initial = source.primary_basis
            plugin = hooks.connector_plugin(source.connector)
            for name, value in (plugin.pc1_defaults(source) if plugin else {}).items():
                self.fields[name].initial = value
        self.order_fields(self.field_order)

    def data_input(self) -> Pc1Input:
        d = self.cleaned_data
        return Pc1Input(decision=d["decision"], primary_basis=d["primary_basis"],
                        compatibility={k: d.get(k, "") for k in COMPATIBILITY_FACTORS}, **self._common())


class DetailDecisionForm(_Pc1Fields):
    decision = forms.ChoiceField(label="Besluit", widget=forms.RadioSelect, choices=list(DETAIL_DECISIONS.items()))
    approved = forms.MultipleChoiceField(label="Goedgekeurde gegevens", required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text="Bij toestaan: wat wel wordt geopend (leeg: alles wat is gevraagd).")
    field_order = ["decision", "approved", "reasoning"]

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved"].choices = list(fields)
        self.order_fields(self.field_order)

    def data_input(self) -> Pc1Input:
        return Pc1Input(decision=self.cleaned_data["decision"], approved_fields=self.cleaned_data["approved"],
                        **self._common())


class DetailRequestForm(StyledForm):
    fields_wanted = forms.MultipleChoiceField(label="Gegevens", widget=forms.CheckboxSelectMultiple)
    purpose = _text("Waarvoor hebt u deze gegevens nodig?", rows=3, required=True)

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields_wanted"].choices = list(fields)


class HitAnswerForm(StyledForm):
    answer = forms.ChoiceField(label="Antwoord", widget=forms.RadioSelect,
                               choices=[("hit", "Hit: de bron heeft iets over deze betrokkene"),
                                        ("geen_hit", "Geen hit")])


class SupplyForm(StyledForm):
    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in fields:
            self.fields[key] = _text(label, required=True)
            self.fields[key].widget.attrs.setdefault("class", "utrecht-textarea utrecht-textarea--html-textarea")
