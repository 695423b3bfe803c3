"""The network of a casus: its signals and the persons, companies, addresses and vehicles they
mention, as nodes and edges (issue 5). The page, the FtM export and the GEXF export all draw
this one graph, so they can never show different things.

Who is who (never merged on a guess, registries/models.LinkJudgement): two mentions become one
node only when they share an identifier — a BSN, KvK-nummer, BAG nummeraanduiding or kenteken —
given in the signal or confirmed by a person's link judgement. Equal names merge nothing.

The registries only add *edges* between nodes that are already in the graph (a director of a
mentioned company who is a mentioned person, a company's establishment at a mentioned address,
a person's registration at a mentioned address): they never add a person, company or address
the signals do not name (data minimisation, P3). Registrations and establishments are drawn only
at an address inside the casus's gemeente (ADR 0030 §2): the registry extracts are shared, but a
gemeente reads only its own; an address elsewhere (or without a known buurt) is marked "adres
buiten de gemeente: geen registergegevens", as in registries/related.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from meldpunt.core.datums import format_date
from meldpunt.intake.models import MentionedSubject, Signal
from meldpunt.privacy import log
from meldpunt.privacy.log import DataSubject
from meldpunt.privacy.models import SubjectType
from meldpunt.registries import models as registry

from ..models import Casus
from ..selectors import casus_for

KIND_LABELS = {"signaal": "Signaal", "persoon": "Persoon", "onderneming": "Onderneming", "adres": "Adres",
               "voertuig": "Voertuig"}
# Edge kinds: what the line means, read from source to target.
EDGE_LABELS = {
    "noemt": "noemt",
    "locatie": "gaat over het adres",
    "adres": "genoemd adres",
    "ingeschreven": "ingeschreven op (BRP)",
    "bestuurder": "bestuurder van (KvK)",
    "eigenaar": "eigenaar van (KvK)",
    "vennoot": "vennoot in (KvK)",
    "functionaris": "functionaris van (KvK)",
    "vestiging": "gevestigd op (KvK)",
}
LOG_TYPES = {"bsn": SubjectType.BSN, "kvk": SubjectType.KVK, "bag": SubjectType.BAG}
MERGED_BY = {"bsn": "BSN", "kvk": "KvK-nummer", "bag": "BAG-id", "kenteken": "kenteken",
             "koppeling": "bevestigde koppeling"}


@dataclass
class Node:
    key: str
    kind: str
    label: str = ""
    identifier: str = ""  # the registry key the node stands for (BSN, KvK, BAG id, kenteken, kenmerk)
    names: list[str] = field(default_factory=list)
    birth_dates: list = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    mentions: list[int] = field(default_factory=list)
    merged_by: set[str] = field(default_factory=set)
    address: registry.Nummeraanduiding | None = None
    signal: Signal | None = None
    outside: bool = False  # an address outside the casus's gemeente: no registry edges (ADR 0030 §2)

    @property
    def scheme(self) -> str:
        """What identifies the node: bsn, kvk, bag, kenteken, kenmerk (a signal) or betrokkene (one mention)."""
        return self.key.split(":", 2)[1]

    @property
    def registry_key(self) -> str:
        return "" if self.scheme == "betrokkene" else self.identifier

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def merged_label(self) -> str:
        """How several mentions became this node (shown, so a reader can check it)."""
        if len(self.mentions) < 2:
            return ""
        return ", ".join(MERGED_BY[m] for m in sorted(self.merged_by))

    def log_subjects(self) -> list[DataSubject]:
        """The data subjects this node shows, as the processing log names them (intake.subjects)."""
        if self.kind == "signaal":
            return []
        if self.scheme in LOG_TYPES:
            return [DataSubject(LOG_TYPES[self.scheme], self.identifier)]
        return [DataSubject(SubjectType.INTERNAL, f"betrokkene:{pk}") for pk in self.mentions]


@dataclass
class Edge:
    source: str
    target: str
    kind: str
    details: list[str] = field(default_factory=list)  # roles in the signal, dates of a function
    origin: str = "melding"  # melding, BRP, KvK

    @property
    def origin_label(self) -> str:
        return {"melding": "signaal", "KvK": "Handelsregister (KvK)", "BRP": "BRP"}[self.origin]

    @property
    def label(self) -> str:
        base = EDGE_LABELS[self.kind]
        return f"{base} ({'; '.join(self.details)})" if self.details else base


@dataclass
class Network:
    casus: Casus
    nodes: dict[str, Node]
    edges: list[Edge]

    def of_kind(self, kind: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == kind]

    @property
    def outside(self) -> list[Node]:
        """The address nodes outside the casus's gemeente (no registry records drawn there)."""
        return sorted((n for n in self.nodes.values() if n.outside), key=lambda n: (n.label, n.key))

    def neighbours(self, key: str) -> list[tuple[str, Edge, Node]]:
        """(direction label, edge, other node) for every edge of a node, for the table."""
        result = []
        for e in self.edges:
            if e.source == key:
                result.append((e.label, e, self.nodes[e.target]))
            elif e.target == key:
                result.append((f"← {e.label}", e, self.nodes[e.source]))
        return result

    def log_subjects(self) -> list[DataSubject]:
        subjects = [s for n in self.nodes.values() for s in n.log_subjects()]
        return subjects or [DataSubject(SubjectType.INTERNAL, f"casus:{self.casus.pk}")]


