"""Reporter contact details are anonymised once their signal has been closed for
MELDPUNT_CONTACT_ANONYMISE_DAYS (default 365, like Amsterdam Signalen): name, e-mail and phone are
cleared, the row stays with ``anonymised_at`` as the marker, so the signal shows that there was a
reporter who could be reached and no longer can."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from meldpunt.privacy import log

from . import dates, registry

CHUNK = 2000


def _cutoff(now: datetime | None = None):
    return (now or timezone.now()) - timedelta(days=settings.MELDPUNT_CONTACT_ANONYMISE_DAYS)


def due_contacts(now: datetime | None = None):
    """Contacts of signals in an end state since before the cut-off, or in casussen that were all
    closed before it. ``now``: the moment of a run with a peildatum (default the real now)."""
    CasusSignal, ReporterContact = registry.model(registry.CASUS_SIGNAL), registry.model(registry.REPORTER_CONTACT)
    cutoff = _cutoff(now)
    open_or_recent = CasusSignal.objects.filter(Q(casus__closed_at__isnull=True) | Q(casus__closed_at__gt=cutoff))
    in_closed_casus = (CasusSignal.objects.filter(signal__state=dates.CASUS_STATE)
                       .exclude(signal_id__in=open_or_recent.values("signal_id")).values("signal_id"))
    closed = Q(signal__state__in=list(dates.signal_rules()), signal__state_since__lte=cutoff)
    return ReporterContact.objects.filter(anonymised_at__isnull=True).filter(closed | Q(signal_id__in=in_closed_casus))


@transaction.atomic
def anonymise_contacts(at: datetime | None = None) -> int:
    """``at``: the moment of a run with a peildatum; ``anonymised_at`` stays the real moment."""
    ReporterContact = registry.model(registry.REPORTER_CONTACT)
    rows = list(due_contacts(at).values_list("pk", "signal_id", "signal__gemeente_id"))
    now = timezone.now()
    for start in range(0, len(rows), CHUNK):
        ReporterContact.objects.filter(pk__in=[pk for pk, _, _ in rows[start:start + CHUNK]]).update(
            name="", email="", phone="", anonymised_at=now)
    by_gemeente: dict[str, list] = {}  # each gemeente's lines in its own chain (ADR 0030 §6)
    for _, signal_id, gemeente in rows:
        by_gemeente.setdefault(gemeente, []).append(log.DataSubject("intern", f"melder:{signal_id}"))
    for gemeente, subjects in by_gemeente.items():
        log.record("contactgegevens_anonimiseren", "vernietigen", subjects, gemeente=gemeente,
                   basis=f"{settings.MELDPUNT_CONTACT_ANONYMISE_DAYS} dagen na afsluiten")
    return len(rows)
