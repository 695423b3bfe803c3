"""How every model reaches its gemeente (ADR 0030 §2): one table, read by the policy (querysets),
the processing log (which key and chain), the retention registry, and a test that fails when a
model is added without an entry (tests/test_tenancy_ownership.py).

A value is the ORM path to the owning `tenancy.Tenant` ("gemeente" on a root, "signal__gemeente"
on a child), a tuple of such paths when a record hangs under one of several parents (the first
that is set counts), or None when the model has no gemeente: a shared catalogue, national law,
public geography, or an installation-wide record. The models whose gemeente arrives in a later
step of the plan are None here and listed in NOT_YET_SCOPED with that step; the step that adds
the field replaces the None and removes the line.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

OwnerPath = str | tuple[str, ...] | None

OWNER_PATHS: dict[str, OwnerPath] = {
    # accounts: a user may work for several gemeenten; the role assignment carries the gemeente, or
    # (the analist only) a regio: then it holds in each of the regio's gemeenten (User.scopes).
    "accounts.User": None,
    "accounts.RoleAssignment": "gemeente",
    # registries: public geography and the registry extracts are shared tables (§2); a gemeente
    # reads only its own through its own source and connector.
    "registries.Gemeente": None,
    "registries.Wijk": None,
    "registries.Buurt": None,
    "registries.SbiCode": None,
    "registries.Pand": None,
    "registries.Nummeraanduiding": None,
    "registries.Verblijfsobject": None,
    "registries.Persoon": None,
    "registries.Verblijfplaats": None,
    "registries.Onderneming": None,
    "registries.Vestiging": None,
    "registries.Functionaris": None,
    "registries.WozWaarde": None,
    "registries.Eigendomsoverdracht": None,
    "registries.Vergunning": None,
    "registries.LinkJudgement": "mention__signal__gemeente",
    # privacy: the chain heads are keyed by chain name; log lines carry their gemeente as a CBS
    # code string (OWNER_CODES below: a log line outlives every key); register rows get one in S5.
    "privacy.LogChainHead": None,
    "privacy.ProcessingActivity": None,
    "privacy.ProcessingLogEntry": None,
    "privacy.SecurityLogEntry": None,
    # intake
    "intake.Phenomenon": None,
    "intake.PartnerOrganisation": None,
    "intake.Signal": "gemeente",
    "intake.ReporterContact": "signal__gemeente",
    "intake.MentionedSubject": "signal__gemeente",
    "intake.SubjectChange": "signal__gemeente",
    "intake.Attachment": "signal__gemeente",
    "intake.DataRule": None,
    "intake.DataRuleHit": "signal__gemeente",
    # protocol
    "protocol.Criteria": None,
    "protocol.Weging": "gemeente",
    "protocol.StateChange": "signal__gemeente",
    "protocol.Destination": None,
    "protocol.Forward": "signal__gemeente",
    "protocol.StepNorm": None,
    "protocol.Source": "gemeente",
    "protocol.SourceRequest": "signal__gemeente",
    "protocol.HitResult": "request__signal__gemeente",
    "protocol.DetailRequest": "hit__request__signal__gemeente",
    # cases
    "cases.Casus": "gemeente",
    "cases.CasusSignal": "casus__gemeente",
    "cases.CasusStateChange": "casus__gemeente",
    "cases.Meeting": "gemeente",
    "cases.Participant": "meeting__gemeente",
    "cases.AgendaItem": "meeting__gemeente",
    "cases.ReleaseRequest": "casus__gemeente",
    "cases.Instrument": None,
    "cases.Intervention": "casus__gemeente",
    "cases.InterventionUpdate": "intervention__casus__gemeente",
    "cases.Reminder": "intervention__casus__gemeente",
    # retention
    "retention.ResultClass": "gemeente",
    "retention.SignalRetentionRule": "gemeente",
    "retention.LegalHold": ("signal__gemeente", "casus__gemeente"),
    "retention.DestructionList": "gemeente",
    "retention.DestructionListItem": "destruction_list__gemeente",
    "retention.DestructionStatement": "destruction_list__gemeente",
    # Kept forever; S5 copies the code onto the tombstone itself.
    "retention.Tombstone": "statement__destruction_list__gemeente",
    # inzage
    "inzage.AccessRequest": "gemeente",
    "inzage.AccessItem": "request__gemeente",
    "inzage.RestrictionReview": "item__request__gemeente",
    "inzage.AnswerPackage": "request__gemeente",
    # insight
    "insight.DataSource": None,
    "insight.Indicator": None,
    # A gemeente's beeld, or (gemeente empty) a regio's: the cells of every member gemeente (§11).
    "insight.Snapshot": "gemeente",
    # notifications: a melding has the gemeente of the record it is about (set by whoever makes
    # it). Preferences are a person's, across gemeenten.
    "notifications.Notification": "gemeente",
    "notifications.Preference": None,
    # jobs: a run of a job for one gemeente (a destruction list, an inzage package), or empty for
    # the installation (the daily runs, a beeld, an import).
    "jobs.JobRun": "gemeente",
    # privacy: the subject types are the standard's register, one for the installation.
    "privacy.DataSubjectType": None,
    # regio (ADR 0030 §8): B's index and requests are B's; A's question, its bits and the frozen
    # release (A's data once shared; released_by names B's decider) are A's.
    "regio.MatchDigest": "gemeente",
    "regio.RegionalQuestion": "gemeente",
    "regio.RegionalAnswer": "question__gemeente",
    "regio.RegionalRequest": "gemeente",
    "regio.RegionalRelease": "answer__question__gemeente",
    # tenancy itself
    "tenancy.Regio": None,
    "tenancy.Tenant": None,
}

# Roots whose gemeente may be empty: then the record is the whole installation's (a daily run, a
# beeld), not one gemeente's. Every other root's gemeente is required.
# A snapshot without a gemeente is a regio's (`Snapshot.regio`, check constraint snapshot_scope_xor).
# A retention setting without a gemeente is the installation's default every gemeente starts from.
MAY_BE_INSTALLATION_WIDE = frozenset({"jobs.JobRun", "insight.Snapshot", "retention.ResultClass",
                                      "retention.SignalRetentionRule"})
# Roots whose gemeente is empty when they hold for a whole regio instead (check constraint: one of the two).
MAY_BE_REGIO_WIDE = frozenset({"accounts.RoleAssignment"})

# Models that will carry a gemeente, with the step of notes/regio.md that adds it.
NOT_YET_SCOPED: dict[str, str] = {
    "protocol.Criteria": "S5: eigen criteria per gemeente (leeg: gedeeld)",
    "protocol.Destination": "S5: eigen afdelingen per gemeente (leeg: gedeeld)",
}


# Models whose gemeente is a CBS code in a field of their own, not a key (ADR 0030 §2): the log
# lines, which outlive every record and every tenant row. "" is the home gemeente for lines of
# formats 1-3 of the processing log, and the installation for a security event (a login).
OWNER_CODES: dict[str, str] = {
    "privacy.ProcessingLogEntry": "gemeente_code",
    "privacy.SecurityLogEntry": "gemeente_code",
    # "" is the shared template of the register, which every gemeente's register starts from.
    "privacy.ProcessingActivity": "gemeente_code",
}


class UnknownOwner(LookupError):
    """A model without an entry in OWNER_PATHS: add one before its records are used."""


def owner_path(model) -> OwnerPath:
    label = model._meta.label
    try:
        return OWNER_PATHS[label]
    except KeyError:
        raise UnknownOwner(f"{label} staat niet in tenancy.ownership.OWNER_PATHS.") from None


def paths(model) -> tuple[str, ...]:
    """The paths of a model as a tuple (empty for a model without a gemeente)."""
    path = owner_path(model)
    if path is None:
        return ()
    return (path,) if isinstance(path, str) else path


def gemeente_code_of(obj) -> str | None:
    """The CBS code of the gemeente ``obj`` belongs to, or None for a shared record. Follows the
    foreign keys of the path; the last step reads the key column, so the tenant is not loaded."""
    field = OWNER_CODES.get(type(obj)._meta.label)
    if field is not None:
        return getattr(obj, field) or None
    for path in paths(type(obj)):
        *parents, last = path.split("__")
        current = obj
        try:
            for name in parents:
                current = getattr(current, name)
        except ObjectDoesNotExist:
            current = None
        if current is not None:
            code = getattr(current, f"{last}_id")
            if code is not None:
                return code
    return None
