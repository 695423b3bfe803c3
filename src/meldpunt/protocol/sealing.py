"""'Geen actie' signals are kept encrypted for a year (CCV step 2). The content — description,
free texts, mentioned subjects, reporter contact and attachment files — is sealed with a key
outside the database (meldpunt.core.keys) and removed from the clear-text rows. After the commit
the write-ahead log of SQLite is checkpointed and truncated, so the clear text does not linger in
old page versions there (P4, docs/adr/0018)."""

from __future__ import annotations

import json

from django.core.files.base import ContentFile

from meldpunt import policy
from meldpunt.intake import subjects
from meldpunt.intake.models import ReporterContact, Signal
from meldpunt.privacy import log
from meldpunt.privacy.log import DataSubject
from meldpunt.privacy.retention import residue
from meldpunt.tenancy.keys import ring_of

from .errors import NotAllowed, ProtocolError, WrongState

MIN_REASON = 15
SEALED_REASON = "De reden is met de inhoud van het signaal versleuteld."


def seal(signal: Signal) -> None:
    """Seal the content in place with the key of the signal's gemeente (ADR 0030 §5); the caller
    saves the signal row in its transaction."""
    ring = ring_of(signal)
    mentions = list(signal.subjects.all())
    payload = {
        "omschrijving": signal.description,
        "locatie": signal.location_text,
        "waarneming": signal.occurred_text,
        "betrokkenen": [
            {"soort": m.kind, "rol": m.role, "naam": m.name,
             "geboortedatum": m.birth_date.isoformat() if m.birth_date else "", "bsn": m.bsn,
             "kvk_nummer": m.kvk_nummer, "adres": m.address_id or "", "adres_tekst": m.address_text,
             "kenteken": m.kenteken, "geboortejaar": m.birth_year or "", "leeftijd": m.age_range_text,
             "signalement": m.description}
            for m in mentions
        ],
        # The reasons of subject changes may name people too (intake.subject_changes).
        "wijzigingen_betrokkenen": [{"wijziging": c.get_kind_display(), "reden": c.reason}
                                    for c in signal.subject_changes.all()],
        "contact": None,
        # Log subjects survive sealing, so later reads are still logged per subject.
        "log_subjects": [[s.type, s.identifier] for s in subjects.of_signal(signal, mentions)],
    }
    contact = ReporterContact.objects.filter(signal=signal).first()
    if contact is not None:
        payload["contact"] = {"naam": contact.name, "email": contact.email, "telefoon": contact.phone}
        contact.delete()
    for attachment in signal.attachments.all():
        with attachment.file.open("rb") as handle:
            clear = handle.read()
        name = attachment.file.name
        storage = attachment.file.storage
        storage.delete(name)
        storage.save(name, ContentFile(ring.seal(clear)))
    signal.subjects.all().delete()
    signal.subject_changes.update(reason=SEALED_REASON)
    signal.sealed = ring.seal(json.dumps(payload, ensure_ascii=False).encode())
    signal.description = ""
    signal.location_text = ""
    signal.occurred_text = ""
    residue.checkpoint_on_commit()


def reveal(user, signal: Signal, reason: str) -> dict:
    if not policy.may_reveal_sealed(user, signal):
        raise NotAllowed("Uw rol mag versleutelde signalen niet inzien.")
    if not signal.is_sealed:
        raise WrongState("Dit signaal is niet versleuteld.")
    if len((reason or "").strip()) < MIN_REASON:
        raise ProtocolError("Geef de reden waarom u dit versleutelde signaal inziet (ten minste een zin).")
    payload = json.loads(ring_of(signal).unseal(signal.sealed))
    log.record("versleuteld_inzien", "versleuteld_inzien",
               [DataSubject(kind, identifier) for kind, identifier in payload.pop("log_subjects", [])],
               user=user, obj=signal, basis=reason.strip())
    return payload
