"""The rule engine of data-driven signals: validate a rule's parameters, evaluate the active
rules over the registry tables (``rule_queries``) and turn each new finding into a signal in
channel 'data-analyse' through ``services.create_signal``.

A finding only creates a signal in step 1 ('ontvangen'); the beoordelaar weighs it like any other
signal (W1, W2A, W2B). Nothing is decided about anyone here (P7, AVG art. 22). A rule may not use
nationality, ethnicity or origin: such a parameter is refused (P7).

Re-running is idempotent: every finding that became a signal is recorded as a ``DataRuleHit``
(rule + keyed hash of the finding), and a finding with a hit is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from meldpunt.core.datums import format_date
from meldpunt.privacy import log
from meldpunt.privacy.log import DataSubject
from meldpunt.privacy.models import SubjectType
from meldpunt.tenancy.defaults import gemeente_or_only
from meldpunt.tenancy.keys import ring_for

from . import services
from .models import Channel, DataRule, DataRuleHit, DataRuleKind, ReporterKind, Signal, SubjectKind
from .rule_queries import EVALUATORS, Finding
from .rule_schemas import (  # noqa: F401  (the names callers have always used from here)
    RISK_BRANCH_SBI,
    SCHEMAS,
    Parameter,
    effective_parameters,
    stigmatising_terms,
    validate_rule,
)

ACTIVITY = "data_analyse"

# The schemas and the validation of a rule are a leaf (rule_schemas.py), so the model's clean()
# can use them without importing this module, which runs rules and writes signals.
if set(SCHEMAS) != set(DataRuleKind.values):  # the leaf keys by the kinds' values
    raise ImproperlyConfigured("rule_schemas.SCHEMAS and DataRuleKind disagree")


# --------------------------------------------------------------------------------------- running


@dataclass
class RuleOutcome:
    code: str
    name: str
    version: int
    found: int = 0
    already_signalled: int = 0
    new: list[Finding] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)  # references of the signals created
    error: str = ""


@dataclass
class RunReport:
    reference_date: date
    dry_run: bool
    outcomes: list[RuleOutcome] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(len(o.signals) for o in self.outcomes)


def _pseudonym(rule: DataRule, finding: Finding, gemeente) -> str:
    """A finding as the gemeente of the run knows it: pseudonymised with that gemeente's key."""
    return ring_for(gemeente).pseudonymise("dataregel", f"{rule.code}|{finding.key}")


def _describe_thresholds(rule: DataRule) -> str:
    parts = []
    for name, spec in SCHEMAS[rule.kind].items():
        value = rule.parameters[name]
        if isinstance(value, list):
            value = ", ".join(value)
        elif isinstance(value, bool):
            value = "ja" if value else "nee"
        elif isinstance(value, float):
            value = f"{value:g}".replace(".", ",")
        parts.append(f"{spec.label or name}: {value}")
    return "; ".join(parts)


def describe(rule: DataRule, finding: Finding, reference_date: date) -> str:
    text = (f"Signaal uit data-analyse: regel '{rule.name}' (versie {rule.version}), peildatum "
            f"{format_date(reference_date)}.\n\n{finding.summary}\n\n"
            f"Drempels van de regel: {_describe_thresholds(rule)}.\n\n"
            "Dit is een aanwijzing uit registratiegegevens, geen vaststelling. De beoordelaar weegt dit signaal "
            "in stap 1 zoals elk ander signaal.\n\n"
            f"Grondslag: {rule.legal_basis.strip()}")
    return text[:services.MAX_DESCRIPTION]


