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

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from meldpunt.core.keys import pseudonymise
from meldpunt.core.stigmatising import find_stigmatising_terms
from meldpunt.privacy import log
from meldpunt.privacy.log import DataSubject
from meldpunt.privacy.models import SubjectType

from . import services
from .models import Channel, DataRule, DataRuleHit, DataRuleKind, ReporterKind, Signal, SubjectKind
from .rule_queries import EVALUATORS, Finding

ACTIVITY = "data_analyse"

# Risk branches named in the domain reference (kapsalons, nagelstudio's, zonnestudio's, belwinkels,
# autohandel, horeca, uitzendbureaus, vastgoed): the same list as the ondermijningsbeeld.
RISK_BRANCH_SBI = ["96021", "96022", "9604", "4742", "45112", "5630", "56102", "78201", "6810"]


@dataclass(frozen=True)
class Parameter:
    kind: type  # int, float, bool or list (of SBI codes)
    default: object
    minimum: float | None = None
    maximum: float | None = None
    label: str = ""


# Per kind of rule: the parameters it accepts, with documented defaults (see the ADR 0017). The
# defaults are those of the ondermijningsbeeld (insight/pipeline.py) where it counts the same.
SCHEMAS: dict[str, dict[str, Parameter]] = {
    DataRuleKind.OVERBEWONING: {
        "min_volwassenen": Parameter(int, 6, 2, 500, "ten minste zoveel volwassenen ingeschreven"),
        "max_m2_per_volwassene": Parameter(float, 10, 1, 200, "hoogstens zoveel m² per volwassene"),
    },
    DataRuleKind.BEDRIJVEN_WOONADRES: {
        "min_bedrijven": Parameter(int, 3, 2, 500, "ten minste zoveel bedrijven op één woonadres"),
        "terugkijken_jaren": Parameter(int, 3, 1, 20, "gestart in de laatste zoveel jaren"),
    },
    DataRuleKind.RISICOBRANCHE_WISSELINGEN: {
        "sbi_codes": Parameter(list, RISK_BRANCH_SBI, label="SBI-codes van de risicobranches"),
        "min_vestigingen_in_straat": Parameter(int, 5, 2, 500, "ten minste zoveel actieve vestigingen van één "
                                                                "risicobranche in één straat"),
        "min_wisselingen": Parameter(int, 3, 1, 1000, "ten minste zoveel bestuurders of eigenaren bijgekomen of "
                                                      "vertrokken"),
        "wisselingen_jaren": Parameter(int, 2, 1, 20, "in de laatste zoveel jaren"),
    },
    DataRuleKind.ABC_DOORVERKOOP: {
        "max_dagen": Parameter(int, 183, 1, 3650, "opnieuw verkocht binnen zoveel dagen"),
        "min_stijging": Parameter(float, 1.30, 1.0, 100, "voor ten minste zoveel keer de vorige koopsom"),
        "terugkijken_jaren": Parameter(int, 3, 1, 20, "verkopen van de laatste zoveel jaren"),
        "alleen_woningen": Parameter(bool, True, label="alleen woningen (woonfunctie)"),
    },
}

# P7: words that point at nationality, ethnicity, origin or religion: the shared vocabulary
# (core.stigmatising), looked for in the rule's code, name, description and every parameter name
# and value.
_SBI = re.compile(r"^\d{4,5}$")


def _words(value) -> list[str]:
    """Every text in a parameter structure, keys included, with _ and - read as spaces."""
    if isinstance(value, dict):
        return [w for k, v in value.items() for w in (*_words(k), *_words(v))]
    if isinstance(value, list | tuple):
        return [w for item in value for w in _words(item)]
    return [re.sub(r"[_\-./]+", " ", str(value))]


def stigmatising_terms(*values) -> list[str]:
    found = set()
    for text in _words(list(values)):
        found.update(find_stigmatising_terms(text))
    return sorted(found)


def _check_value(name: str, spec: Parameter, value, errors: list[str]):
    if spec.kind is bool:
        if not isinstance(value, bool):
            errors.append(f"'{name}' moet true of false zijn.")
        return value
    if spec.kind is list:
        if not isinstance(value, list) or not value or not all(isinstance(c, str) and _SBI.match(c) for c in value):
            errors.append(f"'{name}' moet een lijst SBI-codes zijn (4 of 5 cijfers, bv. [\"96021\", \"4742\"]).")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append(f"'{name}' moet een getal zijn.")
        return value
    if spec.kind is int and value != int(value):
        errors.append(f"'{name}' moet een geheel getal zijn.")
        return value
    if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
        errors.append(f"'{name}' moet tussen {spec.minimum:g} en {spec.maximum:g} liggen.")
    return spec.kind(value)


