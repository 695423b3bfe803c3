"""The items of a casus that can be released to a participant or an uitvoerder (PC2A/PC2B), and
the content of exactly the released ones.

An item is a key: ``veld:<name>`` (a field of every signal of the casus, or the casus title),
``betrokkene:<id>`` (one subject), ``document:<id>`` (one attachment), ``weging:<id>`` (the
outcome of one weging of steps 1-3). Everything a recipient sees is built here from the keys
they were given, so no page, print, export or API can show more than ``released_content``.

Free text (descriptions, locations and dates in the reporter's words, the working title, the
explanation of a weging, a subject's role, a document's name) can name anyone: it is shown
through ``release_masker``, which masks the names and numbers of every subject not released to
this recipient (ADR 0021). Only the separate item ``veld:ongemaskeerd`` shows it as written.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from meldpunt.intake import subjects as intake_subjects
from meldpunt.intake.models import Attachment, MentionedSubject, ReporterContact, Signal
from meldpunt.privacy.log import DataSubject
from meldpunt.protocol.models import Weging
from meldpunt.protocol.research.models import DetailRequest, DetailState
from meldpunt.protocol.wegingen import DECISIONS
from meldpunt.registries import models as registry

from . import masking, release_details
from .network.graph import confirmed_links

# The separate, explicit choice to show free text as written (ADR 0021).
UNMASKED = "ongemaskeerd"
UNMASKED_KEY = f"veld:{UNMASKED}"
FIELDS = {
    "werktitel": "Werktitel van de casus",
    "fenomeen": "Fenomeen van de signalen",
    "omschrijving": "Omschrijving van de signalen",
    "locatie": "Locatie (adres of buurt) van de signalen",
    "waarneming": "Datum van de waarneming",
    UNMASKED: "Vrije tekst ZONDER maskering: namen en nummers van betrokkenen die niet zijn vrijgegeven, blijven "
              "leesbaar in de omschrijving, locatie, werktitel en motivering van wegingen",
}
GROUPS = {"veld": "Gegevens", "betrokkene": "Betrokkenen", "document": "Documenten",
          "weging": "Uitkomsten van wegingen", release_details.PREFIX: release_details.GROUP_LABEL}
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
    items += [Item(d.key, release_details.PREFIX, d.label) for d in release_details.catalogue(signal_ids)]
    return items


def valid_keys(casus, keys) -> tuple[list[str], list[str]]:
    """(known keys in catalogue order, unknown keys)."""
    known = [i.key for i in catalogue(casus)]
    wanted = set(keys)
    return [k for k in known if k in wanted], sorted(wanted - set(known))


# Items with free text that 'veld:ongemaskeerd' can show as written.
FREE_TEXT_FIELDS = ("omschrijving", "locatie", "waarneming", "werktitel")


def unmasked_problem(keys) -> str:
    """Why ``keys`` cannot be released as they are ("" when they can): showing free text as
    written is a choice on top of an item with free text, never on its own."""
    keys = set(keys)
    if UNMASKED_KEY not in keys:
        return ""
    if any(f"veld:{name}" in keys for name in FREE_TEXT_FIELDS) or any(k.startswith("weging:") for k in keys):
        return ""
    return ("'Vrije tekst zonder maskering' kan alleen samen met een onderdeel met vrije tekst: de omschrijving, "
            "de locatie, de werktitel of een weging.")


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
    # Registry details from bronnenonderzoek, per source and subject (release_details.py).
    details: list[dict] = field(default_factory=list)
    log_subjects: list[DataSubject] = field(default_factory=list)
    # What was masked in the free text (label -> count), and whether some free text is shown
    # unmasked (ADR 0021). Neither is part of what the recipient gets (``as_dict``).
    masks: Counter = field(default_factory=Counter)
    unmasked: bool = False
    # Masks another free text of the casus for this recipient (e.g. what an intervention is).
    free_text: object = field(default=lambda value: "", repr=False, compare=False)

    @property
    def empty(self) -> bool:
        return not (self.title or self.signals or self.subjects or self.documents or self.wegingen or self.details)

    @property
    def masks_text(self) -> str:
        return masking.describe(self.masks)

    def as_dict(self) -> dict:
        return {"kenmerk": self.reference, "werktitel": self.title, "signalen": self.signals,
                "betrokkenen": self.subjects, "documenten": self.documents, "wegingen": self.wegingen,
                "gegevens": self.details}


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


def _covers(scope, name: str, signal_id: int) -> bool:
    return name in scope and (scope[name] is None or signal_id in scope[name])


# ------------------------------------------------------------------------ masking (ADR 0021)

# Registry details a bronhouder supplied that name someone (field names of sources.SOURCES), and the
# mask of each ("naam": of the subject's kind). The parts of a BRP name are also put together.
IDENTITY_DETAIL_FIELDS = {"burgerservicenummer": masking.BSN, "ingeschrevenen.burgerservicenummer": masking.BSN,
                          "naam": None, "naam.voornamen": masking.PERSOON, "naam.geslachtsnaam": masking.PERSOON,
                          "geboorte.datum": masking.GEBOORTEDATUM, "verblijfplaats.adres": masking.ADRES,
                          "adres": masking.ADRES}
BRP_NAME_PARTS = ("naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam")


def _supplied_date(value: str):
    """A supplied date as the bronhouder wrote it ("1980-02-01", "01-02-1980", "1-2-1980")."""
    value = value.strip()
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    found = re.fullmatch(r"(\d{1,2})\D{1,3}(\d{1,2})\D{1,3}(\d{4})", value)
    if found:
        try:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        except ValueError:
            return None
    return None


def _supplied_values(value) -> list[str]:
    """The text values of one supplied detail: a list gives each of its items."""
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _supplied_values(item)]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return [value.strip()] if isinstance(value, str) and value.strip() else []


def _supplied_terms(supplied: dict, kind: str) -> list[masking.Term]:
    """The names, numbers, addresses and dates in registry details a bronhouder supplied."""
    terms: list[masking.Term] = []
    for name, value in (supplied or {}).items():
        if name not in IDENTITY_DETAIL_FIELDS:
            continue
        label = IDENTITY_DETAIL_FIELDS[name] or masking.KIND_LABELS.get(kind, masking.PERSOON)
        for text in _supplied_values(value):
            if label == masking.BSN:
                # One BSN, or several in one text ("999993653, 999990019").
                for number in re.split(r"[,;/\n]+", text):
                    terms += masking.number_terms(number, label)
            elif label == masking.GEBOORTEDATUM:
                terms += masking.date_terms(_supplied_date(text))
            elif label == masking.ADRES:
                terms += masking.address_text_terms(text)
            else:
                terms += masking.name_terms(text, label, kind if name == "naam" else "persoon")
    # The whole BRP name ("Jan Pieter van der Berg") and the surname with its voorvoegsel.
    parts = {part: " ".join(_supplied_values(supplied.get(part))) for part in BRP_NAME_PARTS if supplied}
    if parts.get("naam.geslachtsnaam"):
        surname = " ".join(x for x in (parts.get("naam.voorvoegsel"), parts["naam.geslachtsnaam"]) if x)
        full = " ".join(x for x in (parts.get("naam.voornamen"), surname) if x)
        terms += masking.name_terms(full, masking.PERSOON) + masking.name_terms(surname, masking.PERSOON)
    return terms


def _mention_identity(m: MentionedSubject) -> set[str]:
    """What makes a subject the same as a released one. A BAG address identifies an address, never
    the person or company living or established there: releasing a location or one resident must
    not unmask the others at that address (P1)."""
    keys = set()
    if m.bsn:
        keys.add(f"bsn:{m.bsn}")
    if m.kvk_nummer:
        keys.add(f"kvk:{m.kvk_nummer}")
    if m.address_id and m.kind == "adres":
        keys.add(f"bag:{m.address_id}")
    if m.kenteken:
        keys.add("kenteken:" + "".join(masking.tokens(m.kenteken)))
    return keys


def _address_terms(address) -> list[masking.Term]:
    return masking.address_terms(address.openbare_ruimte, address.huisnummer, address.huisletter,
                                 address.toevoeging, address.postcode, address.woonplaats)


def _mention_terms(m: MentionedSubject) -> list[masking.Term]:
    """The names and numbers of a subject; its BAG address apart (``_address_terms``)."""
    label = masking.KIND_LABELS.get(m.kind, masking.PERSOON)
    terms = masking.name_terms(m.name, label, m.kind)
    terms += masking.number_terms(m.bsn, masking.BSN) + masking.number_terms(m.kvk_nummer, masking.KVK)
    terms += masking.kenteken_terms(m.kenteken) + masking.address_text_terms(m.address_text)
    if m.kind == "persoon":
        terms += masking.date_terms(m.birth_date)
    return terms


def _registry_terms(mentions) -> dict[int, list[masking.Term]]:
    """Per mention, the names and numbers of the registry record a person confirmed it to be, and
    of registry details approved (PC1) and supplied for it: they may be spelled otherwise in the
    text than the reporter spelled them."""
    found: dict[int, list[masking.Term]] = {}
    confirmed = confirmed_links(mentions)
    by_kind: dict[str, dict[str, list[int]]] = {}
    for mention_id, judgement in confirmed.items():
        by_kind.setdefault(judgement.entity_kind, {}).setdefault(judgement.entity_key, []).append(mention_id)
    if by_kind.get("persoon"):
        for p in registry.Persoon.objects.filter(bsn__in=list(by_kind["persoon"])):
            terms = (masking.name_terms(p.naam, masking.PERSOON) + masking.name_terms(
                " ".join(x for x in (p.voorvoegsel, p.geslachtsnaam) if x), masking.PERSOON)
                + masking.number_terms(p.bsn, masking.BSN) + masking.date_terms(p.geboortedatum))
            for mention_id in by_kind["persoon"][p.bsn]:
                found.setdefault(mention_id, []).extend(terms)
    if by_kind.get("onderneming"):
        for o in (registry.Onderneming.objects.filter(kvk_nummer__in=list(by_kind["onderneming"]))
                  .prefetch_related("vestigingen")):
            terms = masking.name_terms(o.naam, masking.BEDRIJF, "onderneming") + masking.number_terms(
                o.kvk_nummer, masking.KVK)
            for v in o.vestigingen.all():
                terms += masking.name_terms(v.handelsnaam, masking.BEDRIJF, "onderneming")
            for mention_id in by_kind["onderneming"][o.kvk_nummer]:
                found.setdefault(mention_id, []).extend(terms)
    if by_kind.get("adres"):
        for a in registry.Nummeraanduiding.objects.filter(pk__in=list(by_kind["adres"])):
            for mention_id in by_kind["adres"][a.pk]:
                found.setdefault(mention_id, []).extend(_address_terms(a))
    kinds = {m.pk: m.kind for m in mentions}
    for item in DetailRequest.objects.filter(state=DetailState.TOEGESTAAN, supplied_at__isnull=False,
                                             hit__subject_id__in=list(kinds)).select_related("hit"):
        mention_id = item.hit.subject_id
        terms = _supplied_terms(item.supplied, kinds[mention_id])
        if terms:
            found.setdefault(mention_id, []).extend(terms)
    return found


def release_masker(casus, keys, signals=None) -> masking.Masker:
    """The masker for free text released to one recipient of one casus: hides every subject of
    the casus's signals (and their reporters) not released to them by a ``betrokkene:`` key, keeps
    the released subjects and the locations released by ``veld:locatie``. The one place that
    decides what free text hides (ADR 0021)."""
    keys = set(keys)
    scope = _field_scope(keys)
    signals = list(signals_of(casus)) if signals is None else signals
    signal_ids = [s.pk for s in signals]
    mentions = list(MentionedSubject.objects.filter(signal_id__in=signal_ids).select_related("address"))
    released_ids = set(_ids(keys, "betrokkene"))
    released = [m for m in mentions if m.pk in released_ids]
    shown_identity = set().union(*(_mention_identity(m) for m in released)) if released else set()
    # The address of a released subject is released with it (it is in the subject's own data).
    shown_identity |= {f"bag:{m.address_id}" for m in released if m.address_id}
    shown: list[masking.Term] = []
    hidden: list[masking.Term] = []
    for signal in signals:
        if _covers(scope, "locatie", signal.pk):
            if signal.address_id:
                shown_identity.add(f"bag:{signal.address_id}")
                shown += _address_terms(signal.address)
            shown += masking.address_text_terms(signal.location_text)
    registry_terms = _registry_terms(mentions)
    for m in mentions:
        terms = _mention_terms(m) + registry_terms.get(m.pk, [])
        identity = _mention_identity(m)
        is_shown = m.pk in released_ids or bool(identity and identity <= shown_identity)
        if is_shown:
            shown += terms
        else:
            hidden += terms
        if m.address_id:
            # The address goes by itself: readable when it is released (by the location or with a
            # released subject), whoever else lives there; otherwise masked.
            if is_shown or f"bag:{m.address_id}" in shown_identity:
                shown += _address_terms(m.address)
            else:
                hidden += _address_terms(m.address)
    for signal in signals:
        if signal.address_id and f"bag:{signal.address_id}" not in shown_identity:
            hidden += _address_terms(signal.address)
    # The reporter is never a released subject: their name and contact details are always masked.
    for contact in ReporterContact.objects.filter(signal_id__in=signal_ids):
        hidden += (masking.name_terms(contact.name, masking.MELDER) + masking.email_terms(contact.email)
                   + masking.phone_terms(contact.phone))
    return masking.Masker(hidden=hidden, shown=[t.shown() for t in shown])


def released_content(casus, keys) -> Released:
    keys = set(keys)
    out = Released(reference=casus.reference)
    scope = _field_scope(keys)
    signals: list | None = None
    masker: masking.Masker | None = None

    def all_signals() -> list:
        nonlocal signals
        if signals is None:
            signals = list(signals_of(casus))
        return signals

    def text(value: str, signal_id: int | None) -> str:
        """Free text as this recipient may read it: masked unless released unmasked."""
        nonlocal masker
        if not value:
            return value or ""
        if (_covers(scope, UNMASKED, signal_id) if signal_id is not None else UNMASKED in scope):
            out.unmasked = True
            return value
        if masker is None:
            masker = release_masker(casus, keys, all_signals())
        masked, found = masker.mask_and_count(value)
        out.masks.update(found)
        return masked

    out.free_text = lambda value: text(value, None)
    if "veld:werktitel" in keys:
        out.title = text(casus.title, None)
    if set(scope) - {UNMASKED}:
        # The data subjects of a shown field are those of its signal: the mentioned subjects
        # (descriptions name them) and the address (P2: one log line per data subject).
        mentioned: dict[int, list[DataSubject]] = {}
        if "omschrijving" in scope:
            for m in MentionedSubject.objects.filter(signal__casus_links__casus=casus):
                subject = intake_subjects.of_mention(m)
                if subject:
                    mentioned.setdefault(m.signal_id, []).append(subject)
        for signal in all_signals():
            fields = [name for name, ids in scope.items()
                      if name != UNMASKED and (ids is None or signal.pk in ids)]
            if not fields:
                continue
            row = {"kenmerk": signal.reference}
            if "fenomeen" in fields:
                row["fenomeen"] = signal.phenomenon.name
            if "omschrijving" in fields:
                row["omschrijving"] = "" if signal.is_sealed else text(signal.description, signal.pk)
            if "locatie" in fields:
                row["locatie"] = (str(signal.address) if signal.address_id
                                  else signal.buurt.naam if signal.buurt_id
                                  else text(signal.location_text, signal.pk))
                if signal.address_id:
                    out.log_subjects.append(DataSubject("bag", signal.address_id))
            if "waarneming" in fields:
                row["waarneming"] = (signal.occurred_on.isoformat() if signal.occurred_on
                                     else text(signal.occurred_text, signal.pk))
            out.signals.append(row)
            if "omschrijving" in fields:
                out.log_subjects.extend(mentioned.get(signal.pk)
                                        or [DataSubject("bag", signal.address_id) if signal.address_id
                                            else DataSubject("intern", f"signaal:{signal.pk}")])
    signal_ids = Signal.objects.filter(casus_links__casus=casus).values("pk")
    for s in (MentionedSubject.objects.filter(pk__in=_ids(keys, "betrokkene"), signal_id__in=signal_ids)
              .select_related("address").order_by("pk")):
        out.subjects.append({
            "soort": s.get_kind_display(), "rol": text(s.role, s.signal_id), "naam": s.name,
            "geboortedatum": s.birth_date.isoformat() if s.birth_date else "", "bsn": s.bsn,
            "kvkNummer": s.kvk_nummer, "adres": str(s.address) if s.address_id else s.address_text,
            "kenteken": s.kenteken, "geboortejaar": s.birth_year or "", "leeftijd": s.age_range_text,
            "signalement": s.description})
        subject = intake_subjects.of_mention(s)
        if subject:
            out.log_subjects.append(subject)
    for a in Attachment.objects.filter(pk__in=_ids(keys, "document"), signal_id__in=signal_ids).order_by("pk"):
        out.documents.append({"id": a.pk, "naam": text(a.original_name, a.signal_id) or "bijlage",
                              "soort": a.content_type, "grootte": a.size})
    for w in (Weging.objects.filter(pk__in=_ids(keys, "weging"), signal_id__in=signal_ids)
              .select_related("signal").order_by("decided_at", "id")):
        out.wegingen.append({"soort": w.get_type_display(), "besluit": DECISIONS.get(w.type, {}).get(w.decision,
                                                                                                   w.decision),
                             "motivering": text(w.reasoning, w.signal_id), "grondslag": w.legal_basis,
                             "signaal": w.signal.reference})
    if any(k.startswith(f"{release_details.PREFIX}:") for k in keys):
        out.details, shown = release_details.released(keys, [s.pk for s in all_signals()],
                                                      set(_ids(keys, "betrokkene")))
        out.log_subjects.extend(shown)
    return out


def casus_subjects(casus) -> list[DataSubject]:
    """Whom a casus is about, for the processing log (P2)."""
    result: list[DataSubject] = []
    for signal in Signal.objects.filter(casus_links__casus=casus).prefetch_related("subjects"):
        result.extend(intake_subjects.of_signal(signal, list(signal.subjects.all())))
    return result or [DataSubject("intern", f"casus:{casus.pk}")]
