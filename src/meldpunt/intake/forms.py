"""Intake forms. They collect and check the shape of the input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from meldpunt.core import identifiers
from meldpunt.registries import selectors as registry_selectors
from meldpunt.web.forms import DateInput, MultipleFileField, StyledForm

from . import selectors
from .imports import MAX_BYTES
from .models import Channel, ReporterKind, SubjectKind
from .services import SignalInput, SubjectInput, UploadInput


def _phenomenon_choices(public: bool):
    return list(selectors.phenomena().values_list("code", "public_label" if public else "name"))


class SignalFormBase(StyledForm):
    phenomenon = forms.ChoiceField(label="Waar gaat uw melding over?", widget=forms.RadioSelect)
    description = forms.CharField(
        label="Wat hebt u gezien of gehoord?", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        help_text="Beschrijf zo precies mogelijk wat u zag, hoorde of rook, en hoe vaak.")
    postcode = forms.CharField(label="Postcode", required=False, max_length=7,
                               widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))
    huisnummer = forms.IntegerField(label="Huisnummer", required=False, min_value=1, max_value=99999)
    buurt = forms.ChoiceField(label="Of kies de buurt", required=False)
    location_text = forms.CharField(label="Of beschrijf de plek", required=False, max_length=300,
                                    help_text="Bijvoorbeeld: de loods achter het tankstation aan de Dorpsweg.")
    occurred_on = forms.DateField(label="Wanneer zag u het?", required=False, widget=DateInput())
    occurred_text = forms.CharField(label="Of beschrijf wanneer", required=False, max_length=200,
                                    help_text="Bijvoorbeeld: elke nacht rond 2 uur, al een paar weken.")
    uploads = MultipleFileField(label="Foto's of documenten", required=False,
                                help_text="JPG, PNG of PDF, hoogstens 5 bestanden van 10 MB. Wij verwijderen de "
                                          "verborgen gegevens (zoals locatie en tijdstip) uit foto's.")

    def __init__(self, *args, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phenomenon"].choices = _phenomenon_choices(public)
        self.fields["buurt"].choices = [("", "— geen buurt gekozen —"), *registry_selectors.buurt_choices()]

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode")
        if not value:
            return ""
        try:
            return identifiers.parse_postcode(value)
        except identifiers.InvalidIdentifier as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        postcode, huisnummer = data.get("postcode"), data.get("huisnummer")
        data["address"] = ""
        if postcode and huisnummer:
            address = registry_selectors.address_lookup(postcode, huisnummer).first()
            if address is None:
                self.add_error("huisnummer", "Dit adres vinden we niet in onze gemeente. Kies een buurt of "
                                             "beschrijf de plek.")
            else:
                data["address"] = address.pk
        elif postcode or huisnummer:
            self.add_error("huisnummer" if postcode else "postcode", "Vul postcode én huisnummer in.")
        if data.get("occurred_on") and data["occurred_on"] > timezone.localdate():
            self.add_error("occurred_on", "Deze datum ligt in de toekomst.")
        return data

    def uploads_input(self) -> list[UploadInput]:
        return [UploadInput(f.name, f.read()) for f in self.cleaned_data.get("uploads") or []]

    def base_input(self, **extra) -> SignalInput:
        d = self.cleaned_data
        return SignalInput(
            description=d["description"], phenomenon=d["phenomenon"], address=d.get("address", ""),
            buurt=d.get("buurt") or "", location_text=d.get("location_text", ""), occurred_on=d.get("occurred_on"),
            occurred_text=d.get("occurred_text", ""), uploads=self.uploads_input(), **extra)


class PublicSignalForm(SignalFormBase):
    anonymous = forms.TypedChoiceField(
        label="Wilt u anoniem melden?", widget=forms.RadioSelect, coerce=lambda v: v == "ja", initial="ja",
        choices=[("ja", "Ja, anoniem: wij bewaren niets waaraan u te herkennen bent"),
                 ("nee", "Nee, u mag contact met mij opnemen")])
    contact_name = forms.CharField(label="Uw naam", required=False, max_length=200,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_email = forms.EmailField(label="Uw e-mailadres", required=False,
                                     widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    contact_phone = forms.CharField(label="Uw telefoonnummer", required=False, max_length=30,
                                    widget=forms.TextInput(attrs={"autocomplete": "tel"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, public=True, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("anonymous"):
            # Anonymous means anonymous: whatever was typed in the contact fields is dropped.
            data["contact_name"] = data["contact_email"] = data["contact_phone"] = ""
        elif not any(data.get(k) for k in ("contact_name", "contact_email", "contact_phone")):
            self.add_error("contact_email", "Vul een e-mailadres of telefoonnummer in, of kies 'anoniem'.")
        return data

    def to_input(self) -> SignalInput:
        d = self.cleaned_data
        kind = ReporterKind.ANONIEM if d["anonymous"] else ReporterKind.BURGER
        return self.base_input(channel=Channel.WEBFORMULIER, reporter_kind=kind, contact_name=d["contact_name"],
                               contact_email=d["contact_email"], contact_phone=d["contact_phone"])


class AdditionForm(StyledForm):
    """The public form to add to an earlier report with its receipt code (intake.additions)."""

    code = forms.CharField(label="Uw ontvangstcode", max_length=20,
                           help_text="De code op de bevestiging van uw melding, zoals ABCD-EFGH-JK23.",
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    text = forms.CharField(label="Wat wilt u aanvullen?", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="Schrijf geen gegevens over uzelf als u anoniem wilt blijven.")


class InternalSignalForm(SignalFormBase):
    channel = forms.ChoiceField(label="Hoe kwam het signaal binnen?", widget=forms.RadioSelect, choices=[
        (Channel.INTERN, "Eigen waarneming (intern formulier)"),
        (Channel.TELEFOON, "Telefoon of balie: ik registreer de melding van iemand anders")])
    reporter_kind = forms.ChoiceField(label="Wie meldt?", choices=[
        (ReporterKind.MEDEWERKER, "Ikzelf, als medewerker"), (ReporterKind.BURGER, "Een inwoner (met contact)"),
        (ReporterKind.ANONIEM, "Een inwoner die anoniem wil blijven"),
        (ReporterKind.PARTNER, "Een partnerorganisatie")])
    contact_name = forms.CharField(label="Naam melder", required=False, max_length=200)
    contact_phone = forms.CharField(label="Telefoonnummer melder", required=False, max_length=30)
    contact_email = forms.EmailField(label="E-mailadres melder", required=False)

    def __init__(self, *args, may_register_calls: bool = False, gemeenten=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phenomenon"].label = "Fenomeen"
        self.fields["description"].label = "Omschrijving"
        if not may_register_calls:
            self.fields["channel"].choices = self.fields["channel"].choices[:1]
        self.fields["channel"].initial = Channel.INTERN
        self.fields["reporter_kind"].initial = ReporterKind.MEDEWERKER
        # A person working for several gemeenten at once ("Al mijn gemeenten") says whose signal
        # it is; with one gemeente in scope the signal is that gemeente's (ADR 0030 §4).
        self.gemeenten = {t.code: t for t in gemeenten}
        if len(self.gemeenten) > 1:
            self.fields["gemeente"] = forms.ChoiceField(
                label="Voor welke gemeente?", choices=[("", "Kies een gemeente"),
                                                       *((t.code, t.naam) for t in gemeenten)],
                help_text="Het signaal hoort bij deze gemeente; alleen wie voor die gemeente werkt, ziet het.",
                error_messages={"required": "Kies de gemeente waar het signaal bij hoort.",
                                "invalid_choice": "Kies een gemeente uit de lijst."})

    def chosen_gemeente(self):
        """The Tenant the signal belongs to: the chosen one, the scope's only one, or None (the
        installation's only gemeente, tenancy.defaults)."""
        if "gemeente" in self.fields:
            return self.gemeenten[self.cleaned_data["gemeente"]]
        return next(iter(self.gemeenten.values()), None)

    def to_input(self, subjects: list[SubjectInput]) -> SignalInput:
        d = self.cleaned_data
        return self.base_input(channel=d["channel"], reporter_kind=d["reporter_kind"],
                               contact_name=d["contact_name"], contact_email=d["contact_email"] or "",
                               contact_phone=d["contact_phone"], subjects=subjects)


