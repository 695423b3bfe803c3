"""A deterministic concentric layout of a casus network, drawn as server-side SVG (the strict CSP
allows no script, so the page cannot lay out a graph in the browser).

Signals sit in the middle, persons and companies on the ring around them, addresses and
vehicles on the outer ring. Within a ring each node is placed at the mean angle of its
neighbours on the inner rings (barycentre), which keeps lines short and crossings few. The same
casus always gives the same picture. Styling is done with SVG presentation attributes, which the
CSP's style-src does not govern.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .graph import Network, Node

RINGS = (("signaal",), ("persoon", "onderneming"), ("adres", "voertuig"))
# Fill and stroke per kind; every kind also has its own shape, so colour is never the only cue.
STYLE = {
    "signaal": ("#fff4c2", "#7a5a00"),
    "persoon": ("#dbe9ff", "#1d3f8f"),
    "onderneming": ("#dcf5e3", "#175c2e"),
    "adres": ("#efe3ff", "#5b2a86"),
    "voertuig": ("#ffe6d5", "#8a3b12"),
}
ORIGIN_DASH = {"melding": "", "KvK": "6 4", "BRP": "2 4"}
SIZE = 18  # half the width of a node's shape
LABEL_CHARS = 26
MARGIN = 120


@dataclass
class PlacedNode:
    node: Node
    x: float
    y: float
    shape: str  # circle, rect, polygon
    points: str = ""
    fill: str = ""
    stroke: str = ""
    label_y: float = 0.0
    box: tuple[float, float, float, float, float] = (0, 0, 0, 0, 0)  # rect: x, y, width, height, corner

    @property
    def radius(self) -> int:
        return SIZE

    @property
    def short_label(self) -> str:
        """The label under the shape; an address by street and number (the table has it in full)."""
        label, adres = self.node.label, self.node.address
        if self.node.kind == "adres" and adres is not None:
            label = f"{adres.openbare_ruimte} {adres.huisnummer}{adres.huisletter}"
            label += f"-{adres.toevoeging}" if adres.toevoeging else ""
        return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


@dataclass
class PlacedEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    dash: str
    title: str


@dataclass
class Drawing:
    width: int
    height: int
    nodes: list[PlacedNode]
    edges: list[PlacedEdge]


def _ring_radius(index: int, counts: list[int]) -> float:
    """Each ring is at least 170 px out from the previous one and wide enough for its labels."""
    radius = 0.0
    for i in range(index + 1):
        if i == 0:
            radius = 0.0 if counts[0] <= 1 else max(90.0, counts[0] * 120 / (2 * math.pi))
        else:
            radius = max(radius + 170, counts[i] * 150 / (2 * math.pi))
    return radius


def _mean_angle(angles: list[float]) -> float | None:
    if not angles:
        return None
    x, y = sum(math.cos(a) for a in angles), sum(math.sin(a) for a in angles)
    return math.atan2(y, x) if abs(x) + abs(y) > 1e-9 else angles[0]


def _positions(network: Network) -> dict[str, tuple[float, float]]:
    neighbours: dict[str, list[str]] = {k: [] for k in network.nodes}
    for e in network.edges:
        neighbours[e.source].append(e.target)
        neighbours[e.target].append(e.source)
    rings = [sorted((n for n in network.nodes.values() if n.kind in kinds), key=lambda n: (n.kind, n.label, n.key))
             for kinds in RINGS]
    counts = [len(r) for r in rings]
    angle: dict[str, float] = {}
    pos: dict[str, tuple[float, float]] = {}
    for index, ring in enumerate(rings):
        if not ring:
            continue
        radius = _ring_radius(index, counts)
        wanted = []
        for order, n in enumerate(ring):
            preferred = _mean_angle([angle[k] for k in neighbours[n.key] if k in angle])
            wanted.append((preferred if preferred is not None else 2 * math.pi * order / len(ring), order, n))
        wanted.sort(key=lambda w: (w[0] % (2 * math.pi), w[1]))
        start = wanted[0][0] if radius else 0.0
        step = 2 * math.pi / len(ring)
        for slot, (_, _, n) in enumerate(wanted):
            a = start + slot * step - math.pi / 2 * (index == 0 and len(ring) > 1)
            # Alternate rows on a crowded ring, so neighbouring labels do not overlap.
            r = radius + (28 if slot % 2 and len(ring) > 12 else 0)
            angle[n.key] = a
            pos[n.key] = (r * math.cos(a), r * math.sin(a))
    return pos


def _shape(kind: str, x: float, y: float) -> tuple[str, str, tuple]:
    s = SIZE
    if kind == "persoon":
        return "circle", "", ()
    if kind == "adres":
        return "polygon", f"{x},{y - s - 3} {x + s + 3},{y} {x},{y + s + 3} {x - s - 3},{y}", ()
    if kind == "voertuig":
        return "polygon", " ".join(f"{x + s * math.cos(a):.1f},{y + s * math.sin(a):.1f}"
                                   for a in (math.pi / 6 + i * math.pi / 3 for i in range(6))), ()
    if kind == "signaal":
        return "rect", "", (round(x - 1.6 * s, 1), round(y - s * 0.9, 1), 3.2 * s, 1.8 * s, 8)
    return "rect", "", (round(x - s, 1), round(y - s, 1), 2 * s, 2 * s, 0)


def layout(network: Network) -> Drawing:
    pos = _positions(network)
    if not pos:
        return Drawing(400, 120, [], [])
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    dx, dy = MARGIN - min(xs), MARGIN - min(ys)
    width, height = int(max(xs) - min(xs) + 2 * MARGIN), int(max(ys) - min(ys) + 2 * MARGIN)
    placed = {}
    for key, (x, y) in pos.items():
        n = network.nodes[key]
        x, y = round(x + dx, 1), round(y + dy, 1)
        shape, points, box = _shape(n.kind, x, y)
        fill, stroke = STYLE[n.kind]
        placed[key] = PlacedNode(n, x, y, shape, points, fill, stroke, round(y + SIZE + 18, 1), box)
    edges = [PlacedEdge(placed[e.source].x, placed[e.source].y, placed[e.target].x, placed[e.target].y,
                        ORIGIN_DASH.get(e.origin, ""),
                        f"{network.nodes[e.source].label} {e.label} {network.nodes[e.target].label}")
             for e in network.edges]
    order = {kind: i for i, kind in enumerate(STYLE)}
    return Drawing(max(width, 400), max(height, 240), sorted(placed.values(), key=lambda p: (order[p.node.kind],
                                                                                           p.node.key)), edges)
