"""Forms for the protocol steps. Pre-filled with the usual purpose and legal basis; the
completeness rules themselves live in protocol.wegingen and are applied by the services."""

from __future__ import annotations

from django import forms

from meldpunt.web.forms import StyledForm

from . import selectors
from .checklist import GROUP_LABELS, GROUPS
from .services import FORWARD_ITEMS, ForwardInput, WegingInput
from .wegingen import DECISIONS, DEFAULT_LEGAL_BASIS

PURPOSE = "Voorkomen en bestrijden van ondermijning (bestuurlijke aanpak)"
REASONING_REQUIRED = "Motiveer het besluit: de motivering is verplicht."


def _decision(weging_type: str, label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, widget=forms.RadioSelect, choices=list(DECISIONS[weging_type].items()))


def _reasoning(label: str) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": REASONING_REQUIRED})


class IntakeDecisionForm(StyledForm):
    """Step 1: W1 with the beoordelingskader, then W2A and W2B."""

    w1_decision = _decision("W1", "Weging 1: is dit ondermijning?")
    w1_kenmerken = forms.MultipleChoiceField(label=GROUP_LABELS["kenmerken"], required=False,
                                             widget=forms.CheckboxSelectMultiple, choices=GROUPS["kenmerken"])
    w1_verankering = forms.MultipleChoiceField(
        label=GROUP_LABELS["verankering"], required=False, widget=forms.CheckboxSelectMultiple,
        choices=GROUPS["verankering"], help_text="Bij 'ja' is ten minste één indicator nodig.")
    w1_signalering = forms.MultipleChoiceField(label=GROUP_LABELS["signalering"], required=False,
                                               widget=forms.CheckboxSelectMultiple, choices=GROUPS["signalering"])
    w1_reasoning = _reasoning("Motivering weging 1")
    w2a_decision = _decision("W2A", "Weging 2A: raakt het een taak of bevoegdheid van de gemeente?")
    w2a_reasoning = _reasoning("Motivering weging 2A")
    w2b_decision = _decision("W2B", "Weging 2B: gaat het over ons grondgebied?")
    w2b_reasoning = _reasoning("Motivering weging 2B")
    purpose = forms.CharField(label="Doel van de verwerking", initial=PURPOSE, max_length=300)
    legal_basis = forms.CharField(label="Grondslag", initial=DEFAULT_LEGAL_BASIS["W1"], max_length=300)
    art10_data = forms.BooleanField(label="Het signaal bevat strafrechtelijke gegevens (AVG art. 10)", required=False)
    special_data_basis = forms.CharField(label="Grondslag voor strafrechtelijke gegevens", required=False,
                                         initial="UAVG art. 33 lid 4 sub a jo. Gemeentewet art. 172", max_length=300,
                                         help_text="Verplicht bij strafrechtelijke gegevens.")

    @staticmethod
    def known(signal) -> dict:
        """Initial values from what the signal already has (protocol.selectors.known_for_wegingen)."""
        initial: dict = {}
        prefixes = (("W2B", "w2b"), ("W2A", "w2a"), ("W1", "w1"))  # W1's purpose and basis win
        known_per_type = selectors.known_for_wegingen(signal, [kind for kind, _ in prefixes])
        for kind, prefix in prefixes:
            known = known_per_type[kind]
            initial.update({f"{prefix}_{name}": known[name] for name in ("decision", "reasoning") if name in known})
            initial.update({name: known[name] for name in ("purpose", "legal_basis") if name in known})
            for group, values in known.get("checklist", {}).items():
                initial[f"w1_{group}"] = values
        return initial

    def wegingen(self) -> list[WegingInput]:
        d = self.cleaned_data
        common = {"purpose": d["purpose"], "legal_basis": d["legal_basis"], "art10_data": d["art10_data"],
                  "special_data_basis": d["special_data_basis"] if d["art10_data"] else ""}
        checklist = {"kenmerken": d["w1_kenmerken"], "verankering": d["w1_verankering"],
                     "signalering": d["w1_signalering"]}
        return [
            WegingInput("W1", d["w1_decision"], d["w1_reasoning"], checklist=checklist, **common),
            WegingInput("W2A", d["w2a_decision"], d["w2a_reasoning"], **common),
            WegingInput("W2B", d["w2b_decision"], d["w2b_reasoning"], **common),
        ]

    def transition_code(self) -> str:
        d = self.cleaned_data
        negative = "nee" in (d["w1_decision"], d["w2a_decision"], d["w2b_decision"])
        return "intake_afwijzen" if negative else "intake_doorzetten"


