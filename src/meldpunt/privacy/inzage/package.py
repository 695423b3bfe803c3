"""The response package of an inzageverzoek (JSON; the PDF renders the same structure).

What goes in: every item on the subject that is provided (in full, partially, or after a lifted
restriction), with the AVG art. 15 information. What stays out: fully restricted items, withheld
parts, and everything on anyone else — other subjects, the reporter (protect the melder), and
staff (roles only, never names). Free text is redacted for every known third-party identifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from meldpunt.accounts.roles import Role
from meldpunt.cases.models import Casus, CasusSignal
from meldpunt.core.datums import format_date
from meldpunt.intake.models import Channel, MentionedSubject, ReporterContact, Signal
from meldpunt.privacy import log
from meldpunt.privacy.models import LogStatus, SubjectType
from meldpunt.privacy.retention.models import Tombstone
from meldpunt.protocol.models import Forward, StateChange, Weging
from meldpunt.protocol.services import FORWARD_ITEMS
from meldpunt.protocol.transitions import SIGNAL_STATE_LABELS, SignalState
from meldpunt.protocol.wegingen import DECISIONS

from . import avg15, selectors
from .models import AccessItem, AccessRequest, Decision, Ground, ItemKind, Part
from .redaction import REDACTED, Redactor, normalise
from .services import InzageError

OBJECT_LABELS = {"signal": "signaal", "casus": "casus", "accessrequest": "inzageverzoek"}

# The log of handling inzageverzoeken itself (ADR 0010, amendment). The decisions and their
# re-evaluation are the UAVG art. 41 restriction itself: their lines are never shown. Every other
# step shows once per request with a fixed ground, so neither the number of lines nor their text
# depends on what was found or withheld.
INZAGE_ACTIVITY = "inzage"
HIDDEN_INZAGE_ACTIONS = frozenset({"inzage_besluiten", "inzage_herbeoordelen"})
INZAGE_BASIS = {"inzageverzoek_verlengen": "AVG art. 12 lid 3"}
# Lines of these activities concern a casus even when they name none (e.g. a participant reading
# what was released to them): they go out only when no casus item is withheld.
CASUS_ACTIVITIES = frozenset({"casus", "casus_delen", "interventie", "netwerk"})


def _day(value) -> str:
    return value.isoformat() if value else ""


def _moment(value) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def _role(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return "systeem" if not value else "medewerker"


@dataclass
class Context:
    request: AccessRequest
    findings: selectors.Findings
    redact: Redactor
    signals: dict[int, Signal]
    lines_by_item: dict[tuple[str, str], list] = field(default_factory=dict)
    # Signals in a fully restricted casus → the moment step 4 began for them: the signal is shown
    # as it stood just before (ADR 0010, amendment).
    cuts: dict[int, datetime] = field(default_factory=dict)
    # 'signaal <kenmerk>' of signals left out of the answer (never named as how a casus was found).
    hidden_signals: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    activities: set[str] = field(default_factory=set)
    # The register names of this gemeente (ADR 0030 §7: its own entries, else the template), per package.
    activity_names: dict[str, str] = field(default_factory=dict)

    @property
    def gemeente_code(self) -> str:
        return self.request.gemeente_id or ""


def _staff_names(users) -> tuple[list[str], list[str]]:
    users = [u for u in users if u is not None]
    return [u.get_full_name() for u in users if u.get_full_name()], [u.get_username() for u in users]


def _redactor(request: AccessRequest, findings: selectors.Findings, signals: dict[int, Signal]) -> Redactor:
    """Everything that identifies anyone but the subject in the found signals and cases."""
    identity = findings.identity
    redact = Redactor(keep_name=" ".join(identity.names))
    own_forms = set(identity.address_texts)
    others = MentionedSubject.objects.filter(signal_id__in=signals).exclude(pk__in=findings.own_mentions)
    for mention in others.select_related("address"):
        redact.add_name(mention.name)
        if mention.address_id and mention.address_id not in identity.addresses:
            address = mention.address
            redact.add_all(texts=[str(address), f"{address.openbare_ruimte} {address.huisnummer}{address.huisletter}"])
        redact.add_all(numbers=[mention.bsn, mention.kvk_nummer], texts=[mention.kenteken])
        if mention.birth_date not in identity.birth_dates:
            redact.add_date(mention.birth_date)
        if mention.address_text and normalise(mention.address_text) not in own_forms:
            redact.add_text(mention.address_text)
    reported = set(findings.reports)
    for contact in ReporterContact.objects.filter(signal_id__in=signals).exclude(signal_id__in=reported):
        redact.add_name(contact.name)
        redact.add_all(numbers=[contact.phone], emails=[contact.email])
    users = []
    for signal in signals.values():
        users += [signal.reported_by, signal.assigned_to]
    users += [w.decided_by for w in Weging.objects.filter(signal_id__in=signals).select_related("decided_by")]
    users += [f.sent_by for f in Forward.objects.filter(signal_id__in=signals).select_related("sent_by")]
    users += [c.by for c in StateChange.objects.filter(signal_id__in=signals).select_related("by")]
    for casus in Casus.objects.filter(pk__in=findings.cases).select_related("lead").prefetch_related("team"):
        users += [casus.lead, *casus.team.all()]
    names, usernames = _staff_names(set(users))
    redact.add_all(names=names, texts=usernames)
    return redact


def _log_line(line, context: Context) -> dict:
    context.activities.add(line.activity_code)
    basis = (INZAGE_BASIS.get(line.action, "AVG art. 15") if line.activity_code == INZAGE_ACTIVITY
             else context.redact(line.basis))
    return {
        "tijdstip": _moment(line.started_at), "handeling": line.action.replace("_", " "),
        "verwerkingsactiviteit": _activity_name(line.activity_code, context),
        # Which data (NEN 7513), where the log records it.
        "gegevens": getattr(line, "data_categories", ""),
        "door": _role(line.role), "grondslag": basis,
        "onderwerp": OBJECT_LABELS.get(line.object_type, line.object_type or "–"),
        "resultaat": LogStatus(line.status).label if line.status in LogStatus.values else line.status,
    }


def _activity_name(code: str, context: Context) -> str:
    """The name the request's gemeente gives the activity in its register now (its own entry when it
    changed it, else the shared template's), asked once per package."""
    if code not in context.activity_names:
        context.activity_names[code] = avg15.activity_now(code, context.gemeente_code).get("activiteit", code)
    return context.activity_names[code]


