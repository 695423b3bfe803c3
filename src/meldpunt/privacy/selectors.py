"""Reads of the processing log and the security log for the FG (toezicht), through the policy.

The FG looks up a data subject by BSN or KvK number: the number is pseudonymised with the same
keyed hash as the log lines and never stored. Each read of log lines is itself logged (activity
``toezicht``, one line per data subject and per staff member shown), as NEN 7513 asks for reads
of a log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.privacy.retention.models import Tombstone
from meldpunt.tenancy.keys import ring_for
from meldpunt.tenancy.models import Tenant

from . import ldv, log
from .controllers import home_code, processing_lines
from .models import LogChainHead, ProcessingActivity, ProcessingLogEntry, SecurityLogEntry, SubjectType

User = get_user_model()


@dataclass(frozen=True)
class LogFilter:
    user_id: int | None = None
    subject_type: str = ""
    subject_identifier: str = ""
    start: date | None = None
    end: date | None = None
    activity: str = ""
    event: str = ""


def _period(queryset: QuerySet, field: str, filters: LogFilter) -> QuerySet:
    zone = timezone.get_current_timezone()
    if filters.start:
        queryset = queryset.filter(**{f"{field}__gte": datetime.combine(filters.start, time.min, zone)})
    if filters.end:
        end = datetime.combine(filters.end + timedelta(days=1), time.min, zone)
        queryset = queryset.filter(**{f"{field}__lt": end})
    return queryset


def overseen(user) -> list[str]:
    """The gemeenten (CBS codes) whose logs this user oversees: where they hold the FG's or the
    auditor's role (ADR 0030 §6-7). Each gemeente is its own controller; its FG sees only its lines."""
    if not policy.may_open(user, "toezicht"):
        return []
    return sorted(policy.gemeenten_with(user, policy.PAGE_ROLES["toezicht"]))


def subject_pseudonyms(codes: list[str], kind: str, identifier: str) -> list[str]:
    """A subject as the lines of these gemeenten name it: each gemeente pseudonymises with its own key."""
    return sorted({ring_for(code).pseudonymise(kind, identifier) for code in codes})


def processing_log(user, filters: LogFilter) -> QuerySet[ProcessingLogEntry]:
    """Lines of the processing log of the gemeenten this user oversees, newest first."""
    codes = overseen(user)
    lines = processing_lines(codes)
    if filters.user_id:
        lines = lines.filter(user_id=filters.user_id)
    if filters.subject_identifier:
        lines = lines.filter(subject_type=filters.subject_type, subject_pseudonym__in=subject_pseudonyms(
            codes, filters.subject_type, filters.subject_identifier))
    if filters.activity:
        lines = lines.filter(activity_code=filters.activity)
    return _period(lines, "started_at", filters).order_by("-seq")


def security_log(user, filters: LogFilter) -> QuerySet[SecurityLogEntry]:
    """Security events of the gemeenten this user oversees, and the installation's own (a login)."""
    codes = overseen(user)
    if not codes:
        return SecurityLogEntry.objects.none()
    lines = SecurityLogEntry.objects.filter(gemeente_code__in=[*codes, ""])
    if filters.user_id:
        lines = lines.filter(user_id=filters.user_id)
    if filters.event:
        lines = lines.filter(event=filters.event)
    return _period(lines, "occurred_at", filters).order_by("-seq")


def staff_choices(user) -> list[tuple[int, str]]:
    """Accounts to filter on (the FG needs names to pick from, not a number): those with a role in a
    gemeente this user oversees — never every account of the installation (ADR 0030 §7)."""
    codes = overseen(user)
    if not codes:
        return []
    names = usernames(policy.members(codes).values_list("pk", flat=True))
    return sorted(names.items(), key=lambda item: item[1].lower())


def activities() -> dict[tuple[str, int], ProcessingActivity]:
    """The shared register by (code, version): a line names the exact version it ran under."""
    return {(a.code, a.version): a for a in ProcessingActivity.objects.filter(gemeente_code="")}


def own_activities() -> dict[tuple[str, str, int], ProcessingActivity]:
    """The gemeenten's own register rows by (gemeente code, code, version)."""
    return {(a.gemeente_code, a.code, a.version): a for a in ProcessingActivity.objects.exclude(gemeente_code="")}