def _signal_input(rule: DataRule, finding: Finding, reference_date: date) -> services.SignalInput:
    mentions = []
    for kind, identifier, name, role in finding.subjects:
        if kind == SubjectKind.ONDERNEMING:
            mentions.append(services.SubjectInput(kind=kind, kvk_nummer=identifier, name=name, role=role))
        elif kind == SubjectKind.ADRES:
            mentions.append(services.SubjectInput(kind=kind, address=identifier, role=role))
    return services.SignalInput(
        channel=Channel.DATA_ANALYSE, reporter_kind=ReporterKind.MEDEWERKER, phenomenon=rule.phenomenon_id,
        description=describe(rule, finding, reference_date), location_text=finding.location_text,
        address=finding.address_id, buurt=finding.buurt if not finding.address_id else "",
        occurred_on=reference_date, occurred_text=f"registratiestand op {format_date(reference_date)}",
        subjects=mentions,
    )


def _log_subjects(finding: Finding) -> list[DataSubject]:
    subjects = []
    for kind, identifier, _name, _role in finding.subjects:
        subjects.append(DataSubject(SubjectType.KVK if kind == SubjectKind.ONDERNEMING else SubjectType.BAG,
                                    identifier))
    return subjects


def _create(rule: DataRule, finding: Finding, reference_date: date, user, gemeente) -> Signal | None:
    """One finding → one signal and its hit, in one transaction. None if another run was first."""
    try:
        with transaction.atomic():
            signal = services.create_signal(_signal_input(rule, finding, reference_date), user=user,
                                            gemeente=gemeente)
            DataRuleHit.objects.create(rule=rule, rule_version=rule.version, signal=signal,
                                       object_pseudonym=_pseudonym(rule, finding, gemeente))
            log.record("datasignaal_maken", ACTIVITY, _log_subjects(finding), user=user, obj=signal,
                       basis=f"dataregel {rule.code} versie {rule.version}")
            return signal
    except IntegrityError:
        return None  # a concurrent run recorded the same finding


def run_rules(*, dry_run: bool = False, reference_date: date | None = None, codes: list[str] | None = None,
              user=None, gemeente=None) -> RunReport:
    """Evaluate the active rules (or the ones in ``codes``) and create a signal per new finding, for
    ``gemeente`` (by default the installation's only one). With ``dry_run`` nothing is created; the
    findings shown are logged as read (P2)."""
    gemeente = gemeente_or_only(gemeente)
    reference_date = reference_date or timezone.localdate()
    report = RunReport(reference_date=reference_date, dry_run=dry_run)
    rules = DataRule.objects.select_related("phenomenon").order_by("code")
    rules = rules.filter(code__in=codes) if codes else rules.filter(active=True)
    for rule in rules:
        outcome = RuleOutcome(code=rule.code, name=rule.name, version=rule.version)
        report.outcomes.append(outcome)
        try:
            validate_rule(rule)  # fail closed: a rule edited around the admin is not run
        except ValidationError as error:
            outcome.error = " ".join(m for messages in error.message_dict.values() for m in messages)
            continue
        if not rule.phenomenon.active:
            outcome.error = f"Het fenomeen '{rule.phenomenon}' staat uit; de regel is niet uitgevoerd."
            continue
        findings = EVALUATORS[rule.kind](rule.parameters, reference_date)
        outcome.found = len(findings)
        pseudonyms = [_pseudonym(rule, f, gemeente) for f in findings]
        known = set(DataRuleHit.objects.filter(rule=rule, object_pseudonym__in=pseudonyms)
                    .values_list("object_pseudonym", flat=True))
        outcome.new = [f for f in findings if _pseudonym(rule, f, gemeente) not in known]
        outcome.already_signalled = outcome.found - len(outcome.new)
        if dry_run:
            subjects = [s for f in outcome.new for s in _log_subjects(f)]
            log.record("datasignaal_proefdraaien", ACTIVITY, subjects, user=user, gemeente=gemeente,
                       basis=f"dataregel {rule.code} versie {rule.version} (proefdraaien)")
            continue
        for finding in outcome.new:
            signal = _create(rule, finding, reference_date, user, gemeente)
            if signal is None:
                outcome.already_signalled += 1
            else:
                outcome.signals.append(signal.reference)
    return report
