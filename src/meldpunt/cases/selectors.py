"""Reads of casussen, meetings, releases and interventions, always through the access policy
(P1). Reads that show personal data write the processing log (P2).

Participants and uitvoerders read only through ``released_*``: their content is built by
``items.released_content`` from the decided release, nothing else is loaded for them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from meldpunt import policy
from meldpunt.intake import subjects as intake_subjects
from meldpunt.intake.models import MentionedSubject, Signal
from meldpunt.privacy import log
from meldpunt.protocol.models import Weging
from meldpunt.protocol.services import LINKABLE_STATES
from meldpunt.protocol.transitions import CasusState
from meldpunt.tenancy import current as current_gemeente

from . import items as release_items
from .models import (
    AgendaItem,
    Casus,
    CasusSignal,
    Instrument,
    Intervention,
    InterventionStatus,
    Meeting,
    MeetingState,
    Participant,
    ReleaseKind,
    ReleaseRequest,
    ReleaseState,
)

OPEN_STATUSES = (InterventionStatus.GEPLAND, InterventionStatus.IN_UITVOERING)
# A closed or destroyed casus shows its participants and uitvoerders nothing any more (P1).
ENDED_CASUS_STATES = (CasusState.AFGESLOTEN, CasusState.VERNIETIGD)


def release_window_start():
    """Releases of a meeting held (or an intervention ended) before this moment are no longer shown."""
    return timezone.now() - timedelta(days=settings.MELDPUNT_RELEASE_VISIBLE_DAYS)


def visible_cases(user):
    return policy.cases_visible_to(user, Casus.objects.all())


def joinable_cases(user):
    """The casussen a signal can still join (not closed or destroyed) that this user may see."""
    return (visible_cases(user).exclude(state__in=ENDED_CASUS_STATES)
            .order_by("-opened_at", "-pk"))


def latest_w4(casus: Casus) -> Weging | None:
    """The last weging 4 of this casus: on the casus (linking, re-opening) or of a signal in it (the
    W4 that started it). The caller has read the casus; re-opening starts from its purpose and basis."""
    return (Weging.objects.filter(Q(casus=casus) | Q(signal__casus_links__casus=casus), type="W4")
            .order_by("-decided_at", "-id").first())


def case_list(user, state: str = ""):
    qs = visible_cases(user).select_related("lead").annotate(
        n_signals=Count("signal_links", distinct=True),
        n_open=Count("interventions", filter=Q(interventions__status__in=OPEN_STATUSES), distinct=True),
        n_overdue=Count("interventions", filter=Q(interventions__status__in=OPEN_STATUSES,
                                                  interventions__deadline__lt=timezone.localdate()), distinct=True))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-opened_at", "-id")


def casus_for(user, reference: str, *, action: str = "casus_inzien", log_read: bool = True) -> Casus:
    """One casus; 404 when the user may not see it (a refusal must not reveal that it exists)."""
    casus = visible_cases(user).select_related("lead", "result_class").filter(reference=reference).first()
    if casus is None:
        raise Http404("Deze casus bestaat niet of u mag hem niet zien.")
    if log_read:
        log.record(action, "casus", release_items.casus_subjects(casus), user=user, obj=casus)
    return casus


@dataclass
class CasusPage:
    casus: Casus
    links: list
    subjects: list
    history: list
    agenda: list
    releases: list
    interventions: list
    wegingen: list = field(default_factory=list)

    @property
    def timeline(self) -> list[tuple]:
        """States and casus wegingen in the order they happened: (at, kind, row)."""
        events = [(h.at, "status", h) for h in self.history] + [(w.decided_at, "weging", w) for w in self.wegingen]
        return sorted(events, key=lambda e: e[0])


def casus_page(casus: Casus, user=None, *, action: str = "casus_inzien") -> CasusPage:
    """Everything the casus page shows, in a fixed number of queries (bench/casus.py). With
    ``user``, the read is logged per data subject shown (the casus was opened with
    ``casus_for(..., log_read=False)``, so the subjects are loaded once)."""
    links = list(CasusSignal.objects.filter(casus=casus).select_related("signal__phenomenon", "signal__buurt")
                 .order_by("signal__received_at", "id"))
    subjects = list(MentionedSubject.objects.filter(signal__casus_links__casus=casus)
                    .select_related("signal", "address").order_by("signal__received_at", "pk"))
    if user is not None:
        shown = [s for s in (intake_subjects.of_mention(m) for m in subjects) if s]
        shown += [log.DataSubject("bag", link.signal.address_id) for link in links if link.signal.address_id]
        log.record(action, "casus", shown or [log.DataSubject("intern", f"casus:{casus.pk}")], user=user, obj=casus)
    history = list(casus.history.select_related("by").order_by("at", "id"))
    agenda = list(casus.agenda_items.select_related("meeting", "minutes_result_class").order_by("meeting__starts_at"))
    releases = list(casus.release_requests.select_related("recipient", "participant", "intervention__instrument",
                                                          "weging").order_by("requested_at", "id"))
    interventions = list(casus.interventions.select_related("instrument", "owner").prefetch_related("release_requests")
                         .order_by("deadline", "id"))
    wegingen = list(Weging.objects.filter(casus=casus).select_related("decided_by").order_by("decided_at", "id"))
    return CasusPage(casus, links, subjects, history, agenda, releases, interventions, wegingen)


def linkable_signals(user, casus: Casus):
    """Signals this user may read that could join the casus (not yet in one)."""
    candidates = (policy.signals_visible_to(user, Signal.objects.filter(state__in=LINKABLE_STATES, sealed__isnull=True))
                  .exclude(casus_links__isnull=False).order_by("-received_at"))
    # The newest 200 as an unsliced queryset: a form field validates its choice with .get() on it,
    # which a sliced queryset refuses (the link page raised TypeError on every choice).
    newest = list(candidates.values_list("pk", flat=True)[:200])
    return Signal.objects.filter(pk__in=newest).select_related("phenomenon").order_by("-received_at")


# ---------------------------------------------------------------------------------- meetings


def meetings_for(user):
    """Meetings a regisseur organises or that have one of their casussen on the agenda."""
    if not policy.may_open(user, "casusoverleg"):
        return Meeting.objects.none()
    mine = AgendaItem.objects.filter(casus__in=visible_cases(user)).values("meeting_id")
    return policy.on_page(user, "casusoverleg", Meeting.objects.filter(Q(organiser=user) | Q(pk__in=mine))
                          ).order_by("-starts_at")


def meeting_for(user, pk: int) -> Meeting:
    meeting = meetings_for(user).filter(pk=pk).first()
    if meeting is None:
        raise Http404("Dit overleg bestaat niet of u mag het niet zien.")
    return meeting


def meeting_agenda(user, meeting: Meeting) -> list[AgendaItem]:
    """The agenda items, each with its release requests (prefetched: one query for the whole
    agenda); casussen this user may not see are listed by reference only."""
    visible = set(visible_cases(user).values_list("pk", flat=True))
    requests = ReleaseRequest.objects.filter(casus_id__in=visible).order_by("requested_at", "id")
    agenda = list(meeting.agenda.select_related("casus", "minutes_result_class").prefetch_related(
        Prefetch("release_requests", queryset=requests)))
    for item in agenda:
        item.visible = item.casus_id in visible
    return agenda


# ---------------------------------------------------------------------------------- releases


def pending_releases(user, gemeenten=None):
    if not policy.may_open(user, "vrijgave_besluiten"):
        return ReleaseRequest.objects.none()
    return (current_gemeente.limit(policy.on_page(user, "vrijgave_besluiten",
                                                  ReleaseRequest.objects.filter(state=ReleaseState.AANGEVRAAGD)),
                                   gemeenten)
            .select_related("casus", "recipient", "requested_by", "participant__meeting", "intervention__instrument")
            .order_by("requested_at", "id"))


def release_for_decision(user, pk: int) -> ReleaseRequest:
    request = (policy.on_page(user, "vrijgave_besluiten", ReleaseRequest.objects.filter(pk=pk)).select_related(
        "casus", "recipient", "requested_by", "participant__meeting", "intervention__instrument").first()
        if policy.may_open(user, "vrijgave_besluiten") else None)
    if request is None:
        raise Http404("Deze vrijgave bestaat niet.")
    return request


def release_catalogue(user, casus: Casus) -> list[release_items.Item]:
    """The items the regisseur can ask to release; their labels name subjects and documents of the
    casus, so showing them is a logged read (P2). Only for a user who may open the casus."""
    if not visible_cases(user).filter(pk=casus.pk).exists():
        raise Http404("Deze casus bestaat niet of u mag hem niet zien.")
    log.record("vrijgave_onderdelen_inzien", "casus", release_items.casus_subjects(casus), user=user, obj=casus)
    return release_items.catalogue(casus)


def minutes_of(user, item: AgendaItem) -> dict:
    """The minutes and decisions of one agenda item to edit them; they are about the casus's
    subjects, so showing them is a logged read (P2)."""
    if not visible_cases(user).filter(pk=item.casus_id).exists():
        raise Http404("Dit agendapunt bestaat niet of u mag het niet zien.")
    if item.minutes or item.decisions:
        log.record("verslag_inzien", "casus", release_items.casus_subjects(item.casus), user=user, obj=item.casus)
    return {"minutes": item.minutes, "decisions": item.decisions}


@dataclass
class ReleaseReview:
    """What the privacyfunctionaris reads to decide a release: the labels of what was asked and
    the content exactly as the recipient will see it if all is released (free text masked as
    ``items.released_content`` masks it, ADR 0021)."""

    asked: list[release_items.Item]
    preview: release_items.Released
    # When free text without masking is asked: the content without that item (masked).
    masked_preview: release_items.Released | None = None
    # The recipient already has an earlier release for the same seat or intervention (in the preview).
    includes_earlier: bool = False

    @property
    def asks_unmasked(self) -> bool:
        return any(i.key == release_items.UNMASKED_KEY for i in self.asked)


def _earlier_keys(request: ReleaseRequest) -> list[str]:
    """What the same recipient already has for the same seat (PC2A) or intervention (PC2B): the
    recipient's page shows the union of their approved releases, so the preview does too."""
    earlier = ReleaseRequest.objects.filter(kind=request.kind, state=ReleaseState.VRIJGEGEVEN,
                                            recipient_id=request.recipient_id).exclude(pk=request.pk)
    if request.kind == ReleaseKind.PC2A:
        earlier = earlier.filter(agenda_item_id=request.agenda_item_id, participant_id=request.participant_id)
    else:
        earlier = earlier.filter(intervention_id=request.intervention_id)
    return _approved_keys(earlier.order_by("decided_at", "pk"))


