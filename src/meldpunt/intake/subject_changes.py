"""Subjects after intake: add, correct and remove a person, company, address or vehicle of a signal.

Each is one transaction: the access policy (``policy.subject_change_refusal``) says who may in which
step, a reason is required, and the change is kept as a ``SubjectChange`` (shown on the timeline in
words) and logged in the processing log. A subject already put to a source or judged against a
registry is neither corrected nor removed: the answers were about what was known then; add the
right one instead.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from meldpunt import policy
from meldpunt.core.errors import Conflict, NotAllowed, NotFound
from meldpunt.privacy import log

from . import hooks, selectors, subjects
from .errors import IntakeError
from .models import MentionedSubject, Signal, SubjectChange, SubjectChangeKind
from .services import SubjectInput, clean_subject, visible

MAX_SUBJECTS = 10
MAX_REASON = 2000
REASON_MISSING = "Vul de reden van de wijziging in: die komt op de tijdlijn van het signaal."
NOT_FOUND = "Dit signaal of deze betrokkene bestaat niet, of u mag het niet zien."
ANSWERED = ("Deze betrokkene is al aan een bron voorgelegd of aan een registratie gekoppeld: wat daar is "
            "gevonden, ging over deze gegevens. Voeg de juiste betrokkene toe als nieuwe betrokkene.")

# The fields a correction compares, with the words the timeline uses for them.
FIELD_LABELS = {
    "kind": "soort", "role": "rol", "name": "naam", "birth_date": "geboortedatum", "birth_year": "geboortejaar",
    "age_from": "leeftijd van", "age_to": "leeftijd tot en met", "description": "signalement", "bsn": "BSN",
    "kvk_nummer": "KvK-nummer", "address_id": "adres (BAG)", "address_text": "adres", "kenteken": "kenteken",
}


def label(mention: MentionedSubject) -> str:
    """Kind and role only: the timeline keeps no name of someone who may be removed later."""
    kind = mention.get_kind_display()
    return f"{kind} ({mention.role})"[:120] if mention.role else kind


def _locked_signal(user, signal: Signal) -> Signal:
    if not policy.may_read_signal(user, signal):
        raise NotFound(NOT_FOUND)
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    refusal = policy.subject_change_refusal(user, signal)
    if refusal:
        raise NotAllowed(refusal)
    return signal


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if "\x00" in reason or not visible(reason):
        raise IntakeError({"reason": [REASON_MISSING]})
    if len(reason) > MAX_REASON:
        raise IntakeError({"reason": [f"De reden mag hoogstens {MAX_REASON} tekens zijn."]})
    return reason


def _clean(item: SubjectInput) -> MentionedSubject:
    errors: dict[str, list[str]] = {}
    if any(isinstance(v, str) and "\x00" in v for v in vars(item).values()):
        raise IntakeError({"subject": ["Deze tekst bevat een NUL-teken (\\0); dat nemen we niet aan."]})
    mention = clean_subject(0, item, errors)
    if errors:
        raise IntakeError({"subject": errors["subjects.0"]})
    return mention


def _subject_of(signal: Signal, subject_id) -> MentionedSubject:
    mention = (MentionedSubject.objects.select_for_update().filter(signal=signal, pk=subject_id).first()
               if str(subject_id).isdigit() else None)
    if mention is None:
        raise NotFound(NOT_FOUND)
    return mention


def answered_refusal(mention: MentionedSubject) -> str:
    """Why this subject may no longer be corrected or removed (it was put to a source or judged), or ''."""
    # Reverse relations of protocol.research and registries: intake does not import them.
    if mention.source_requests.exists() or mention.hits.exists() or mention.link_judgements.exists():
        return ANSWERED
    return ""


def _not_answered(mention: MentionedSubject) -> None:
    if answered_refusal(mention):
        raise Conflict(ANSWERED)


def _record(user, signal: Signal, mention: MentionedSubject, kind: str, reason: str, changed: str = "",
            *, still_there: bool = True) -> SubjectChange:
    role = next((r.value for r in user.ordered_roles()
                 if r in policy.SUBJECT_CHANGE_ROLES.get(signal.state, ())), "")
    change = SubjectChange.objects.create(
        signal=signal, subject=mention if still_there else None, kind=kind, subject_label=label(mention),
        fields_changed=changed[:300], reason=reason, by=user, role=role, at=timezone.now())
    log.record(f"betrokkene_{kind}", selectors.read_activity(signal),
               [subjects.of_mention(mention) or subjects.of_signal(signal)[0]], user=user, obj=signal, role=role,
               basis=f"{change.get_kind_display()}: {reason}", data=f"betrokkene ({label(mention).lower()})")
    return change


@transaction.atomic
def add_subject(user, signal: Signal, item: SubjectInput, reason: str) -> MentionedSubject:
    """Add a subject to a signal after intake, with the reason."""
    signal = _locked_signal(user, signal)
    reason = _reason(reason)
    mention = _clean(item)
    if MentionedSubject.objects.filter(signal=signal).count() >= MAX_SUBJECTS:
        raise IntakeError({"subject": [f"Een signaal heeft hoogstens {MAX_SUBJECTS} betrokkenen."]})
    mention.signal = signal
    mention.save()
    _record(user, signal, mention, SubjectChangeKind.TOEGEVOEGD, reason)
    hooks.subjects_changed(signal)
    return mention


@transaction.atomic
def correct_subject(user, signal: Signal, subject_id, item: SubjectInput, reason: str) -> MentionedSubject:
    """Correct what is known of a subject, with the reason; the timeline names the changed fields."""
    signal = _locked_signal(user, signal)
    mention = _subject_of(signal, subject_id)
    reason = _reason(reason)
    _not_answered(mention)
    corrected = _clean(item)
    changed = [name for name in FIELD_LABELS if getattr(corrected, name) != getattr(mention, name)]
    if not changed:
        raise IntakeError({"subject": ["Er is niets gewijzigd. Pas een gegeven aan of ga terug."]})
    before = MentionedSubject(pk=mention.pk, kind=mention.kind, role=mention.role, bsn=mention.bsn,
                              kvk_nummer=mention.kvk_nummer, address_id=mention.address_id)
    for name in changed:
        setattr(mention, name, getattr(corrected, name))
    mention.save(update_fields=changed)
    change = _record(user, signal, mention, SubjectChangeKind.GECORRIGEERD, reason,
                     ", ".join(FIELD_LABELS[name] for name in changed))
    hooks.subjects_changed(signal)
    if subjects.of_mention(before) != subjects.of_mention(mention):
        # A corrected BSN, KvK-nummer or address is another data subject: the old one is logged too.
        log.record("betrokkene_gecorrigeerd", selectors.read_activity(signal), [subjects.of_mention(before)],
                   user=user, obj=signal, role=change.role, basis=f"{change.get_kind_display()}: {reason}",
                   data=f"betrokkene ({label(before).lower()})")
    return mention


@transaction.atomic
def remove_subject(user, signal: Signal, subject_id, reason: str) -> None:
    """Remove a subject that was wrongly recorded, with the reason; nothing of it stays but kind and role."""
    signal = _locked_signal(user, signal)
    mention = _subject_of(signal, subject_id)
    reason = _reason(reason)
    _not_answered(mention)
    gone = MentionedSubject(pk=mention.pk, kind=mention.kind, role=mention.role, bsn=mention.bsn,
                            kvk_nummer=mention.kvk_nummer, address_id=mention.address_id)
    mention.delete()
    _record(user, signal, gone, SubjectChangeKind.VERWIJDERD, reason, still_there=False)
    hooks.subjects_changed(signal)
