"""Search forms of the FG's log pages (GET only: the FG reads, never changes)."""

from django import forms

from meldpunt.core import identifiers
from meldpunt.web.forms import DateInput, StyledForm

from .models import SecurityEvent, SubjectType
from .selectors import LogFilter

SUBJECT_TYPES = [(SubjectType.BSN, "BSN"), (SubjectType.KVK, "KvK-nummer")]


class _PeriodForm(StyledForm):
    gebruiker = forms.TypedChoiceField(label="Medewerker", required=False, coerce=int, empty_value=None)
    van = forms.DateField(label="Van", required=False, widget=DateInput)
    tot = forms.DateField(label="Tot en met", required=False, widget=DateInput)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gebruiker"].choices = [("", "Alle medewerkers"), *staff]

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            self.add_error("tot", "De einddatum ligt vóór de begindatum.")
        return data


class ProcessingLogForm(_PeriodForm):
    soort = forms.ChoiceField(label="Soort nummer", choices=SUBJECT_TYPES, required=False,
                              initial=SubjectType.BSN)
    nummer = forms.CharField(
        label="BSN of KvK-nummer van de betrokkene", required=False, max_length=12,
        help_text="Het nummer wordt alleen gebruikt om te zoeken en nergens bewaard.")
    activiteit = forms.ChoiceField(label="Verwerkingsactiviteit", required=False)

    field_order = ["nummer", "soort", "gebruiker", "activiteit", "van", "tot"]

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activiteit"].choices = [("", "Alle activiteiten"), *activities]
        self.fields["nummer"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        kind = data.get("soort") or SubjectType.BSN
        number = data.get("nummer") or ""
        if number.strip():
            # The same normalisation as at intake, so the keyed hash matches the logged lines.
            parse = identifiers.parse_bsn if kind == SubjectType.BSN else identifiers.parse_kvk_nummer
            try:
                number = parse(number)
            except identifiers.InvalidIdentifier as error:
                self.add_error("nummer", str(error))
        data["nummer"], data["soort"] = number.strip(), kind
        return data

    def to_filter(self) -> LogFilter:
        if not self.is_valid():
            return LogFilter()
        data = self.cleaned_data
        return LogFilter(user_id=data.get("gebruiker"), subject_type=data["soort"] if data["nummer"] else "",
                         subject_identifier=data["nummer"], start=data.get("van"), end=data.get("tot"),
                         activity=data.get("activiteit") or "")


class SecurityLogForm(_PeriodForm):
    gebeurtenis = forms.ChoiceField(label="Gebeurtenis", required=False,
                                    choices=[("", "Alle gebeurtenissen"), *SecurityEvent.choices])

    field_order = ["gebruiker", "gebeurtenis", "van", "tot"]

    def to_filter(self) -> LogFilter:
        if not self.is_valid():
            return LogFilter()
        data = self.cleaned_data
        return LogFilter(user_id=data.get("gebruiker"), start=data.get("van"), end=data.get("tot"),
                         event=data.get("gebeurtenis") or "")
