"""The network view of a casus (issue 5): an SVG drawing with a table alternative, and the FtM
and GEXF exports. Same access as the casus page (lead and team); reads are logged per subject."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from meldpunt.web.access import page

from . import export as network_export
from . import graph as network
from . import layout as network_layout


@page("casussen")
@require_safe
def netwerk(request, reference):
    graph = network.network_for(request.user, reference, "netwerk_inzien")
    nodes = sorted(graph.nodes.values(), key=lambda n: (list(network.KIND_LABELS).index(n.kind), n.label, n.key))
    return render(request, "cases/netwerk.html", {
        "casus": graph.casus, "network": graph, "drawing": network_layout.layout(graph),
        "rows": [(n, graph.neighbours(n.key)) for n in nodes],
        "edge_rows": [(graph.nodes[e.source], e, graph.nodes[e.target]) for e in graph.edges],
    })


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@page("casussen")
@require_safe
def netwerk_ftm(request, reference):
    graph = network.network_for(request.user, reference, "netwerk_exporteren_ftm")
    return _download(network_export.ftm_lines(graph), "application/x-ndjson; charset=utf-8",
                     f"netwerk-{graph.casus.reference}.ftm.json")


@page("casussen")
@require_safe
def netwerk_gexf(request, reference):
    graph = network.network_for(request.user, reference, "netwerk_exporteren_gexf")
    return _download(network_export.gexf(graph), "application/xml; charset=utf-8",
                     f"netwerk-{graph.casus.reference}.gexf")