def _own_mention(mention: MentionedSubject, context: Context) -> dict:
    context.categories.add("identificerend" if mention.name or mention.birth_date else "adres")
    if mention.bsn:
        context.categories.add("bsn")
    if mention.address_id or mention.address_text:
        context.categories.add("adres")
    if mention.kenteken:
        context.categories.add("voertuig")
    return {"soort": mention.get_kind_display(), "rol": context.redact(mention.role), "naam": mention.name,
            "geboortedatum": _day(mention.birth_date), "bsn": mention.bsn,
            "adres": str(mention.address) if mention.address_id else mention.address_text,
            "kenteken": mention.kenteken}


def _signal_item(item: AccessItem, signal: Signal, context: Context, withheld: set[str], mark: bool) -> dict:
    redact, identity = context.redact, context.findings.identity
    context.categories.update({"signaal", "log"})
    # In a fully restricted casus, the signal as it stood before step 4 (ADR 0010, amendment).
    cut = context.cuts.get(signal.pk)
    changes = StateChange.objects.filter(signal=signal).order_by("at", "id")
    if cut is not None:
        changes = changes.filter(at__lt=cut)
        last = changes.last()
        state, destroy_after = (last.target if last else SignalState.ONTVANGEN), None
    else:
        state, destroy_after = signal.state, signal.destroy_after
    data = {"soort": item.get_kind_display(), "kenmerk": signal.reference, "ontvangen_op": _moment(signal.received_at),
            "bron": Channel(signal.channel).label, "fenomeen": signal.phenomenon.name,
            "gevonden_via": item.found_via, "status": SIGNAL_STATE_LABELS.get(state, state),
            "te_vernietigen_na": _day(destroy_after)}
    own = MentionedSubject.objects.filter(signal=signal, pk__in=context.findings.own_mentions).select_related("address")
    data["over_u"] = [_own_mention(m, context) for m in own]
    if signal.is_sealed:
        data["inhoud"] = "De inhoud van dit signaal wordt versleuteld bewaard tot de vernietiging."
    sections = {}
    if Part.OMSCHRIJVING not in withheld:
        own_address = signal.address_id in identity.addresses
        sections["omschrijving"] = redact(signal.description)
        sections["locatie"] = (str(signal.address) if own_address else
                               (f"buurt {signal.buurt.naam}" if signal.buurt_id else ""))
        sections["locatie_toelichting"] = redact(signal.location_text)
        sections["waarneming"] = " ".join(p for p in (_day(signal.occurred_on), redact(signal.occurred_text)) if p)
    if Part.WEGINGEN not in withheld:
        wegingen = Weging.objects.filter(signal=signal).order_by("decided_at", "id")
        if cut is not None:
            wegingen = wegingen.filter(decided_at__lt=cut).exclude(type="W4", decision="casus")
        if any(w.art10_data for w in wegingen):
            context.categories.add("strafrechtelijk")
        sections["wegingen"] = [
            {"weging": w.get_type_display(), "besluit": DECISIONS.get(w.type, {}).get(w.decision, w.decision),
             "datum": _moment(w.decided_at), "door": _role(w.role), "motivering": redact(w.reasoning),
             "grondslag": w.legal_basis}
            for w in wegingen]
    if Part.DOORZENDINGEN not in withheld:
        sections["doorzendingen"] = _forwards(signal, cut)
    if Part.VERLOOP not in withheld:
        sections["verloop"] = [
            {"datum": _moment(c.at), "status": SIGNAL_STATE_LABELS.get(c.target, c.target), "door": _role(c.role),
             "toelichting": redact(c.note)}
            for c in changes]
    if Part.LOG not in withheld:
        sections["verwerkingen"] = [_log_line(line, context)
                                    for line in context.lines_by_item.get((ItemKind.SIGNAAL, str(signal.pk)), [])]
    data.update(sections)
    _mark_withheld(data, withheld, mark)
    return data


