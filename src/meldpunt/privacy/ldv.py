"""The processing log in the shape of the Logboek Dataverwerkingen 1.0.0 (Logius): one record per
span with the standard's attribute names (``dpl.core.*``), for the read API and exports.

The stored line keeps its own column names (and NEN 7513 fields the standard puts in an audit log);
this module is the faithful translation, field by field as listed in docs/adr/0025.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime

from django.db.models import Max

from meldpunt.tenancy.models import Tenant

from .errors import QueryError
from .models import DataSubjectType, ProcessingLogEntry, SubjectType, activity_uri, register_base
from .models import subject_type_uri as versioned_subject_type_uri

# Our additions travel under our own prefix, never under dpl.core (the standard's namespace).
EXTENSION = "nl.meldpunt"


def subject_type_uri(code: str, version: int | None = None) -> str:
    """dpl.core.data_subject_id_type: the URI of a subject type in our register; with ``version``
    that version's, without it the latest's."""
    if version is None:
        version = DataSubjectType.objects.filter(code=code).aggregate(latest=Max("version"))["latest"] or 1
    return versioned_subject_type_uri(code, version)


SUBJECT_TYPES = tuple(SubjectType.values)


def subject_type_of(value: str) -> str | None:
    """A subject type given as code (``bsn``) or as the URI of the type (with or without a version
    that is in the register); None when unknown."""
    value = (value or "").strip()
    if value in SUBJECT_TYPES:
        return value
    prefix = re.escape(f"{register_base()}/betrokkenetypen/")
    match = re.fullmatch(prefix + r"([a-z]{1,8})(?:/([0-9]{1,5}))?", value)
    if match is None or match.group(1) not in SUBJECT_TYPES:
        return None
    code, version = match.group(1), match.group(2)
    if version is not None and not DataSubjectType.objects.filter(code=code, version=int(version)).exists():
        return None
    return code


def activity_of(value: str) -> tuple[str, int | None] | None:
    """(code, version) of a processing-activity URI in the installation's register or a gemeente's
    own (ADR 0030 §2); version None for the URI without a version."""
    own = Tenant.objects.values_list("register_uri", flat=True)
    bases = {register_base(), *(uri.rstrip("/") for uri in own if uri)}
    prefixes = "|".join(re.escape(f"{base}/verwerkingsactiviteiten/") for base in sorted(bases))
    match = re.fullmatch(f"(?:{prefixes})" + r"([a-z0-9_]{1,60})(?:/([0-9]{1,5}))?", (value or "").strip())
    if match is None:
        return None
    return match.group(1), int(match.group(2)) if match.group(2) else None


def _time(moment) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# The interface of the component Logboek (sections/03-specificaties/02-component-logboek.md): a
# status enumeration, not OpenTelemetry's free text; "unset" is the standard's UNKNOWN.
STATUS_CODES = {"ok": "STATUS_CODE_OK", "error": "STATUS_CODE_ERROR", "unset": "STATUS_CODE_UNKNOWN"}


def foreign_entity_uri(processor: str) -> str:
    """foreign_operation.entity: the URI of the external party whose trace we continued."""
    kind, _, name = processor.partition(":")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") if name else ""
    return f"{register_base()}/partijen/{kind}/{slug}" if slug else f"{register_base()}/partijen/{kind or 'onbekend'}"


def record(line: ProcessingLogEntry) -> dict:
    """One line as a Logboek Dataverwerkingen record: the fields of the component Logboek's interface
    (trace_id, operation_id, parent_operation_id, status_code, foreign_operation, resource) and the
    dpl.core attributes; our NEN 7513 additions under our own prefix."""
    attributes = {
        "dpl.core.processing_activity_id": line.activity_uri or activity_uri(line.activity_code, line.activity_version),
        "dpl.core.data_subject_id": line.subject_pseudonym,
        "dpl.core.data_subject_id_type": line.subject_type_reference,
    }
    # What NEN 7513 and our chain add (ADR 0025: deliberate differences).
    attributes.update({
        f"{EXTENSION}.sequence_number": line.seq,
        f"{EXTENSION}.action_parent_span_id": line.action_parent_span_id,
        f"{EXTENSION}.user_id": line.user_id,
        f"{EXTENSION}.role": line.role,
        f"{EXTENSION}.data_categories": line.data_categories,
        f"{EXTENSION}.object": f"{line.object_type}:{line.object_id}" if line.object_type else "",
        f"{EXTENSION}.reason": line.basis,
    })
    result = {
        "trace_id": line.trace_id,
        "operation_id": line.span_id,  # "ook wel bekend als span_id"
        "parent_operation_id": line.parent_span_id,
        "name": line.action,
        "start_time": _time(line.started_at),
        "end_time": _time(line.ended_at),
        "status_code": STATUS_CODES.get(line.status, "STATUS_CODE_UNKNOWN"),
        "resource": {"attributes": {"service.name": line.resource_name, "service.version": line.resource_version}},
        "attributes": attributes,
    }
    if line.foreign_trace_id:
        result["foreign_operation"] = {"trace_id": line.foreign_trace_id, "operation_id": line.foreign_span_id,
                                       "entity": foreign_entity_uri(line.foreign_processor)}
    return result


# ------------------------------------------------------------------- queries of the read API

TRACE_ID = re.compile(r"[0-9a-f]{32}")
QUERY_PARAMETERS = ("traceId", "processingActivityId", "dataSubjectId", "dataSubjectIdType", "cursor", "gemeente")
GEMEENTE_CODE = re.compile(r"GM[0-9]{4}")


def cursor_after(line: ProcessingLogEntry) -> str:
    """The opaque cursor of the page after ``line``: its place in the order (start time, number).
    It only says where to go on; the question and the access check are asked again for every page."""
    place = f"{line.started_at.astimezone(UTC).isoformat(timespec='microseconds')}|{line.seq}"
    return base64.urlsafe_b64encode(place.encode()).decode().rstrip("=")


def parse_cursor(value: str):
    """(start time, number) of a cursor from :func:`cursor_after`; QueryError when it is not one."""
    try:
        text = base64.urlsafe_b64decode(value.strip() + "=" * (-len(value.strip()) % 4)).decode()
        moment, seq = text.split("|")
        started_at = datetime.fromisoformat(moment)
        if started_at.tzinfo is None or not re.fullmatch(r"[0-9]{1,18}", seq):
            raise ValueError(text)
        return started_at, int(seq)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise QueryError("cursor is niet geldig: gebruik de link 'next' uit het vorige antwoord.") from None


def parse_query(params) -> dict:
    """Exactly one of: a trace id; a processing activity (URI); a data subject (id and its type).
    Returns the filter as {"trace_id"}, {"activity": (code, version)} or {"subject": (type, id)}, with
    "after": (start time, number) when a ``cursor`` asks for a next page."""
    query = parse_question(params)
    if params.get("gemeente"):
        # Which gemeente's log (ADR 0030 §6): each is its own controller; selectors.ldv_scope checks it.
        gemeente = params["gemeente"].strip().upper()
        if not GEMEENTE_CODE.fullmatch(gemeente):
            raise QueryError("gemeente is de CBS-code van een gemeente, bijvoorbeeld GM0479.")
        query["gemeente"] = gemeente
    if params.get("cursor"):
        query["after"] = parse_cursor(params["cursor"])
    return query


def parse_question(params) -> dict:
    unknown = sorted(set(params) - set(QUERY_PARAMETERS))
    if unknown:
        raise QueryError(f"Onbekende zoekvraag: {', '.join(unknown)}. Vraag op traceId, processingActivityId "
                         "of dataSubjectId met dataSubjectIdType.")
    given = [name for name in ("traceId", "processingActivityId", "dataSubjectId") if params.get(name)]
    if len(given) != 1:
        raise QueryError("Vraag op precies één van: traceId, processingActivityId, of dataSubjectId met "
                         "dataSubjectIdType.")
    if given == ["traceId"]:
        trace_id = params["traceId"].strip()
        if not TRACE_ID.fullmatch(trace_id) or set(trace_id) == {"0"}:
            raise QueryError("traceId is 32 kleine hexadecimale tekens (W3C Trace Context).")
        return {"trace_id": trace_id}
    if given == ["processingActivityId"]:
        activity = activity_of(params["processingActivityId"])
        if activity is None:
            raise QueryError("processingActivityId is niet de URI van een verwerkingsactiviteit in ons register.")
        return {"activity": activity}
    kind = subject_type_of(params.get("dataSubjectIdType", ""))
    if kind is None:
        raise QueryError("Geef bij dataSubjectId ook dataSubjectIdType: "
                         f"een van {', '.join(subject_type_uri(c) for c in SUBJECT_TYPES)}.")
    return {"subject": (kind, params["dataSubjectId"].strip())}
