"""What a data rule may say: the parameters per kind of rule (ADR 0017) and the check of a rule,
P7 included. A leaf: it imports no model and no service, so ``DataRule.clean`` uses it directly
(``rules.py``, which runs the rules and writes signals, re-exports these names).

The schemas are keyed by the values of ``models.DataRuleKind`` (``rules.py`` checks both agree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from meldpunt.core.stigmatising import find_stigmatising_terms

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
    "overbewoning": {
        "min_volwassenen": Parameter(int, 6, 2, 500, "ten minste zoveel volwassenen ingeschreven"),
        "max_m2_per_volwassene": Parameter(float, 10, 1, 200, "hoogstens zoveel m² per volwassene"),
    },
    "bedrijven_woonadres": {
        "min_bedrijven": Parameter(int, 3, 2, 500, "ten minste zoveel bedrijven op één woonadres"),
        "terugkijken_jaren": Parameter(int, 3, 1, 20, "gestart in de laatste zoveel jaren"),
    },
    "risicobranche_wisselingen": {
        "sbi_codes": Parameter(list, RISK_BRANCH_SBI, label="SBI-codes van de risicobranches"),
        "min_vestigingen_in_straat": Parameter(int, 5, 2, 500, "ten minste zoveel actieve vestigingen van één "
                                                                "risicobranche in één straat"),
        "min_wisselingen": Parameter(int, 3, 1, 1000, "ten minste zoveel bestuurders of eigenaren bijgekomen of "
                                                      "vertrokken"),
        "wisselingen_jaren": Parameter(int, 2, 1, 20, "in de laatste zoveel jaren"),
    },
    "abc_doorverkoop": {
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


def validate_rule(rule) -> dict:
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
