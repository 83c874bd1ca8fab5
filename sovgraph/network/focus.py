"""The focused view: a projection cut around an entity, its dependency chains marked, ready to render.

:func:`focus_view` turns a projection (see :mod:`sovgraph.network.projection`) into the graph that
:func:`sovgraph.network.render.write_html` draws. It keeps:

- the nodes within ``depth`` hops of the focus, in either direction (laws and jurisdictions are kept but
  not expanded: everything is incorporated in or reached by them);
- every node of the dependency chains the focus is on (to the laws and jurisdictions, over the edges of the
  ``dependencies`` view), whatever their distance;
- the edges between the nodes kept, except derived edges (exposures) that do not touch the focus.

It marks the focus (``focus``) and those chains (``highlight``), puts the qualifier in each edge's label,
and adds the tooltip details: full names in both languages; confidence, relation node and the other
columns of each edge.

>>> import sovgraph
>>> from sovgraph.network.projection import project_view
>>> page = focus_view(project_view(sovgraph.load(), as_of="2024-06-01"), "emc2", depth=1)
>>> page.nodes["https://w3id.org/sovgraph/id/microsoft-corporation"]["highlight"]
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sovgraph.network.analysis import LAWS, chains_through, has_class, node_of
from sovgraph.network.projection import COLUMNS

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["CHAIN_ENDS", "CHAIN_VIEW", "focus_view"]

CHAIN_VIEW = "dependencies"
"""The view whose edges make the dependency chains that are highlighted."""
CHAIN_ENDS = (*LAWS, "sov:Jurisdiction")
"""Where highlighted chains end: the laws, and the jurisdictions of the members of the chain."""

_TITLE = {"en": "{focus} — {views}, as of {as_of}", "fr": "{focus} — {views}, au {as_of}"}
_NOTE = {
    "en": "{nodes} nodes within {depth} hop(s) of {focus}; {chains} dependency chain(s) highlighted.",
    "fr": "{nodes} nœuds à {depth} lien(s) au plus de {focus} ; "
    "{chains} chaîne(s) de dépendance en évidence.",
}
_WHOLE = {"en": "{views}, as of {as_of}", "fr": "{views}, au {as_of}"}
_KEYS = {
    "en": {
        "name": "name",
        "other": "in French",
        "confidence": "confidence",
        "relation": "relation",
        "view": "view",
    },
    "fr": {
        "name": "nom",
        "other": "en anglais",
        "confidence": "confiance",
        "relation": "relation",
        "view": "vue",
    },
}


def focus_view(
    graph: nx.MultiDiGraph,
    focus: str | None = None,
    *,
    depth: int = 2,
    chain_view: str = CHAIN_VIEW,
    ends: Sequence[str] = CHAIN_ENDS,
) -> nx.MultiDiGraph:
    """A copy of ``graph`` cut around ``focus`` (all of it without one), with the render attributes set."""
    lang = "fr" if graph.graph.get("lang") == "fr" else "en"
    keep = set(graph.nodes)
    highlighted_nodes: set[str] = set()
    highlighted_edges: set[tuple[str, str, str]] = set()
    count = 0
    node = None
    if focus is not None:
        node = node_of(graph, focus)
        keep = _within(graph, node, max(depth, 0), ends)
        for chain in _chains(graph, node, chain_view, ends):
            count += 1
            highlighted_nodes.update(chain.nodes)
            highlighted_edges.update((h.source, h.target, e["key"]) for h in chain.hops for e in h.edges)
        keep |= highlighted_nodes
    page = graph.subgraph(keep).copy()
    if node is not None:  # derived edges (exposures) restate chains: keep only the focus's own
        page.remove_edges_from(
            [
                (u, v, k)
                for u, v, k, derived in page.edges(keys=True, data="derived")
                if derived and node not in (u, v)
            ]
        )
    for iri, attrs in page.nodes(data=True):
        attrs["details"] = _node_details(attrs, lang)
        attrs["highlight"] = iri in highlighted_nodes
        attrs["focus"] = iri == node
    for source, target, key, attrs in page.edges(keys=True, data=True):
        attrs["highlight"] = (source, target, key) in highlighted_edges
        if attrs.get("qualifier"):
            attrs["label"] = f"{attrs.get('label') or attrs.get('kind')} ({attrs['qualifier']})"
        attrs["details"] = _edge_details(attrs, lang)
    facts = {"views": graph.graph.get("views", ""), "as_of": graph.graph.get("as_of", "")}
    if node is None:
        page.graph.update(title=_WHOLE[lang].format(**facts), note="", lang=lang)
    else:
        name = str(graph.nodes[node].get("label") or node)
        note = _NOTE[lang].format(nodes=page.number_of_nodes(), depth=depth, focus=name, chains=count)
        page.graph.update(title=_TITLE[lang].format(focus=name, **facts), note=note, lang=lang)
    return page


def _within(graph: nx.MultiDiGraph, node: str, depth: int, stops: Sequence[str]) -> set[str]:
    """The nodes at most ``depth`` edges away from ``node``, whichever way the edges point.

    Nodes of the ``stops`` classes (laws, jurisdictions: hubs that everything is incorporated in or reached
    by) are kept but not expanded, unless they are the focus.
    """
    seen, frontier = {node}, [node]
    for _ in range(depth):
        reached = []
        for current in frontier:
            if current != node and has_class(graph, current, stops):
                continue
            for other in (*graph.successors(current), *graph.predecessors(current)):
                if other not in seen:
                    seen.add(other)
                    reached.append(other)
        frontier = reached
    return seen


def _chains(graph: nx.MultiDiGraph, node: str, view: str, ends: Sequence[str]) -> list[Any]:
    """The chains ``node`` is on, over the edges of ``view`` only (none if the node has no such edge)."""
    edges = [(u, v, k) for u, v, k, name in graph.edges(keys=True, data="view") if name == view]
    sub = graph.edge_subgraph(edges)
    if node not in sub:
        return []
    return chains_through(sub, node, ends=ends)


def _node_details(attrs: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    keys = _KEYS[lang]
    details = []
    if attrs.get("name") and attrs.get("name") != attrs.get("label"):
        details.append((keys["name"], str(attrs["name"])))
    other = attrs.get("label_fr" if lang == "en" else "label_en")
    if other and other != attrs.get("name"):
        details.append((keys["other"], str(other)))
    return details


def _edge_details(attrs: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    keys = _KEYS[lang]
    details = []
    if attrs.get("confidence"):
        details.append((keys["confidence"], str(attrs["confidence"])))
    internal = {*COLUMNS, "label", "sources", "derived", "view", "details", "highlight"}
    details += [(name, str(value)) for name, value in sorted(attrs.items()) if name not in internal and value]
    if attrs.get("relation"):
        details.append((keys["relation"], str(attrs["relation"])))
    details.append((keys["view"], str(attrs.get("view"))))
    return details
