"""Forms for inzageverzoeken. They only shape input; the rules live in services (P8)."""

from __future__ import annotations

from django import forms

from meldpunt.web.forms import DateInput, StyledForm

from .models import Decision, Ground, IdentityDocument, Part, ReviewOutcome
from .services import DecisionInput, RequestInput


def _text(label, rows=3, required=True, help_text=""):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class WhenRestricting:
    """Required when restricting, checked by the service (one rule, one place): the form lets an
    empty value through, but the label does not call the field optional."""

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


class RestrictionChoice(WhenRestricting, forms.ChoiceField):
    pass


class RestrictionText(WhenRestricting, forms.CharField):
    pass


class RestrictionDate(WhenRestricting, forms.DateField):
    pass


class RequestForm(StyledForm):
    received_on = forms.DateField(label="Ontvangen op", widget=DateInput)
    requester_name = forms.CharField(label="Naam verzoeker", max_length=200)
    requester_contact = forms.CharField(label="Antwoord sturen naar", max_length=300,
                                        help_text="Postadres of e-mailadres van de verzoeker.")
    identity_document = forms.ChoiceField(label="Identiteit gecontroleerd met",
                                          choices=[("", "— kies —"), *IdentityDocument.choices])
    identity_last4 = forms.CharField(
        label="Laatste vier tekens van het documentnummer", max_length=4, required=False,
        help_text="Alleen ter controle. Maak of bewaar nooit een kopie van het identiteitsbewijs.")
    subject_bsn = forms.CharField(label="BSN van de betrokkene", max_length=11, required=False)
    subject_name = forms.CharField(label="Naam van de betrokkene", max_length=200, required=False)
    subject_birth_date = forms.DateField(label="Geboortedatum van de betrokkene", required=False, widget=DateInput)
    subject_address = forms.CharField(label="Adres van de betrokkene (BAG-nummeraanduiding)", max_length=16,
                                      required=False, help_text="Zestien cijfers, uit de BAG.")
    subject_address_text = forms.CharField(label="Adres in eigen woorden", max_length=200, required=False,
                                           help_text="Bijvoorbeeld: Dorpsstraat 12, 1234 AB.")
    subject_email = forms.EmailField(label="E-mailadres van de betrokkene", required=False,
                                     help_text="Om meldingen te vinden die de betrokkene zelf deed.")

    def to_input(self) -> RequestInput:
        return RequestInput(**self.cleaned_data)


class ExtendForm(StyledForm):
    months = forms.TypedChoiceField(label="Verlengen met", coerce=int, widget=forms.RadioSelect,
                                    choices=[(1, "Eén maand"), (2, "Twee maanden")])
    reason = _text("Reden van de verlenging", help_text="Complexiteit of aantal verzoeken (AVG art. 12 lid 3).")
    informed_on = forms.DateField(label="Verzoeker geïnformeerd op", widget=DateInput)


class DecisionForm(StyledForm):
    use_required_attribute = False

    decision = forms.ChoiceField(label="Besluit", widget=forms.RadioSelect, choices=Decision.choices)
    ground = RestrictionChoice(label="Grond (UAVG art. 41 lid 1)", help_text="Verplicht bij beperken.",
                               choices=[("", "— kies bij beperken —"), *Ground.choices])
    withheld_parts = forms.MultipleChoiceField(label="Niet verstrekken (bij gedeeltelijk beperken)", required=False,
                                               widget=forms.CheckboxSelectMultiple, choices=Part.choices)
    reasoning = RestrictionText(
        label="Motivering", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Verplicht bij beperken: waarom is verstrekken nu schadelijk voor het belang?")
    necessity = RestrictionText(
        label="Noodzaak en evenredigheid", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Verplicht bij beperken: waarom is deze beperking nodig, en niet zwaarder dan nodig?")
    review_on = RestrictionDate(label="Opnieuw beoordelen op", widget=DateInput, help_text="Verplicht bij beperken.")

    def to_input(self) -> DecisionInput:
        d = self.cleaned_data
        return DecisionInput(decision=d["decision"], ground=d["ground"], withheld_parts=d["withheld_parts"],
                             reasoning=d["reasoning"], necessity=d["necessity"], review_on=d["review_on"])


class CloseForm(StyledForm):
    mention_restrictions = forms.TypedChoiceField(
        label="Vermeldt het antwoord dat gegevens zijn beperkt?", widget=forms.RadioSelect, initial="ja",
        coerce=lambda v: v == "ja",
        choices=[("ja", "Ja, vermelden (met de grond)"),
                 ("nee", "Nee, niet vermelden: ook de bevestiging zou het belang schaden")])
    no_mention_reasoning = _text("Motivering als het antwoord de beperking niet vermeldt", required=False)


class ReviewForm(StyledForm):
    outcome = forms.ChoiceField(label="Uitkomst", widget=forms.RadioSelect, choices=ReviewOutcome.choices)
    reasoning = _text("Motivering")
    next_review_on = forms.DateField(label="Volgende herbeoordeling", required=False, widget=DateInput,
                                     help_text="Verplicht als de beperking blijft.")
