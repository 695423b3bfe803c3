"""The form of the linking page: one judgement on one candidate."""

from django import forms

from meldpunt.web.forms import StyledForm

from .models import LinkVerdict


class JudgementForm(StyledForm):
    entity_key = forms.CharField(widget=forms.HiddenInput, max_length=16)
    verdict = forms.ChoiceField(widget=forms.HiddenInput, choices=LinkVerdict.choices)
    # Required for a rejection only; the service says so in Dutch (one place for the rule).
    explanation = forms.CharField(label="Waarom is het niet dezelfde?", required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