def effective_parameters(kind: str, parameters: dict) -> dict:
    """The defaults of ``kind`` overlaid with ``parameters`` (not validated)."""
    schema = SCHEMAS.get(kind, {})
    return {name: (parameters or {}).get(name, spec.default) for name, spec in schema.items()}


def validate_rule(rule: DataRule) -> dict:
    """Check a rule; fill in missing parameters with their defaults. Raises a ValidationError
    with Dutch messages per field; returns the effective parameters."""
    errors: dict[str, list[str]] = {}
    if rule.kind not in SCHEMAS:
        raise ValidationError({"kind": ["Kies een soort regel uit de lijst."]})
    parameters = rule.parameters if rule.parameters is not None else {}
    if not isinstance(parameters, dict):
        raise ValidationError({"parameters": ["De parameters zijn een JSON-object, bv. {\"min_volwassenen\": 6}."]})
    for field_name, value in (("code", rule.code), ("name", rule.name), ("description", rule.description),
                              ("parameters", parameters)):
        terms = stigmatising_terms(value)
        if terms:
            errors.setdefault(field_name, []).append(
                "Een dataregel mag niet werken met nationaliteit, etniciteit, afkomst of geloof (P7); "
                f"gevonden: {', '.join(terms)}.")
    schema = SCHEMAS[rule.kind]
    unknown = sorted(set(parameters) - set(schema))
    if unknown:
        errors.setdefault("parameters", []).append(
            f"Onbekende parameter(s) {', '.join(unknown)}. Deze soort regel kent: {', '.join(schema)}.")
    checked: list[str] = []
    clean = {name: _check_value(name, spec, parameters.get(name, spec.default), checked)
             for name, spec in schema.items()}
    if checked:
        errors.setdefault("parameters", []).extend(checked)
    if not (rule.legal_basis or "").strip():
        errors["legal_basis"] = ["Leg de grondslag van de regel vast."]
    if errors:
        raise ValidationError(errors)
    rule.parameters = clean
    return clean


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


def _pseudonym(rule: DataRule, finding: Finding) -> str:
    return pseudonymise("dataregel", f"{rule.code}|{finding.key}")


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
            f"{reference_date.strftime('%d-%m-%Y')}.\n\n{finding.summary}\n\n"
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
        occurred_on=reference_date, occurred_text=f"registratiestand op {reference_date.strftime('%d-%m-%Y')}",
        subjects=mentions,
    )


def _log_subjects(finding: Finding) -> list[DataSubject]:
    subjects = []
    for kind, identifier, _name, _role in finding.subjects:
        subjects.append(DataSubject(SubjectType.KVK if kind == SubjectKind.ONDERNEMING else SubjectType.BAG,
                                    identifier))
    return subjects


def _create(rule: DataRule, finding: Finding, reference_date: date, user) -> Signal | None:
    """One finding → one signal and its hit, in one transaction. None if another run was first."""
    try:
        with transaction.atomic():
            signal = services.create_signal(_signal_input(rule, finding, reference_date), user=user)
            DataRuleHit.objects.create(rule=rule, rule_version=rule.version, signal=signal,
                                       object_pseudonym=_pseudonym(rule, finding))
            log.record("datasignaal_maken", ACTIVITY, _log_subjects(finding), user=user, obj=signal,
                       basis=f"dataregel {rule.code} versie {rule.version}")
            return signal
    except IntegrityError:
        return None  # a concurrent run recorded the same finding


def run_rules(*, dry_run: bool = False, reference_date: date | None = None, codes: list[str] | None = None,
              user=None) -> RunReport:
    """Evaluate the active rules (or the ones in ``codes``) and create a signal per new finding.
    With ``dry_run`` nothing is created; the findings shown are logged as read (P2)."""
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
        known = set(DataRuleHit.objects.filter(rule=rule, object_pseudonym__in=[_pseudonym(rule, f) for f in findings])
                    .values_list("object_pseudonym", flat=True))
        outcome.new = [f for f in findings if _pseudonym(rule, f) not in known]
        outcome.already_signalled = outcome.found - len(outcome.new)
        if dry_run:
            subjects = [s for f in outcome.new for s in _log_subjects(f)]
            log.record("datasignaal_proefdraaien", ACTIVITY, subjects, user=user,
                       basis=f"dataregel {rule.code} versie {rule.version} (proefdraaien)")
            continue
        for finding in outcome.new:
            signal = _create(rule, finding, reference_date, user)
            if signal is None:
                outcome.already_signalled += 1
            else:
                outcome.signals.append(signal.reference)
    return report
