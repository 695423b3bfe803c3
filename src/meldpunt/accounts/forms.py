from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Deze combinatie van gebruikersnaam en wachtwoord kennen we niet. "
        "Let op: na meerdere mislukte pogingen wordt uw account tijdelijk geblokkeerd.",
        "inactive": "Dit account is niet actief. Neem contact op met functioneel beheer.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Gebruikersnaam"
        self.fields["password"].label = "Wachtwoord"


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="Code uit uw authenticator-app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Vul de zes cijfers in die uw app nu toont."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()
