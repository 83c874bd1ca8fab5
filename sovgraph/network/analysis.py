"""Analyses of the dependency network: chains to the laws, centrality of the actors, concentration of hosting.

Chains and centrality work on a projection (see :mod:`sovgraph.network.projection`, normally the
``dependencies`` view); they follow only curated edges (a derived edge such as an exposure summarises a chain,
it is not a hop of one). Concentration counts the rows of the library query ``who-hosts-what``.

>>> import sovgraph
>>> from sovgraph.network.projection import project_view
>>> graph = project_view(sovgraph.load(), "dependencies", as_of="2024-06-01")
>>> found = chains(graph, "emc2")
>>> any(c.text(graph) == "EMC2 → Microsoft Azure → Microsoft Ireland → Microsoft Corporation "
...     "→ CLOUD Act (incorporation, service-provider status)" for c in found)
True
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sovgraph.errors import QueryError

if TYPE_CHECKING:
    import networkx as nx

    from sovgraph.graph import KnowledgeGraph

__all__ = [
    "ACTORS",
    "HOSTED",
    "LAWS",
    "Chain",
    "Concentration",
    "Hop",
    "Rank",
    "Share",
    "centrality",
    "chains",
    "chains_through",
    "concentration",
    "dependency_graph",
    "describe",
    "has_class",
    "node_of",
]

HOSTED = ("sov:Platform", "sov:DataAsset")
"""Classes of what is hosted: where dependency chains start."""
LAWS = ("sov:Law",)
"""Classes where a chain to the laws ends."""
ACTORS = ("sov:Agent", "sov:CloudService")
"""Classes ranked by :func:`centrality`: people, organisations, and the services they run."""
MAX_HOPS = 8
BY = {"provider": "provider", "parent": "ultimate_parent", "jurisdiction": "parent_jurisdiction"}


@dataclass(frozen=True)
class Hop:
    """One step of a chain, and the parallel edges that make it (their attributes, with their ``key``)."""

    source: str
    target: str
    edges: tuple[dict[str, Any], ...]

    def qualifiers(self) -> list[str]:
        """The edges' qualifiers (e.g. reach criteria), without repeats."""
        return list(dict.fromkeys(str(e["qualifier"]) for e in self.edges if e.get("qualifier")))

    def sources(self) -> list[str]:
        """The sources of every edge of the hop, without repeats."""
        return list(dict.fromkeys(s for e in self.edges for s in e.get("sources") or ()))


@dataclass(frozen=True)
class Chain:
    """A dependency path: the nodes from the entity to where it ends, and its hops."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]

    def text(self, graph: nx.MultiDiGraph) -> str:
        """``A → B → C (qualifiers of the last hop)`` with the nodes' labels."""
        names = " → ".join(_label(graph, node) for node in self.nodes)
        last = self.hops[-1].qualifiers() if self.hops else []
        return f"{names} ({', '.join(last)})" if last else names


@dataclass(frozen=True)
class Rank:
    """An actor, the hosted platforms and data that depend on it, and its betweenness centrality."""

    node: str
    label: str
    cls_label: str
    dependants: tuple[str, ...]
    betweenness: float


@dataclass(frozen=True)
class Share:
    """One provider, parent or jurisdiction, and the hosted platforms and data that rest on it."""

    key: str | None
    label: str
    hosted: tuple[str, ...]
    share: float


@dataclass(frozen=True)
class Concentration:
    """Shares of the hosted platforms and data, by provider, ultimate parent or its jurisdiction."""

    by: str
    as_of: str
    total: int
    shares: tuple[Share, ...]


def node_of(graph: nx.MultiDiGraph, entity: str) -> str:
    """The node of ``entity`` (an IRI, ``sg:slug`` or bare slug), or a :class:`QueryError` naming it."""
    from sovgraph.sparql.params import parse_iri

    iri = parse_iri(entity, "entity")
    if iri not in graph:
        views, as_of = graph.graph.get("views", "?"), graph.graph.get("as_of", "?")
        raise QueryError(
            f"{entity}: this entity has no edge in the view(s) {views} as of {as_of}; check the identifier "
            "(e.g. sg:emc2), the day, or the view."
        )
    return iri


