"""Registry details found in bronnenonderzoek (step 3) as release items (issue 12): every field of an
approved details request (PC1) on a signal of the casus is its own item, ``gegeven:<request id>:<field>``,
so the regisseur proposes per field and per participant (PC2A) or intervention (PC2B), and the
recipient sees exactly the released fields, in words (labels, readable values; ``research.readable``).

Only what is still approved is offered and shown: a field outside ``approved_fields``, a request not
(or no longer) approved, a source without delivered data, or a signal no longer in the casus is not
an item, so a proposal for it is refused and an old release of it shows nothing. The value is read
when the recipient looks (through the same ``approved_values`` the requester's page uses), never
copied into the release.
"""

from __future__ import annotations

from dataclasses import dataclass

from meldpunt.intake import subjects as intake_subjects
from meldpunt.privacy.log import DataSubject, SubjectType
from meldpunt.protocol import sources
from meldpunt.protocol.research.models import DetailRequest, DetailState, RequestState
from meldpunt.protocol.research.readable import nested_bsns, readable_lines
from meldpunt.protocol.research.selectors import approved_values

PREFIX = "gegeven"
GROUP_LABEL = "Gegevens uit bronnenonderzoek"


@dataclass(frozen=True)
class DetailItem:
    key: str
    label: str


def key(request_id: int, field: str) -> str:
    return f"{PREFIX}:{request_id}:{field}"


def _parse(keys) -> dict[int, list[str]]:
    """Request id → fields, from the ``gegeven:`` keys among ``keys`` (others ignored)."""
    wanted: dict[int, list[str]] = {}
    for k in keys:
        parts = k.split(":", 2)
        if len(parts) == 3 and parts[0] == PREFIX and parts[1].isdigit() and parts[2]:
            wanted.setdefault(int(parts[1]), []).append(parts[2])
    return wanted


def _approved(signal_ids, ids=None):
    """Approved details requests behind a hit on one of these signals, whose data can be read: a
    source with a connector, or one whose bronhouder delivered."""
    found = (DetailRequest.objects.filter(state=DetailState.TOEGESTAAN, hit__hit=True,
                                          hit__request__state=RequestState.TOEGESTAAN,
                                          hit__request__signal_id__in=list(signal_ids))
             .select_related("hit__request__source", "hit__request__signal", "hit__subject__address")
             .order_by("hit__request__signal__received_at", "hit__request__source__name", "pk"))
    if ids is not None:
        found = found.filter(pk__in=list(ids))
    return [r for r in found if r.hit.request.source.has_connector or r.supplied_at is not None]


def _subject_name(mention) -> str:
    return (mention.name or mention.kvk_nummer or mention.kenteken or mention.address_text
            or (str(mention.address) if mention.address_id else "") or mention.get_kind_display())


def _labels(request) -> dict[str, str]:
    source = request.hit.request.source
    return source.field_labels(sources.detail_kind(request.hit.subject, source))


def catalogue(signal_ids) -> list[DetailItem]:
    """One item per approved field, for the regisseur's proposal form: the source, the field and
    whom it is about (names the regisseur already reads on the casus), never the value."""
    items = []
    for request in _approved(signal_ids):
        labels, mention = _labels(request), request.hit.subject
        source = request.hit.request.source
        for field in request.approved_fields:
            items.append(DetailItem(key(request.pk, field), f"{source.name}: {labels.get(field, field)} van "
                                    f"{mention.get_kind_display().lower()} {_subject_name(mention)} — "
                                    f"{request.hit.request.signal.reference}"))
    return items


def released(keys, signal_ids, released_subject_ids) -> tuple[list[dict], list[DataSubject]]:
    """The released detail fields as the recipient reads them, grouped per source and subject, and
    whom they are about for the log (P2). The subject is named only when it is itself released
    (``betrokkene:``); otherwise by its kind alone (P1)."""
    wanted = _parse(keys)
    if not wanted:
        return [], []
    rows, subjects = [], []
    for request in _approved(signal_ids, wanted):
        fields = [f for f in request.approved_fields if f in wanted[request.pk]]
        if not fields:
            continue
        labels, mention, source = _labels(request), request.hit.subject, request.hit.request.source
        record, error = approved_values(request)
        values = [{"gegeven": labels.get(f, f), "regels": readable_lines(record[f])} for f in fields if f in record]
        shown_name = mention.pk in released_subject_ids
        rows.append({
            "bron": source.name, "signaal": request.hit.request.signal.reference,
            "over": (f"{mention.get_kind_display()} {_subject_name(mention)}" if shown_name
                     else f"{mention.get_kind_display()} (naam niet vrijgegeven)"),
            "waarden": values, "fout": error if not values else ""})
        subject = intake_subjects.of_mention(mention)
        if subject:
            subjects.append(subject)
        for f in fields:
            value = record.get(f)
            bsns = nested_bsns(value)
            if f.endswith("burgerservicenummer"):  # the BSN field itself: one or a list
                bsns += [str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v]
            subjects += [DataSubject(SubjectType.BSN, bsn) for bsn in bsns]
    return rows, subjects