def _mark_withheld(data: dict, withheld: set[str], mark: bool) -> None:
    if withheld and mark:
        data["niet_verstrekt"] = [Part(p).label for p in Part.values if p in withheld]


def _forwards(signal: Signal, cut: datetime | None = None) -> list[dict]:
    forwards = Forward.objects.filter(signal=signal).select_related("destination").order_by("sent_at", "id")
    if cut is not None:
        forwards = forwards.filter(sent_at__lt=cut)
    return [{"ontvanger": f.destination.name, "soort_ontvanger": f.destination.get_kind_display(),
             "datum": _moment(f.sent_at), "grondslag": f.legal_basis,
             "onderdelen": [FORWARD_ITEMS.get(i, i) for i in f.items]}
            for f in forwards]


def _report_item(item: AccessItem, signal: Signal, context: Context) -> dict:
    """A report the subject made: their own contact details, what they reported (others redacted)."""
    context.categories.add("contact")
    contact = ReporterContact.objects.filter(signal=signal).first()
    return {"soort": item.get_kind_display(), "kenmerk": signal.reference, "ontvangen_op": _moment(signal.received_at),
            "bron": Channel(signal.channel).label, "fenomeen": signal.phenomenon.name,
            "gevonden_via": item.found_via,
            "uw_contactgegevens": ({"naam": contact.name, "e_mailadres": contact.email, "telefoon": contact.phone}
                                   if contact else "De contactgegevens zijn niet meer bewaard."),
            "omschrijving": context.redact(signal.description)}


