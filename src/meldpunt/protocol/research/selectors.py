"""Reads of bronnenonderzoek, filtered by the access policy. Details are fetched here only, and
only for an approved request: exactly the approved fields, each opening logged (P2)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from meldpunt import policy
from meldpunt.privacy import log, trace
from meldpunt.registries.connectors import ConnectorError, connector
from meldpunt.tenancy import current as current_gemeente

from .. import hooks, sources
from .models import DetailRequest, DetailState, HitResult, RequestState, Source, SourceRequest
from .services import ACTIVITY, _mention_subjects, open_problems


@dataclass
class SignalResearch:
    """What the signal page shows under 'Bronnenonderzoek'."""

    requests: list = field(default_factory=list)
    may_request: bool = False
    open_problems: list = field(default_factory=list)


def active_sources(gemeente_id: str):
    """The active bronnen of one gemeente: a signal is researched with its own gemeente's sources."""
    return Source.objects.filter(active=True, gemeente_id=gemeente_id).order_by("name")


def queryable_mentions(signal):
    # A kenteken is asked of the other gemeenten in the regio only (a connector plugin, ADR 0030 §8);
    # request_sources refuses it for every other source with its reason.
    return [m for m in signal.subjects.select_related("address").order_by("pk")
            if sources.subject_kind(m) or sources.linkable_by_name(m) or m.kenteken]


def unaskable_mentions(signal) -> list[str]:
    """Why the other subjects cannot be put to any source (e.g. only a signalement), in Dutch."""
    return [sources.not_askable(m) for m in signal.subjects.order_by("pk") if sources.not_askable(m)]


def for_signal(user, signal) -> SignalResearch:
    """The caller read the signal through ``intake.selectors.signal_for`` (policy + log)."""
    details = Prefetch("detail_requests", queryset=DetailRequest.objects.order_by("requested_at", "pk"))
    hits = Prefetch("hits", queryset=HitResult.objects.select_related("subject").prefetch_related(details)
                    .order_by("pk"))
    requests = list(SourceRequest.objects.filter(signal=signal).select_related("source", "requested_by", "weging")
                    .prefetch_related(hits))
    may_request = signal.state == "bronnenonderzoek" and policy.may_request_sources(user, signal.gemeente_id)
    for item in requests:
        plugin = hooks.connector_plugin(item.source.connector)
        if plugin is not None:  # e.g. the regio: per gemeente, and what each shared
            plugin.annotate(user, item)
        item.may_retry = may_request and item.source.has_connector and any(
            h.hit is None and h.error for h in item.hits.all())
        for hit in item.hits.all():
            hit.question = sources.question_label(hit.subject)
            hit.may_ask_details = (hit.hit is True and policy.may_ask_details(user, signal.gemeente_id)
                                   and not any(d.state == DetailState.AANGEVRAAGD for d in hit.detail_requests.all()))
            for detail in hit.detail_requests.all():
                detail.hit = hit
                hit.request = item
                detail.may_open = policy.may_read_registry_details(user, detail) and (
                    item.source.has_connector or bool(detail.supplied_at))
    return SignalResearch(
        requests=requests,
        may_request=may_request,
        open_problems=open_problems(signal) if signal.state == "bronnenonderzoek" else [],
    )


def hit_for_requester(user, signal, hit_id: int) -> HitResult:
    hit = (HitResult.objects.select_related("request__source", "subject")
           .filter(pk=hit_id, request__signal=signal).first())
    if hit is None:
        raise Http404("Deze hit bestaat niet.")
    return hit


# ------------------------------------------------------------------------------ privacyfunctionaris


def pending_pc1(user, gemeenten=None):
    """Source requests waiting for privacy check 1, never the user's own (four-eyes); ``gemeenten``:
    the scope the user works for (tenancy.current), None = all."""
    if not policy.may_decide_pc1(user):
        return SourceRequest.objects.none()
    return (current_gemeente.limit(policy.on_page(user, "bron_besluiten",
                                                  SourceRequest.objects.filter(state=RequestState.AANGEVRAAGD)),
                                   gemeenten)
            .exclude(requested_by=user)
            .select_related("signal__phenomenon", "source", "requested_by").prefetch_related("subjects")
            .order_by("requested_at", "pk"))


def pending_details(user, gemeenten=None):
    if not policy.may_decide_pc1(user):
        return DetailRequest.objects.none()
    return (current_gemeente.limit(policy.on_page(user, "bron_besluiten",
                                                  DetailRequest.objects.filter(state=DetailState.AANGEVRAAGD)),
                                   gemeenten)
            .exclude(requested_by=user)
            .select_related("hit__request__signal", "hit__request__source", "hit__subject", "requested_by")
            .order_by("requested_at", "pk"))


def request_for_decision(user, pk: int) -> SourceRequest:
    decided = SourceRequest.objects.filter(pk=pk, state__in=[RequestState.TOEGESTAAN, RequestState.GEWEIGERD])
    item = (pending_pc1(user).filter(pk=pk).first()
            or policy.on_page(user, "bron_besluiten", decided).exclude(requested_by=user).first())
    if item is None:
        raise Http404("Dit bronverzoek bestaat niet of is uw eigen verzoek.")
    log.record("pc1_inzien", ACTIVITY, _mention_subjects(item.subjects.all()), user=user, obj=item.signal,
               basis=item.source.code)
    return item


