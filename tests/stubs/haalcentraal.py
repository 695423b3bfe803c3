"""A stub of the Haal Centraal BRP Personen, BAG and KvK APIs for the connector tests.

A real HTTP server on a free port in a thread. It validates every request body against the
OpenAPI document (and BRP ``fields`` against RvIG's published field list) and answers 400 like
the real API when one is wrong; it validates every response it sends and records a problem when
one is wrong (``errors``, which the tests assert empty); it records every request it receives
(``received``), so tests can assert what the connectors asked for. Faults can be scripted:
``fail_next`` (a status), ``delay_next`` (slower than the client's timeout), ``raw_next`` (an
answer that bypasses validation, to test how the client handles a malformed one).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from meldpunt.registries import openapi

PREFIXES = {"/brp": "BRP", "/bag": "BAG", "/kvk": "NHR"}
AUTO_DELIVERED = ("inOnderzoek", "geheimhoudingPersoonsgegevens", "opschortingBijhouding", "rni", "verificatie")
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


@dataclass
class Received:
    source: str
    method: str
    path: str
    headers: dict
    body: dict | None


@dataclass
class Fault:
    status: int | None = None
    delay: float = 0.0
    raw: object = None


@dataclass
class RegistryData:
    personen: dict[str, dict] = field(default_factory=dict)  # BSN -> Persoon (full)
    residents: dict[str, list[str]] = field(default_factory=dict)  # nummeraanduiding -> BSNs
    adressen: dict[str, dict] = field(default_factory=dict)  # nummeraanduiding -> AdresUitgebreid
    profielen: dict[str, dict] = field(default_factory=dict)  # KvK-nummer -> Basisprofiel
    vestigingen: dict[str, dict] = field(default_factory=dict)  # KvK-nummer -> VestigingList


def datum(value: date | None) -> dict:
    if value is None:
        return {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}
    return {"type": "Datum", "datum": value.isoformat(),
            "langFormaat": f"{value.day} {MONTHS[value.month - 1]} {value.year}"}


def filter_fields(node, paths: list[list[str]]):
    """Keep only the requested dotted paths (a path keeps its whole subtree); an object keeps its
    ``type`` when anything in it is kept, as the real API does for polymorphic objects."""
    if any(not p for p in paths) or not isinstance(node, dict):
        return node
    kept = {}
    for key, value in node.items():
        sub = [p[1:] for p in paths if p[0] == key]
        if sub:
            kept[key] = filter_fields(value, sub)
    if kept and "type" in node:
        kept["type"] = node["type"]
    return kept


class HaalCentraalStub:
    def __init__(self, data: RegistryData | None = None, api_keys: dict[str, str] | None = None):
        self.data = data or RegistryData()
        self.api_keys = api_keys or {}
        self.received: list[Received] = []
        self.errors: list[str] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -------------------------------------------------------------- lifecycle and script

    def __enter__(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                stub._handle(self, "GET")

            def do_POST(self):
                stub._handle(self, "POST")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def url(self, source: str) -> str:
        prefix = {v: k for k, v in PREFIXES.items()}[source]
        return f"http://127.0.0.1:{self._server.server_port}{prefix}"

    def fail_next(self, times: int, status: int) -> None:
        self.faults.extend(Fault(status=status) for _ in range(times))

    def delay_next(self, times: int, seconds: float) -> None:
        self.faults.extend(Fault(delay=seconds) for _ in range(times))

    def raw_next(self, body) -> None:
        self.faults.append(Fault(raw=body))

    def requests_to(self, source: str) -> list[Received]:
        return [r for r in self.received if r.source == source]

    # ------------------------------------------------------------------------ handling

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        source = next((s for p, s in PREFIXES.items() if handler.path.startswith(p + "/")), None)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        path = handler.path[len(next(p for p, s in PREFIXES.items() if s == source)):] if source else handler.path
        with self._lock:
            self.received.append(Received(source or "?", method, path, dict(handler.headers), body))
            fault = self.faults.pop(0) if self.faults else None
        if fault and fault.delay:
            time.sleep(fault.delay)
        if source is None:
            return self._send(handler, None, "", "", 404, {"title": "Niet gevonden", "status": 404})
        template = openapi.operation_path(source, path)
        if template is None or method.lower() not in openapi.document(source)["paths"][template]:
            return self._send(handler, None, "", "", 404, {"title": "Niet gevonden", "status": 404})
        if fault and fault.raw is not None:
            return self._write(handler, 200, fault.raw)
        if fault and fault.status:
            return self._send(handler, source, template, method, fault.status, _problem(source, fault.status))
        expected_key = self.api_keys.get(source)
        header = {"BRP": "X-Api-Key", "BAG": "X-Api-Key", "NHR": "apikey"}[source]
        if expected_key and handler.headers.get(header) != expected_key:
            return self._send(handler, source, template, method, 401, _problem(source, 401))
        if method == "POST":
            if not (handler.headers.get("Content-Type") or "").startswith("application/json"):
                return self._send(handler, source, template, method, 415, _problem(source, 415))
            invalid = [p.where.split("/")[0] for p in openapi.problems(source, template, method, body)]
            invalid += self._brp_field_problems(body) if source == "BRP" and not invalid else []
            if invalid:
                return self._send(handler, source, template, method, 400, _problem(source, 400, invalid))
        status, answer = getattr(self, f"_{source.lower()}")(template, path, body)
        return self._send(handler, source, template, method, status, answer)

    def _send(self, handler, source, template, method, status: int, answer) -> None:
        if source is not None:
            for problem in openapi.problems(source, template, method, answer, str(status)):
                self.errors.append(f"{source} {template} {status}: {problem}")
        self._write(handler, status, answer)

    @staticmethod
    def _write(handler, status: int, answer) -> None:
        payload = json.dumps(answer).encode() if answer is not None else b""
        handler.send_response(status)
        kind = "application/json; charset=utf-8" if status < 400 else "application/problem+json"
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    # --------------------------------------------------------------------- the registries

    def _brp_field_problems(self, body: dict) -> list[str]:
        beperkt = body["type"] != "RaadpleegMetBurgerservicenummer"
        known = openapi.allowed_brp_fields(beperkt)
        return ["fields" for path in body["fields"] if path not in known or path.split(".")[0] in AUTO_DELIVERED]

    def _brp(self, template, path, body):
        paths = [p.split(".") for p in body["fields"]]
        if body["type"] == "RaadpleegMetBurgerservicenummer":
            found = [self.data.personen[b] for b in body["burgerservicenummer"] if b in self.data.personen]
        elif body["type"] == "ZoekMetNummeraanduidingIdentificatie":
            bsns = self.data.residents.get(body["nummeraanduidingIdentificatie"], [])
            found = [self.data.personen[b] for b in bsns if b in self.data.personen]
        else:
            return 400, _problem("BRP", 400, ["type"])
        return 200, {"type": body["type"], "personen": [filter_fields(p, paths) for p in found]}

    def _bag(self, template, path, body):
        identificatie = path.rsplit("/", 1)[1]
        adres = self.data.adressen.get(identificatie)
        if adres is None:
            return 404, _problem("BAG", 404)
        if template.startswith("/adressen/"):
            basic = {k: v for k, v in adres.items() if k not in
                     ("typeAdresseerbaarObject", "gebruiksdoelen", "oppervlakte", "oorspronkelijkBouwjaar")}
            return 200, basic
        return 200, adres

    def _nhr(self, template, path, body):
        kvk = path.split("/")[3]
        store = self.data.vestigingen if template.endswith("/vestigingen") else self.data.profielen
        if kvk not in store:
            return 404, _problem("NHR", 404)
        return 200, store[kvk]


TITLES = {400: "Een of meerdere parameters zijn niet correct", 401: "Niet correct geauthenticeerd",
          403: "U bent niet geautoriseerd voor deze operatie", 404: "Opgevraagde resource bestaat niet",
          415: "Media Type wordt niet ondersteund", 429: "Too many requests",
          500: "Interne server fout", 503: "Bronservice is niet beschikbaar"}


def _problem(source: str, status: int, invalid: list[str] | None = None) -> dict:
    if source == "NHR":
        return {"fout": [{"code": f"IPD{status}", "omschrijving": TITLES.get(status, "Fout")}]}
    problem = {"type": "https://datatracker.ietf.org/doc/html/rfc7231", "title": TITLES.get(status, "Fout"),
               "status": status, "instance": "https://stub.example/", "code": f"fout{status}"}
    if invalid:
        key = "invalidParams" if source == "BRP" else "invalid-params"
        problem[key] = [{"type": "https://stub.example/fout", "name": name, "code": "value",
                         "reason": "Waarde is geen geldige waarde"} for name in dict.fromkeys(invalid)]
    return problem


# --------------------------------------------------------------- data from the extracts


def from_registry(personen=(), adressen=(), ondernemingen=()) -> RegistryData:
    """Haal Centraal shaped data built from the local extract models, so the HTTP connectors
    can be compared with the local ones on the same persons, addresses and companies."""
    data = RegistryData()
    for p in personen:
        verblijf = p.verblijfplaatsen.filter(datum_einde__isnull=True).select_related("adres").first()
        persoon = {
            "burgerservicenummer": p.bsn,
            "naam": {"voornamen": p.voornamen, "geslachtsnaam": p.geslachtsnaam,
                     **({"voorvoegsel": p.voorvoegsel} if p.voorvoegsel else {})},
            "geboorte": {"datum": datum(p.geboortedatum)},
            "geslacht": {"code": "O", "omschrijving": "onbekend"},
        }
        if verblijf:
            a = verblijf.adres
            persoon["verblijfplaats"] = {
                "type": "Adres", "datumVan": datum(verblijf.datum_aanvang),
                "nummeraanduidingIdentificatie": a.identificatie,
                "verblijfadres": {"officieleStraatnaam": a.openbare_ruimte, "korteStraatnaam": a.openbare_ruimte[:24],
                                  "huisnummer": a.huisnummer, "postcode": a.postcode, "woonplaats": a.woonplaats,
                                  **({"huisletter": a.huisletter} if a.huisletter else {}),
                                  **({"huisnummertoevoeging": a.toevoeging} if a.toevoeging else {})},
            }
            data.residents.setdefault(a.identificatie, []).append(p.bsn)
        data.personen[p.bsn] = persoon
    for a in adressen:
        vbo = getattr(a, "verblijfsobject", None)
        adres = {"openbareRuimteNaam": a.openbare_ruimte, "korteNaam": a.openbare_ruimte[:24],
                 "huisnummer": a.huisnummer, "postcode": a.postcode, "woonplaatsNaam": a.woonplaats,
                 "nummeraanduidingIdentificatie": a.identificatie,
                 "openbareRuimteIdentificatie": a.identificatie[:4] + "30" + a.identificatie[6:],
                 "woonplaatsIdentificatie": "1234",
                 **({"huisletter": a.huisletter} if a.huisletter else {}),
                 **({"huisnummertoevoeging": a.toevoeging} if a.toevoeging else {})}
        if vbo is not None:
            adres.update(adresseerbaarObjectIdentificatie=vbo.identificatie, typeAdresseerbaarObject="Verblijfsobject",
                         gebruiksdoelen=[vbo.gebruiksdoel], oppervlakte=vbo.oppervlakte,
                         pandIdentificaties=[vbo.pand_id],
                         oorspronkelijkBouwjaar=[f"{vbo.pand.bouwjaar:04d}"] if vbo.pand.bouwjaar else [])
        data.adressen[a.identificatie] = adres
    for o in ondernemingen:
        registratie = {"datumAanvang": o.datum_oprichting.strftime("%Y%m%d")}
        if o.datum_opheffing:
            registratie["datumEinde"] = o.datum_opheffing.strftime("%Y%m%d")
        data.profielen[o.kvk_nummer] = {
            "kvkNummer": o.kvk_nummer, "naam": o.naam, "materieleRegistratie": registratie,
            "_embedded": {"eigenaar": {"rechtsvorm": o.rechtsvorm, **({"rsin": o.rsin} if o.rsin else {})}},
        }
        data.vestigingen[o.kvk_nummer] = {
            "kvkNummer": o.kvk_nummer, "totaalAantalVestigingen": o.vestigingen.count(),
            "vestigingen": [{"vestigingsnummer": v.vestigingsnummer, "kvkNummer": o.kvk_nummer,
                             "eersteHandelsnaam": v.handelsnaam, "volledigAdres": str(v.adres)}
                            for v in o.vestigingen.select_related("adres")],
        }
    return data
