"""Beheer › Gemeente: the functioneel beheerder sets the gemeente of an empty installation.
Thin: the form offers the 342 gemeenten by name; the work is ``demo.setup.setup_gemeente``, the
same service as `meldpunt setup --gemeente`."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from meldpunt.demo import setup

from .access import page
from .forms import StyledForm, add_service_errors


class GemeenteForm(StyledForm):
    gemeente = forms.ChoiceField(label="Gemeente", choices=(),
                                 help_text="De 342 gemeenten van de CBS-indeling 2024.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].choices = [("", "Kies een gemeente"), *setup.gemeente_choices()]
        self.fields["gemeente"].error_messages["required"] = "Kies een gemeente."
        self.fields["gemeente"].error_messages["invalid_choice"] = "Kies een gemeente uit de lijst."


@page("beheer")
def gemeente(request):
    form = GemeenteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = setup.setup_gemeente(form.cleaned_data["gemeente"], user=request.user)
        except setup.GemeenteSetupError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Meldpunt Ondermijning staat klaar voor {result.naam}: een synthetische "
                                      f"gemeente is geladen en het eerste ondermijningsbeeld (versie "
                                      f"{result.snapshot_version}) is berekend.")
            return redirect("web:gemeente")
    return render(request, "web/gemeente.html", {"form": form, "loaded": setup.loaded_gemeente()})
