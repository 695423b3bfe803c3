"""Reads of signals, always through the access policy. Reads that show personal data write
the processing log (P2), one line per data subject."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from meldpunt import policy
from meldpunt.privacy import log
from meldpunt.protocol.transitions import SIGNAL_STATE_LABELS, SignalState
from meldpunt.registries import related
from meldpunt.tenancy import current as current_gemeente

from . import subjects
from .errors import ExportTooLarge  # noqa: F401 (re-exported)
from .models import MentionedSubject, PartnerOrganisation, Phenomenon, ReporterContact, Signal


def visible_signals(user):
    return policy.signals_visible_to(user, Signal.objects.all())


@dataclass
class QueueFilter:
    state: str = ""
    phenomenon: str = ""
    wijk: str = ""
    buurt: str = ""
    channel: str = ""
    min_age_days: int | None = None
    max_age_days: int | None = None
    overdue: bool = False
    # Free text: part of the kenmerk or of the description. Only the user's visible signals are searched.
    text: str = ""


def queue(user, filters: QueueFilter | None = None, gemeenten=None):
    """The signals this user works on, filtered; most urgent deadline first. No personal data is
    shown in a queue row (reference, phenomenon, area, channel, dates), so no log line.
    ``gemeenten``: the scope the user works for (tenancy.current); None = every gemeente the policy gives."""
    f = filters or QueueFilter()
    qs = current_gemeente.limit(visible_signals(user), gemeenten).select_related("buurt", "phenomenon", "gemeente")
    if f.state:
        qs = qs.filter(state=f.state)
    if f.phenomenon:
        qs = qs.filter(phenomenon_id=f.phenomenon)
    if f.buurt:
        qs = qs.filter(buurt_id=f.buurt)
    elif f.wijk:
        qs = qs.filter(buurt__wijk_id=f.wijk)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    now = timezone.now()
    if f.min_age_days is not None:
        qs = qs.filter(received_at__lte=now - timedelta(days=f.min_age_days))
    if f.max_age_days is not None:
        qs = qs.filter(received_at__gte=now - timedelta(days=f.max_age_days))
    if f.overdue:
        qs = qs.filter(deadline__lt=timezone.localdate())
    if f.text.strip():
        text = f.text.strip()
        qs = qs.filter(Q(reference__icontains=text) | Q(description__icontains=text))
    return qs.order_by("deadline", "received_at", "id")


# An export is for a worklist, not a copy of the register: above this the user narrows the filter.
EXPORT_MAX_ROWS = 5000


def export(user, filters: QueueFilter | None = None, gemeenten=None) -> list[Signal]:
    """The queue rows for a CSV export, same policy and filter as the queue. An export leaves the
    system, so it is logged once per data subject of every exported signal (P2), even though the
    columns hold no personal data: the file says which signals someone took along."""
    rows = queue(user, filters, gemeenten)
    if rows.count() > EXPORT_MAX_ROWS:
        raise ExportTooLarge(
            f"Een export kan ten hoogste {EXPORT_MAX_ROWS:,} signalen bevatten. Verfijn de filters en probeer "
            "het opnieuw.".replace(",", "."))
    signals = list(rows.prefetch_related("subjects"))
    for signal in signals:
        log.record("signalen_exporteren", "exporteren", subjects.of_signal(signal), user=user, obj=signal,
                   basis="export van de werkvoorraad")
    return signals


def map_counts(user, filters: QueueFilter | None = None) -> list[dict]:
    """The user's visible signals counted per CBS buurt (``None``: location unknown). Counts only,
    no kenmerk: the same rows as the queue, so the map never shows more than the list."""
    rows = (queue(user, filters).order_by().values("buurt_id").annotate(n=Count("id"))
            .order_by("buurt_id"))
    return [{"buurt": row["buurt_id"], "aantal": row["n"]} for row in rows]


def queue_summary(user, gemeenten=None) -> tuple[dict[str, int], int]:
    """Signals per state and how many are overdue, in one pass over the visible signals (of the scope)."""
    today = timezone.localdate()
    rows = list(current_gemeente.limit(visible_signals(user), gemeenten).values("state").annotate(
        n=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today))))
    return {row["state"]: row["n"] for row in rows}, sum(row["overdue"] for row in rows)


def own_signals(user):
    """A staff melder's own reports: status only (design §2)."""
    return Signal.objects.filter(reported_by=user).select_related("buurt", "phenomenon").order_by("-received_at")