def release_review(user, request: ReleaseRequest) -> ReleaseReview:
    """The labels of what was asked and the preview (the privacyfunctionaris reads them to decide:
    logged per data subject shown). The preview is built by ``items.released_content`` and shown
    with the recipient's own template (``cases/_released.html``), from what the recipient already
    has plus what is asked: exactly their page if everything is released."""
    wanted = set(request.items)
    shown = [i for i in release_items.catalogue(request.casus) if i.key in wanted]
    earlier = _earlier_keys(request)
    preview = release_items.released_content(request.casus, earlier + list(request.items))
    masked = None
    if release_items.UNMASKED_KEY in wanted:
        masked = release_items.released_content(
            request.casus, earlier + [k for k in request.items if k != release_items.UNMASKED_KEY])
    log.record("vrijgave_beoordelen", "casus_delen",
               preview.log_subjects or [log.DataSubject("intern", f"casus:{request.casus_id}")], user=user,
               obj=request.casus)
    return ReleaseReview(shown, preview, masked, bool(earlier))


def free_text_warnings(casus: Casus, keys=()) -> list[str]:
    """For the regisseur asking a release: which free texts of the casus name subjects or numbers
    that will be masked for a recipient given ``keys`` (none: nothing released yet). Names the
    kind of what is masked, never the text itself."""
    masker = release_items.release_masker(casus, keys)
    warnings = []
    for signal in release_items.signals_of(casus):
        for label, value in (("De omschrijving", "" if signal.is_sealed else signal.description),
                             ("De locatie in eigen woorden", signal.location_text),
                             ("Het tijdstip in eigen woorden", signal.occurred_text)):
            found = masker.findings(value)
            if found:
                warnings.append(f"{label} van signaal {signal.reference} noemt: "
                                f"{release_items.masking.describe(found)}.")
    for w in (Weging.objects.filter(signal__casus_links__casus=casus, type__in=release_items.SIGNAL_WEGINGEN)
              .select_related("signal").order_by("decided_at", "id")):
        found = masker.findings(w.reasoning)
        if found:
            warnings.append(f"De motivering van {w.type} bij signaal {w.signal.reference} noemt: "
                            f"{release_items.masking.describe(found)}.")
    found = masker.findings(casus.title)
    if found:
        warnings.append(f"De werktitel noemt: {release_items.masking.describe(found)}.")
    return warnings