def dependency_graph(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """The curated (non-derived) edges of a projection, parallel edges merged: what chains follow."""
    import networkx as nx

    simple = nx.DiGraph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((u, v) for u, v, derived in graph.edges(data="derived") if not derived)
    return simple


def chains(
    graph: nx.MultiDiGraph, entity: str, *, ends: Sequence[str] = LAWS, max_hops: int = MAX_HOPS
) -> list[Chain]:
    """Every simple dependency path from ``entity`` to a node of an ``ends`` class, shortest first."""
    start = node_of(graph, entity)
    ends_found = {n for n in graph if has_class(graph, n, ends)}
    found = [_chain(graph, path) for path in _paths(dependency_graph(graph), start, ends_found, max_hops)]
    return sorted(found, key=lambda c: (len(c.nodes), [_label(graph, n) for n in c.nodes], c.nodes))


def chains_through(
    graph: nx.MultiDiGraph,
    entity: str,
    *,
    ends: Sequence[str] = LAWS,
    starts: Sequence[str] = HOSTED,
    max_hops: int = MAX_HOPS,
) -> list[Chain]:
    """The chains ``entity`` is on: its own, and those of hosted platforms and data that pass through it."""
    import networkx as nx

    node = node_of(graph, entity)
    simple = dependency_graph(graph)
    ends_found = {n for n in graph if has_class(graph, n, ends)}
    paths = set(_paths(simple, node, ends_found, max_hops))
    if node in ends_found:
        paths.add((node,))
    # A chain through the node starts where the node can be reached from: the dependency graph and the ends
    # are found once, not again for each of the graph's platforms (a hub's page was quadratic).
    for start in nx.ancestors(simple, node):
        if has_class(graph, start, starts):
            paths.update(path for path in _paths(simple, start, ends_found, max_hops) if node in path)
    return sorted((_chain(graph, path) for path in paths), key=lambda c: (len(c.nodes), c.nodes))


def centrality(
    graph: nx.MultiDiGraph, *, starts: Sequence[str] = HOSTED, actors: Sequence[str] = ACTORS
) -> list[Rank]:
    """Rank the actors by how many hosted platforms and data depend on them, then by betweenness.

    An actor (a node of one of the ``actors`` classes) is depended on by a platform or data asset when it can
    be reached from it along curated edges (hosting, operator, control...). Betweenness is networkx's
    normalised betweenness centrality over the same directed edges: the share of shortest dependency paths
    between other nodes that pass through the actor. Actors nothing depends on are left out.
    """
    import networkx as nx

    simple = dependency_graph(graph)
    dependants: dict[str, set[str]] = defaultdict(set)
    for start in (n for n in graph if has_class(graph, n, starts)):
        for node in nx.descendants(simple, start):
            if has_class(graph, node, actors):
                dependants[node].add(start)
    between = nx.betweenness_centrality(simple, normalized=True)
    ranks = [
        Rank(
            node=node,
            label=_label(graph, node),
            cls_label=str(graph.nodes[node].get("cls_label") or ""),
            dependants=tuple(sorted(found, key=lambda n: _label(graph, n))),
            betweenness=round(float(between.get(node, 0.0)), 6),
        )
        for node, found in dependants.items()
    ]
    return sorted(ranks, key=lambda r: (-len(r.dependants), -r.betweenness, r.label, r.node))


def concentration(
    kg: KnowledgeGraph, by: str = "provider", *, as_of: object = None, lang: str = "en"
) -> Concentration:
    """The share of hosted platforms and data per provider, ultimate parent (``parent``) or its jurisdiction.

    Counts the hostings in force on ``as_of`` (default today) through the library query ``who-hosts-what``;
    a platform hosted by two providers counts for both, so shares may add up to more than 1. A platform
    whose parent's jurisdiction is unknown counts under ``None``.
    """
    from sovgraph.sparql.params import day

    if by not in BY:
        raise QueryError(f"concentration by {by!r}: choose one of {', '.join(BY)}.")
    when = day(as_of)
    result = kg.run("who-hosts-what", lang=lang, as_of=when)
    column = BY[by]
    hosted: dict[str, str] = {}
    groups: dict[str | None, set[str]] = defaultdict(set)
    names: dict[str | None, str] = {None: "(unknown)" if lang == "en" else "(inconnu)"}
    for row in result.rows:
        platform, key = row["platform"], row[column]
        if platform is None:
            continue
        hosted[platform.value] = platform.text()
        groups[None if key is None else key.value].add(platform.value)
        if key is not None:
            names[key.value] = key.text()
    total = len(hosted)
    shares = [
        Share(key, names[key], tuple(sorted(hosted[p] for p in members)), len(members) / total)
        for key, members in groups.items()
    ]
    shares.sort(key=lambda s: (-s.share, s.label))
    return Concentration(by, when, total, tuple(shares))


# --- helpers ----------------------------------------------------------------------------------------------


def has_class(graph: nx.MultiDiGraph, node: str, classes: Iterable[str]) -> bool:
    """Whether the node is of one of the classes (short names, superclasses included: see ``classes``)."""
    return bool(set(graph.nodes[node].get("classes") or ()) & set(classes))


def _paths(simple: nx.DiGraph, start: str, ends: set[str], max_hops: int) -> Iterator[tuple[str, ...]]:
    """Every simple path of at most ``max_hops`` edges from ``start`` to one of ``ends`` (not ``start``)."""
    import networkx as nx

    targets = ends - {start}
    if not targets:
        return
    for path in nx.all_simple_paths(simple, start, targets, cutoff=max_hops):
        if path[-1] in targets:
            yield tuple(path)


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    return str(graph.nodes[node].get("label") or node)


def _chain(graph: nx.MultiDiGraph, nodes: tuple[str, ...]) -> Chain:
    """The hops of a path; a hop keeps the edges of the previous hop's relation node when it has any."""
    hops: list[Hop] = []
    for source, target in itertools.pairwise(nodes):
        edges = [dict(a, key=k) for k, a in graph[source][target].items() if not a.get("derived")]
        before = {e.get("relation") for e in hops[-1].edges} - {None} if hops else set()
        same = [e for e in edges if e.get("relation") in before]
        hops.append(Hop(source, target, tuple(same or edges)))
    return Chain(nodes, tuple(hops))


def describe(graph: nx.MultiDiGraph, chain: Chain) -> list[str]:
    """Lines telling each hop of a chain: what it is, when it holds, and its sources."""
    lines = [chain.text(graph)]
    for hop in chain.hops:
        kinds = ", ".join(dict.fromkeys(str(e.get("label") or e.get("kind")) for e in hop.edges))
        qualifiers = hop.qualifiers()
        spans = sorted({_span(e) for e in hop.edges} - {""})
        lines.append(
            f"  {_label(graph, hop.source)} → {_label(graph, hop.target)}: {kinds}"
            + (f" ({', '.join(qualifiers)})" if qualifiers else "")
            + (f" [{'; '.join(spans)}]" if spans else "")
        )
        lines += [f"      {source}" for source in hop.sources()]
    return lines


def _span(edge: Mapping[str, Any]) -> str:
    start, end = edge.get("start"), edge.get("end")
    return "" if not start and not end else f"{start or '…'} → {end or '…'}"
