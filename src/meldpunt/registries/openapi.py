"""Validate request and response bodies against the OpenAPI documents in ``data/specs``.

OpenAPI 3.1 schemas are JSON Schema 2020-12, except for ``discriminator``, which plain JSON
Schema ignores. The Haal Centraal documents are polymorphic through it (the ``type`` of a BRP
query, of a verblijfplaats, of a date), so a validator without it would accept a query of one
type with the fields of another. The ``discriminator`` keyword below validates an object
against the schema its ``type`` maps to, once per object (the mapped schemas refer back to the
base schema through ``allOf``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_FILES = {
    "BRP": "brp-personen-2.7.0-openapi.yaml",
    "BAG": "bag-individuele-bevragingen-2.0-subset.yaml",
    "NHR": "kvk-basisprofiel-1-subset.yaml",
}
_DOC_URI = "urn:meldpunt:openapi"
_active = threading.local()


def spec_path(name: str) -> Path:
    return Path(str(resources.files("meldpunt").joinpath("data", "specs", name)))


@cache
def document(source: str) -> dict:
    with spec_path(SPEC_FILES[source]).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _discriminator(validator, discriminator, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    name = discriminator["propertyName"]
    mapping = discriminator.get("mapping") or {}
    value = instance.get(name)
    if value not in mapping:
        if mapping:
            yield ValidationError(f"{name}={value!r} is not one of {sorted(mapping)}")
        return
    ref = mapping[value]
    active = _active.__dict__.setdefault("seen", set())
    key = (id(instance), ref)
    if key in active:  # already validating this object against its mapped schema
        return
    active.add(key)
    try:
        yield from validator.descend(instance, {"$ref": _DOC_URI + ref})
    finally:
        active.discard(key)


_Validator = validators.extend(Draft202012Validator, {"discriminator": _discriminator})


@cache
def _registry(source: str) -> Registry:
    return Registry().with_resource(_DOC_URI, Resource.from_contents(document(source), DRAFT202012))


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self):
        return f"{self.where}: {self.message}"


def _schema_for(source: str, path: str, method: str, status: str | None) -> dict | None:
    operation = document(source)["paths"][path][method.lower()]
    if status is None:
        body = operation.get("requestBody")
    else:
        responses = operation["responses"]
        body = responses.get(status) or responses.get(f"{status[0]}XX") or responses.get("default")
    if body is None:
        return None
    while "$ref" in body:  # a shared response under components/responses
        body = _resolve(source, body["$ref"])
    content = body.get("content") or {}
    if not content:
        return None
    return next(iter(content.values()))["schema"]


def _resolve(source: str, ref: str) -> dict:
    node = document(source)
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def _rebase(schema: dict) -> dict:
    """Make a local ``#/…`` reference absolute against the registered document."""
    if "$ref" in schema and schema["$ref"].startswith("#"):
        return {**schema, "$ref": _DOC_URI + schema["$ref"]}
    return schema


def problems(source: str, path: str, method: str, body, status: str | None = None) -> list[Problem]:
    """What is wrong with ``body`` as the request (``status`` None) or the response with that
    status of the operation ``method path``; an empty list when it is valid."""
    schema = _schema_for(source, path, method, status)
    if schema is None:
        return [] if body in (None, b"", "") else [Problem("body", "geen inhoud verwacht")]
    validator = _Validator(_rebase(schema), registry=_registry(source),
                           format_checker=_Validator.FORMAT_CHECKER)
    found = []
    for error in validator.iter_errors(body):
        where = "/".join(str(p) for p in error.absolute_path) or "body"
        found.append(Problem(where, error.message[:200]))
    return found


def allowed_brp_fields(beperkt: bool = False) -> frozenset[str]:
    """The field paths the BRP accepts in ``fields`` (RvIG's published lists)."""
    name = "brp-personen-fields-PersoonBeperkt.csv" if beperkt else "brp-personen-fields-Persoon.csv"
    return _fields_from(name)


@cache
def _fields_from(name: str) -> frozenset[str]:
    lines = spec_path(name).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def operation_path(source: str, path: str) -> str | None:
    """The templated path of the document (``/adressen/{id}``) that a concrete path matches."""
    parts = path.rstrip("/").split("/")
    for template in document(source)["paths"]:
        tparts = template.rstrip("/").split("/")
        if len(tparts) == len(parts) and all(
            t == p or (t.startswith("{") and t.endswith("}")) for t, p in zip(tparts, parts, strict=True)
        ):
            return template
    return None
