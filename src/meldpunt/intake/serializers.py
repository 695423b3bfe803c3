"""Shapes of the signal API (intake.api): request and response serializers, the query
parameters of the queue, and the helpers that turn service errors into problem details. The
signal resource mirrors the intake input (``SignalInput``) in camelCase, so what a client sends
and what it reads back have the same names.
"""

from __future__ import annotations

import json

from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from meldpunt.api.serializers import StrictCharField, StrictRegexField
from meldpunt.core import identifiers
from meldpunt.protocol import selectors as protocol_selectors
from meldpunt.protocol import services as protocol_services
from meldpunt.protocol.transitions import SIGNAL_STATE_LABELS, SIGNAL_STATES

from . import catalogue, selectors
from .models import Channel, ReporterKind, SubjectKind
from .services import SignalInput, SubjectInput, visible

# The prefix is the gemeente's (ADR 0030 §7: ZA-2026-0000123); older kenmerken keep MO-.
KENMERK_REGEX = "[A-Z]{2}[A-Z0-9]{0,2}-[0-9]{4}-[0-9]{7,10}"
KENMERK_PARAMETER = OpenApiParameter(
    "kenmerk", str, OpenApiParameter.PATH, description="Kenmerk van het signaal, bv. ZA-2025-0000123.")
MAX_JSON_BYTES = 1024 * 1024
MAX_SUBJECTS = 10


# ------------------------------------------------------------------------------------ helpers


