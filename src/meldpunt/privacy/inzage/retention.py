"""Retention of inzageverzoeken (ADR 0009, addendum; ADR 0010).

A closed request gets a date: closed_at + the term of result class ``inzageverzoek-afgehandeld``
(Selectielijst 2020, 6.1 'Verzoeken behandelen: ingewilligd', 5 years; configurable). It is
recomputed on closing, when that class changes, and by the daily job, with the one date function
of the retention app.

Past that date the daily job anonymises the request instead of destroying it: everything that says
who asked and about whom is cleared — the requester's name and contact, the identity document's
last characters, the subject's BSN, name, birth date, address and e-mail, and the free texts and
labels of what was found (they name signals and describe the subject). What stays is metadata:
reference, dates, deadline, status, how identity was checked, and per item its kind and the
UAVG art. 41 decision with its ground — enough to account for how requests were handled, nothing
that identifies the subject. Logged per subject (pseudonymised BSN).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from meldpunt.privacy import log
from meldpunt.privacy.models import SubjectType
from meldpunt.privacy.retention import dates, registry, terms
from meldpunt.privacy.retention.models import AppliesTo, ResultClass

from . import answers
from .models import AccessItem, AccessRequest, ItemKind, RequestStatus, RestrictionReview

RESULT_CLASS = "inzageverzoek-afgehandeld"
TASK = "inzageverzoeken"
ANONYMISED_LABEL = "(geanonimiseerd na afloop van de bewaartermijn)"


def result_class(gemeente=None) -> ResultClass | None:
    """The class of a closed request, with the term of ``gemeente`` (the default without one)."""
    found = terms.load().result_class(gemeente, RESULT_CLASS)
    return found if found is not None and found.active else None


def recompute(requests=None) -> int:
    """Recompute ``destroy_after`` of these requests (all when None) with the term of each request's
    gemeente (ADR 0030 §7); returns how many changed."""
    requests = AccessRequest.objects.all() if requests is None else requests
    loaded = terms.load()
    changed = []
    for pk, gemeente, closed_at, current in requests.filter(anonymised_at__isnull=True).values_list(
            "pk", "gemeente_id", "closed_at", "destroy_after"):
        found = loaded.result_class(gemeente, RESULT_CLASS)
        found = found if found is not None and found.active else None
        new = dates.destruction_date(dates.local_date(closed_at), found.term_months,
                                     found.valuation) if found else None
        if new != current:
            # from_db: the other fields stay deferred, so no default (the gemeente) is computed per row.
            changed.append(AccessRequest.from_db(None, ["id", "destroy_after"], [pk, new]))
    AccessRequest.objects.bulk_update(changed, ["destroy_after"], batch_size=500)
    return len(changed)


def _requested(kinds: tuple[str, ...]) -> set[int]:
    """Ids of records found by an inzageverzoek that is not closed yet: they may not be destroyed
    while it is answered (registered with retention in InzageConfig.ready; retention/blocks.py)."""
    rows = AccessItem.objects.filter(kind__in=kinds).exclude(request__status=RequestStatus.AFGEHANDELD)
    return {int(pk) for pk in rows.values_list("object_id", flat=True) if pk.isdigit()}


def requested_signals() -> set[int]:
    return _requested((ItemKind.SIGNAAL, ItemKind.MELDING))


def requested_cases() -> set[int]:
    return _requested((ItemKind.CASUS,))


def register() -> None:
    """Tell retention what an inzageverzoek blocks and how its dates are recomputed."""
    registry.register_requested(registry.SIGNAL, requested_signals)
    registry.register_requested(registry.CASUS, requested_cases)
    registry.register_recompute(AppliesTo.INZAGE, recompute)
    registry.register_daily_task(TASK, daily)


def due(today: date | None = None):
    return AccessRequest.objects.filter(anonymised_at__isnull=True, closed_at__isnull=False,
                                        destroy_after__lte=today or timezone.localdate())


@transaction.atomic
def anonymise_due(today: date | None = None) -> int:
    """Anonymise every closed request past its date; returns how many."""
    now = timezone.now()
    requests = list(due(today).select_for_update())
    for request in requests:
        result = result_class(request.gemeente_id)
        subjects = ([log.DataSubject(SubjectType.BSN, request.subject_bsn)] if request.subject_bsn
                    else [log.DataSubject(SubjectType.INTERNAL, f"inzageverzoek:{request.pk}")])
        log.record("inzageverzoek_anonimiseren", "vernietigen", subjects, obj=request,
                   basis=f"{result.name} ({result.selectielijst_item}, {result.term_label})" if result
                   else "bewaartermijn inzageverzoek verstreken")
    ids = [r.pk for r in requests]
    AccessRequest.objects.filter(pk__in=ids).update(
        requester_name="", requester_contact="", identity_last4="", subject_bsn="", subject_name="",
        subject_birth_date=None, subject_address=None, subject_address_text="", subject_email="",
        extension_reason="", no_mention_reasoning="", anonymised_at=now)
    for item in AccessItem.objects.filter(request_id__in=ids):
        item.label = f"{item.get_kind_display()} {ANONYMISED_LABEL}"[:200]
        item.found_via, item.reasoning, item.necessity = [], "", ""
        item.save(update_fields=["label", "found_via", "reasoning", "necessity"])
    RestrictionReview.objects.filter(item__request_id__in=ids).update(reasoning="")
    # The stored answer package (PDF + JSON, encrypted) names the subject: it goes with the request.
    answers.destroy(ids)
    return len(ids)


def daily(dry_run: bool, today: date | None = None) -> str:
    """The daily run's part for inzageverzoeken (registered with retention; jobs.py)."""
    if dry_run:
        return f"Inzageverzoeken die zouden worden geanonimiseerd: {due(today).count()}."
    return f"Inzageverzoeken geanonimiseerd: {anonymise_due(today)}."
