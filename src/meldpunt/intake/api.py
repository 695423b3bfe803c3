"""API v1 for signals: the phenomena catalogue, the queue, one signal, internal intake, the
partner API and bulk import. Thin: shapes live in ``intake.serializers``, the rules in
``intake.services`` (writes) and ``intake.selectors`` (reads, through the access policy).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt import policy
from meldpunt.api.permissions import PolicyPermission
from meldpunt.api.problems import problem_response

from . import imports, selectors
from .authentication import IsPartner, PartnerTokenAuthentication
from .models import Channel, ReporterKind
from .serializers import (
    KENMERK_PARAMETER,
    KENMERK_REGEX,
    QUEUE_PARAMETERS,
    BuurtCountSerializer,
    FenomeenSerializer,
    JsonBodyParser,
    PartnerSignalSerializer,
    QueueQuerySerializer,
    SignalCreatedSerializer,
    SignalDetailSerializer,
    SignalSummarySerializer,
    StaffSignalSerializer,
    created_response,
    detail,
    indexed_errors,
    intake_param,
    signal_input,
    summary,
    validated,
)
from .services import create_signal, partner_gemeente


@extend_schema(tags=["signalen"], responses=FenomeenSerializer(many=True))
class FenomeenListView(APIView):
    """De fenomenen van ondermijning waarover een signaal kan gaan (de actieve catalogus)."""

    access_rules = ("gebieden",)  # every logged-in role
    permission_classes = [PolicyPermission]

    def get(self, request):
        return Response(FenomeenSerializer(selectors.phenomena(), many=True).data)


# ------------------------------------------------------------------------------------ views


@extend_schema(tags=["signalen"])
class SignalViewSet(viewsets.GenericViewSet):
    """Signalen: de werkvoorraad, één signaal, en intern melden."""

    lookup_field = "kenmerk"
    lookup_value_regex = KENMERK_REGEX
    problem_param = staticmethod(intake_param)  # a refused create_signal names the API's fields
    permission_classes = [PolicyPermission]
    # A staff melder sees the status of their own signals in the list, never the detail (design §2).
    access_rules_by_action = {
        "list": ("signaal", "mijn_meldingen"),
        "retrieve": ("signaal",),
        "create": ("signaal_melden",),
        "kaart": ("signaal",),
    }
    parser_classes = [JsonBodyParser]
    filter_backends = []

    def get_queryset(self):
        return selectors.visible_signals(self.request.user)

    @extend_schema(
        summary="Werkvoorraad",
        description="De signalen waarbij u betrokken bent (door uw rol en de stap), de dringendste termijn "
                    "eerst. Een melder ziet hier alleen de status van de eigen signalen.",
        parameters=QUEUE_PARAMETERS, responses=SignalSummarySerializer(many=True))
    def list(self, request):
        query = QueueQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ValidationError(indexed_errors(query.errors))
        page = self.paginate_queryset(selectors.queue(request.user, query.to_filter()))
        return self.get_paginated_response(SignalSummarySerializer([summary(s) for s in page], many=True).data)

    @extend_schema(
        summary="Kaart van de werkvoorraad",
        description="Het aantal signalen per CBS-buurt, met dezelfde filters als de werkvoorraad en alleen "
                    "over de signalen die u mag zien. Zonder kenmerken: voor een kaart of overzicht.",
        parameters=QUEUE_PARAMETERS, responses=BuurtCountSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="kaart", pagination_class=None)
    def kaart(self, request):
        query = QueueQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ValidationError(indexed_errors(query.errors))
        counts = selectors.map_counts(request.user, query.to_filter())
        return Response(BuurtCountSerializer(counts, many=True).data)

    @extend_schema(summary="Eén signaal", parameters=[KENMERK_PARAMETER], responses=SignalDetailSerializer,
                   description="Het signaal met betrokkenen, tijdlijn (statussen, wegingen, doorzendingen) en de "
                               "stappen die u nu mag zetten. Elke inzage wordt gelogd.")
    def retrieve(self, request, kenmerk=None):
        signal = selectors.signal_for(request.user, kenmerk)
        return Response(SignalDetailSerializer(detail(request.user, signal)).data)

    @extend_schema(
        summary="Intern melden",
        description="Een medewerker registreert een signaal: een eigen waarneming (kanaal 'intern') of, als "
                    "medewerker van het meldpunt, een melding per telefoon of aan de balie (kanaal 'telefoon').",
        request=StaffSignalSerializer,
        responses={201: OpenApiResponse(SignalCreatedSerializer, description="Het signaal is geregistreerd.")})
    def create(self, request):
        data = validated(StaffSignalSerializer, request.data)
        if not policy.may_register_channel(request.user, data["channel"]):
            return problem_response(400, "Het signaal is niet opgeslagen.", [{
                "name": "channel", "code": "invalid_choice",
                "reason": "Alleen medewerkers van het meldpunt registreren meldingen per telefoon of balie."}])
        signal = create_signal(signal_input(data, channel=data["channel"], reporter_kind=data["reporterKind"]),
                               user=request.user)
        return created_response(signal, headers={"Location": f"/api/v1/signalen/{signal.reference}"})


@extend_schema(
    tags=["partner"], summary="Signaal aanleveren als partnerorganisatie",
    description="Voor partnerorganisaties met een eigen token (`Authorization: Bearer <token>`). Het signaal "
                "krijgt kanaal 'partner'. Een partner leest niets terug behalve kenmerk en ontvangstcode. Levert "
                "uw token aan meer dan één gemeente, noem dan in `gemeente` voor welke (CBS-code).",
    request=PartnerSignalSerializer,
    responses={201: OpenApiResponse(SignalCreatedSerializer, description="Het signaal is ontvangen.")})
class PartnerSignalView(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [IsPartner]
    parser_classes = [JsonBodyParser]
    problem_param = staticmethod(intake_param)

    def post(self, request):
        data = validated(PartnerSignalSerializer, request.data)
        gemeente = partner_gemeente(request.auth, data.get("gemeente", ""))
        signal = create_signal(signal_input(data, channel=Channel.PARTNER, reporter_kind=ReporterKind.PARTNER),
                               partner=request.auth, gemeente=gemeente)
        return created_response(signal)


class ImportSerializer(serializers.Serializer):
    bestand = serializers.FileField(
        help_text="CSV (UTF-8, ';' of ',') met kop, of JSON (een lijst van objecten). Kolommen: "
                  + ", ".join(imports.COLUMNS) + f". Hoogstens {imports.MAX_ROWS} signalen en "
                  f"{imports.MAX_BYTES // (1024 * 1024)} MB.")


class ImportResultSerializer(serializers.Serializer):
    aantal = serializers.IntegerField(help_text="Aantal ingelezen signalen.")
    kenmerken = serializers.ListField(child=serializers.CharField())


@extend_schema(
    tags=["signalen"], summary="Bulkimport",
    description="Lees een bestand met signalen in, alles of niets: bij één fout wordt niets opgeslagen en "
                "noemt de foutmelding elke fout met haar regel (`regel 3: omschrijving`; bij JSON `item 2: ...`).",
    request={"multipart/form-data": ImportSerializer},
    responses={201: OpenApiResponse(ImportResultSerializer, description="Alle signalen zijn ingelezen.")})
class ImportView(APIView):
    access_rules = ("bulkimport",)
    permission_classes = [PolicyPermission]
    parser_classes = [MultiPartParser]

    def post(self, request):
        upload = request.FILES.get("bestand")
        if upload is None:
            return problem_response(400, "Er is niets ingelezen.", [
                {"name": "bestand", "code": "required", "reason": "Kies een bestand (CSV of JSON)."}])
        if upload.size > imports.MAX_BYTES:
            return problem_response(400, "Er is niets ingelezen.", [{
                "name": "bestand", "code": "max_size",
                "reason": f"Het bestand is te groot (hoogstens {imports.MAX_BYTES // (1024 * 1024)} MB)."}])
        signals = imports.import_signals(request.user, upload.name, upload.read())
        body = ImportResultSerializer({"aantal": len(signals), "kenmerken": [s.reference for s in signals]}).data
        return Response(body, status=status.HTTP_201_CREATED)