def _casus_item(item: AccessItem, context: Context, withheld: set[str], mark: bool) -> dict:
    casus = Casus.objects.select_related("result_class").get(pk=int(item.object_id))
    data = {"soort": item.get_kind_display(), "kenmerk": casus.reference, "werktitel": context.redact(casus.title),
            "gestart_op": _moment(casus.opened_at), "afgesloten_op": _moment(casus.closed_at),
            "gevonden_via": [via for via in item.found_via if via not in context.hidden_signals],
            "resultaatklasse": str(casus.result_class) if casus.result_class else "",
            "te_vernietigen_na": _day(casus.destroy_after)}
    if Part.LOG not in withheld:
        data["verwerkingen"] = [_log_line(line, context)
                                for line in context.lines_by_item.get((ItemKind.CASUS, item.object_id), [])]
    _mark_withheld(data, withheld & {Part.LOG}, mark)
    return data


def _withheld(item: AccessItem) -> bool:
    """Left out of the answer entirely: fully restricted, or not about the subject."""
    return item.decision == Decision.NIET_BETROKKENE or (item.decision == Decision.GEHEEL and item.restricted)


def _casus_cuts(items: list[AccessItem]) -> dict[int, datetime]:
    """For every signal in a fully restricted casus, the moment its step 4 began: the earliest of
    the W4 'casus' weging, the move into the state 'casus' and the link itself."""
    covered = [int(i.object_id) for i in items if i.kind == ItemKind.CASUS and i.decision == Decision.GEHEEL
               and i.restricted]
    cuts: dict[int, datetime] = {}
    for link in CasusSignal.objects.filter(casus_id__in=covered).select_related("weging"):
        moments = [link.linked_at]
        if link.weging_id:
            moments.append(link.weging.decided_at)
        moments += Weging.objects.filter(signal_id=link.signal_id, type="W4", decision="casus").values_list(
            "decided_at", flat=True)
        moments += StateChange.objects.filter(signal_id=link.signal_id, target=SignalState.CASUS).values_list(
            "at", flat=True)
        cut = min(m for m in moments if m is not None)
        cuts[link.signal_id] = min(cuts.get(link.signal_id, cut), cut)
    return cuts


def _assign_lines(findings: selectors.Findings, items: list[AccessItem], cuts: dict[int, datetime]) -> dict:
    keys = {(i.kind, i.object_id) for i in items}
    casus_withheld = any(i.kind == ItemKind.CASUS and (_withheld(i) or (i.restricted and Part.LOG in i.withheld_parts))
                         for i in items)
    grouped: dict[tuple[str, str], list] = {}
    seen = set()
    for line in selectors.log_lines(findings):
        if line.activity_code == INZAGE_ACTIVITY:
            # Handling an inzageverzoek: never the decisions, every other step once per request.
            if line.action in HIDDEN_INZAGE_ACTIONS:
                continue
            event = (INZAGE_ACTIVITY, line.object_type, line.object_id, line.action)
        else:
            # One action on several of the subject's identifiers is one event for the reader: the
            # action's span (lines of format 1 shared one span per request).
            event = (line.trace_id, line.parent_span_id or line.span_id, line.action, line.object_type,
                     line.object_id)
        if event in seen:
            continue
        seen.add(event)
        key = {"signal": (ItemKind.SIGNAAL, line.object_id), "casus": (ItemKind.CASUS, line.object_id)}.get(
            line.object_type)
        if key not in keys:
            if casus_withheld and line.activity_code in CASUS_ACTIVITIES:
                continue  # it might be about the withheld casus
            key = (ItemKind.LOG, "")
        elif key[0] == ItemKind.SIGNAAL and int(key[1]) in cuts and line.started_at >= cuts[int(key[1])]:
            continue  # step 4 of a signal in a fully restricted casus
        grouped.setdefault(key, []).append(line)
    return grouped


