from django import forms

from .models import Mode


class PreferenceForm(forms.Form):
    mode = forms.ChoiceField(label="Hoe wilt u meldingen krijgen?", choices=Mode.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Kies hoe u meldingen wilt krijgen.",
                                             "invalid_choice": "Kies een van de drie mogelijkheden."})