def masking_note(casus: Casus, keys) -> str:
    """After a release request: what will be masked in the free text for this recipient, or that
    the free text goes unmasked if released so (ADR 0021). Empty when there is nothing to say."""
    content = release_items.released_content(casus, keys)
    if content.unmasked:
        return ("Let op: u vraagt vrije tekst zonder maskering. Als de privacyfunctionaris dat toestaat, leest de "
                "ontvanger ook namen en nummers van betrokkenen die niet voor hem zijn vrijgegeven.")
    if content.masks:
        return ("Let op: in de vrije tekst voor deze ontvanger wordt gemaskeerd wat niet is vrijgegeven: "
                f"{content.masks_text}. De privacyfunctionaris ziet de tekst zoals de ontvanger hem krijgt.")
    return ""


def _approved_keys(requests) -> list[str]:
    keys: list[str] = []
    for r in requests:
        keys.extend(k for k in release_items.scoped_keys(r) if k not in keys)
    return keys


@dataclass
class ReleasedItem:
    agenda_item: AgendaItem
    content: release_items.Released


@dataclass
class ParticipantMeeting:
    meeting: Meeting
    participant: Participant
    items: list[ReleasedItem]


def released_to_participant(user, meeting_id: int | None = None, *, reader=None) -> list[ParticipantMeeting]:
    """The meetings this participant is invited to, each agenda item with only what PC2A released
    to them (P1). Releases end: only meetings still planned or held in the last
    MELDPUNT_RELEASE_VISIBLE_DAYS days, and only casussen not closed or destroyed. Every released
    subject shown is logged (P2), for ``reader`` when the regisseur prints a participant's agenda;
    then only the casussen the reader may open are included (a regisseur never prints another
    regisseur's casus)."""
    if not policy.reads_released_meetings(user):
        return []
    seats = (Participant.objects.filter(user=user, meeting__starts_at__gte=release_window_start(),
                                        meeting__state__in=[MeetingState.GEPLAND, MeetingState.GEHOUDEN])
             .select_related("meeting").order_by("-meeting__starts_at"))
    seats = policy.released_seats(user, seats)
    if meeting_id is not None:
        seats = seats.filter(meeting_id=meeting_id)
    approved = Prefetch("release_requests", to_attr="approved",
                        queryset=ReleaseRequest.objects.filter(kind=ReleaseKind.PC2A, state=ReleaseState.VRIJGEGEVEN,
                                                               recipient=user))
    agenda = AgendaItem.objects.exclude(casus__state__in=ENDED_CASUS_STATES)
    if reader is not None:
        agenda = agenda.filter(casus__in=visible_cases(reader))
    result, shown = [], defaultdict(list)  # per gemeente: each logs in its own chain (ADR 0030 §6)
    for seat in seats:
        items = []
        for item in agenda.filter(meeting=seat.meeting).select_related("casus").prefetch_related(approved):
            mine = [r for r in item.approved if r.participant_id == seat.pk]
            content = release_items.released_content(item.casus, _approved_keys(mine))
            shown[item.casus.gemeente_id].extend(content.log_subjects)
            items.append(ReleasedItem(item, content))
        result.append(ParticipantMeeting(seat.meeting, seat, items))
    for gemeente, subjects in shown.items():
        if subjects:
            log.record("vrijgave_inzien", "casus_delen", subjects, user=reader or user, gemeente=gemeente)
    return result