class JsonBodyParser(JSONParser):
    """JSON with a size limit and Dutch messages for a body that is no JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(MAX_JSON_BYTES + 1)
        if len(raw) > MAX_JSON_BYTES:
            raise ParseError(f"Het verzoek is te groot (hoogstens {MAX_JSON_BYTES // 1024} kB).")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("De inhoud is geen UTF-8-tekst.") from None
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except ValueError as error:
            where = f" (regel {error.lineno}, kolom {error.colno})" if hasattr(error, "lineno") else ""
            raise ParseError(f"De inhoud is geen geldige JSON{where}.") from None
        except RecursionError:
            raise ParseError("De inhoud is te diep genest.") from None


def _refuse_constant(name):
    raise ValueError(f"{name} is geen geldige JSON-waarde")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# IntakeError keys (SignalInput fields) to the names in the request body.
INTAKE_FIELD_NAMES = {
    "address": "location.address",
    "buurt": "location.buurt",
    "location_text": "location.text",
    "contact_name": "contact.name",
    "contact_email": "contact.email",
    "contact_phone": "contact.phone",
}


def intake_param(field: str) -> str:
    """The API name of an intake field (api.problems uses it for ``invalidParams``)."""
    if field in INTAKE_FIELD_NAMES:
        return INTAKE_FIELD_NAMES[field]
    if field.startswith("subjects."):
        return field
    return _camel(field)


def indexed_errors(detail):
    """DRF reports errors in a list as a list; name the position, so ``subjects.1.bsn``."""
    if isinstance(detail, dict):
        return {("nonFieldErrors" if k == "non_field_errors" else k): indexed_errors(v) for k, v in detail.items()}
    if isinstance(detail, list) and any(isinstance(item, dict) for item in detail):
        return {str(i): indexed_errors(item) for i, item in enumerate(detail) if item}
    return detail


def validated(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        raise ValidationError(indexed_errors(serializer.errors))
    return serializer.validated_data


# ------------------------------------------------------------------------------- fenomenen


class FenomeenSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    naam = serializers.CharField(source="name", read_only=True)
    omschrijving = serializers.CharField(source="public_label", read_only=True,
                                         help_text="Omschrijving zoals melders die zien.")
    voorbeelden = serializers.CharField(source="examples", read_only=True)


# ---------------------------------------------------------------------------------- queue

MAX_AGE_DAYS = 36500
AGE_DAYS = {"type": "integer", "minimum": 0, "maximum": MAX_AGE_DAYS}
PHENOMENON_CODES = [code for code, *_ in catalogue.PHENOMENA]
QUEUE_PARAMETERS = [
    OpenApiParameter("status", str, enum=list(SIGNAL_STATES), description="Status (stap in het protocol)."),
    OpenApiParameter("fenomeen", str, enum=PHENOMENON_CODES,
                     description="Code van een fenomeen (zie /fenomenen)."),
    OpenApiParameter("wijk", str, pattern="^WK[0-9]{4}[0-9A-Z]{2}$", description="CBS-wijkcode, bv. WK047911."),
    OpenApiParameter("buurt", str, pattern="^BU[0-9]{4}[0-9A-Z]{4}$",
                     description="CBS-buurtcode, bv. BU04791111."),
    OpenApiParameter("kanaal", str, enum=list(Channel.values), description="Kanaal waarlangs het binnenkwam."),
    OpenApiParameter("minLeeftijdDagen", AGE_DAYS, description="Ten minste zoveel dagen geleden ontvangen."),
    OpenApiParameter("maxLeeftijdDagen", AGE_DAYS, description="Hoogstens zoveel dagen geleden ontvangen."),
    OpenApiParameter("teLaat", bool, description="Alleen signalen waarvan de termijn van de stap voorbij is."),
    OpenApiParameter("zoek", {"type": "string", "maxLength": 100},
                     description="Zoek in kenmerk en omschrijving (alleen in de signalen die u mag zien)."),
]


class QueueQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(SIGNAL_STATES), required=False)
    fenomeen = serializers.CharField(required=False, max_length=60)
    wijk = serializers.CharField(required=False, max_length=20)
    buurt = serializers.CharField(required=False, max_length=20)
    kanaal = serializers.ChoiceField(choices=list(Channel.values), required=False)
    minLeeftijdDagen = serializers.IntegerField(required=False, min_value=0, max_value=MAX_AGE_DAYS)
    maxLeeftijdDagen = serializers.IntegerField(required=False, min_value=0, max_value=MAX_AGE_DAYS)
    teLaat = serializers.BooleanField(required=False, default=False)
    zoek = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def validate_fenomeen(self, value):
        if value not in {p.code for p in selectors.phenomena()}:
            raise serializers.ValidationError("Onbekend fenomeen: kies een code uit /fenomenen.")
        return value

    def _code(self, value, parse):
        try:
            return parse(value)
        except identifiers.InvalidIdentifier as error:
            raise serializers.ValidationError(str(error)) from None

    def validate_wijk(self, value):
        return self._code(value, identifiers.parse_wijkcode)

    def validate_buurt(self, value):
        return self._code(value, identifiers.parse_buurtcode)

    def to_filter(self) -> selectors.QueueFilter:
        d = self.validated_data
        return selectors.QueueFilter(
            state=d.get("status", ""), phenomenon=d.get("fenomeen", ""), wijk=d.get("wijk", ""),
            buurt=d.get("buurt", ""), channel=d.get("kanaal", ""), min_age_days=d.get("minLeeftijdDagen"),
            max_age_days=d.get("maxLeeftijdDagen"), overdue=d.get("teLaat", False), text=d.get("zoek", ""),
        )


# --------------------------------------------------------------------------- representations


class SignalSummarySerializer(serializers.Serializer):
    """A queue row: no personal data (reference, phenomenon, area, channel, dates)."""

    kenmerk = serializers.CharField()
    receivedAt = serializers.DateTimeField()
    channel = serializers.CharField(help_text="Kanaal: " + ", ".join(Channel.values) + ".")
    phenomenon = serializers.CharField(help_text="Code van het fenomeen.")
    phenomenonName = serializers.CharField()
    buurt = serializers.CharField(allow_null=True, help_text="CBS-buurtcode.")
    buurtName = serializers.CharField(allow_null=True)
    wijk = serializers.CharField(allow_null=True, help_text="CBS-wijkcode.")
    status = serializers.ChoiceField(choices=list(SIGNAL_STATES))
    statusLabel = serializers.CharField()
    statusSince = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateField(allow_null=True, help_text="Uiterste datum van de huidige stap.")
    overdue = serializers.BooleanField(help_text="De termijn van de huidige stap is voorbij.")


class BuurtCountSerializer(serializers.Serializer):
    """One area on the map: how many of your signals lie in it."""

    buurt = serializers.CharField(allow_null=True, help_text="CBS-buurtcode; leeg als de plek onbekend is.")
    aantal = serializers.IntegerField(min_value=1)


def _overdue(signal) -> bool:
    return bool(signal.deadline and signal.deadline < timezone.localdate())


def summary(signal) -> dict:
    buurt = signal.buurt
    return {
        "kenmerk": signal.reference, "receivedAt": signal.received_at, "channel": signal.channel,
        "phenomenon": signal.phenomenon_id, "phenomenonName": signal.phenomenon.name,
        "buurt": signal.buurt_id, "buurtName": buurt.naam if buurt else None,
        "wijk": buurt.wijk_id if buurt else None, "status": signal.state,
        "statusLabel": SIGNAL_STATE_LABELS.get(signal.state, signal.state), "statusSince": signal.state_since,
        "deadline": signal.deadline, "overdue": _overdue(signal),
    }


class SignalLocationSerializer(serializers.Serializer):
    address = serializers.CharField(allow_null=True, help_text="BAG-id van de nummeraanduiding.")
    addressLabel = serializers.CharField(allow_null=True)
    buurt = serializers.CharField(allow_null=True)
    buurtName = serializers.CharField(allow_null=True)
    wijk = serializers.CharField(allow_null=True)
    wijkName = serializers.CharField(allow_null=True)
    text = serializers.CharField(allow_blank=True)


class SignalSubjectSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SubjectKind.choices)
    role = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    birthDate = serializers.DateField(allow_null=True)
    bsn = serializers.CharField(allow_blank=True)
    kvkNummer = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_null=True, help_text="BAG-id van de nummeraanduiding.")
    addressLabel = serializers.CharField(allow_null=True)
    addressText = serializers.CharField(allow_blank=True)
    kenteken = serializers.CharField(allow_blank=True)


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField(help_text="status, weging of doorzending.")
    title = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    who = serializers.CharField()


class AvailableTransitionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stuur als 'overgang' naar /signalen/{kenmerk}/overgangen.")
    label = serializers.CharField()
    target = serializers.CharField(help_text="De status na deze stap.")
    wegingen = serializers.ListField(child=serializers.CharField(), help_text="Wegingen die deze stap vraagt.")
    possible = serializers.BooleanField(help_text="Kan nu worden gezet (de wegingen liggen er al).")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Waarom de stap nu nog niet kan.")


class RelatedSignalSerializer(serializers.Serializer):
    kenmerk = serializers.CharField()
    phenomenon = serializers.CharField()
    receivedAt = serializers.DateTimeField()


class SignalDetailSerializer(serializers.Serializer):
    kenmerk = serializers.CharField()
    receivedAt = serializers.DateTimeField()
    channel = serializers.CharField(help_text="Kanaal: " + ", ".join(Channel.values) + ".")
    reporterKind = serializers.CharField(help_text="Soort melder: " + ", ".join(ReporterKind.values) + ".")
    partner = serializers.CharField(allow_null=True, help_text="Partnerorganisatie die het aanleverde.")
    hasContact = serializers.BooleanField(help_text="De melder liet contactgegevens achter.")
    phenomenon = serializers.CharField()
    phenomenonName = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    location = SignalLocationSerializer()
    occurredOn = serializers.DateField(allow_null=True)
    occurredText = serializers.CharField(allow_blank=True)
    attachmentCount = serializers.IntegerField()
    status = serializers.ChoiceField(choices=list(SIGNAL_STATES))
    statusLabel = serializers.CharField()
    statusSince = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateField(allow_null=True, help_text="Uiterste datum van de huidige stap.")
    overdue = serializers.BooleanField()
    sealed = serializers.BooleanField(help_text="Versleuteld ('geen actie'); inzien via /versleuteld-inzien.")
    destroyAfter = serializers.DateField(allow_null=True)
    subjects = SignalSubjectSerializer(many=True)
    timeline = TimelineEventSerializer(many=True)
    transitions = AvailableTransitionSerializer(many=True, help_text="Stappen die deze gebruiker mag zetten.")
    related = RelatedSignalSerializer(many=True, help_text="Andere signalen over hetzelfde adres of dezelfde "
                                                           "betrokkene (alleen die u mag zien).")


def _subject(mention) -> dict:
    return {
        "kind": mention.kind, "role": mention.role, "name": mention.name, "birthDate": mention.birth_date,
        "bsn": mention.bsn, "kvkNummer": mention.kvk_nummer, "address": mention.address_id,
        "addressLabel": str(mention.address) if mention.address_id else None,
        "addressText": mention.address_text, "kenteken": mention.kenteken,
    }


def _transition(user, signal, step) -> dict:
    reasons, _ = protocol_services.check(user, signal, step)
    return {"code": step.code, "label": step.label, "target": step.target, "wegingen": list(step.wegingen),
            "possible": not reasons, "reasons": reasons}


def detail(user, signal) -> dict:
    """The detail representation; ``signal`` comes from ``selectors.signal_for`` (policy + log)."""
    buurt = signal.buurt
    data = summary(signal)
    data.update({
        "reporterKind": signal.reporter_kind, "partner": signal.partner.name if signal.partner_id else None,
        "hasContact": hasattr(signal, "contact"), "description": signal.description,
        "location": {
            "address": signal.address_id, "addressLabel": str(signal.address) if signal.address_id else None,
            "buurt": signal.buurt_id, "buurtName": buurt.naam if buurt else None,
            "wijk": buurt.wijk_id if buurt else None, "wijkName": buurt.wijk.naam if buurt else None,
            "text": signal.location_text,
        },
        "occurredOn": signal.occurred_on, "occurredText": signal.occurred_text,
        "attachmentCount": signal.attachments.count(), "sealed": signal.is_sealed,
        "destroyAfter": signal.destroy_after,
        "subjects": [_subject(m) for m in selectors.mentions_of(signal)],
        "timeline": [{"at": e.at, "kind": e.kind, "title": e.title, "detail": e.detail, "who": e.who}
                     for e in protocol_selectors.timeline(signal)],
        "transitions": [_transition(user, signal, t) for t in protocol_services.available(user, signal)],
        "related": [{"kenmerk": s.reference, "phenomenon": s.phenomenon_id, "receivedAt": s.received_at}
                    for s in selectors.related_hints(user, signal)],
    })
    return data


# ------------------------------------------------------------------------------------ intake


class LocationSerializer(serializers.Serializer):
    address = StrictCharField(required=False, allow_blank=True, max_length=20,
                                    help_text="BAG-id van de nummeraanduiding (16 cijfers).")
    buurt = StrictCharField(required=False, allow_blank=True, max_length=20,
                                  help_text="CBS-buurtcode, bv. BU04791111.")
    text = StrictCharField(required=False, allow_blank=True, max_length=300,
                                 help_text="De plek in eigen woorden.")


class ContactSerializer(serializers.Serializer):
    name = StrictCharField(required=False, allow_blank=True, max_length=200)
    email = StrictCharField(required=False, allow_blank=True, max_length=254)
    phone = StrictCharField(required=False, allow_blank=True, max_length=30)


IDENTIFYING_FIELDS = ("name", "bsn", "kvkNummer", "address", "addressText", "kenteken")
IDENTIFY_MESSAGE = ("Vul bij elke betrokkene ten minste één van deze velden in: " + ", ".join(IDENTIFYING_FIELDS)
                    + " (naam, BSN, KvK-nummer, BAG-id, adres in tekst of kenteken).")


class SubjectSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SubjectKind.choices)
    role = StrictCharField(required=False, allow_blank=True, max_length=80)
    name = StrictCharField(required=False, allow_blank=True, max_length=200)
    birthDate = serializers.DateField(required=False, allow_null=True)
    bsn = StrictCharField(required=False, allow_blank=True, max_length=11)
    kvkNummer = StrictCharField(required=False, allow_blank=True, max_length=10)
    address = StrictCharField(required=False, allow_blank=True, max_length=20,
                              help_text="BAG-id van de nummeraanduiding (16 cijfers).")
    addressText = StrictCharField(required=False, allow_blank=True, max_length=200)
    kenteken = StrictCharField(required=False, allow_blank=True, max_length=10)


class SubjectSchema(OpenApiSerializerExtension):
    """The document says what ``validate_subjects`` checks: at least one identifying field with content."""

    target_class = SubjectSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["anyOf"] = [{"required": [name], "properties": {name: {"pattern": r"\S"}}}
                               for name in IDENTIFYING_FIELDS]
            schema["description"] = IDENTIFY_MESSAGE
        return schema


class SignalContentSerializer(serializers.Serializer):
    """What every channel sends: the signal itself."""

    # The document states what the service checks (10 to 5000 characters, not starting or ending
    # with white space; a phenomenon from the catalogue), so a request that fits it is accepted.
    description = StrictRegexField(r"^\S[\s\S]{8,4998}\S$", max_length=5000, trim_whitespace=False,
                                         help_text="Wat er is gezien of gehoord (10 tot 5000 tekens).",
                                         error_messages={"invalid": "Beschrijf in 10 tot 5000 tekens wat er is "
                                                                    "gezien, zonder witruimte aan begin of eind."})
    phenomenon = serializers.ChoiceField(choices=PHENOMENON_CODES,
                                         help_text="Code van het fenomeen (zie /fenomenen).",
                                         error_messages={"invalid_choice": "Kies een fenomeen uit /fenomenen."})
    location = LocationSerializer(required=False)
    occurredOn = serializers.DateField(required=False, allow_null=True, help_text="Datum van de waarneming.")
    occurredText = StrictCharField(required=False, allow_blank=True, max_length=200,
                                         help_text="Wanneer, in eigen woorden.")
    contact = ContactSerializer(required=False, allow_null=True,
                                  help_text="Contactgegevens van de melder; niet bij een anonieme melding.")
    subjects = SubjectSerializer(many=True, required=False, help_text="Betrokkenen (hoogstens 10).")

    def validate_subjects(self, value):
        if len(value) > MAX_SUBJECTS:
            raise serializers.ValidationError(f"Noem hoogstens {MAX_SUBJECTS} betrokkenen.")
        # A subject nobody can be found by is no subject (an invisible character counts as nothing);
        # named by position, ``subjects.1``, like the other errors of a subject.
        unnamed = {str(i): [IDENTIFY_MESSAGE] for i, subject in enumerate(value)
                   if not any(visible(subject.get(name, "")) for name in IDENTIFYING_FIELDS)}
        if unnamed:
            raise serializers.ValidationError(unnamed)
        return value


class PartnerSignalSerializer(SignalContentSerializer):
    """Een signaal van een partnerorganisatie: de inhoud, en voor welke gemeente het is."""

    gemeente = serializers.RegexField(
        r"^GM[0-9]{4}$", required=False, allow_blank=True, max_length=6,
        help_text="CBS-code van de gemeente waarvoor het signaal is (bijvoorbeeld GM0479). Nodig als uw token "
                  "aan meer dan één gemeente levert; anders mag het weg. Een gemeente waaraan u niet levert "
                  "wordt geweigerd.",
        error_messages={"invalid": "Geef de gemeente als CBS-code: GM en vier cijfers, bijvoorbeeld GM0479."})


class StaffSignalSerializer(SignalContentSerializer):
    channel = serializers.ChoiceField(
        choices=[(Channel.INTERN, "Eigen waarneming"), (Channel.TELEFOON, "Telefoon of balie (meldpunt)")],
        default=Channel.INTERN,
        help_text="'telefoon' registreert de melding van iemand anders; alleen voor medewerkers van het meldpunt.")
    reporterKind = serializers.ChoiceField(
        choices=[(ReporterKind.MEDEWERKER, "Medewerker"), (ReporterKind.BURGER, "Inwoner (met contact)"),
                 (ReporterKind.ANONIEM, "Anoniem"), (ReporterKind.PARTNER, "Partnerorganisatie")],
        default=ReporterKind.MEDEWERKER)


class SignalCreatedSerializer(serializers.Serializer):
    kenmerk = serializers.CharField()
    ontvangstcode = serializers.CharField(help_text="Code voor de melder om de ontvangst te bevestigen.")


def signal_input(data: dict, *, channel: str, reporter_kind: str) -> SignalInput:
    location = data.get("location") or {}
    contact = data.get("contact") or {}
    return SignalInput(
        channel=channel, reporter_kind=reporter_kind, description=data["description"],
        phenomenon=data["phenomenon"], address=location.get("address", ""), buurt=location.get("buurt", ""),
        location_text=location.get("text", ""), occurred_on=data.get("occurredOn"),
        occurred_text=data.get("occurredText", ""), contact_name=contact.get("name", ""),
        contact_email=contact.get("email", ""), contact_phone=contact.get("phone", ""),
        subjects=[
            SubjectInput(kind=s["kind"], role=s.get("role", ""), name=s.get("name", ""),
                         birth_date=s.get("birthDate"), bsn=s.get("bsn", ""), kvk_nummer=s.get("kvkNummer", ""),
                         address=s.get("address", ""), address_text=s.get("addressText", ""),
                         kenteken=s.get("kenteken", ""))
            for s in data.get("subjects") or []
        ],
    )


def created_response(signal, headers=None) -> Response:
    body = SignalCreatedSerializer({"kenmerk": signal.reference, "ontvangstcode": signal.receipt_code}).data
    return Response(body, status=status.HTTP_201_CREATED, headers=headers)
