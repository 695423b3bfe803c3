"""Exports of a casus network for link analysis elsewhere: Follow the Money entities (JSON lines)
and GEXF 1.3 (Gephi), both drawn from the one graph of ``network.build``.

The FtM entities are written in the library's JSON shape (``id``, ``schema``, ``properties`` with
lists of strings) by the small ``Entity`` class below, not by the ``followthemoney`` package: that
package needs PyICU, which has no wheel and must be compiled against libicu on every server. The
tests validate every exported line with the real library (requirements-dev.txt).

Entity ids are keyed hashes per casus (Django's salted HMAC):
stable between exports of the same casus, not linkable between casussen, and a BSN cannot be
recovered from them by trying numbers. The BSN itself is not exported: the ids already say who
is who, and link analysis does not need it (data minimisation, P3).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from django.utils import timezone
from django.utils.crypto import salted_hmac

from .graph import Edge, Network, Node

SCHEMA_OF_KIND = {"signaal": "Event", "persoon": "Person", "onderneming": "Company", "adres": "Address",
                  "voertuig": "Vehicle"}
GEXF_NS = "http://gexf.net/1.3"


class Entity:
    """One FtM entity: a schema name, an id, and properties as ordered lists of distinct strings."""

    def __init__(self, schema: str):
        self.schema_name = schema
        self.id: str | None = None
        self.properties: dict[str, list[str]] = {}

    def add(self, prop: str, values) -> None:
        for value in values if isinstance(values, list | tuple) else [values]:
            if value is None or value == "":
                continue
            bucket = self.properties.setdefault(prop, [])
            if str(value) not in bucket:
                bucket.append(str(value))

    def to_dict(self) -> dict:
        return {"id": self.id, "schema": self.schema_name, "properties": self.properties}


def entity_id(network: Network, key: str) -> str:
    digest = salted_hmac("meldpunt.cases.network", f"{network.casus.reference}:{key}", algorithm="sha256")
    return f"mo-{digest.hexdigest()[:40]}"


def _address_props(proxy, node: Node) -> None:
    adres = node.address
    if adres is None:
        proxy.add("full", node.label)
        return
    number = f"{adres.huisnummer}{adres.huisletter}{'-' + adres.toevoeging if adres.toevoeging else ''}"
    proxy.add("full", str(adres))
    proxy.add("street", f"{adres.openbare_ruimte} {number}")
    proxy.add("postalCode", adres.postcode)
    proxy.add("city", adres.woonplaats)
    proxy.add("country", "nl")


def _node_entity(network: Network, node: Node):
    proxy = Entity(SCHEMA_OF_KIND[node.kind])
    proxy.id = entity_id(network, node.key)
    if node.kind == "signaal":
        signal = node.signal
        proxy.add("name", f"Signaal {signal.reference}")
        proxy.add("date", timezone.localtime(signal.received_at).date().isoformat())
        proxy.add("recordId", signal.reference)
    elif node.kind == "adres":
        _address_props(proxy, node)
    else:
        proxy.add("name", node.names or [node.label])
        proxy.add("country", "nl")
    if node.kind == "persoon":
        proxy.add("birthDate", [d.isoformat() for d in node.birth_dates])
    elif node.kind in ("onderneming", "voertuig") and node.scheme in ("kvk", "kenteken"):
        proxy.add("registrationNumber", node.identifier)
    if node.kind != "signaal" and node.roles:
        proxy.add("notes", "Rol in een signaal: " + "; ".join(node.roles))
    return proxy


def _edge_entity(network: Network, edge: Edge, index: int):
    """A relation entity; None for 'at address', which FtM holds as the addressEntity property."""
    source, target = entity_id(network, edge.source), entity_id(network, edge.target)
    if edge.kind in ("bestuurder", "vennoot", "functionaris"):
        proxy = Entity("Directorship")
        proxy.add("director", source)
        proxy.add("organization", target)
        proxy.add("role", edge.kind)
    elif edge.kind == "eigenaar":
        proxy = Entity("Ownership")
        proxy.add("owner", source)
        proxy.add("asset", target)
        proxy.add("role", edge.kind)
    elif edge.kind in ("noemt", "locatie"):
        # "Signal names subject": related, nature unknown (anchors §3.4), traced to the signal.
        proxy = Entity("UnknownLink")
        proxy.add("subject", target)
        proxy.add("object", source)
        proxy.add("role", edge.label)
        proxy.add("recordId", network.nodes[edge.source].identifier)
    else:
        return None
    proxy.id = entity_id(network, f"rel:{index}:{edge.source}>{edge.target}:{edge.kind}")
    proxy.add("summary", edge.label)
    proxy.add("publisher", {"melding": "Meldpunt Ondermijning", "KvK": "Handelsregister (KvK)",
                            "BRP": "Basisregistratie Personen"}[edge.origin])
    return proxy


def ftm_entities(network: Network) -> list:
    entities = {key: _node_entity(network, node) for key, node in network.nodes.items()}
    relations = []
    for index, edge in enumerate(network.edges):
        if edge.kind in ("adres", "vestiging", "ingeschreven"):
            entities[edge.source].add("addressEntity", entity_id(network, edge.target))
            continue
        relation = _edge_entity(network, edge, index)
        if relation is not None:
            relations.append(relation)
    return list(entities.values()) + relations


def ftm_lines(network: Network) -> str:
    """One FtM entity per line (the format of ``ftm`` and Aleph's bulk import)."""
    return "".join(json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n" for e in ftm_entities(network))


def gexf(network: Network) -> bytes:
    """GEXF 1.3: nodes with kind and label, edges with kind, label and origin as attributes."""
    ET.register_namespace("", GEXF_NS)
    root = ET.Element(f"{{{GEXF_NS}}}gexf", version="1.3")
    meta = ET.SubElement(root, f"{{{GEXF_NS}}}meta", lastmodifieddate=timezone.localdate().isoformat())
    ET.SubElement(meta, f"{{{GEXF_NS}}}creator").text = "Meldpunt Ondermijning"
    ET.SubElement(meta, f"{{{GEXF_NS}}}description").text = f"Netwerk van casus {network.casus.reference}"
    graph = ET.SubElement(root, f"{{{GEXF_NS}}}graph", defaultedgetype="directed", mode="static")
    for cls, names in (("node", ("soort", "kenmerk")), ("edge", ("soort", "bron"))):
        attributes = ET.SubElement(graph, f"{{{GEXF_NS}}}attributes", {"class": cls})
        for i, name in enumerate(names):
            ET.SubElement(attributes, f"{{{GEXF_NS}}}attribute", id=str(i), title=name, type="string")
    nodes = ET.SubElement(graph, f"{{{GEXF_NS}}}nodes")
    for key, node in network.nodes.items():
        element = ET.SubElement(nodes, f"{{{GEXF_NS}}}node", id=entity_id(network, key), label=node.label)
        values = ET.SubElement(element, f"{{{GEXF_NS}}}attvalues")
        ET.SubElement(values, f"{{{GEXF_NS}}}attvalue", {"for": "0", "value": node.kind})
        if node.scheme in ("kenmerk", "kvk", "kenteken", "bag"):  # not the BSN (see above)
            ET.SubElement(values, f"{{{GEXF_NS}}}attvalue", {"for": "1", "value": node.identifier})
    edges = ET.SubElement(graph, f"{{{GEXF_NS}}}edges")
    for i, edge in enumerate(network.edges):
        element = ET.SubElement(edges, f"{{{GEXF_NS}}}edge", id=str(i), source=entity_id(network, edge.source),
                                target=entity_id(network, edge.target), label=edge.label)
        values = ET.SubElement(element, f"{{{GEXF_NS}}}attvalues")
        ET.SubElement(values, f"{{{GEXF_NS}}}attvalue", {"for": "0", "value": edge.kind})
        ET.SubElement(values, f"{{{GEXF_NS}}}attvalue", {"for": "1", "value": edge.origin})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