def confirmed_links(mentions) -> dict[int, registry.LinkJudgement]:
    """Per mention, the registry record a person confirmed it to be and did not since reject: the
    latest judgement per (mention, record) counts, as in registries.selectors.confirmed_link,
    read for all mentions at once."""
    latest: dict[tuple, registry.LinkJudgement] = {}
    judgements = (registry.LinkJudgement.objects.filter(mention__in=[m.pk for m in mentions])
                  .order_by("-judged_at", "-pk"))
    for j in judgements:
        latest.setdefault((j.mention_id, j.entity_kind, j.entity_key), j)
    confirmed: dict[int, registry.LinkJudgement] = {}
    for (mention_id, _kind, _key), j in latest.items():
        if j.verdict == registry.LinkVerdict.BEVESTIGD:
            confirmed.setdefault(mention_id, j)  # newest first
    return confirmed


def identity(mention: MentionedSubject, confirmed: registry.LinkJudgement | None) -> tuple[str, str]:
    """The node key of a mention and how it was identified ("" when only this mention is it)."""
    kind = mention.kind
    if confirmed is not None and confirmed.entity_kind == kind:
        scheme = {"persoon": "bsn", "onderneming": "kvk", "adres": "bag"}[kind]
        return f"{kind}:{scheme}:{confirmed.entity_key}", "koppeling"
    if kind == "persoon" and mention.bsn:
        return f"persoon:bsn:{mention.bsn}", "bsn"
    if kind == "onderneming" and mention.kvk_nummer:
        return f"onderneming:kvk:{mention.kvk_nummer}", "kvk"
    if kind == "adres" and mention.address_id:
        return f"adres:bag:{mention.address_id}", "bag"
    if kind == "voertuig" and mention.kenteken:
        return f"voertuig:kenteken:{mention.kenteken.replace('-', '').upper()}", "kenteken"
    return f"{kind}:betrokkene:{mention.pk}", ""


