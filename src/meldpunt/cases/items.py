"""The items of a casus that can be released to a participant or an uitvoerder (PC2A/PC2B), and
the content of exactly the released ones.

An item is a key: ``veld:<name>`` (a field of every signal of the casus, or the casus title),
``betrokkene:<id>`` (one subject), ``document:<id>`` (one attachment), ``weging:<id>`` (the
outcome of one weging of steps 1-3). Everything a recipient sees is built here from the keys
they were given, so no page, print, export or API can show more than ``released_content``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from meldpunt.intake import subjects as intake_subjects
from meldpunt.intake.models import Attachment, MentionedSubject, Signal
from meldpunt.privacy.log import DataSubject
from meldpunt.protocol.models import Weging
from meldpunt.protocol.wegingen import DECISIONS

FIELDS = {
    "werktitel": "Werktitel van de casus",
    "fenomeen": "Fenomeen van de signalen",
    "omschrijving": "Omschrijving van de signalen",
    "locatie": "Locatie (adres of buurt) van de signalen",
    "waarneming": "Datum van de waarneming",
}
GROUPS = {"veld": "Gegevens", "betrokkene": "Betrokkenen", "document": "Documenten",
          "weging": "Uitkomsten van wegingen"}
SIGNAL_WEGINGEN = ("W1", "W2A", "W2B", "W3", "W4")


@dataclass(frozen=True)
class Item:
    key: str
    group: str
    label: str


def signals_of(casus):
    return (Signal.objects.filter(casus_links__casus=casus)
            .select_related("phenomenon", "buurt", "address").order_by("received_at", "id"))


def _subject_label(s: MentionedSubject) -> str:
    parts = [s.get_kind_display()]
    if s.role:
        parts.append(f"({s.role})")
    parts.append(s.name or s.kvk_nummer or s.kenteken or s.address_text or (str(s.address) if s.address_id else ""))
    return " ".join(p for p in parts if p)


def catalogue(casus) -> list[Item]:
    """Every item of the casus that could be released, for the regisseur's request form."""
    items = [Item(f"veld:{name}", "veld", label) for name, label in FIELDS.items()]
    signal_ids = list(Signal.objects.filter(casus_links__casus=casus).values_list("pk", flat=True))
    for s in MentionedSubject.objects.filter(signal_id__in=signal_ids).select_related("address", "signal"):
        items.append(Item(f"betrokkene:{s.pk}", "betrokkene", f"{_subject_label(s)} — {s.signal.reference}"))
    for a in Attachment.objects.filter(signal_id__in=signal_ids).select_related("signal"):
        name = a.original_name or "bijlage (naam niet bewaard)"
        items.append(Item(f"document:{a.pk}", "document", f"{name} — {a.signal.reference}"))
    for w in (Weging.objects.filter(signal_id__in=signal_ids, type__in=SIGNAL_WEGINGEN)
              .select_related("signal").order_by("decided_at", "id")):
        decision = DECISIONS.get(w.type, {}).get(w.decision, w.decision)
        items.append(Item(f"weging:{w.pk}", "weging", f"{w.type}: {decision} — {w.signal.reference}"))
    return items


def valid_keys(casus, keys) -> tuple[list[str], list[str]]:
    """(known keys in catalogue order, unknown keys)."""
    known = [i.key for i in catalogue(casus)]
    wanted = set(keys)
    return [k for k in known if k in wanted], sorted(wanted - set(known))


def _ids(keys, prefix) -> list[int]:
    return [int(k.split(":", 1)[1]) for k in keys if k.startswith(prefix + ":") and k.split(":", 1)[1].isdigit()]


@dataclass
class Released:
    """What one recipient may see of one casus. Nothing else is ever loaded for them."""

    reference: str
    title: str = ""
    signals: list[dict] = field(default_factory=list)
    subjects: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    wegingen: list[dict] = field(default_factory=list)
    log_subjects: list[DataSubject] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.title or self.signals or self.subjects or self.documents or self.wegingen)

    def as_dict(self) -> dict:
        return {"kenmerk": self.reference, "werktitel": self.title, "signalen": self.signals,
                "betrokkenen": self.subjects, "documenten": self.documents, "wegingen": self.wegingen}


def scoped_keys(request) -> list[str]:
    """The approved keys of a decided release, with every ``veld:`` item narrowed to the signals
    linked when it was decided (``veld:<name>:<signal id>``): a signal linked later is not
    covered until a new release names it (P1/P3)."""
    keys = []
    for key in request.approved_items:
        if key.startswith("veld:") and key != "veld:werktitel" and key.count(":") == 1:
            keys.extend(f"{key}:{signal_id}" for signal_id in request.signal_scope)
        else:
            keys.append(key)
    return keys


