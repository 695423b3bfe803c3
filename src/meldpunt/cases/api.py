"""API v1 for step 4: the casussen a regisseur or team member is involved in, one casus, and the
participant's and uitvoerder's views of what was released to them. Read-only and thin: reads go
through ``cases.selectors`` (access policy, processing log); a participant's answer is built
from ``items.released_content`` only, so the API never shows more than their page (P1)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.api.permissions import PolicyPermission

from . import selectors
from .models import Casus
from .services import CASUS_STATE_LABELS

CASUS_KENMERK_REGEX = "CA-[0-9]{4}-[0-9]{5,10}"
CASUS_KENMERK = OpenApiParameter("kenmerk", str, OpenApiParameter.PATH,
                                 description="Kenmerk van de casus, bv. CA-2026-00001.")
STATUS = OpenApiParameter("status", str, OpenApiParameter.QUERY, enum=list(CASUS_STATE_LABELS),
                          description="Alleen casussen met deze status.")


class CasusSamenvattingSerializer(serializers.Serializer):
    kenmerk = serializers.CharField(source="reference")
    werktitel = serializers.CharField(source="title")
    status = serializers.CharField(source="state")
    statusSinds = serializers.DateTimeField(source="state_since", allow_null=True)
    gestartOp = serializers.DateTimeField(source="opened_at")
    regisseur = serializers.CharField(source="lead.username", allow_null=True, default=None)
    aantalSignalen = serializers.IntegerField(source="n_signals")
    openInterventies = serializers.IntegerField(source="n_open")
    interventiesTeLaat = serializers.IntegerField(source="n_overdue")


class BetrokkeneSerializer(serializers.Serializer):
    soort = serializers.CharField()
    rol = serializers.CharField(allow_blank=True)
    naam = serializers.CharField(allow_blank=True)
    bsn = serializers.CharField(allow_blank=True)
    kvkNummer = serializers.CharField(allow_blank=True)
    signaal = serializers.CharField()


class InterventieSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    instrument = serializers.CharField(source="instrument.name")
    grondslag = serializers.CharField(source="instrument.legal_basis")
    bevoegdOrgaan = serializers.CharField(source="instrument.competent_authority")
    afdeling = serializers.CharField(source="department")
    uitvoerder = serializers.CharField(source="owner.username")
    uiterlijk = serializers.DateField(source="deadline")
    status = serializers.CharField()
    resultaat = serializers.CharField(source="result", allow_blank=True)


class StatusWijzigingSerializer(serializers.Serializer):
    overgang = serializers.CharField(source="transition")
    van = serializers.CharField(source="source", allow_blank=True)
    naar = serializers.CharField(source="target")
    op = serializers.DateTimeField(source="at")


class CasusSerializer(serializers.Serializer):
    kenmerk = serializers.CharField(source="casus.reference")
    werktitel = serializers.CharField(source="casus.title")
    status = serializers.CharField(source="casus.state")
    signalen = serializers.ListField(child=serializers.CharField())
    betrokkenen = BetrokkeneSerializer(many=True)
    interventies = InterventieSerializer(many=True, source="interventions")
    geschiedenis = StatusWijzigingSerializer(many=True, source="history")


class VrijgegevenSignaalSerializer(serializers.Serializer):
    kenmerk = serializers.CharField()
    fenomeen = serializers.CharField(required=False)
    omschrijving = serializers.CharField(required=False)
    locatie = serializers.CharField(required=False)
    waarneming = serializers.CharField(required=False)


class VrijgegevenBetrokkeneSerializer(serializers.Serializer):
    soort = serializers.CharField()
    rol = serializers.CharField(allow_blank=True)
    naam = serializers.CharField(allow_blank=True)
    geboortedatum = serializers.CharField(allow_blank=True)
    bsn = serializers.CharField(allow_blank=True)
    kvkNummer = serializers.CharField(allow_blank=True)
    adres = serializers.CharField(allow_blank=True)
    kenteken = serializers.CharField(allow_blank=True)


class VrijgegevenDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    naam = serializers.CharField()
    soort = serializers.CharField()
    grootte = serializers.IntegerField()


class VrijgegevenWegingSerializer(serializers.Serializer):
    soort = serializers.CharField()
    besluit = serializers.CharField()
    motivering = serializers.CharField()
    grondslag = serializers.CharField()
    signaal = serializers.CharField()


class VrijgegevenWaardeSerializer(serializers.Serializer):
    gegeven = serializers.CharField(help_text="Het gegeven, in woorden (bijvoorbeeld 'Woonadres').")
    regels = serializers.ListField(child=serializers.CharField(),
                                   help_text="De waarde, leesbaar; een regel per record.")


class VrijgegevenBrongegevenSerializer(serializers.Serializer):
    bron = serializers.CharField()
    signaal = serializers.CharField()
    over = serializers.CharField(help_text="Over wie of wat; de naam alleen als die betrokkene ook is vrijgegeven.")
    waarden = VrijgegevenWaardeSerializer(many=True)
    fout = serializers.CharField(allow_blank=True)


class VrijgegevenSerializer(serializers.Serializer):
    """Exactly what was released to you of one casus; nothing else."""

    kenmerk = serializers.CharField()
    werktitel = serializers.CharField(allow_blank=True)
    signalen = VrijgegevenSignaalSerializer(many=True)
    betrokkenen = VrijgegevenBetrokkeneSerializer(many=True)
    documenten = VrijgegevenDocumentSerializer(many=True)
    wegingen = VrijgegevenWegingSerializer(many=True)
    gegevens = VrijgegevenBrongegevenSerializer(many=True, help_text="Vrijgegeven gegevens uit bronnenonderzoek.")


class AgendapuntSerializer(serializers.Serializer):
    volgorde = serializers.IntegerField()
    vrijgegeven = VrijgegevenSerializer()


class OverlegSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    naam = serializers.CharField()
    op = serializers.DateTimeField()
    plaats = serializers.CharField(allow_blank=True)
    namens = serializers.CharField()
    agenda = AgendapuntSerializer(many=True)


class ActieSerializer(serializers.Serializer):
    interventie = InterventieSerializer()
    casus = serializers.CharField()
    vrijgegeven = VrijgegevenSerializer(allow_null=True)


@extend_schema(tags=["casussen"])
class CasusListView(GenericAPIView):
    """Casussen waarbij u betrokken bent (regisseur of casusteam), de nieuwste eerst."""

    access_rule = "casussen"
    permission_classes = [PolicyPermission]
    serializer_class = CasusSamenvattingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Casus.objects.none()
        return selectors.visible_cases(self.request.user)

    @extend_schema(summary="Casussen", parameters=[STATUS], operation_id="casussen_list",
                   responses=CasusSamenvattingSerializer(many=True))
    def get(self, request):
        state = request.query_params.get("status", "")
        if state and state not in CASUS_STATE_LABELS:
            raise ValidationError({"status": [f"Onbekende status. Kies uit: {', '.join(CASUS_STATE_LABELS)}."]})
        page = self.paginate_queryset(selectors.case_list(request.user, state))
        return self.get_paginated_response(CasusSamenvattingSerializer(page, many=True).data)


@extend_schema(tags=["casussen"])
class CasusDetailView(APIView):
    """Eén casus: signalen, betrokkenen, interventies en de statusgeschiedenis. Elke inzage wordt per
    betrokkene gelogd."""

    access_rule = "casussen"
    permission_classes = [PolicyPermission]

    @extend_schema(summary="Eén casus", parameters=[CASUS_KENMERK], operation_id="casus_retrieve",
                   responses=CasusSerializer)
    def get(self, request, kenmerk):
        if not selectors.visible_cases(request.user).filter(reference=kenmerk).exists():
            raise NotFound("Deze casus bestaat niet of u mag hem niet zien.")
        casus = selectors.casus_for(request.user, kenmerk, log_read=False)
        data = selectors.casus_page(casus, request.user, action="casus_inzien_api")
        body = {
            "casus": data.casus, "signalen": [link.signal.reference for link in data.links],
            "betrokkenen": [{"soort": s.get_kind_display(), "rol": s.role, "naam": s.name, "bsn": s.bsn,
                             "kvkNummer": s.kvk_nummer, "signaal": s.signal.reference} for s in data.subjects],
            "interventions": data.interventions, "history": data.history,
        }
        return Response(CasusSerializer(body).data)


@extend_schema(tags=["casussen"])
class MijnCasussenView(APIView):
    """De casusoverleggen waarvoor u bent uitgenodigd, per agendapunt alleen wat voor u is
    vrijgegeven (privacytoets 2A)."""

    access_rule = "mijn_casussen"
    permission_classes = [PolicyPermission]

    @extend_schema(summary="Mijn casussen", operation_id="mijn_casussen_list", responses=OverlegSerializer(many=True))
    def get(self, request):
        body = [{
            "id": seat.meeting.pk, "naam": seat.meeting.title, "op": seat.meeting.starts_at,
            "plaats": seat.meeting.location, "namens": seat.participant.organisation,
            "agenda": [{"volgorde": n, "vrijgegeven": entry.content.as_dict()}
                       for n, entry in enumerate(seat.items, start=1)],
        } for seat in selectors.released_to_participant(request.user)]
        return Response(OverlegSerializer(body, many=True).data)


@extend_schema(tags=["casussen"])
class MijnActiesView(APIView):
    """De interventies op uw naam, elk met wat ervoor is vrijgegeven (privacytoets 2B)."""

    access_rule = "mijn_acties"
    permission_classes = [PolicyPermission]

    @extend_schema(summary="Mijn acties", operation_id="mijn_acties_list", responses=ActieSerializer(many=True))
    def get(self, request):
        body = [{"interventie": a.intervention, "casus": a.intervention.casus.reference,
                 "vrijgegeven": a.content.as_dict() if a.released else None}
                for a in selectors.actions_of(request.user)]
        return Response(ActieSerializer(body, many=True).data)
