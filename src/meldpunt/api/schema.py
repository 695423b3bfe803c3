"""drf-spectacular post-processing so the document meets the NL API Design Rules."""

from django.conf import settings

PROBLEM = {
    "type": "object",
    "description": "Foutmelding volgens RFC 9457 (problem details).",
    "properties": {
        "type": {"type": "string", "format": "uri", "example": "about:blank"},
        "title": {"type": "string", "example": "Ongeldige invoer"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "example": "Een of meer parameters zijn ongeldig."},
        "instance": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                },
            },
        },
    },
    "required": ["title", "status", "detail"],
}

DESCRIPTIONS = {
    "400": "Ongeldige invoer",
    "401": "Niet ingelogd",
    "403": "Geen toegang",
    "404": "Niet gevonden",
    "406": "Formaat niet beschikbaar",
    "409": "Conflict met de huidige status",
    "415": "Mediatype niet ondersteund",
    "429": "Te veel verzoeken",
    "500": "Interne fout",
}

VERSION_HEADER = {
    "description": "De volledige versie van de API (semver).",
    "schema": {"type": "string", "example": settings.MELDPUNT_API_VERSION},
}


def _problem(code: str, description: str | None = None) -> dict:
    return {
        "description": description or DESCRIPTIONS.get(code, "Fout"),
        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def add_design_rules_responses(result, generator, request, public):
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM
    components.setdefault("headers", {})["API-Version"] = VERSION_HEADER
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code.startswith(("4", "5")) and "content" not in response:
                    # An error a view declares itself (e.g. 409) is a problem too.
                    responses[code] = _problem(code, response.get("description"))
                if code.startswith(("2", "3")):
                    response.setdefault("headers", {})["API-Version"] = {
                        "$ref": "#/components/headers/API-Version"
                    }
            for parameter in operation.get("parameters", []):
                # An empty optional query parameter counts as absent (DRF reads query strings
                # that way; pagination and the area filters do the same): `?limit=&wijk=` is a
                # valid request, so say so.
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
            codes = ["400", "401", "403", "406", "429", "500"]
            if "{" in path:
                codes.append("404")
            if "requestBody" in operation:
                codes.append("415")
            for code in codes:
                responses.setdefault(code, _problem(code))
    return result