def participant_meeting(user, meeting_id: int, *, as_seen_by=None) -> ParticipantMeeting:
    found = released_to_participant(user, meeting_id, reader=as_seen_by)
    if not found:
        raise Http404("U bent niet uitgenodigd voor dit overleg.")
    return found[0]


# ----------------------------------------------------------------------------- interventions


@dataclass
class Action:
    intervention: Intervention
    content: release_items.Released
    released: bool
    ended: bool = False
    # What the intervention is, masked like every free text under the release (ADR 0021).
    description: str = ""


def _release_ended(intervention: Intervention, since) -> bool:
    """PC2B releases end with the casus, and some days after the intervention ended (P1)."""
    return (intervention.casus.state in ENDED_CASUS_STATES
            or (intervention.finished_at is not None and intervention.finished_at < since))


def actions_of(user, pk: int | None = None, *, with_content: bool = True) -> list[Action]:
    """The interventions this uitvoerder owns, each with what PC2B released for it (nothing once
    the release has ended: see ``_release_ended``). Without ``with_content`` (the list page shows
    only whether something was released) no released data is loaded, shown or logged."""
    if not policy.reads_released_actions(user):
        return []
    approved = Prefetch("release_requests", to_attr="approved", queryset=ReleaseRequest.objects.filter(
        kind=ReleaseKind.PC2B, state=ReleaseState.VRIJGEGEVEN, recipient=user))
    result, shown = [], defaultdict(list)  # per gemeente: each logs in its own chain (ADR 0030 §6)
    own = policy.released_interventions(user, Intervention.objects.filter(owner=user))
    if pk is not None:
        own = own.filter(pk=pk)
    since = release_window_start()
    for i in (own.select_related("casus", "instrument")
              .prefetch_related(approved, "updates__by").order_by("deadline", "id")):
        ended = _release_ended(i, since)
        keys = _approved_keys(i.approved) if with_content and not ended else []
        content = release_items.released_content(i.casus, keys)
        shown[i.casus.gemeente_id].extend(content.log_subjects)
        released = bool(i.approved) and not ended
        description = content.free_text(i.description) if released and with_content else ""
        result.append(Action(i, content, released, ended, description))
    for gemeente, subjects in shown.items():
        if subjects:
            log.record("vrijgave_inzien", "casus_delen", subjects, user=user, gemeente=gemeente)
    return result


def action_of(user, pk: int) -> Action:
    action = next(iter(actions_of(user, pk)), None)
    if action is None:
        raise Http404("Deze interventie bestaat niet of staat niet op uw naam.")
    return action


def instruments():
    return Instrument.objects.filter(active=True).order_by("order", "name")
