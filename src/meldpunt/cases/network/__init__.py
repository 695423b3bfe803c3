"""The casus network (ADR 0016): one graph (graph.py), its SVG layout (layout.py), the FtM and
GEXF exports (export.py) and the pages (views.py)."""