def details_for_decision(user, pk: int) -> DetailRequest:
    item = policy.on_page(user, "bron_besluiten", DetailRequest.objects.exclude(requested_by=user)).select_related(
        "hit__request__signal", "hit__request__source", "hit__subject", "requested_by").filter(pk=pk).first()
    if item is None or not policy.may_decide_pc1(user):
        raise Http404("Dit verzoek bestaat niet of is uw eigen verzoek.")
    log.record("details_verzoek_inzien", ACTIVITY, _mention_subjects([item.hit.subject]), user=user,
               obj=item.hit.request.signal, basis=item.hit.request.source.code)
    return item


def subject_lines(mentions) -> list[str]:
    """How the privacyfunctionaris sees the subjects: kind, role in the signal and registry number."""
    return [f"{sources.question_label(m)}{f' ({m.role})' if m.role else ''}" for m in mentions]


# ------------------------------------------------------------------------------ bronhouder


def bronhouder_hits(user, gemeenten=None):
    """Hit/no-hit questions for the user's sources without connector: the question only."""
    if not policy.may_answer_as_bronhouder(user):
        return []
    hits = list(current_gemeente.limit(policy.on_page(user, "bevragingen", HitResult.objects.all()), gemeenten).filter(
        hit__isnull=True, request__state=RequestState.TOEGESTAAN, request__source__connector="",
        request__source__bronhouders=user)
                .select_related("request__source", "subject").order_by("request__decided_at", "pk"))
    for hit in hits:
        hit.question = sources.question_label(hit.subject)
    return hits


def bronhouder_details(user, gemeenten=None):
    if not policy.may_answer_as_bronhouder(user):
        return []
    items = list(current_gemeente.limit(policy.on_page(user, "bevragingen", DetailRequest.objects.all()), gemeenten)
                 .filter(state=DetailState.TOEGESTAAN, supplied_at__isnull=True, hit__request__source__connector="",
                         hit__request__source__bronhouders=user)
                 .select_related("hit__request__source", "hit__subject").order_by("decided_at", "pk"))
    for item in items:
        labels = item.hit.request.source.field_labels(sources.detail_kind(item.hit.subject, item.hit.request.source))
        item.question = sources.question_label(item.hit.subject)
        item.labelled_fields = [(f, labels.get(f, f)) for f in item.approved_fields]
    return items


# ------------------------------------------------------------------------------ details


@dataclass
class OpenedDetails:
    request: DetailRequest
    values: list  # (label, value)
    error: str = ""


def open_details(user, signal, pk: int) -> OpenedDetails:
    """Open an approved details request: only the approved fields, each opening logged. Refused
    (404) when the policy says no: never fetched without approval."""
    item = (DetailRequest.objects.select_related("hit__request__source", "hit__request__signal", "hit__subject")
            .filter(pk=pk, hit__request__signal=signal).first())
    if item is None or not policy.may_read_registry_details(user, item):
        raise Http404("Deze gegevens zijn niet (of nog niet) voor u vrijgegeven.")
    source, mention = item.hit.request.source, item.hit.subject
    labels = source.field_labels(sources.detail_kind(mention, source))
    fields = list(item.approved_fields)
    # One span for the opening: the registry call carries it as parent, the log line is its child.
    with trace.span():
        record, error, failure = _fetch_approved(item)
        values = [(labels.get(f, f), record[f]) for f in fields if f in record]
        log.record("details_inzien", ACTIVITY, _mention_subjects([mention]), user=user, obj=signal,
                   basis=f"{source.code}: {', '.join(labels.get(f, f) for f in fields)}",
                   status=log.status_of(failure) if failure else (log.LogStatus.UNSET if error else log.LogStatus.OK))
    return OpenedDetails(item, values, error)


def approved_values(item: DetailRequest) -> tuple[dict, str]:
    """The approved fields of an approved details request, from the connector or as the bronhouder
    supplied them, and a Dutch error ("" when fine). No policy check and no log line: the caller
    checks and logs (``open_details`` for the requester, a release for its recipient)."""
    record, error, _failure = _fetch_approved(item)
    return record, error


def _fetch_approved(item: DetailRequest) -> tuple[dict, str, ConnectorError | None]:
    source, mention = item.hit.request.source, item.hit.subject
    fields = list(item.approved_fields)
    error, failure = "", None
    subject = sources.registry_subject(mention)
    if sources.asked_via_linker(mention, source):
        # Known by name and birth date only: the record is the one confirmed on the linking page.
        from meldpunt.registries.selectors import confirmed_link

        confirmed = confirmed_link(mention)
        subject = sources.Subject(sources.PERSOON, confirmed.entity_key) if confirmed else None
    if source.has_connector and subject is None:
        record, error = {}, ("Deze persoon is nog niet gekoppeld aan een registratie. De goedgekeurde gegevens van "
                             "de kandidaten staan op de koppelpagina.")
    elif source.has_connector:
        try:
            record = connector(source.connector).details(subject, fields)
        except ConnectorError as refused:
            record, error, failure = {}, str(refused), refused
    else:
        record = {f: item.supplied.get(f, "") for f in fields} if item.supplied_at else {}
        if not item.supplied_at:
            error = "De bronhouder heeft de gegevens nog niet geleverd."
    return record, error, failure
