"""The dashboard filters: gemeente, wijk, period, phenomenon and what the map shows (P7: none
of them is about people; the choices come from the snapshot and the theme)."""

from django import forms

from meldpunt.intake.models import Phenomenon
from meldpunt.registries.models import Wijk
from meldpunt.web.forms import StyledForm

from .dashboards import ALL, ALL_PHENOMENA, Filters, Theme
from .pipeline import MEASURES


class DashboardFilterForm(StyledForm):
    gemeente = forms.ChoiceField(label="Gemeente")
    wijk = forms.ChoiceField(label="Wijk", required=False)
    periode = forms.ChoiceField(label="Periode")
    fenomeen = forms.ChoiceField(label="Fenomeen")
    kaart = forms.ChoiceField(label="Op de kaart")

    def __init__(self, data, *, theme: Theme, snapshot, gemeenten: list[tuple[str, str]]):
        super().__init__(data)
        self.theme, self.snapshot = theme, snapshot
        self.fields["gemeente"].choices = gemeenten
        chosen = (data or {}).get("gemeente") or (gemeenten[0][0] if gemeenten else "")
        self.fields["wijk"].choices = [("", "alle wijken")] + list(
            Wijk.objects.filter(gemeente_id=chosen).order_by("naam").values_list("code", "naam"))
        self.fields["periode"].choices = [(p, p) for p in reversed(snapshot.periods)]
        names = dict(Phenomenon.objects.values_list("code", "name"))
        # All phenomena together first (the default): per buurt a count per phenomenon is mostly
        # below the threshold, their sum is readable.
        self.fields["fenomeen"].choices = [(ALL, ALL_PHENOMENA)] + [(code, names.get(code, code))
                                                                 for code in theme.phenomena]
        self.fields["kaart"].choices = [(m, MEASURES[m]) for m in ("signalen", "casussen", *theme.registry_measures)]

    def filters(self) -> Filters:
        """The chosen filters; anything invalid falls back to the default (filters change nothing)."""
        data = self.cleaned_data if self.is_valid() else {}

        def pick(name):
            value = data.get(name)
            choices = [c for c, _ in self.fields[name].choices]
            return value if value in choices else (choices[0] if choices else "")

        gemeente = pick("gemeente")
        return Filters(gemeente=gemeente, wijk=data.get("wijk", "") or "", period=pick("periode"),
                       phenomenon=pick("fenomeen"), map_measure=pick("kaart"))
