"""The form of B's weging of a regional request (RV). It shapes input only; the rules live in
regio/weighing.py."""

from django import forms

from meldpunt.web.forms import StyledForm

from .weighing import COMPATIBILITY, ITEMS, RV_DECISIONS, RvInput


def _text(label, rows=2, required=False, help_text=""):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class RvForm(StyledForm):
    decision = forms.ChoiceField(label="Besluit", widget=forms.RadioSelect, choices=list(RV_DECISIONS.items()))
    reasoning = _text("Motivering", rows=3, required=True)
    necessity = _text("Noodzaak", help_text="Verplicht bij delen.")
    proportionality = _text("Proportionaliteit", help_text="Verplicht bij delen.")
    subsidiarity = _text("Subsidiariteit", help_text="Verplicht bij delen: kan het met minder of lichter?")
    art9_data = forms.BooleanField(label="Bijzondere persoonsgegevens (AVG art. 9)", required=False)
    art10_data = forms.BooleanField(label="Strafrechtelijke gegevens (AVG art. 10)", required=False)
    special_data_basis = forms.CharField(label="Grondslag bijzondere of strafrechtelijke gegevens", max_length=300,
                                         required=False)
    legal_basis = forms.CharField(label="Grondslag van dit besluit", max_length=300)

    def __init__(self, *args, signals=(), convenant="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].initial = convenant
        for key, label in COMPATIBILITY.items():
            self.fields[key] = _text(label, help_text="Verplicht bij delen.")
        self.signal_fields = []
        for number, signal in enumerate(signals, start=1):
            choose = forms.MultipleChoiceField(
                label=f"Signaal {number} ({signal.reference}): wat deelt u?", required=False,
                choices=list(ITEMS.items()), widget=forms.CheckboxSelectMultiple)
            summary = _text(f"Samenvatting voor signaal {number}", help_text="Alleen als u 'Samenvatting' kiest; "
                            "schrijf geen gegevens van de melder.")
            self.fields[f"items_{signal.pk}"] = choose
            self.fields[f"summary_{signal.pk}"] = summary
            self.signal_fields.append(signal.pk)

    def data_input(self) -> RvInput:
        d = self.cleaned_data
        return RvInput(
            decision=d["decision"], reasoning=d["reasoning"], legal_basis=d["legal_basis"],
            compatibility={k: d.get(k, "") for k in COMPATIBILITY}, necessity=d["necessity"],
            proportionality=d["proportionality"], subsidiarity=d["subsidiarity"], art9_data=d["art9_data"],
            art10_data=d["art10_data"], special_data_basis=d["special_data_basis"],
            items={str(pk): d.get(f"items_{pk}") or [] for pk in self.signal_fields},
            summaries={str(pk): d.get(f"summary_{pk}") or "" for pk in self.signal_fields})
