"""API v1. Thin: reads through selectors, access through the policy."""

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.core.identifiers import InvalidIdentifier, parse_gemeentecode, parse_wijkcode
from meldpunt.registries import selectors

from . import serializers
from .permissions import PolicyPermission

# The filter values the API accepts, as documented in the OpenAPI document (case-insensitive,
# ASCII only, nothing around the code). An empty value means no filter, as everywhere in the API.
GEMEENTECODE_PATTERN = r"^[Gg][Mm][0-9]{4}$"
WIJKCODE_PATTERN = r"^[Ww][Kk][0-9]{4}[0-9A-Za-z]{2}$"
GEMEENTE_FILTER = OpenApiParameter(
    "gemeente", str, description="CBS-gemeentecode, bv. GM0479", pattern=GEMEENTECODE_PATTERN
)
WIJK_FILTER = OpenApiParameter("wijk", str, description="CBS-wijkcode, bv. WK047911", pattern=WIJKCODE_PATTERN)


def _code(value, pattern, parse, name):
    if not value:
        return None
    try:
        code = parse(value)
    except InvalidIdentifier as error:
        raise ValidationError({name: [str(error)]}) from None
    if not re.fullmatch(pattern, value):  # e.g. spaces around the code or non-ASCII digits
        raise ValidationError({name: ["Geef alleen de code, zonder spaties of andere tekens."]})
    return code





@extend_schema(tags=["gebieden"])
class GemeenteViewSet(viewsets.ReadOnlyModelViewSet):
    """Gemeenten in deze installatie (CBS-indeling 2024)."""

    access_rule = "gebieden"
    permission_classes = [PolicyPermission]
    serializer_class = serializers.GemeenteSerializer
    lookup_field = "code"
    lookup_value_regex = "GM[0-9]{4}"
    filter_backends = []

    def get_queryset(self):
        return selectors.gemeenten()


@extend_schema(tags=["gebieden"])
class WijkViewSet(viewsets.ReadOnlyModelViewSet):
    """Wijken met CBS-kerncijfers."""

    access_rule = "gebieden"
    permission_classes = [PolicyPermission]
    serializer_class = serializers.WijkSerializer
    lookup_field = "code"
    lookup_value_regex = "WK[0-9]{4}[0-9A-Z]{2}"
    filter_backends = []

    @extend_schema(parameters=[GEMEENTE_FILTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        gemeente = _code(params.get("gemeente"), GEMEENTECODE_PATTERN, parse_gemeentecode, "gemeente")
        return selectors.wijken(gemeente)


@extend_schema(tags=["gebieden"])
class BuurtViewSet(viewsets.ReadOnlyModelViewSet):
    """Buurten met CBS-kerncijfers."""

    access_rule = "gebieden"
    permission_classes = [PolicyPermission]
    serializer_class = serializers.BuurtSerializer
    lookup_field = "code"
    lookup_value_regex = "BU[0-9]{4}[0-9A-Z]{4}"
    filter_backends = []

    @extend_schema(parameters=[GEMEENTE_FILTER, WIJK_FILTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.buurten(
            _code(params.get("gemeente"), GEMEENTECODE_PATTERN, parse_gemeentecode, "gemeente"),
            _code(params.get("wijk"), WIJKCODE_PATTERN, parse_wijkcode, "wijk"),
        )


@extend_schema(tags=["gebruiker"], responses=serializers.MeSerializer)
class MeView(APIView):
    """De ingelogde gebruiker en zijn rollen."""

    access_rule = "gebieden"  # every logged-in role
    permission_classes = [PolicyPermission]

    def get(self, request):
        data = {"gebruikersnaam": request.user.get_username(),
                "rollen": [r.value for r in request.user.ordered_roles()]}
        return Response(serializers.MeSerializer(data).data)