class _Builder:
    def __init__(self, casus: Casus):
        self.casus = casus
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str, str], Edge] = {}

    def node(self, key: str, kind: str) -> Node:
        if key not in self.nodes:
            self.nodes[key] = Node(key, kind, identifier=key.split(":", 2)[2] if key.count(":") == 2 else "")
        return self.nodes[key]

    def edge(self, source: str, target: str, kind: str, detail: str = "", origin: str = "melding") -> None:
        e = self.edges.setdefault((source, target, kind), Edge(source, target, kind, origin=origin))
        if detail and detail not in e.details:
            e.details.append(detail)

    def address_node(self, adres: registry.Nummeraanduiding) -> str:
        n = self.node(f"adres:bag:{adres.pk}", "adres")
        n.address, n.label = adres, str(adres)
        return n.key

    def add_signal(self, signal: Signal) -> None:
        n = self.node(f"signaal:kenmerk:{signal.reference}", "signaal")
        n.signal, n.label = signal, signal.reference
        if signal.address_id:
            self.edge(n.key, self.address_node(signal.address), "locatie")

    def add_mention(self, m: MentionedSubject, confirmed: registry.LinkJudgement | None) -> None:
        key, how = identity(m, confirmed)
        n = self.node(key, m.kind)
        n.mentions.append(m.pk)
        if how:
            n.merged_by.add(how)
        # An address without a BAG id is known by the words of the signal.
        name = m.address_text.strip() if m.kind == "adres" and not m.name.strip() else m.name.strip()
        for value, bucket in ((name, n.names), (m.birth_date, n.birth_dates), (m.role.strip(), n.roles)):
            if value and value not in bucket:
                bucket.append(value)
        self.edge(f"signaal:kenmerk:{m.signal.reference}", key, "noemt", m.role.strip())
        if m.address_id and m.kind != "adres":
            self.edge(key, self.address_node(m.address), "adres")

    def fill_addresses(self) -> None:
        """Address nodes known only by a confirmed judgement's BAG id get their address record."""
        missing = {n.identifier: n for n in self.nodes.values() if n.key.startswith("adres:bag:") and not n.address}
        for pk, adres in registry.Nummeraanduiding.objects.in_bulk(list(missing)).items():
            missing[pk].address = adres

    def label_subjects(self) -> None:
        fallback = {"persoon": "Onbekende persoon", "onderneming": "Onbekende onderneming",
                    "adres": "Adres zonder BAG-id", "voertuig": "Voertuig zonder kenteken"}
        for n in self.nodes.values():
            if n.label:
                continue
            if n.kind == "adres" and n.address is not None:
                n.label = str(n.address)
            elif n.names:
                n.label = n.names[0]
            elif n.kind == "onderneming" and n.scheme == "kvk":
                n.label = f"KvK {n.identifier}"
            elif n.kind == "voertuig" and n.scheme == "kenteken":
                n.label = n.identifier
            else:
                n.label = fallback[n.kind]

    def keys(self, prefix: str) -> dict[str, str]:
        """Identifier → node key for the nodes identified by a registry key of this prefix."""
        return {n.identifier: n.key for n in self.nodes.values() if n.key.startswith(prefix)}

    def inside_gemeente(self, addresses: dict[str, str]) -> dict[str, str]:
        """The BAG addresses among ``addresses`` whose buurt lies in the casus's gemeente, in one
        query; the others are marked outside (ADR 0030 §2: no registry records there)."""
        inside = set(registry.Nummeraanduiding.objects.filter(
            pk__in=list(addresses), verblijfsobject__buurt__wijk__gemeente_id=self.casus.gemeente_id)
            .values_list("pk", flat=True)) if addresses else set()
        for pk, key in addresses.items():
            self.nodes[key].outside = pk not in inside
        return {pk: key for pk, key in addresses.items() if pk in inside}

    def add_registry_edges(self) -> None:
        persons, companies = self.keys("persoon:bsn:"), self.keys("onderneming:kvk:")
        addresses = self.inside_gemeente(self.keys("adres:bag:"))
        if persons and companies:
            for f in (registry.Functionaris.objects.filter(persoon__bsn__in=persons,
                                                           onderneming__kvk_nummer__in=companies)
                      .select_related("persoon", "onderneming").order_by("datum_aanvang", "pk")):
                kind = f.functie if f.functie in EDGE_LABELS else "functionaris"
                period = f"sinds {format_date(f.datum_aanvang)}"
                if f.datum_einde:
                    period += f", tot {format_date(f.datum_einde)}"
                self.edge(persons[f.persoon.bsn], companies[f.onderneming.kvk_nummer], kind, period, "KvK")
        if companies and addresses:
            for v in (registry.Vestiging.objects.filter(onderneming__kvk_nummer__in=companies, adres_id__in=addresses)
                      .select_related("onderneming").order_by("pk")):
                self.edge(companies[v.onderneming.kvk_nummer], addresses[v.adres_id], "vestiging", v.handelsnaam, "KvK")
        if persons and addresses:
            for r in (registry.Verblijfplaats.objects.filter(persoon__bsn__in=persons, adres_id__in=addresses,
                                                             datum_einde__isnull=True)
                      .select_related("persoon").order_by("pk")):
                self.edge(persons[r.persoon.bsn], addresses[r.adres_id], "ingeschreven",
                          f"sinds {format_date(r.datum_aanvang)}", "BRP")


def build(casus: Casus) -> Network:
    """The network of a casus, in a fixed number of queries. The caller checked access (P1) and
    logs what it shows (P2): see selectors in network_views."""
    b = _Builder(casus)
    signals = list(Signal.objects.filter(casus_links__casus=casus).select_related("address")
                   .order_by("received_at", "pk"))
    for signal in signals:
        b.add_signal(signal)
    mentions = list(MentionedSubject.objects.filter(signal__in=signals).select_related("signal", "address")
                    .order_by("signal__received_at", "pk"))
    confirmed = confirmed_links(mentions)
    for m in mentions:
        b.add_mention(m, confirmed.get(m.pk))
    b.fill_addresses()
    b.label_subjects()
    b.add_registry_edges()
    return Network(casus, b.nodes, list(b.edges.values()))


def network_for(user, reference: str, action: str) -> Network:
    """The network of a casus this user may read (the casus page's rule, P1: lead and team; 404
    otherwise), with the read logged once per person, company and address shown (P2)."""
    network = build(casus_for(user, reference, log_read=False))
    log.record(action, "netwerk", network.log_subjects(), user=user, obj=network.casus)
    return network