def _field_scope(keys) -> dict[str, set[int] | None]:
    """Per released field: the signal ids it covers, or None for every signal of the casus
    (an unscoped key, used only to preview a request that is not decided yet)."""
    scope: dict[str, set[int] | None] = {}
    for key in keys:
        parts = key.split(":")
        if parts[0] != "veld" or parts[1] not in FIELDS or parts[1] == "werktitel":
            continue
        if len(parts) == 2:
            scope[parts[1]] = None
        elif len(parts) == 3 and parts[2].isdigit() and scope.get(parts[1], set()) is not None:
            scope.setdefault(parts[1], set()).add(int(parts[2]))
    return scope


def released_content(casus, keys) -> Released:
    keys = set(keys)
    out = Released(reference=casus.reference)
    if "veld:werktitel" in keys:
        out.title = casus.title
    scope = _field_scope(keys)
    if scope:
        # The data subjects of a shown field are those of its signal: the mentioned subjects
        # (descriptions name them) and the address (P2: one log line per data subject).
        mentioned: dict[int, list[DataSubject]] = {}
        if "omschrijving" in scope:
            for m in MentionedSubject.objects.filter(signal__casus_links__casus=casus):
                subject = intake_subjects.of_mention(m)
                if subject:
                    mentioned.setdefault(m.signal_id, []).append(subject)
        for signal in signals_of(casus):
            fields = [name for name, ids in scope.items() if ids is None or signal.pk in ids]
            if not fields:
                continue
            row = {"kenmerk": signal.reference}
            if "fenomeen" in fields:
                row["fenomeen"] = signal.phenomenon.name
            if "omschrijving" in fields:
                row["omschrijving"] = "" if signal.is_sealed else signal.description
            if "locatie" in fields:
                row["locatie"] = (str(signal.address) if signal.address_id
                                  else signal.buurt.naam if signal.buurt_id else signal.location_text)
                if signal.address_id:
                    out.log_subjects.append(DataSubject("bag", signal.address_id))
            if "waarneming" in fields:
                row["waarneming"] = signal.occurred_on.isoformat() if signal.occurred_on else signal.occurred_text
            out.signals.append(row)
            if "omschrijving" in fields:
                out.log_subjects.extend(mentioned.get(signal.pk)
                                        or [DataSubject("bag", signal.address_id) if signal.address_id
                                            else DataSubject("intern", f"signaal:{signal.pk}")])
    signal_ids = Signal.objects.filter(casus_links__casus=casus).values("pk")
    for s in (MentionedSubject.objects.filter(pk__in=_ids(keys, "betrokkene"), signal_id__in=signal_ids)
              .select_related("address").order_by("pk")):
        out.subjects.append({
            "soort": s.get_kind_display(), "rol": s.role, "naam": s.name,
            "geboortedatum": s.birth_date.isoformat() if s.birth_date else "", "bsn": s.bsn,
            "kvkNummer": s.kvk_nummer, "adres": str(s.address) if s.address_id else s.address_text,
            "kenteken": s.kenteken})
        subject = intake_subjects.of_mention(s)
        if subject:
            out.log_subjects.append(subject)
    for a in Attachment.objects.filter(pk__in=_ids(keys, "document"), signal_id__in=signal_ids).order_by("pk"):
        out.documents.append({"id": a.pk, "naam": a.original_name or "bijlage", "soort": a.content_type,
                              "grootte": a.size})
    for w in (Weging.objects.filter(pk__in=_ids(keys, "weging"), signal_id__in=signal_ids)
              .select_related("signal").order_by("decided_at", "id")):
        out.wegingen.append({"soort": w.get_type_display(), "besluit": DECISIONS.get(w.type, {}).get(w.decision,
                                                                                                   w.decision),
                             "motivering": w.reasoning, "grondslag": w.legal_basis, "signaal": w.signal.reference})
    return out


def casus_subjects(casus) -> list[DataSubject]:
    """Whom a casus is about, for the processing log (P2)."""
    result: list[DataSubject] = []
    for signal in Signal.objects.filter(casus_links__casus=casus).prefetch_related("subjects"):
        result.extend(intake_subjects.of_signal(signal, list(signal.subjects.all())))
    return result or [DataSubject("intern", f"casus:{casus.pk}")]