def usernames(user_ids) -> dict[int, str]:
    """Who did it, as the FG reads it: the full name with the account name ("Tessa Teamlid
    (tteamlid)"), or only the account name when no name is set."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = User.objects.filter(pk__in=ids).values_list("pk", "username", "first_name", "last_name")
    return {pk: f"{' '.join(filter(None, (first, last)))} ({username})" if (first or last) else username
            for pk, username, first, last in rows}


def log_reading(user, lines, action: str, *, filters: LogFilter | None = None) -> int:
    """P2 for the FG's own reads: one line per data subject and per staff member in ``lines``,
    written for the gemeente each concerns (a log line's pseudonym belongs to its gemeente's key)."""
    codes = overseen(user)
    if not codes:
        return 0
    home = home_code()
    shared = []  # about the read itself: in the log of every gemeente the FG oversees
    own: dict[str, list] = {code: [] for code in codes}
    if filters is not None and filters.subject_identifier:
        # The search itself concerns this subject, even when no line is found (NEN 7513: searches).
        shared.append(log.DataSubject(filters.subject_type, filters.subject_identifier))
    if isinstance(lines, QuerySet):  # an export: the distinct subjects straight from the database
        lines = lines.order_by()
        if lines.model is ProcessingLogEntry:
            triples = lines.values_list("gemeente_code", "subject_type", "subject_pseudonym").distinct()
            names = set()
        else:
            triples = []
            names = set(lines.filter(user_id=None).exclude(username="").values_list("username", flat=True).distinct())
        user_ids = set(lines.exclude(user_id=None).values_list("user_id", flat=True).distinct())
    else:
        triples = [(line.gemeente_code, line.subject_type, line.subject_pseudonym)
                   for line in lines if isinstance(line, ProcessingLogEntry)]
        user_ids = {line.user_id for line in lines if line.user_id is not None}
        names = {line.username for line in lines
                 if isinstance(line, SecurityLogEntry) and line.user_id is None and line.username}
    for code, kind, pseudonym in triples:
        own.setdefault(code or home, []).append(log.PseudonymousSubject(kind, pseudonym))
    shared += [log.DataSubject(SubjectType.INTERNAL, f"gebruiker:{pk}") for pk in sorted(user_ids)]
    # A failed login with a name that matches no account: the name as typed is about someone too.
    shared += [log.DataSubject(SubjectType.INTERNAL, f"gebruikersnaam:{name}") for name in sorted(names)]
    return sum(log.record(action, "toezicht", shared + own[code], user=user, gemeente=code,
                          basis="toezicht door de FG (AVG art. 39)") for code in own if code in codes)


def with_names(lines: list) -> list:
    """Give each line ``username`` and, for processing lines, the register entry it ran under and
    ``object_label``: what it was about, in words (see object_labels)."""
    names = usernames(line.user_id for line in lines)
    processing = [line for line in lines if isinstance(line, ProcessingLogEntry)]
    register, own = (activities(), own_activities()) if processing else ({}, {})
    labels = object_labels(processing)
    for line in lines:
        line.username_now = names.get(line.user_id, f"account {line.user_id} (verwijderd)" if line.user_id else "")
        if isinstance(line, ProcessingLogEntry):
            line.activity = (own.get((line.gemeente_code, line.activity_code, line.activity_version))
                             or register.get((line.activity_code, line.activity_version)))
            line.object_label = labels.get((line.object_type, line.object_id), "")
        else:
            line.object_label = security_object_label(line.object_type, line.object_id)
            line.role_labels = role_labels(line.roles)
    return lines


# A security-log line names its object as the address did ('signalen', the collection) or as the
# admin did (the model): the FG reads the kind of object in words.
SECURITY_OBJECT_KINDS = {
    "signalen": "signaal", "signal": "signaal", "casussen": "casus", "casus": "casus",
    "casusoverleggen": "casusoverleg", "meeting": "casusoverleg", "inzageverzoeken": "inzageverzoek",
    "accessrequest": "inzageverzoek", "bronverzoeken": "bronverzoek", "vrijgaven": "vrijgave",
    "interventies": "interventie", "acties": "interventie", "bevragingen": "bevraging",
    "bewaartermijnen": "bewaartermijnen", "user": "gebruiker", "roleassignment": "roltoekenning",
    "partnerorganisation": "partnerorganisatie", "partner": "partnertoken", "mijn-casussen": "vrijgave",
    "mijn-acties": "interventie", "ondermijningsbeeld": "ondermijningsbeeld", "toezicht": "toezicht",
}


def security_object_label(object_type: str, object_id: str) -> str:
    if not object_type:
        return ""
    kind = SECURITY_OBJECT_KINDS.get(object_type, object_type.replace("-", " "))
    return f"{kind} {object_id}".strip()


def role_labels(codes: str) -> str:
    """'teamlid,regisseur' → 'Ondermijningsteam-lid, Regisseur ondermijning'."""
    names = dict(Role.choices)
    return ", ".join(names.get(code, code) for code in (codes or "").split(",") if code)


# Log lines name their object by model and primary key (never reused: AUTOINCREMENT on SQLite, a
# sequence on PostgreSQL). A destroyed signal or casus keeps its tombstone with that key.
TOMBSTONE_KINDS = {"signal": "signaal", "casus": "casus"}


def object_labels(lines) -> dict[tuple[str, str], str]:
    """(object_type, object_id) → what the FG reads: "signaal MO-2026-0000341" while it exists,
    "vernietigd: signaal MO-2026-0000341, verklaring VV-2026-00003" once destroyed — never a bare
    internal id of a record that is gone (docs/adr/0019)."""
    wanted: dict[str, set[str]] = {}
    for line in lines:
        if line.object_type and line.object_id:
            wanted.setdefault(line.object_type, set()).add(line.object_id)
    models = {m._meta.model_name: m for m in apps.get_models()}
    labels: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        model = models.get(object_type)
        if model is None:
            labels.update({(object_type, pk): "onbekend object" for pk in ids})
            continue
        noun = str(model._meta.verbose_name)
        if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField"):
            ids = {pk for pk in ids if pk.isdigit()}
        has_reference = any(f.name == "reference" for f in model._meta.concrete_fields)
        rows = model._base_manager.filter(pk__in=ids)
        live = ({str(pk): reference for pk, reference in rows.values_list("pk", "reference")} if has_reference
                else {str(pk): None for pk in rows.values_list("pk", flat=True)})
        for pk, reference in live.items():
            labels[(object_type, pk)] = f"{noun} {reference}" if reference else f"{noun} nr. {pk}"
        gone = ids - set(live)
        kind = TOMBSTONE_KINDS.get(object_type)
        if gone and kind:
            for stone in (Tombstone.objects.filter(kind=kind, object_id__in=[int(pk) for pk in gone])
                          .select_related("statement").only("object_id", "reference", "statement__number")):
                labels[(object_type, str(stone.object_id))] = (
                    f"vernietigd: {noun} {stone.reference}, verklaring van vernietiging {stone.statement.number}")
        for pk in gone:
            labels.setdefault((object_type, pk), f"{noun}: niet meer aanwezig")
    return labels


def chain_heads(user) -> list[tuple[str, LogChainHead]]:
    """(label, head) of the chains this user oversees: the processing log of each of their
    gemeenten (one chain each, ADR 0030 §6) and the security log."""
    codes = overseen(user)
    if not codes:
        return []
    tenants = Tenant.objects.filter(code__in=codes).order_by("naam")
    several = len(codes) > 1
    chains = [(f"Verwerkingslog van {t.naam}" if several else "Verwerkingslog", t.log_chain) for t in tenants]
    if not chains:  # no tenant yet (a fresh installation): the home chain
        chains = [("Verwerkingslog", ProcessingLogEntry.CHAIN)]
    chains.append(("Beveiligingslog", SecurityLogEntry.CHAIN))
    heads = {head.chain: head for head in LogChainHead.objects.filter(chain__in=[c for _, c in chains])}
    return [(label, heads[name]) for label, name in chains if name in heads]


# ------------------------------------------------------------ Logboek Dataverwerkingen reads


def ldv_scope(user, query: dict) -> dict:
    """The read API answers for one controller (ADR 0030 §6): ``query["gemeente"]`` must be one the
    caller oversees, and a caller who oversees several must name one. Refused: ldv.QueryError."""
    codes = overseen(user)
    asked = query.get("gemeente")
    if asked is not None and asked not in codes:
        raise ldv.QueryError(f"U bent geen FG of auditor van gemeente {asked}: vraag naar een gemeente die u "
                             "overziet.")
    if asked is None and len(codes) > 1:
        names = dict(Tenant.objects.filter(code__in=codes).values_list("code", "naam"))
        which = ", ".join(f"{code} ({names.get(code, code)})" for code in codes)
        raise ldv.QueryError(f"U bent FG of auditor van meer dan één gemeente: geef met 'gemeente' aan welke "
                             f"gemeente u bevraagt: {which}.")
    return query


def ldv_lines(user, query: dict) -> QuerySet[ProcessingLogEntry]:
    """The lines of one read-API question (ldv.parse_query), oldest first; nothing without the right.
    With ``query["gemeente"]`` only that gemeente's lines (of those the caller oversees)."""
    codes = overseen(user)  # only the gemeenten where the caller is FG or auditor (ADR 0030 §6)
    if "gemeente" in query:
        codes = [code for code in codes if code == query["gemeente"]]
    lines = processing_lines(codes)
    if "trace_id" in query:
        lines = lines.filter(trace_id=query["trace_id"])
    elif "activity" in query:
        code, version = query["activity"]
        lines = lines.filter(activity_code=code)
        if version is not None:
            lines = lines.filter(activity_version=version)
    else:
        kind, identifier = query["subject"]
        lines = lines.filter(subject_type=kind, subject_pseudonym__in=subject_pseudonyms(codes, kind, identifier))
    if "after" in query:  # the next page: after the last line of the page before, in this order
        started_at, seq = query["after"]
        lines = lines.filter(Q(started_at__gt=started_at) | Q(started_at=started_at, seq__gt=seq))
    return lines.order_by("started_at", "seq")


@dataclass
class TraceAction:
    """One action of a trace (a span with a child span per data subject) and its lines."""

    span_id: str
    parent_span_id: str
    lines: list

    @property
    def first(self):
        return self.lines[0]


def trace_actions(user, trace_id: str) -> list[TraceAction]:
    """The actions of one trace in time order, each with its data-subject lines (FG page)."""
    lines = with_names(list(ldv_lines(user, {"trace_id": trace_id})))
    actions: dict[str, TraceAction] = {}
    for line in lines:
        key = line.parent_span_id or line.span_id
        actions.setdefault(key, TraceAction(key, line.action_parent_span_id, [])).lines.append(line)
    return list(actions.values())