def _destroyed_item(item: AccessItem) -> dict:
    """A found signal or casus destroyed since the search (its term passed): what the tombstone says."""
    kind = "casus" if item.kind == ItemKind.CASUS else "signaal"
    stone = Tombstone.objects.filter(kind=kind, object_id=int(item.object_id)).order_by("-destroyed_at").first()
    if stone is None:
        return {"soort": item.get_kind_display(), "status": "Niet meer aanwezig",
                "inhoud": "Dit onderdeel is niet meer in het systeem aanwezig."}
    day = timezone.localtime(stone.destroyed_at).date()
    return {"soort": item.get_kind_display(), "kenmerk": stone.reference,
            "status": f"Vernietigd op {format_date(day)}", "vernietigd_op": _day(day),
            "inhoud": f"Dit onderdeel is vernietigd op {day:%d-%m-%Y}: de bewaartermijn was verstreken. "
                      "Er zijn daarom geen gegevens meer om te verstrekken."}


def _exists(item: AccessItem, context: Context) -> bool:
    if item.kind in (ItemKind.MELDING, ItemKind.SIGNAAL):
        return int(item.object_id) in context.signals
    return Casus.objects.filter(pk=int(item.object_id)).exists()


def item_content(item: AccessItem, context: Context, *, withheld: set[str] = frozenset(), mark: bool = True) -> dict:
    if item.kind != ItemKind.LOG and not _exists(item, context):
        return _destroyed_item(item)
    if item.kind == ItemKind.MELDING:
        return _report_item(item, context.signals[int(item.object_id)], context)
    if item.kind == ItemKind.SIGNAAL:
        return _signal_item(item, context.signals[int(item.object_id)], context, withheld, mark)
    if item.kind == ItemKind.CASUS:
        return _casus_item(item, context, withheld, mark)
    lines = [] if Part.LOG in withheld else context.lines_by_item.get((ItemKind.LOG, ""), [])
    if lines:
        context.categories.add("log")
    return {"soort": item.get_kind_display(), "verwerkingen": [_log_line(line, context) for line in lines]}


def context_for(request: AccessRequest) -> Context:
    findings = selectors.find(request)
    items = list(request.items.all())
    ids = {int(i.object_id) for i in items if i.kind in (ItemKind.SIGNAAL, ItemKind.MELDING)}
    signals = {s.pk: s for s in Signal.objects.filter(pk__in=ids).select_related("phenomenon", "address", "buurt")}
    findings.signals = {pk: via for pk, via in findings.signals.items() if pk in signals}
    context = Context(request, findings, _redactor(request, findings, signals), signals)
    context.cuts = _casus_cuts(items)
    context.lines_by_item = _assign_lines(findings, items, context.cuts)
    context.hidden_signals = {f"signaal {signals[int(i.object_id)].reference}" for i in items
                              if i.kind == ItemKind.SIGNAAL and _withheld(i) and int(i.object_id) in signals}
    return context


