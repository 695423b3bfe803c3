"""Connectors that ask the live registries over HTTP: Haal Centraal BRP Personen
(``POST /personen``), the BAG API Individuele Bevragingen and the KvK Basisprofiel API.

They take the same approved field names as the local connectors and ask the registry for
exactly the registry fields those map to (``haalcentraal.py``). Every answer is validated
against the OpenAPI document before it is read. Timeouts, connection failures and 5xx
answers are retried a bounded number of times with exponential backoff; 4xx answers never
are (asking again would not change them). Errors are ``ConnectorError`` with a Dutch
message that names the registry and what to do, and never the person asked about.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import requests

from meldpunt.privacy import trace
from meldpunt.registries.errors import ConnectorError, InvalidAnswer, RegistryRefused, RegistryUnavailable

from .. import haalcentraal as hc
from .. import openapi
from .base import RegistryConnector, Subject, SubjectKind
from .local import LocalBagConnector, LocalBrpConnector

logger = logging.getLogger("meldpunt.registries.http")

RETRY_STATUSES = frozenset({500, 502, 503, 504})
JSON_UTF8 = "application/json; charset=utf-8"


@dataclass
class Answer:
    status: int
    body: dict | None
    attempts: int


@dataclass
class HttpTransport:
    """One registry endpoint: base URL, key header, timeouts and the retry policy."""

    label: str
    base_url: str
    api_key_header: str
    api_key: str = ""
    cert: str = ""
    timeout: float = 5.0
    retries: int = 2
    backoff: float = 0.25
    session: requests.Session = field(default_factory=requests.Session)

    def request(self, method: str, path: str, *, json: dict | None = None) -> Answer:
        url = self.base_url.rstrip("/") + path
        headers = {"Accept": "application/json, application/hal+json, application/problem+json"}
        if json is not None:
            headers["Content-Type"] = JSON_UTF8
        if self.api_key:
            headers[self.api_key_header] = self.api_key
        # W3C Trace Context (Logboek Dataverwerkingen): the registry ties its log to our span.
        headers.update(trace.outgoing_headers())
        attempts = self.retries + 1
        failure = ""
        for attempt in range(1, attempts + 1):
            try:
                response = self.session.request(
                    method, url, json=json, headers=headers, timeout=(min(self.timeout, 3.0), self.timeout),
                    cert=self.cert or None,
                )
            except requests.Timeout:
                failure = "timeout"
            except requests.ConnectionError:
                failure = "verbinding"
            else:
                if response.status_code not in RETRY_STATUSES:
                    return Answer(response.status_code, _json(response, self.label), attempt)
                failure = f"HTTP {response.status_code}"
            logger.warning("%s %s: poging %d van %d mislukt (%s)", method, path.split("/")[1], attempt,
                           attempts, failure)
            if attempt < attempts:
                time.sleep(self.backoff * 2 ** (attempt - 1))
        if failure == "timeout":
            raise RegistryUnavailable(
                f"{self.label} gaf binnen {self.timeout:g} seconden geen antwoord, ook niet na {attempts} "
                "pogingen. Probeer het later opnieuw; er is niets gewijzigd."
            )
        if failure == "verbinding":
            raise RegistryUnavailable(
                f"{self.label} is niet bereikbaar ({attempts} pogingen). Probeer het later opnieuw of meld het "
                "bij functioneel beheer."
            )
        raise RegistryUnavailable(
            f"{self.label} heeft een storing ({failure}, {attempts} pogingen). Probeer het later opnieuw."
        )


def _json(response: requests.Response, label: str) -> dict | None:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise InvalidAnswer(f"{label} gaf een antwoord dat geen geldige JSON is. Meld het bij functioneel "
                            "beheer.") from None


def refusal(label: str, answer: Answer) -> RegistryRefused:
    """The Dutch error for a 4xx answer."""
    status, body = answer.status, answer.body or {}
    if status == 400:
        invalid = body.get("invalidParams") or body.get("invalid-params") or []
        names = sorted({p.get("name", "") for p in invalid if p.get("name")})
        which = f" (ongeldig: {', '.join(names)})" if names else ""
        return RegistryRefused(f"{label} wees de vraag af als ongeldig{which}. Dit is een fout in de koppeling; "
                               "meld het bij functioneel beheer.")
    if status in (401, 403):
        return RegistryRefused(f"Het Meldpunt heeft geen toegang tot {label} (HTTP {status}): de sleutel of de "
                               "autorisatie ontbreekt of is verlopen. Meld het bij functioneel beheer.")
    if status == 429:
        return RegistryRefused(f"{label} krijgt op dit moment te veel vragen. Probeer het over een minuut opnieuw.")
    return RegistryRefused(f"{label} kon de vraag niet verwerken (HTTP {status}). Meld het bij functioneel beheer.")


class _HttpConnector(RegistryConnector):
    spec_source: str

    def __init__(self, transport: HttpTransport):
        self.transport = transport

    def _call(self, method: str, path: str, *, json: dict | None = None, not_found_is_none: bool = False):
        template = openapi.operation_path(self.spec_source, path)
        if json is not None:
            problems = openapi.problems(self.spec_source, template, method, json)
            if problems:  # our own question is wrong: a programming error, never sent
                raise ConnectorError(f"De vraag aan {self.label} voldoet niet aan de specificatie "
                                     f"({problems[0].where}); er is niets verstuurd.")
        answer = self.transport.request(method, path, json=json)
        if answer.status == 404 and not_found_is_none:
            return None
        if answer.status >= 400:
            raise refusal(self.label, answer)
        problems = openapi.problems(self.spec_source, template, method, answer.body, str(answer.status))
        if problems:
            # Only the paths are logged: the messages can hold values about a person.
            logger.warning("%s: antwoord wijkt af van de OpenAPI op %s", self.source,
                           ", ".join(sorted({p.where for p in problems})[:5]))
            raise InvalidAnswer(f"Het antwoord van {self.label} wijkt af van de afspraken (OpenAPI-specificatie) "
                                f"bij {problems[0].where}. Meld het bij functioneel beheer.")
        return answer.body


class HttpBrpConnector(_HttpConnector):
    """BRP API Personen 2.x: ``RaadpleegMetBurgerservicenummer`` for a person and
    ``ZoekMetNummeraanduidingIdentificatie`` for the residents of an address."""

    source = LocalBrpConnector.source
    label = LocalBrpConnector.label
    subject_kinds = LocalBrpConnector.subject_kinds
    allowed_fields = LocalBrpConnector.allowed_fields
    spec_source = "BRP"

    def sent_fields(self, subject: Subject, fields: tuple[str, ...]) -> list[str]:
        mapping = hc.BRP_PERSOON_FIELDS if subject.kind is SubjectKind.PERSOON else hc.BRP_ADRES_FIELDS
        return hc.brp_fields(mapping, fields)

    def _personen(self, subject: Subject, brp_fields: list[str]) -> list[dict]:
        if subject.kind is SubjectKind.PERSOON:
            query = {"type": hc.BRP_TYPE_BSN, "fields": brp_fields, "burgerservicenummer": [subject.identifier]}
        else:
            query = {"type": hc.BRP_TYPE_ADRES, "fields": brp_fields,
                     "nummeraanduidingIdentificatie": subject.identifier}
        body = self._call("POST", "/personen", json=query)
        return (body or {}).get("personen", [])

    def _hit(self, subject):
        return bool(self._personen(subject, [hc.BRP_HIT_FIELD]))

    def _details(self, subject, fields):
        personen = self._personen(subject, self.sent_fields(subject, fields))
        if not personen:
            return None
        if subject.kind is SubjectKind.ADRES:
            return hc.brp_adres_record(personen)
        return hc.brp_persoon_record(personen[0])


class HttpBagConnector(_HttpConnector):
    """BAG API Individuele Bevragingen 2.0: ``adressen`` or ``adressenuitgebreid`` by
    nummeraanduiding. The buurtcode is CBS geography, not BAG, so it is not offered here."""

    source = LocalBagConnector.source
    label = LocalBagConnector.label
    subject_kinds = LocalBagConnector.subject_kinds
    allowed_fields = {
        SubjectKind.ADRES: tuple(f for f in LocalBagConnector.allowed_fields[SubjectKind.ADRES] if f != "buurtcode")
    }
    spec_source = "BAG"

    def _adres(self, subject: Subject, resource: str) -> dict | None:
        return self._call("GET", f"/{resource}/{subject.identifier}", not_found_is_none=True)

    def _hit(self, subject):
        return self._adres(subject, "adressen") is not None

    def _details(self, subject, fields):
        adres = self._adres(subject, hc.bag_resource(fields))
        return hc.bag_record(adres) if adres is not None else None


class HttpKvkConnector(_HttpConnector):
    """KvK Basisprofiel API: the profile and, only when asked, the list of vestigingen.
    Functionarissen and searches by address or person are not in this API."""

    source = "NHR"
    label = "Handelsregister (KvK)"
    subject_kinds = frozenset({SubjectKind.ONDERNEMING})
    allowed_fields = {SubjectKind.ONDERNEMING: ("naam", "rechtsvorm", "datumOprichting", "datumOpheffing",
                                                "vestigingen")}
    spec_source = "NHR"

    def _profiel(self, subject: Subject) -> dict | None:
        return self._call("GET", f"/v1/basisprofielen/{subject.identifier}", not_found_is_none=True)

    def _hit(self, subject):
        return self._profiel(subject) is not None

    def _details(self, subject, fields):
        profiel = self._profiel(subject) if set(fields) & hc.KVK_PROFIEL_FIELDS else None
        vestigingen = None
        if "vestigingen" in fields:
            vestigingen = self._call("GET", f"/v1/basisprofielen/{subject.identifier}/vestigingen",
                                     not_found_is_none=True)
        if profiel is None and vestigingen is None:
            return None
        return hc.kvk_record(profiel, vestigingen)


HTTP_CONNECTORS = {"BRP": (HttpBrpConnector, "X-Api-Key"), "BAG": (HttpBagConnector, "X-Api-Key"),
                   "NHR": (HttpKvkConnector, "apikey")}


def http_connector(source: str, config: dict, timeout: float = 5.0, retries: int = 2,
                   backoff: float = 0.25) -> RegistryConnector:
    """Build the HTTP connector of ``source`` from its settings block (see settings/base.py)."""
    try:
        cls, header = HTTP_CONNECTORS[source]
    except KeyError:
        raise ConnectorError(f"Voor bron {source} bestaat geen koppeling over HTTP.") from None
    if not config.get("url"):
        raise ConnectorError(f"Voor bron {cls.label} is geen adres ingesteld (MELDPUNT_HC_{source}_URL).")
    transport = HttpTransport(cls.label, config["url"], header, api_key=config.get("api_key", ""),
                              cert=config.get("cert", ""), timeout=timeout, retries=retries, backoff=backoff)
    return cls(transport)
