"""The answer package of an inzageverzoek as a stored result of a background job (docs/adr/0028).

The job (inzage/tasks.py) builds the package once, the privacyfunctionaris downloads it as often as
needed. The PDF and the JSON hold the subject's personal data: they are stored encrypted with the key
outside the database (core/keys.seal), in the var folder, and destroyed with the request itself
when it is anonymised (inzage/retention.py). A package made before a later decision or before the
request was closed is stale: it is not handed out, the page asks to make it again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from meldpunt.privacy import log
from meldpunt.privacy.models import SubjectType
from meldpunt.tenancy.keys import ring_of

from . import package, pdf
from .models import AccessRequest, AnswerPackage
from .services import InzageError

FORMATS = {"pdf": "application/pdf", "json": "application/json"}


def _folder() -> Path:
    return Path(settings.VAR_DIR) / "inzage" / "antwoorden"


def _path(request_pk: int, kind: str) -> Path:
    return _folder() / f"{request_pk}.{kind}.versleuteld"


def fingerprint(request: AccessRequest) -> str:
    """The state of the request the package depends on: status and every decision."""
    rows = list(request.items.order_by("id").values_list(
        "id", "decision", "ground", "withheld_parts", "lifted_at", "decided_at"))
    state = [request.status, request.mention_restrictions, str(request.closed_at), [list(map(str, r)) for r in rows]]
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()


def make(user, request: AccessRequest) -> AnswerPackage:
    """Build the package (the same checks as before: handler, searched, every item decided) and store
    it encrypted. Not a read by a person: the download is logged (``read``)."""
    content = package.prepare(user, request)
    ring = ring_of(request)  # the key of the controller the request was made to (ADR 0030 §5)
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    clear = {"json": json.dumps(content, ensure_ascii=False, indent=2).encode(), "pdf": pdf.render(content)}
    for kind, data in clear.items():
        draft = _path(request.pk, kind).with_suffix(".concept")
        draft.write_bytes(ring.seal(data))
        draft.chmod(0o600)
        draft.replace(_path(request.pk, kind))
    with transaction.atomic():
        stored, _ = AnswerPackage.objects.update_or_create(request=request, defaults={
            "made_at": timezone.now(), "made_by": user, "fingerprint": fingerprint(request),
            "released_items": len(content["gegevens"])})
    return stored


def current(request: AccessRequest) -> AnswerPackage | None:
    return AnswerPackage.objects.filter(request=request).first()


def is_fresh(stored: AnswerPackage | None, request: AccessRequest) -> bool:
    return (stored is not None and stored.fingerprint == fingerprint(request)
            and all(_path(request.pk, kind).exists() for kind in FORMATS))


def read(user, request: AccessRequest, kind: str) -> bytes:
    """The stored package for the privacyfunctionaris; logged as handing it out (P2)."""
    package.require_ready(user, request)
    stored = current(request)
    if stored is None:
        raise InzageError("Maak eerst het antwoordpakket met de knop 'Antwoordpakket maken'.")
    if not is_fresh(stored, request):
        raise InzageError("Het verzoek is gewijzigd nadat het antwoordpakket werd gemaakt. "
                          "Maak het antwoordpakket opnieuw.")
    data = ring_of(request).unseal(_path(request.pk, kind).read_bytes())
    subjects = [log.DataSubject(SubjectType.BSN, request.subject_bsn)] if request.subject_bsn else [
        log.DataSubject(SubjectType.INTERNAL, f"inzageverzoek:{request.pk}")]
    log.record("inzage_verstrekken", "inzage", subjects, user=user, obj=request,
               basis=f"AVG art. 15; {stored.released_items} onderdelen")
    return data


def destroy(request_ids) -> int:
    """Remove the stored packages of these requests (retention); returns how many."""
    ids = list(request_ids)
    for pk in ids:
        for kind in FORMATS:
            _path(pk, kind).unlink(missing_ok=True)
    deleted, _ = AnswerPackage.objects.filter(request_id__in=ids).delete()
    return deleted