def build(request: AccessRequest) -> dict:
    """The package as a JSON-ready dict. Every item must have a decision."""
    request = AccessRequest.objects.select_related("subject_address", "gemeente").get(pk=request.pk)
    context = context_for(request)
    released, withheld_grounds = [], set()
    mark = request.mention_restrictions
    for item in request.items.all().order_by("kind", "id"):
        if item.decision == Decision.NIET_BETROKKENE:
            continue  # not the subject's data: it would be someone else's
        restricted = item.restricted
        if restricted:
            withheld_grounds.add(item.ground)
        if item.decision == Decision.GEHEEL and restricted:
            continue
        parts = set(item.withheld_parts) if restricted else set()
        content = item_content(item, context, withheld=parts, mark=mark)
        if item.kind == ItemKind.LOG and not content["verwerkingen"]:
            continue
        released.append(content)
    signals = [context.signals[int(i.object_id)] for i in request.items.all()
               if i.kind == ItemKind.SIGNAAL and int(i.object_id) in context.signals
               and i.decision != Decision.NIET_BETROKKENE and not (i.decision == Decision.GEHEEL and i.restricted)]
    if signals:
        context.activities.update({"intake", "signaal_beoordelen"})
    recipients = [dict(f, signaal=c["kenmerk"]) for c in released if isinstance(c.get("doorzendingen"), list)
                  for f in c["doorzendingen"]]
    if recipients:
        context.activities.add("doorzenden")
    package = {
        "kenmerk": request.reference,
        "titel": "Antwoord op uw verzoek om inzage (AVG art. 15)",
        "verwerkingsverantwoordelijke": avg15.controller(request.gemeente.naam if request.gemeente_id else ""),
        "opgesteld_op": _moment(timezone.now()),
        "concept": not request.is_closed,
        "verzoek": {"ontvangen_op": _day(request.received_on), "uiterste_antwoorddatum": _day(request.deadline),
                    "verlengd_tot": _day(request.extended_until), "reden_verlenging": request.extension_reason,
                    "verzoeker": request.requester_name},
        "betrokkene": {"naam": request.subject_name, "geboortedatum": _day(request.subject_birth_date),
                       "bsn": request.subject_bsn,
                       "adres": str(request.subject_address) if request.subject_address_id
                       else request.subject_address_text},
        "bevestiging": ("Ja, de gemeente verwerkt persoonsgegevens over u. Hieronder staan deze gegevens."
                        if released else "De gemeente heeft geen persoonsgegevens over u gevonden die zij u kan "
                                         "verstrekken."),
        "verwerkingsdoelen": avg15.purposes(context.activities, context.gemeente_code),
        "categorieen_persoonsgegevens": avg15.categories(context.categories),
        "ontvangers": recipients,
        "bewaartermijnen": {"beleid": avg15.RETENTION_POLICY,
                            "per_onderdeel": [{"kenmerk": c["kenmerk"], "te_vernietigen_na": c["te_vernietigen_na"]}
                                              for c in released if c.get("te_vernietigen_na")]},
        "bron": sorted({c["bron"] for c in released if c.get("bron")}),
        "bron_toelichting": "De gegevens komen uit meldingen (signalen). Wie een melding deed, vermelden wij niet: "
                            "die gegevens gaan over een ander.",
        "rechten": avg15.RIGHTS,
        "geautomatiseerde_besluitvorming": avg15.AUTOMATED_DECISIONS,
        "gegevens": released,
    }
    if withheld_grounds and mark:
        package["beperking"] = {
            "toelichting": "Een deel van de gegevens verstrekken wij (nog) niet. Dat mag als dat noodzakelijk en "
                           "evenredig is ter waarborging van een belang uit artikel 41 lid 1 van de "
                           "Uitvoeringswet AVG. Wij beoordelen dit periodiek opnieuw. U kunt hierover een klacht "
                           "indienen bij de Autoriteit Persoonsgegevens.",
            "gronden": [Ground(g).label for g in sorted(withheld_grounds)],
        }
    return package


def require_ready(user, request: AccessRequest) -> None:
    """The package may be made: by the privacyfunctionaris, after the search and every decision."""
    selectors.require_handler(user)
    request = AccessRequest.objects.get(pk=request.pk)
    if request.searched_at is None:
        raise InzageError("Zoek eerst wat er over de betrokkene is vastgelegd.")
    if request.items.filter(decision="").exists():
        raise InzageError("Neem eerst over elk onderdeel een besluit; daarna kan het antwoord worden gemaakt.")


def prepare(user, request: AccessRequest) -> dict:
    """Build the package after the checks, not logged: the stored package is logged when it is
    handed out (answers.read)."""
    require_ready(user, request)
    return build(AccessRequest.objects.get(pk=request.pk))


def generate(user, request: AccessRequest) -> dict:
    """Build the package for the privacyfunctionaris, after every item is decided; logged (P2)."""
    package = prepare(user, request)
    subjects = [log.DataSubject(SubjectType.BSN, request.subject_bsn)] if request.subject_bsn else [
        log.DataSubject(SubjectType.INTERNAL, f"inzageverzoek:{request.pk}")]
    log.record("inzage_verstrekken", "inzage", subjects, user=user, obj=request,
               basis=f"AVG art. 15; {len(package['gegevens'])} onderdelen")
    return package


__all__ = ["REDACTED", "build", "context_for", "generate", "item_content", "prepare", "require_ready"]
