"""The read API of the Logboek Dataverwerkingen (its read extension): the processing log queried by
trace id, by processing activity or by data subject, and nothing else (400). For the FG and the
auditor only; every question is itself logged, in the security log (BIO 12.4.1) and, for the data
subjects it returns, in the processing log (NEN 7513: reads of a log are logged)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.api.permissions import PolicyPermission
from meldpunt.api.problems import problem_response

from . import ldv, security, selectors
from .models import SecurityEvent, SecurityResult

# At most this many records per page, the oldest first; the link "next" asks for the page after it.
MAX_RECORDS = 1000

PARAMETERS = [
    OpenApiParameter("traceId", str, description="W3C trace-id (32 kleine hexadecimale tekens).",
                     pattern=r"^[0-9a-f]{32}$"),
    OpenApiParameter("processingActivityId", str,
                     description="URI van een verwerkingsactiviteit (met of zonder versie) uit het register."),
    OpenApiParameter("dataSubjectId", str, description="BSN, KvK-nummer of BAG-id van de betrokkene."),
    OpenApiParameter("dataSubjectIdType", str,
                     description="URI van een soort betrokkene uit het register (met of zonder versie), of de "
                                 "code (bsn, kvk, bag, intern)."),
    OpenApiParameter("gemeente", str, pattern=r"^GM[0-9]{4}$",
                     description="CBS-code van de gemeente (verwerkingsverantwoordelijke) waarvan u het log "
                                 "bevraagt; verplicht als u FG of auditor bent van meer dan één gemeente."),
    OpenApiParameter("cursor", str, description="Waar de volgende pagina begint: neem de link 'next' uit het "
                                                "vorige antwoord over (met dezelfde vraag)."),
]


class ForeignOperationSerializer(serializers.Serializer):
    trace_id = serializers.CharField()
    operation_id = serializers.CharField(allow_blank=True)
    entity = serializers.CharField(help_text="URI van de externe partij.")


class RecordSerializer(serializers.Serializer):
    """One Dataverwerking in the shape of the component Logboek's interface (privacy/ldv.py)."""

    trace_id = serializers.CharField()
    operation_id = serializers.CharField(help_text="Ook wel span_id.")
    parent_operation_id = serializers.CharField(allow_blank=True)
    name = serializers.CharField(help_text="De handeling.")
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField()
    status_code = serializers.ChoiceField(choices=sorted(ldv.STATUS_CODES.values()))
    foreign_operation = ForeignOperationSerializer(required=False)
    resource = serializers.DictField(help_text="attributes: service.name en service.version van het systeem.")
    attributes = serializers.DictField(help_text="dpl.core.* volgens de standaard; nl.meldpunt.* zijn onze "
                                                 "aanvullingen (NEN 7513).")


class LogboekLinkSerializer(serializers.Serializer):
    href = serializers.URLField()


class LogboekPageLinksSerializer(serializers.Serializer):
    self = LogboekLinkSerializer()
    first = LogboekLinkSerializer(help_text="De eerste pagina van deze vraag.")
    next = LogboekLinkSerializer(required=False, help_text="De volgende pagina; ontbreekt op de laatste.")


class RecordsSerializer(serializers.Serializer):
    _links = LogboekPageLinksSerializer(label="Links naar deze en de volgende pagina")
    records = RecordSerializer(many=True)
    complete = serializers.BooleanField(help_text=f"Onwaar als er na deze {MAX_RECORDS} regels nog meer zijn: "
                                                  "volg dan de link 'next'.")


def _described(query: dict) -> str:
    """What was asked, for the security log: never the identifier of a data subject."""
    if "trace_id" in query:
        return f"op trace {query['trace_id']}"
    if "activity" in query:
        code, version = query["activity"]
        return f"op verwerkingsactiviteit {code}" + (f" versie {version}" if version else "")
    return f"op een betrokkene ({query['subject'][0]})"


@extend_schema(tags=["logboek"], parameters=PARAMETERS, responses=RecordsSerializer)
class VerwerkingenView(APIView):
    """Logboek Dataverwerkingen: de verwerkingen op trace, verwerkingsactiviteit of betrokkene."""

    access_rule = "toezicht"
    permission_classes = [PolicyPermission]

    def get(self, request):
        try:
            query = selectors.ldv_scope(request.user, ldv.parse_query(request.query_params))
        except ldv.QueryError as refused:
            security.log_event(SecurityEvent.LOG_READ, SecurityResult.FAILURE, request=request,
                               object_type="logboek", detail=f"vraag geweigerd: {refused}")
            return problem_response(400, str(refused))
        lines = selectors.ldv_lines(request.user, query)
        found = list(lines[:MAX_RECORDS + 1])
        complete = len(found) <= MAX_RECORDS
        found = found[:MAX_RECORDS]
        page = " (vervolgpagina)" if "after" in query else ""
        security.log_event(SecurityEvent.LOG_READ, request=request, object_type="logboek",
                           detail=f"verwerkingslog {_described(query)}{page}: {len(found)} regels")
        selectors.log_reading(request.user, found, "logboek_raadplegen",
                              filters=_subject_filter(query))
        links = {"self": _link(request), "first": _link(request, cursor=None)}
        if not complete:
            links["next"] = _link(request, cursor=ldv.cursor_after(found[-1]))
        return Response({"_links": links, "records": [ldv.record(line) for line in found], "complete": complete})


def _link(request, **changes) -> dict:
    """This question's address, with ``cursor`` set to another page (None: the first)."""
    params = request.query_params.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    query = params.urlencode()
    return {"href": request.build_absolute_uri(request.path) + (f"?{query}" if query else "")}


def _subject_filter(query: dict):
    if "subject" not in query:
        return None
    kind, identifier = query["subject"]
    return selectors.LogFilter(subject_type=kind, subject_identifier=identifier)