class SubjectForm(StyledForm):
    kind = forms.ChoiceField(label="Soort", required=False,
                             choices=[("", "— geen —"), *SubjectKind.choices])
    role = forms.CharField(label="Rol in het signaal", required=False, max_length=80,
                           help_text="Bijvoorbeeld: bewoner, eigenaar, bestuurder, bestuurder van het voertuig.")
    name = forms.CharField(label="Naam", required=False, max_length=200)
    birth_date = forms.DateField(label="Geboortedatum", required=False, widget=DateInput())
    birth_year = forms.IntegerField(label="Of alleen het geboortejaar", required=False, min_value=1900,
                                    max_value=2100, help_text="Bij een persoon, als de datum niet bekend is.")
    age_from = forms.IntegerField(label="Of de leeftijd van", required=False, min_value=0, max_value=120,
                                  help_text="Geschatte leeftijd in jaren, bijvoorbeeld van 30.")
    age_to = forms.IntegerField(label="Leeftijd tot en met", required=False, min_value=0, max_value=120,
                                help_text="Bijvoorbeeld tot en met 40.")
    description = forms.CharField(label="Signalement", required=False, max_length=300,
                                  help_text="Hoe ziet de persoon eruit, als de naam niet bekend is.")
    bsn = forms.CharField(label="BSN (als bekend)", required=False, max_length=11)
    kvk_nummer = forms.CharField(label="KvK-nummer", required=False, max_length=10)
    address_text = forms.CharField(label="Adres", required=False, max_length=200)
    kenteken = forms.CharField(label="Kenteken", required=False, max_length=10)

    def to_input(self) -> SubjectInput | None:
        d = self.cleaned_data
        if not d.get("kind"):
            return None
        return SubjectInput(kind=d["kind"], role=d["role"], name=d["name"], birth_date=d["birth_date"],
                            bsn=d["bsn"], kvk_nummer=d["kvk_nummer"], address_text=d["address_text"],
                            kenteken=d["kenteken"], birth_year=d.get("birth_year"), age_from=d.get("age_from"),
                            age_to=d.get("age_to"), description=d.get("description", ""),
                            address=d.get("address", "") or "")


