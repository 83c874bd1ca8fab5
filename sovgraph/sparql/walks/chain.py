"""The walk of ``queries/chain.rq``: one entity's dependency chain on a day, by index lookups.

The rows are those of the query's text, read as its SPARQL semantics says (the text stays the definition;
``tests/test_walk_chain.py`` holds the two to the same rows):

1. where the chain starts (a *base*): the entity itself (depth 0), or the provider of each of its hostings
   and service uses, the service's operator when the hosting names no provider (depth 1);
2. the *members* above each base: the base itself, and each controller of a control path from it (its
   ``sov:hops`` added to the depth);
3. the *hops* leaving each member: hostings and service uses (to their provider), control links (to the
   controller, unless the link's kind conveys no control), the place of incorporation, reaches (to the
   law);

a hop being kept only while the hosting and the control path that lead to its member (the *spans*) and
the hop itself are in force on ``as_of``. Rows are the groups of the query's ``GROUP BY``: one per
combination of the hop's start date, end date and confidence, so a hop with two start dates in force gives
two rows. Each row carries the sources of the hop's sourced premises (``prov:wasDerivedFrom*``) and the
worst rank of their periods.

Where the query compares values (``?from <= ?as_of``) or adds them (the depth), a plain ``xsd:date`` or
``xsd:integer`` is handled here; any other value is handed to an empty in-memory store, so that the walk
gives exactly what SPARQL gives (an incomparable value makes the query's ``COALESCE`` true).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from sovgraph.namespaces import PREFIXES
from sovgraph.sparql.walks.reader import Reader
from sovgraph.sparql.walks.values import Term, add, at_most, sort_key, text

Row = tuple[Term | None, ...]


def _iri(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


# <urn:sovgraph:none> stands in the query for "no node" (the span of the entity itself, a hop without a
# sourced premise); the walk looks it up like any node, as the query does.
NONE = ox.NamedNode("urn:sovgraph:none")
TYPE = _iri("rdf", "type")
SUBCLASS_OF = _iri("rdfs", "subClassOf")
FALSE = ox.Literal("false", datatype=_iri("xsd", "boolean"))

HOSTED = _iri("sov", "hosted")
USER = _iri("sov", "user")
PROVIDER = _iri("sov", "provider")
SERVICE = _iri("sov", "service")
OPERATED_BY = _iri("sov", "operatedBy")
CONTROLLED = _iri("sov", "controlled")
CONTROLLER = _iri("sov", "controller")
HOPS = _iri("sov", "hops")
CONTROL_KIND = _iri("sov", "controlKind")
CONVEYS_CONTROL = _iri("sov", "conveysControl")
INCORPORATED_IN = _iri("sov", "incorporatedIn")
REACHED = _iri("sov", "reached")
LAW = _iri("sov", "law")
REACH_CRITERION = _iri("sov", "reachCriterion")
IN_FORCE_FROM = _iri("sov", "inForceFrom")
IN_FORCE_UNTIL = _iri("sov", "inForceUntil")
CONFIDENCE = _iri("sov", "confidence")
OBSERVED_ON = _iri("sov", "observedOn")
OWN_DATES = tuple(_iri("schema", p) for p in ("startDate", "endDate", "validFrom", "validThrough"))
WAS_DERIVED_FROM = _iri("prov", "wasDerivedFrom")
SOURCE = _iri("dcterms", "source")
URL = _iri("schema", "url")
CITATION = _iri("dcterms", "bibliographicCitation")

HOSTING = _iri("sov", "Hosting")
SERVICE_USE = _iri("sov", "ServiceUse")
CONTROL = _iri("sov", "Control")
CONTROL_PATH = _iri("sov", "ControlPath")
REACH = _iri("sov", "Reach")
RELATION = _iri("sov", "Relation")
DERIVED = _iri("sov", "Derived")

# The period column for the worst rank of a hop's premises (-1, no sourced relation: the query's 1 / 0).
PERIODS = {0: "known", 1: "observed", 2: "observed-only", 3: "unknown"}
SEPARATOR = " ; "


# The spans and the hops' dates.


def _passing(graph: Reader, node: Term, prop: ox.NamedNode, as_of: Term) -> list[Term | None]:
    """The values of ``prop`` that let ``node`` be in force on ``as_of`` (None standing for no value):
    for a start, ``COALESCE(?from <= ?as_of, true)``; for an end, ``COALESCE(?as_of <= ?until, true)``."""
    values = graph.objects(node, prop)
    if not values:
        return [None]  # an OPTIONAL that matches nothing
    if prop == IN_FORCE_FROM:
        return [v for v in values if at_most(v, as_of)]
    return [v for v in values if at_most(as_of, v)]


def _in_force(graph: Reader, span: Term, as_of: Term) -> bool:
    """Whether a span is in force: one of its start dates and one of its end dates let it be."""
    return bool(_passing(graph, span, IN_FORCE_FROM, as_of)) and bool(
        _passing(graph, span, IN_FORCE_UNTIL, as_of)
    )


# Bases, members and hops.


def _providers(graph: Reader, node: Term) -> Sequence[Term]:
    """A hosting's or service use's providers, else the operators of its services."""
    named = graph.objects(node, PROVIDER)
    if named:
        return named
    operators = (graph.objects(service, OPERATED_BY) for service in graph.objects(node, SERVICE))
    return list(dict.fromkeys(op for ops in operators for op in ops))


def _zero_or_one_none(graph: Reader, node: Term) -> list[Term]:
    """``?node <urn:sovgraph:none>? ?x``: the node itself, and whatever it links to by <urn:sovgraph:none>.

    (Oxigraph matches the node itself only if the graph mentions it; the walk need not ask, since a node the
    graph does not mention has no hop.)"""
    return list(dict.fromkeys([node, *graph.objects(node, NONE)]))


def _bases(graph: Reader, entity: Term) -> list[tuple[Term, int, Term]]:
    """Where the chain starts: (base, its depth, the hosting or service use leading to it)."""
    bases: list[tuple[Term, int, Term]] = [(base, 0, NONE) for base in _zero_or_one_none(graph, entity)]
    users = dict.fromkeys([*graph.subjects(HOSTED, entity), *graph.subjects(USER, entity)])
    for h in users:
        uses = graph.has(h, TYPE, SERVICE_USE)
        if uses or (graph.has(h, TYPE, HOSTING) and graph.has(h, HOSTED, entity)):
            bases.extend((provider, 1, h) for provider in _providers(graph, h))
    return bases


def _members(graph: Reader, base: Term) -> list[tuple[Term, Term, Term]]:
    """The chain above a base: (member, its depth above the base, the control path leading to it)."""
    zero = ox.Literal(0)
    members: list[tuple[Term, Term, Term]] = [(m, zero, NONE) for m in _zero_or_one_none(graph, base)]
    for path in graph.subjects(CONTROLLED, base):
        if graph.has(path, TYPE, CONTROL_PATH):
            hops = graph.objects(path, HOPS)
            members.extend((above, h, path) for above in graph.objects(path, CONTROLLER) for h in hops)
    return members


@dataclass(frozen=True)
class _Hop:
    relation: str
    order: int
    node: Term | None  # the relation node (none for "incorporated in")
    evidence: Term  # the node whose dates, confidence and premises the hop has: the node, or the member
    to: Term
    criterion: Term | None = None


def _or_unbound(values: Sequence[Term]) -> list[Term | None]:
    """The values an OPTIONAL binds: these, or one solution leaving the variable unbound."""
    return [*values] if values else [None]


def _typed(graph: Reader, nodes: Iterable[Term], cls: ox.NamedNode) -> list[Term]:
    return [n for n in nodes if graph.has(n, TYPE, cls)]


def _conveys_no_control(graph: Reader, link: Term) -> bool:
    """``?link sov:controlKind/sov:conveysControl false``."""
    return any(graph.has(kind, CONVEYS_CONTROL, FALSE) for kind in graph.objects(link, CONTROL_KIND))


def _hops(graph: Reader, member: Term) -> list[_Hop]:
    """The hops leaving a member, each with what it leads to."""
    hops: list[_Hop] = []
    hosting = graph.subjects(HOSTED, member)
    for node in _typed(graph, hosting, HOSTING):
        hops.extend(_Hop("hosted by", 0, node, node, to) for to in _providers(graph, node))
    using = dict.fromkeys([*hosting, *graph.subjects(USER, member)])
    for node in _typed(graph, using, SERVICE_USE):
        hops.extend(_Hop("uses a service of", 0, node, node, to) for to in _providers(graph, node))
    for node in _typed(graph, graph.subjects(CONTROLLED, member), CONTROL):
        if not _conveys_no_control(graph, node):
            hops.extend(_Hop("controlled by", 1, node, node, to) for to in graph.objects(node, CONTROLLER))
    for place in graph.objects(member, INCORPORATED_IN):
        hops.append(_Hop("incorporated in", 2, None, member, place))
    for node in _typed(graph, graph.subjects(REACHED, member), REACH):
        for law in graph.objects(node, LAW):
            hops.extend(
                _Hop("reached by", 3, node, node, law, criterion)
                for criterion in graph.objects(node, REACH_CRITERION)
            )
    return hops


# The sources and the period of a hop.


def _is_relation_class(graph: Reader, cls: Term) -> bool:
    """``?cls rdfs:subClassOf* sov:Relation``."""
    return RELATION in graph.closure(cls, SUBCLASS_OF, reflexive=True)


def _rank(graph: Reader, premise: Term, as_of: Term) -> int:
    """How well a premise's period is known: 0 known, 1 observed that day, 2 observed another day,
    3 unknown; -1 for a premise that is not a sourced relation."""
    is_relation = any(_is_relation_class(graph, cls) for cls in graph.objects(premise, TYPE))
    if not is_relation or graph.has(premise, TYPE, DERIVED):
        return -1
    if any(graph.objects(premise, p) for p in OWN_DATES):
        return 0
    observed = graph.objects(premise, OBSERVED_ON)
    if not observed:
        return 3
    day = as_of.value if isinstance(as_of, ox.Literal) else str(text(as_of))
    # STR() of a blank node is an error, which the query's FILTER drops.
    if any(not day.startswith(seen) for seen in map(text, observed) if seen is not None):
        return 2
    return 1


def _first_text(*terms: Term | None) -> str | None:
    """``COALESCE(STR(a), STR(b), ...)``: None where every one is unbound or an error."""
    texts = (text(t) for t in terms if t is not None)
    return next((t for t in texts if t is not None), None)


def _source_texts(graph: Reader, premise: Term) -> list[str | None]:
    """``COALESCE(STR(?url), STR(?citation), STR(?src))`` for each source of the premise (and each of its
    URLs and citations); None where every one is an error, or for a premise with no source."""
    texts: list[str | None] = []
    for src in _or_unbound(graph.objects(premise, SOURCE)):
        cited = NONE if src is None else src
        for url in _or_unbound(graph.objects(cited, URL)):
            if _first_text(url) is not None:  # then every citation gives the URL: no need to read them
                texts.append(_first_text(url))
                continue
            texts.extend(
                _first_text(citation, src) for citation in _or_unbound(graph.objects(cited, CITATION))
            )
    return texts


@dataclass(frozen=True)
class _Premise:
    texts: list[str | None]  # its sources
    rank: int


@dataclass(frozen=True)
class _Basis:
    sources: Term | None  # the GROUP_CONCAT cell
    period: Term | None


def _basis(graph: Reader, evidence: Term, as_of: Term, known: dict[Term, _Premise]) -> _Basis:
    """The sources and the period of a hop, from its premises that name a source (or none); ``known``
    remembers the premises already read."""
    premises = []
    below = graph.closure(evidence, WAS_DERIVED_FROM, reflexive=True)
    for node in [p for p in below if graph.objects(p, SOURCE)] or [NONE]:
        if node not in known:
            known[node] = _Premise(_source_texts(graph, node), _rank(graph, node, as_of))
        premises.append(known[node])
    texts = [t for p in premises for t in p.texts]
    # Oxigraph's GROUP_CONCAT is unbound when one of its values is.
    sources = None
    if all(t is not None for t in texts):
        sources = ox.Literal(SEPARATOR.join(dict.fromkeys(t for t in texts if t is not None)))
    period = PERIODS.get(max(p.rank for p in premises))
    return _Basis(sources, None if period is None else ox.Literal(period))


# The rows.


Group = tuple[Term | None, ...]


def _groups(graph: Reader, depth: Term | None, member: Term, hop: _Hop, as_of: Term) -> list[Group]:
    """The hop's groups (the query's first nine columns): one per start date, end date and confidence
    that let it be in force."""
    head = (depth, member, ox.Literal(hop.relation), hop.to, hop.criterion, hop.node)
    return [
        (*head, start, end, confidence)
        for start in _passing(graph, hop.evidence, IN_FORCE_FROM, as_of)
        for end in _passing(graph, hop.evidence, IN_FORCE_UNTIL, as_of)
        for confidence in _or_unbound(graph.objects(hop.evidence, CONFIDENCE))
    ]


def walk(store: ox.Store, params: Mapping[str, Term]) -> list[Row]:
    """The rows of ``queries/chain.rq`` for ``params["entity"]`` on ``params["as_of"]``."""
    entity, as_of = params["entity"], params["as_of"]
    graph = Reader(store)
    hops: dict[Term, list[_Hop]] = {}  # a member may be reached by several paths
    groups: dict[Group, _Hop] = {}  # every path to a group gives the same row: it counts once
    for base, base_depth, span1 in _bases(graph, entity):
        if not _in_force(graph, span1, as_of):
            continue
        for member, above_depth, span2 in _members(graph, base):
            if not _in_force(graph, span2, as_of):
                continue
            depth = add(ox.Literal(base_depth), above_depth)
            if member not in hops:
                hops[member] = _hops(graph, member)
            for hop in hops[member]:
                groups.update(dict.fromkeys(_groups(graph, depth, member, hop, as_of), hop))
    bases: dict[Term, _Basis] = {}
    premises: dict[Term, _Premise] = {}
    rows: list[tuple[tuple[object, ...], Row]] = []
    for group, hop in groups.items():
        if hop.evidence not in bases:
            bases[hop.evidence] = _basis(graph, hop.evidence, as_of, premises)
        basis = bases[hop.evidence]
        # ORDER BY ?depth ?order ?from ?to, then the other grouped variables (no two rows tie)
        order_by = (
            sort_key(group[0]),
            hop.order,
            sort_key(group[1]),
            sort_key(hop.to),
            *(sort_key(group[i]) for i in (2, 4, 5, 6, 7, 8)),
        )
        rows.append((order_by, (*group, basis.sources, basis.period)))
    rows.sort(key=lambda row: row[0])
    return [row for _, row in rows]