def signal_for(user, reference: str, *, action: str = "signaal_inzien", with_subjects: bool = False) -> Signal:
    """One signal with what the detail page shows; 404 when the user may not see it (a refusal
    must not reveal that the signal exists). Logs the read per data subject.

    ``with_subjects``: its mentioned subjects read once, with the signal, for a page that logs,
    shows and relates them (``signal.subjects.all()`` and ``mentions_of`` then ask nothing more).
    Only for a request that does not change them afterwards: the list is not read again."""
    signals = (visible_signals(user).select_related("buurt__wijk", "address", "phenomenon", "partner")
               .annotate(has_contact=_HAS_CONTACT))
    if with_subjects:
        signals = signals.prefetch_related(Prefetch("subjects", queryset=_mentions().annotate(answered=_ANSWERED)))
    signal = signals.filter(reference=reference).first()
    if signal is None:
        raise Http404("Dit signaal bestaat niet of u mag het niet zien.")
    # Found through the policy's own filter: the rest of this GET request need not ask again.
    policy.note_signal_read(user, signal)
    log.record(action, read_activity(signal), subjects.of_signal(signal), user=user, obj=signal,
               basis=f"rol in stap '{SIGNAL_STATE_LABELS.get(signal.state, signal.state)}'")
    return signal


# The reporter left contact details that are still there (not anonymised).
_HAS_CONTACT = Exists(ReporterContact.objects.filter(signal=OuterRef("pk"), anonymised_at__isnull=True))


def has_reporter_contact(signal: Signal) -> bool:
    """Whether the reporter left contact details that are still there (not anonymised); no read of
    them. Answered with the signal by ``signal_for`` (a page's start), else asked now."""
    known = getattr(signal, "has_contact", None)
    if known is not None:
        return known
    return ReporterContact.objects.filter(signal=signal, anonymised_at__isnull=True).exists()


def reporter_contact_for(user, signal: Signal) -> ReporterContact:
    """How to reach the reporter, for a call back. The caller read the signal first (signal_for);
    404 when this user may not, or nothing is left to read. Logs the read with the reporter as the
    data subject (P2)."""
    contact = ReporterContact.objects.filter(signal=signal, anonymised_at__isnull=True).first()
    if contact is None or not policy.may_read_reporter_contact(user, signal):
        raise Http404("Er zijn geen contactgegevens van de melder die u mag zien.")
    log.record("contact_melder_inzien", "intake", [subjects.reporter_of(signal)], user=user, obj=signal,
               basis="melder terugbellen", data="contactgegevens melder (naam, e-mailadres, telefoonnummer)")
    return contact


# A read is logged under the activity of the register the signal is in now: once it joined a
# casus (step 4) it is read for the casus, in step 3 for the bronnenonderzoek; before, for the
# weging of steps 1-2.
READ_ACTIVITIES = {SignalState.CASUS: "casus", SignalState.BRONNENONDERZOEK: "bronnenonderzoek"}


def read_activity(signal: Signal) -> str:
    return READ_ACTIVITIES.get(signal.state, "signaal_beoordelen")


def related_hints(user, signal: Signal, limit: int = 10) -> list[Signal]:
    """Other signals on the same address or subject — only those this user may see. Kept for the
    API; the signal page shows the full related items (``meldpunt.registries.related``)."""
    return related.other_signals(user, signal, limit)


def _mentions():
    return MentionedSubject.objects.select_related("address").order_by("id")


def mentions_of(signal: Signal):
    """The subjects mentioned in ``signal``, in the order they were added; those read with it by
    ``signal_for(..., with_subjects=True)`` when they were."""
    prefetched = getattr(signal, "_prefetched_objects_cache", {}).get("subjects")
    if prefetched is not None:
        return list(prefetched)
    return _mentions().filter(signal=signal)


# A subject already put to a source (privacy check 1), answered by one or judged against a registry.
_ANSWERED_WHERE = Q(source_requests__isnull=False) | Q(hits__isnull=False) | Q(link_judgements__isnull=False)
_ANSWERED = Exists(MentionedSubject.objects.filter(_ANSWERED_WHERE, pk=OuterRef("pk")))


def answered_subject_ids(signal: Signal) -> set[int]:
    """The subjects of ``signal`` already put to a source or judged against a registry: they are no
    longer corrected or removed (intake.subject_changes). Ids only, no personal data: no log line.
    From the subjects ``signal_for(..., with_subjects=True)`` read, when it did."""
    prefetched = getattr(signal, "_prefetched_objects_cache", {}).get("subjects")
    if prefetched is not None and all(hasattr(m, "answered") for m in prefetched):
        return {m.pk for m in prefetched if m.answered}
    return set(MentionedSubject.objects.filter(signal=signal).filter(_ANSWERED_WHERE)
               .values_list("pk", flat=True).distinct())


def phenomena():
    return Phenomenon.objects.filter(active=True).order_by("order", "name")


def partner_for_token(token: str) -> PartnerOrganisation | None:
    """The active partner holding ``token``, or None."""
    if not token:
        return None
    partner = partner_holding_token(token)
    if partner is None or not partner.active:
        return None
    return partner


def partner_holding_token(token: str) -> PartnerOrganisation | None:
    """The partner whose token this is, also when it was revoked (for the security log), or None."""
    if not token:
        return None
    return PartnerOrganisation.objects.filter(token_hash=PartnerOrganisation.hash_token(token)).first()
