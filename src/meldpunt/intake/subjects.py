"""Whom a signal is about, as processing-log subjects (P2: one line per data subject)."""

from __future__ import annotations

from meldpunt.privacy.log import DataSubject
from meldpunt.privacy.models import SubjectType

from .models import MentionedSubject, Signal


def of_mention(mention: MentionedSubject) -> DataSubject | None:
    if mention.bsn:
        return DataSubject(SubjectType.BSN, mention.bsn)
    if mention.kvk_nummer:
        return DataSubject(SubjectType.KVK, mention.kvk_nummer)
    if mention.address_id:
        return DataSubject(SubjectType.BAG, mention.address_id)
    if mention.pk:
        # A person or vehicle without a registry number is still a data subject.
        return DataSubject(SubjectType.INTERNAL, f"betrokkene:{mention.pk}")
    return None


def of_signal(signal: Signal, mentions=None) -> list[DataSubject]:
    mentions = list(signal.subjects.all()) if mentions is None else mentions
    subjects = [s for s in (of_mention(m) for m in mentions) if s]
    if signal.address_id:
        subjects.append(DataSubject(SubjectType.BAG, signal.address_id))
    if not subjects:
        # The signal itself may hold personal data in its text; log it under its own id.
        subjects.append(DataSubject(SubjectType.INTERNAL, f"signaal:{signal.pk}"))
    return subjects


def reporter_of(signal: Signal) -> DataSubject:
    """The reporter as a data subject: known to the log only through the signal they reported."""
    return DataSubject(SubjectType.INTERNAL, f"melder:{signal.pk}")