MAX_SUBJECT_ROWS = 10
SubjectFormSet = forms.formset_factory(SubjectForm, extra=1, max_num=MAX_SUBJECT_ROWS, validate_max=True)
ADD_ROW = "nog_een_betrokkene"


def adding_row(data) -> bool:
    return data is not None and ADD_ROW in data


def subject_formset(data, prefix: str = "betrokkene"):
    """The subject rows of the intake form. 'Nog een betrokkene toevoegen' is a submit button (so it
    works without JavaScript): the rows come back, unchecked, as typed, with one empty row more (up to
    ten). Any other submit checks the rows."""
    if not adding_row(data):
        return SubjectFormSet(data, prefix=prefix)
    try:
        rows = max(0, min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_SUBJECT_ROWS))
    except ValueError:
        rows = 0
    typed = [{name: data.get(f"{prefix}-{i}-{name}", "") for name in SubjectForm.base_fields} for i in range(rows)]
    return SubjectFormSet(initial=typed, prefix=prefix)


class SubjectChangeForm(SubjectForm):
    """Add or correct one subject after intake, with the reason (intake.subject_changes)."""

    reason = forms.CharField(label="Reden van de wijziging", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Komt op de tijdlijn van het signaal. Bijvoorbeeld: de melder belde terug.")

    def __init__(self, *args, mention=None, **kwargs):
        if mention is not None:
            kwargs.setdefault("initial", {
                "kind": mention.kind, "role": mention.role, "name": mention.name, "birth_date": mention.birth_date,
                "birth_year": mention.birth_year, "age_from": mention.age_from, "age_to": mention.age_to,
                "description": mention.description, "bsn": mention.bsn, "kvk_nummer": mention.kvk_nummer,
                "address_text": mention.address_text, "kenteken": mention.kenteken,
                "address": mention.address_id or ""})
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = True
        self.fields["kind"].choices = SubjectKind.choices
        if mention is not None and mention.address_id:
            # A BAG address (from a data rule or the API) cannot be typed here: keep it or drop it.
            self.fields["address"] = forms.ChoiceField(
                label="Adres uit de BAG", required=False,
                choices=[(mention.address_id, f"Behouden: {mention.address}"), ("", "Niet meer bij deze betrokkene")])


class SubjectRemovalForm(StyledForm):
    reason = forms.CharField(label="Reden van het verwijderen", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Komt op de tijdlijn van het signaal. Bijvoorbeeld: per vergissing vastgelegd.")


class QueueFilterForm(StyledForm):
    text = forms.CharField(label="Zoeken", required=False, max_length=100,
                           help_text="Een kenmerk of een woord uit de omschrijving.")
    state = forms.ChoiceField(label="Stap", required=False)
    phenomenon = forms.ChoiceField(label="Fenomeen", required=False)
    wijk = forms.ChoiceField(label="Wijk", required=False)
    channel = forms.ChoiceField(label="Kanaal", required=False, choices=[("", "alle kanalen"), *Channel.choices])
    max_age_days = forms.TypedChoiceField(label="Ontvangen", required=False, coerce=int, empty_value=None,
                                          choices=[("", "altijd"), ("7", "afgelopen week"),
                                                   ("30", "afgelopen maand"), ("365", "afgelopen jaar")])
    overdue = forms.BooleanField(label="Alleen te laat", required=False)

    def __init__(self, *args, states: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "alle stappen"), *states]
        self.fields["phenomenon"].choices = [("", "alle fenomenen"), *_phenomenon_choices(False)]
        self.fields["wijk"].choices = [("", "alle wijken"), *registry_selectors.wijk_choices()]

    def to_filter(self) -> selectors.QueueFilter:
        d = self.cleaned_data if self.is_valid() else {}
        return selectors.QueueFilter(state=d.get("state", ""), phenomenon=d.get("phenomenon", ""),
                                     wijk=d.get("wijk", ""), channel=d.get("channel", ""),
                                     max_age_days=d.get("max_age_days"), overdue=d.get("overdue", False),
                                     text=d.get("text", ""))


class ImportForm(StyledForm):
    bestand = forms.FileField(label="Bestand (CSV of JSON)", help_text=(
        "Een kopregel met de kolommen omschrijving (verplicht), fenomeen, datum, locatie, adres, buurt, "
        "kanaal en soort melder. Alles of niets: bij een fout wordt niets ingelezen."),
        error_messages={"required": "Kies een bestand (CSV of JSON).",
                        "empty": "Het bestand is leeg."})

    def clean_bestand(self):
        upload = self.cleaned_data["bestand"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"Het bestand is te groot (hoogstens {MAX_BYTES // (1024 * 1024)} MB).")
        return upload
