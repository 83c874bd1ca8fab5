"""Keep large views usable: above a node budget, group nodes by class and say so on the page.

A browser cannot draw tens of thousands of nodes. :func:`aggregate` returns the page graph unchanged when it
fits the budget; otherwise every node that is neither the focus nor on a highlighted chain is folded into
one group node per class ("Company (12,345)"), edges between groups are merged with their count, and the
graph's ``note`` says what was aggregated, so the reader knows the page is a summary.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

DEFAULT_BUDGET = 2000
GROUP = "urn:sovgraph:group:"


def aggregate(graph: nx.MultiDiGraph, budget: int = DEFAULT_BUDGET) -> nx.MultiDiGraph:
    """``graph`` itself if it has at most ``budget`` nodes, else a copy grouped by class (see above)."""
    import networkx as nx

    total = graph.number_of_nodes()
    if total <= budget:
        return graph
    kept = {n for n, a in graph.nodes(data=True) if a.get("focus") or a.get("highlight")}
    group_of: dict[str, str] = {}
    members: defaultdict[str, list[str]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        if node in kept:
            continue
        cls = str(attrs.get("cls") or "?")
        group_of[node] = GROUP + cls
        members[GROUP + cls].append(node)
    out = nx.MultiDiGraph(**graph.graph)
    for node in kept:
        out.add_node(node, **graph.nodes[node])
    for group, nodes in members.items():
        sample = graph.nodes[nodes[0]]
        label = f"{sample.get('cls_label') or sample.get('cls') or '?'} ({len(nodes):,})"
        names = sorted(str(graph.nodes[n].get("label") or n) for n in nodes)
        details = [
            ("members", "; ".join(names[:20]) + (f"; … {len(names) - 20:,} more" if len(names) > 20 else ""))
        ]
        out.add_node(
            group, label=label, cls=sample.get("cls"), cls_label=sample.get("cls_label"), details=details
        )
    counts: Counter[tuple[str, str, str]] = Counter()
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        a, b = group_of.get(u, u), group_of.get(v, v)
        if a == u and b == v:  # both kept: the edge stays as it is
            out.add_edge(u, v, key=key, **attrs)
        elif a != b:
            counts[(a, b, str(attrs.get("label") or attrs.get("kind") or ""))] += 1
    for (a, b, label), n in sorted(counts.items()):
        out.add_edge(a, b, key=f"{label} x{n}", label=f"{label} (x{n:,})", kind="aggregated")
    note = (
        f"Aggregated by class: {total:,} nodes are over the budget of {budget:,}, so {total - len(kept):,} "
        f"nodes are shown as {len(members):,} groups (hover a group for its members); the focus and its "
        f"chains are kept as they are."
    )
    out.graph["note"] = f"{graph.graph['note']} {note}" if graph.graph.get("note") else note
    return out


def group_sizes(graph: nx.MultiDiGraph) -> dict[str, int]:
    """How many members each group node of an aggregated graph stands for (read from its label)."""
    sizes: dict[str, int] = {}
    for node, attrs in graph.nodes(data=True):
        if str(node).startswith(GROUP):
            label: Any = attrs.get("label", "")
            sizes[str(node)] = int(str(label).rsplit("(", 1)[-1].rstrip(")").replace(",", ""))
    return sizes
