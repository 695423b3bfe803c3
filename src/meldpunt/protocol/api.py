"""API v1 for the protocol steps on one signal: wegingen, transitions, forwards, opening a sealed
signal, and the destinations catalogue. Thin: every write goes through ``protocol.services``,
which checks the role, the weging rules and the transition table, and logs the step.

A refused step changes nothing (P8); meldpunt.api.problems answers it (``ProtocolError`` 400,
``WrongState`` 409, ``NotAllowed`` 403), naming the parameter in ``problem_field``.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.api.permissions import PolicyPermission
from meldpunt.api.problems import problem_response
from meldpunt.api.serializers import StrictCharField
from meldpunt.intake import selectors as intake_selectors
from meldpunt.intake.serializers import KENMERK_PARAMETER, JsonBodyParser, validated

from . import selectors, services
from .checklist import GROUPS
from .transitions import SIGNAL_TRANSITIONS
from .wegingen import DECISIONS

CONFLICT = {409: OpenApiResponse(description="De status van het signaal laat deze stap niet toe.")}
TRANSITION_CODES = [t.code for t in SIGNAL_TRANSITIONS if not (t.system_only or t.service_only)]
DECISION_CODES = sorted({code for decisions in DECISIONS.values() for code in decisions})


def _signal_or_404(request, kenmerk):
    """The signal to act on, through the access policy. Not logged as a read: the service logs the
    step itself, and a refused step must leave no trace (P8)."""
    signal = intake_selectors.visible_signals(request.user).filter(reference=kenmerk).first()
    if signal is None:
        raise NotFound("Dit signaal bestaat niet of u mag het niet zien.")
    return signal


# ------------------------------------------------------------------------------------ wegingen


class BeoordelingskaderSerializer(serializers.Serializer):
    """Weging 1: the CCV checklist (at 'ja' at least one 'kenmerk' and one 'verankering')."""

    kenmerken = serializers.ListField(child=serializers.ChoiceField(choices=GROUPS["kenmerken"]), required=False)
    verankering = serializers.ListField(child=serializers.ChoiceField(choices=GROUPS["verankering"]),
                                        required=False)
    signalering = serializers.ListField(child=serializers.ChoiceField(choices=GROUPS["signalering"]),
                                        required=False)


class WegingSerializer(serializers.Serializer):
    """One reasoned decision. Completeness (reasoning, purpose, legal basis, checklist, criteria,
    necessity/proportionality/subsidiarity) is checked by the protocol rules, the same as in the UI."""

    soort = serializers.ChoiceField(choices=list(DECISIONS), help_text="W1, W2A, W2B (stap 1), W3 of W4.")
    besluit = serializers.ChoiceField(
        choices=DECISION_CODES,
        help_text="W1/W2A/W2B: ja of nee. W3: geen_actie, afdeling, riec, bronnenonderzoek. "
                  "W4: geen_hit, afdeling, riec, casus.")
    motivering = StrictCharField(required=False, allow_blank=True, max_length=10000)
    doel = StrictCharField(required=False, allow_blank=True, max_length=300,
                                 help_text="Doel van de verwerking.")
    grondslag = StrictCharField(required=False, allow_blank=True, max_length=300,
                                      help_text="Wettelijke grondslag, bv. 'AVG art. 6 lid 1 sub e; Gemeentewet "
                                                "art. 172'.")
    beoordelingskader = BeoordelingskaderSerializer(required=False, help_text="Alleen bij W1.")
    criteriaVersie = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=32767,
                                              help_text="W3: versie van de lokale criteria (leeg: de geldende).")
    noodzaak = StrictCharField(required=False, allow_blank=True, max_length=10000)
    proportionaliteit = StrictCharField(required=False, allow_blank=True, max_length=10000)
    subsidiariteit = StrictCharField(required=False, allow_blank=True, max_length=10000)
    bijzondereGegevens = serializers.BooleanField(required=False, default=False,
                                                  help_text="Bijzondere persoonsgegevens (AVG art. 9).")
    strafrechtelijkeGegevens = serializers.BooleanField(required=False, default=False,
                                                        help_text="Strafrechtelijke gegevens (AVG art. 10).")
    grondslagBijzondereGegevens = StrictCharField(required=False, allow_blank=True, max_length=300)


def weging_input(d: dict) -> services.WegingInput:
    return services.WegingInput(
        type=d["soort"], decision=d["besluit"], reasoning=d.get("motivering", ""), purpose=d.get("doel", ""),
        legal_basis=d.get("grondslag", ""),
        checklist={k: list(v) for k, v in (d.get("beoordelingskader") or {}).items()},
        criteria_version=d.get("criteriaVersie"), necessity=d.get("noodzaak", ""),
        proportionality=d.get("proportionaliteit", ""), subsidiarity=d.get("subsidiariteit", ""),
        art9_data=d.get("bijzondereGegevens", False), art10_data=d.get("strafrechtelijkeGegevens", False),
        special_data_basis=d.get("grondslagBijzondereGegevens", ""),
    )


class VastgelegdeWegingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    soort = serializers.CharField(source="type")
    besluit = serializers.CharField(source="decision")
    motivering = serializers.CharField(source="reasoning")
    doel = serializers.CharField(source="purpose")
    grondslag = serializers.CharField(source="legal_basis")
    criteriaVersie = serializers.IntegerField(source="criteria.version", allow_null=True, default=None)
    rol = serializers.CharField(source="role")
    beslotenOp = serializers.DateTimeField(source="decided_at")


@extend_schema(
    tags=["protocol"], summary="Weging vastleggen", parameters=[KENMERK_PARAMETER],
    description="Legt één weging vast. De volgende stap die deze soort weging vraagt, gebruikt haar.",
    request=WegingSerializer,
    responses={201: OpenApiResponse(VastgelegdeWegingSerializer, description="De weging is vastgelegd.")})
class WegingView(APIView):
    access_rules = ("signaal",)
    permission_classes = [PolicyPermission]
    parser_classes = [JsonBodyParser]
    problem_field = "weging"

    def post(self, request, kenmerk):
        signal = _signal_or_404(request, kenmerk)
        data = validated(WegingSerializer, request.data)
        weging = services.record_weging(request.user, signal, weging_input(data))
        return Response(VastgelegdeWegingSerializer(weging).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------- overgangen


class OvergangSerializer(serializers.Serializer):
    overgang = serializers.ChoiceField(choices=TRANSITION_CODES,
                                       help_text="Code van de stap (zie 'transitions' bij het signaal).")
    toelichting = StrictCharField(required=False, allow_blank=True, max_length=10000)
    wegingen = WegingSerializer(many=True, required=False,
                                       help_text="Wegingen om in dezelfde transactie vast te leggen.")


class GezetteOvergangSerializer(serializers.Serializer):
    kenmerk = serializers.CharField()
    overgang = serializers.CharField()
    van = serializers.CharField(help_text="Status voor de stap.")
    naar = serializers.CharField(help_text="Status na de stap.")
    op = serializers.DateTimeField()
    uitersteDatum = serializers.DateField(allow_null=True, help_text="Uiterste datum van de nieuwe stap.")


@extend_schema(
    tags=["protocol"], summary="Stap zetten", parameters=[KENMERK_PARAMETER],
    description="Zet een stap uit de transitietabel. Met 'wegingen' worden die eerst vastgelegd, alles of "
                "niets. Zonder de vereiste wegingen wordt de stap geweigerd.",
    request=OvergangSerializer,
    responses={201: OpenApiResponse(GezetteOvergangSerializer, description="De stap is gezet."), **CONFLICT})
class OvergangView(APIView):
    access_rules = ("signaal",)
    permission_classes = [PolicyPermission]
    parser_classes = [JsonBodyParser]
    problem_field = "overgang"

    def post(self, request, kenmerk):
        signal = _signal_or_404(request, kenmerk)
        data = validated(OvergangSerializer, request.data)
        code, note = data["overgang"], data.get("toelichting", "")
        if data.get("wegingen"):
            change = services.decide(request.user, signal, [weging_input(w) for w in data["wegingen"]], code, note)
        else:
            change = services.transition(request.user, signal, code, note)
        body = {"kenmerk": signal.reference, "overgang": change.transition, "van": change.source,
                "naar": change.target, "op": change.at, "uitersteDatum": change.signal.deadline}
        return Response(GezetteOvergangSerializer(body).data, status=status.HTTP_201_CREATED)


# -------------------------------------------------------------------------------- doorzendingen


class BestemmingSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField(source="name")
    soort = serializers.CharField(source="kind")
    gebruikelijkeGrondslag = serializers.CharField(source="default_legal_basis")


@extend_schema(tags=["protocol"], summary="Bestemmingen", responses=BestemmingSerializer(many=True))
class BestemmingListView(APIView):
    """Waarheen een signaal kan worden doorgezonden (actieve bestemmingen)."""

    access_rules = ("signaal",)
    permission_classes = [PolicyPermission]

    def get(self, request):
        return Response(BestemmingSerializer(selectors.destinations(), many=True).data)


class DoorzendingSerializer(serializers.Serializer):
    bestemming = serializers.SlugField(max_length=60, help_text="Code van de bestemming (zie /bestemmingen).")
    grondslag = StrictCharField(required=False, allow_blank=True, max_length=300,
                                      help_text="Leeg: de gebruikelijke grondslag van de bestemming.")
    onderdelen = serializers.ListField(child=serializers.ChoiceField(choices=list(services.FORWARD_ITEMS.items())),
                                       max_length=len(services.FORWARD_ITEMS),
                                       help_text="Wat er wordt verzonden; alleen wat de ontvanger nodig heeft.")
    toelichting = StrictCharField(required=False, allow_blank=True, max_length=10000,
                                        help_text="Begeleidende tekst.")


class VastgelegdeDoorzendingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    bestemming = serializers.CharField(source="destination.code")
    bestemmingNaam = serializers.CharField(source="destination.name")
    grondslag = serializers.CharField(source="legal_basis")
    onderdelen = serializers.ListField(source="items", child=serializers.CharField())
    verzondenOp = serializers.DateTimeField(source="sent_at")


@extend_schema(
    tags=["protocol"], summary="Doorzenden", parameters=[KENMERK_PARAMETER],
    description="Legt een doorzending vast: bestemming, grondslag en precies welke onderdelen het huis verlaten. "
                "Gegevens van de melder gaan nooit mee.",
    request=DoorzendingSerializer,
    responses={201: OpenApiResponse(VastgelegdeDoorzendingSerializer, description="De doorzending is vastgelegd.")})
class DoorzendingView(APIView):
    access_rules = ("signaal",)
    permission_classes = [PolicyPermission]
    parser_classes = [JsonBodyParser]
    problem_field = "doorzending"

    def post(self, request, kenmerk):
        signal = _signal_or_404(request, kenmerk)
        data = validated(DoorzendingSerializer, request.data)
        destination = selectors.destinations().filter(code=data["bestemming"]).first()
        if destination is None:
            return problem_response(400, "De doorzending is niet vastgelegd.", [{
                "name": "bestemming", "code": "invalid_choice",
                "reason": "Onbekende of niet meer actieve bestemming: kies er een uit /bestemmingen."}])
        legal_basis = data.get("grondslag") or destination.default_legal_basis
        sent = services.forward(request.user, signal, destination, legal_basis, list(data["onderdelen"]),
                                data.get("toelichting", ""))
        return Response(VastgelegdeDoorzendingSerializer(sent).data, status=status.HTTP_201_CREATED)


# ----------------------------------------------------------------------------- versleuteld inzien


class InzienSerializer(serializers.Serializer):
    reden = StrictCharField(max_length=2000, help_text="Waarom u dit versleutelde signaal moet inzien "
                                                             "(ten minste een zin); wordt gelogd.")


class SealedSubjectSerializer(serializers.Serializer):
    soort = serializers.CharField()
    rol = serializers.CharField(allow_blank=True)
    naam = serializers.CharField(allow_blank=True)
    geboortedatum = serializers.CharField(allow_blank=True, help_text="JJJJ-MM-DD of leeg.")
    bsn = serializers.CharField(allow_blank=True)
    kvkNummer = serializers.CharField(source="kvk_nummer", allow_blank=True)
    adres = serializers.CharField(allow_blank=True, help_text="BAG-id of leeg.")
    adresTekst = serializers.CharField(source="adres_tekst", allow_blank=True)
    kenteken = serializers.CharField(allow_blank=True)


class SealedContactSerializer(serializers.Serializer):
    naam = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    telefoon = serializers.CharField(allow_blank=True)


class SealedContentSerializer(serializers.Serializer):
    kenmerk = serializers.CharField()
    omschrijving = serializers.CharField(allow_blank=True)
    locatie = serializers.CharField(allow_blank=True)
    waarneming = serializers.CharField(allow_blank=True)
    betrokkenen = SealedSubjectSerializer(many=True)
    contact = SealedContactSerializer(allow_null=True)


@extend_schema(
    tags=["protocol"], summary="Versleuteld signaal inzien", parameters=[KENMERK_PARAMETER],
    description="Opent de inhoud van een versleuteld 'geen actie'-signaal voor een bevoegde rol, met een reden. "
                "Rol, reden en betrokkenen worden gelogd.",
    request=InzienSerializer,
    responses={200: OpenApiResponse(SealedContentSerializer, description="De ontsleutelde inhoud."), **CONFLICT})
class VersleuteldInzienView(APIView):
    access_rules = ("signaal",)
    permission_classes = [PolicyPermission]
    parser_classes = [JsonBodyParser]
    problem_field = "reden"

    def post(self, request, kenmerk):
        signal = _signal_or_404(request, kenmerk)
        data = validated(InzienSerializer, request.data)
        payload = services.reveal_sealed(request.user, signal, data["reden"])
        payload = {"kenmerk": signal.reference, **payload}
        return Response(SealedContentSerializer(payload).data)