class ZwaarteForm(StyledForm):
    """Step 2: W3 against the current local criteria."""

    decision = _decision("W3", "Weging 3: besluit")
    factors = forms.MultipleChoiceField(label="Welke criteria zijn van toepassing?", required=False,
                                        widget=forms.CheckboxSelectMultiple)
    reasoning = _reasoning("Motivering")
    necessity = forms.CharField(label="Noodzaak", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text="Verplicht bij bronnenonderzoek.")
    proportionality = forms.CharField(label="Proportionaliteit", required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}),
                                      help_text="Verplicht bij bronnenonderzoek.")
    subsidiarity = forms.CharField(label="Subsidiariteit", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text="Verplicht bij bronnenonderzoek: kan het met minder of lichter?")
    purpose = forms.CharField(label="Doel van de verwerking", initial=PURPOSE, max_length=300)
    legal_basis = forms.CharField(label="Grondslag", initial=DEFAULT_LEGAL_BASIS["W3"], max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = selectors.current_criteria("W3")
        factors = self.criteria.factors if self.criteria else []
        self.fields["factors"].choices = [(f["code"], f["label"]) for f in factors]
        if self.criteria:
            self.fields["factors"].label = f"{self.criteria.title} (versie {self.criteria.version})"

    @staticmethod
    def known(signal) -> dict:
        return selectors.known_for_weging(signal, "W3")

    def clean(self):
        """The fields the labels call '(verplicht bij bronnenonderzoek)', at their field; the service
        checks the same (protocol.wegingen) and stays the rule."""
        data = super().clean()
        if data.get("decision") == "bronnenonderzoek":
            for name, label in (("necessity", "noodzaak"), ("proportionality", "proportionaliteit"),
                                ("subsidiarity", "subsidiariteit")):
                if not (data.get(name) or "").strip():
                    self.add_error(name, f"Bronnenonderzoek vraagt een afweging van de {label}.")
        return data

    def weging(self) -> WegingInput:
        d = self.cleaned_data
        reasoning = d["reasoning"]
        if d["factors"]:
            labels = dict(self.fields["factors"].choices)
            reasoning += "\n\nCriteria: " + "; ".join(labels[c] for c in d["factors"])
        return WegingInput("W3", d["decision"], reasoning, purpose=d["purpose"], legal_basis=d["legal_basis"],
                           criteria_version=self.criteria.version if self.criteria else None,
                           necessity=d["necessity"], proportionality=d["proportionality"],
                           subsidiarity=d["subsidiarity"])


# Weging 4 (design §3, end of step 3): the outcome in words, in the order people weigh them.
W4_OUTCOMES = {
    "casus": "Casus starten (stap 4): de gemeente pakt het integraal op",
    "afdeling": "Afdeling regie: de afdelingen pakken het op eigen bevoegdheid op",
    "riec": "Doorzetten naar het RIEC",
    "geen_hit": "Niet in behandeling: geen hit of onvoldoende bevestigd",
}


class Weging4Form(StyledForm):
    """Weging 4: which way the hits of the bronnenonderzoek point."""

    decision = forms.ChoiceField(label="Uitkomst van weging 4", widget=forms.RadioSelect,
                                 choices=list(W4_OUTCOMES.items()),
                                 error_messages={"required": "Kies een uitkomst."})
    reasoning = forms.CharField(label="Motivering", widget=forms.Textarea(attrs={"rows": 4}),
                                help_text="Welke hits wegen mee en waarom leiden ze tot deze uitkomst?",
                                error_messages={"required": REASONING_REQUIRED})
    purpose = forms.CharField(label="Doel van de verwerking", initial=PURPOSE, max_length=300,
                              error_messages={"required": "Vul het doel van de verwerking in."})
    legal_basis = forms.CharField(label="Grondslag", initial=DEFAULT_LEGAL_BASIS["W4"], max_length=300,
                                  error_messages={"required": "Vul de grondslag in."})

    def __init__(self, *args, outcomes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if outcomes is not None:  # only the outcomes this user may take
            self.fields["decision"].choices = [(k, v) for k, v in W4_OUTCOMES.items() if k in outcomes]

    @staticmethod
    def known(signal) -> dict:
        return selectors.known_for_weging(signal, "W4")

    def weging(self) -> WegingInput:
        d = self.cleaned_data
        return WegingInput("W4", d["decision"], d["reasoning"], purpose=d["purpose"], legal_basis=d["legal_basis"])

    def transition_code(self) -> str:
        return f"hits_{self.cleaned_data['decision']}"


class ForwardForm(StyledForm):
    destination = forms.ModelChoiceField(label="Bestemming", queryset=None, empty_label="— kies —",
                                         error_messages={"required": "Kies een bestemming."})
    legal_basis = forms.CharField(label="Grondslag voor de doorzending", max_length=300, required=False,
                                  help_text="Leeg laten: de gebruikelijke grondslag van de bestemming.")
    items = forms.MultipleChoiceField(
        label="Wat wordt er verzonden?", widget=forms.CheckboxSelectMultiple, choices=list(FORWARD_ITEMS.items()),
        initial=["fenomeen", "omschrijving", "locatie"],
        help_text="Alleen wat de ontvanger nodig heeft. Gegevens van de melder gaan nooit mee.")
    note = forms.CharField(label="Begeleidende tekst", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].queryset = selectors.destinations()
        if kind:  # pre-select the usual destination of this kind (e.g. the RIEC at weging 4)
            self.fields["destination"].initial = selectors.destinations().filter(kind=kind).first()

    def clean(self):
        data = super().clean()
        if data.get("destination") and not data.get("legal_basis"):
            data["legal_basis"] = data["destination"].default_legal_basis
        return data

    def forward_input(self) -> ForwardInput:
        d = self.cleaned_data
        return ForwardInput(d["destination"], d["legal_basis"], d["items"], d["note"])


class RevealForm(StyledForm):
    reason = forms.CharField(label="Waarom moet u dit versleutelde signaal inzien?",
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Uw reden wordt vastgelegd in het verwerkingslog.")
