"""The networks of the site, from the view pipeline: projection (``queries/views/``), then focus.

- Each entity page gets a small network: the entity's focus view at one hop, as JSON that
  ``static/network.js`` draws with the vis-network library the pipeline ships (copied once into
  ``static/``, never fetched). Labels and tooltips are strings that vis-network shows as text.
- Each view gets a full page from :func:`sovgraph.network.render.html` (its legend, search, class filters,
  escaping and policy), to which the site adds ``static/view-links.js``: a click on a node opens its
  page, and edge labels show on hover or zoom instead of all at once. The page's policy gains ``'self'``
  for that one script; the node-to-page table is an inert JSON block.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.errors import OutputError
from sovgraph.network.render import HIGHLIGHT_COLOUR, PALETTE
from sovgraph.publish.addresses import page_of, relative

if TYPE_CHECKING:
    import networkx as nx

    from sovgraph.graph import KnowledgeGraph

_SPARE = ("#8dd3c7", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#bc80bd")
_CSP = re.compile(r"(<meta http-equiv=\"Content-Security-Policy\" content=\"[^\"]*?script-src )")

__all__ = ["HIGHLIGHT_COLOUR", "around", "entity_network", "projections", "view_page", "vis_assets"]


def projections(kg: KnowledgeGraph, as_of: str, langs: tuple[str, ...]) -> dict[str, nx.MultiDiGraph]:
    """The union of every view, as of the day, once per language."""
    from sovgraph.network.projection import project_view

    return {lang: project_view(kg, None, as_of=as_of, lang=lang) for lang in langs}


def style(cls: str) -> tuple[str, str]:
    """Colour and shape of a class (the render palette; a stable spare colour for a class it lacks)."""
    if cls in PALETTE:
        return PALETTE[cls]
    return _SPARE[sum(cls.encode("utf-8")) % len(_SPARE)], "dot"


def entity_network(
    graph: nx.MultiDiGraph, iri: str, origin: str, pages: set[str], lang: str
) -> dict[str, Any] | None:
    """The one-hop network around ``iri`` as the JSON the entity page draws; ``None`` if it has no edge."""
    from sovgraph.network.focus import focus_view

    if iri not in graph or graph.degree(iri) == 0:
        return None
    view = focus_view(around(graph, iri), iri, depth=1)
    nodes = []
    for node, attrs in view.nodes(data=True):
        colour, shape = style(str(attrs.get("cls") or ""))
        lines = [str(attrs.get("name") or attrs.get("label") or node), str(attrs.get("cls_label") or "")]
        lines += [f"{k}: {v}" for k, v in attrs.get("details") or ()]
        nodes.append(
            {
                "id": node,
                "label": str(attrs.get("label") or node),
                "tip": "\n".join(line for line in lines if line),
                "colour": colour,
                "shape": shape,
                "focus": bool(attrs.get("focus")),
                "highlight": bool(attrs.get("highlight")),
                "url": relative(origin, page_of(node, lang)) if node in pages else None,
            }
        )
    edges = []
    for source, target, attrs in view.edges(data=True):
        lines = [str(attrs.get("label") or attrs.get("kind") or "")]
        if attrs.get("start") or attrs.get("end"):
            lines.append(f"{attrs.get('start') or '…'} → {attrs.get('end') or '…'}")
        lines += [f"{k}: {v}" for k, v in attrs.get("details") or ()]
        sources = [str(s) for s in attrs.get("sources") or ()]
        if sources:
            lines.append("Sources:")
            lines += [f"• {s}" for s in sources]
        edges.append(
            {
                "from": source,
                "to": target,
                "label": str(attrs.get("label") or attrs.get("kind") or ""),
                "tip": "\n".join(lines),
                "highlight": bool(attrs.get("highlight")),
            }
        )
    return {"focus": iri, "nodes": nodes, "edges": edges}


def around(graph: nx.MultiDiGraph, iri: str) -> nx.MultiDiGraph:
    """The part of ``graph`` that the focus view of ``iri`` can show: the same view, found much faster.

    That view keeps the nodes one hop away and every dependency chain through ``iri`` (a simple path of at
    most ``MAX_HOPS`` edges from a hosted platform or data asset, or from ``iri``, to a law or jurisdiction).
    Each node of such a chain is before ``iri`` on it, so at most ``MAX_HOPS`` edges upstream, or after it, at
    most ``MAX_HOPS`` edges downstream. The part holding those nodes (following edges of any kind) has every
    such chain, and every chain it has is one of the whole graph's; so the focus view of ``iri`` in it is the
    one in the whole graph, without looking for chains among all the graph's platforms for each page.
    """
    from sovgraph.network.analysis import MAX_HOPS

    keep = {iri, *graph.successors(iri), *graph.predecessors(iri)}
    for step in (graph.successors, graph.predecessors):
        seen, frontier = {iri}, {iri}
        for _ in range(MAX_HOPS):
            frontier = {n for node in frontier for n in step(node)} - seen
            if not frontier:
                break
            seen |= frontier
        keep |= seen
    return graph.subgraph(keep).copy()


def view_page(kg: KnowledgeGraph, view: str, as_of: str, lang: str, origin: str, pages: set[str]) -> str:
    """The full page of one view, from the render pipeline, with the site's links and edge labels."""
    import json

    from sovgraph.network.focus import focus_view
    from sovgraph.network.projection import project_view
    from sovgraph.network.render import html

    graph = focus_view(project_view(kg, view, as_of=as_of, lang=lang))
    page = html(graph)
    links = {node: relative(origin, page_of(node, lang)) for node in graph.nodes if node in pages}
    data = json.dumps(links, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    data = data.replace("&", "\\u0026")
    script = relative(origin, "static/view-links.js")
    added = (
        f'<script type="application/json" id="sg-links">{data}</script>\n'
        f'<script src="{script}"></script>\n</body>'
    )
    page, found = _CSP.subn(lambda m: m.group(1) + "'self' ", page, count=2)
    if found != 1 or page.count("</body>") != 1:
        raise OutputError(
            "network view page: its Content-Security-Policy or its body was not found once; "
            "sovgraph.network.render has changed and sovgraph.publish.networks must follow it."
        )
    return page.replace("</body>", added)


def vis_assets() -> dict[str, bytes]:
    """vis-network's script and style sheet, from the pyvis package the view pipeline renders with."""
    import pyvis

    folder = Path(pyvis.__file__).parent / "lib"
    found = sorted(folder.glob("vis-*/vis-network.min.js"), key=lambda p: _version(p.parent.name))
    if not found:
        raise OutputError(f"pyvis ships no vis-network under {folder}; cannot draw the site's networks.")
    newest = found[-1].parent
    return {
        "vis-network.min.js": (newest / "vis-network.min.js").read_bytes(),
        "vis-network.min.css": (newest / "vis-network.css").read_bytes(),
    }


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))
