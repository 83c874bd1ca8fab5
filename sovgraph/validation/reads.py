"""What a validation constraint reads: the triples that can change its findings.

A constraint's findings depend only on the triples its patterns can match. A SHACL-SPARQL constraint (or a
SPARQL target) is read from its algebra (rdflib's SPARQL parser): a triple pattern whose predicate is an IRI
matches only triples with that predicate; an ``rdf:type`` pattern whose class is an IRI matches only type
triples of that class. A variable predicate, a property path, or a construct not foreseen reads anything.

A query is also *local* when every one of its triple patterns is joined to ``$this`` through variables of
triple patterns, with no subquery, aggregate, ``VALUES``, ``GRAPH``, ``SERVICE``, ``LIMIT`` or ``OFFSET``: a
change can then alter the findings of a focus node only if a changed triple is reachable from it through the
query's patterns (see :func:`reaching`). Anything unsure is reported as not local, and its constraint is
evaluated again whole. A query is *bound* when ``$this`` is bound in every one of its solutions (a SPARQL
target: restricting it to some focus nodes by a ``VALUES`` block then selects exactly those of its nodes).

A core constraint (the queries :mod:`sovgraph.validation.shacl` writes) reads the IRIs its constants name, as
predicates and as classes (:func:`constants_reads`); the subclass lists it holds are read from
``rdfs:subClassOf``, whose every change is taken to change every constraint.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_GLOBAL = frozenset(
    {"ToMultiSet", "Group", "AggregateJoin", "Graph", "ServiceGraphPattern", "values", "Slice"}
)
# Operators through which a variable bound in every solution of their (first) operand stays bound.
_KEEP = frozenset({"SelectQuery", "Project", "Distinct", "Reduced", "OrderBy", "Filter", "Extend"})

Pattern = tuple[str, str, str]
"""A triple pattern: each position a variable (``?name``) or a term in N-Triples (``<iri>``, a literal)."""


@dataclass(frozen=True)
class Reads:
    """The triples a constraint can match: by predicate, by class for ``rdf:type``, or any
    (``anything``); ``any_type``: type triples of any class; ``patterns`` (when ``local``) its triple
    patterns, all joined to ``$this``; ``bound``: ``$this`` is bound in every solution."""

    predicates: frozenset[str]
    classes: frozenset[str]
    anything: bool = False
    any_type: bool = False
    local: bool = False
    patterns: tuple[Pattern, ...] = ()
    bound: bool = False

    def to_data(self) -> dict[str, Any]:
        """The read-set as JSON data (see :meth:`from_data`)."""
        return {
            "predicates": sorted(self.predicates),
            "classes": sorted(self.classes),
            "anything": self.anything,
            "any_type": self.any_type,
            "local": self.local,
            "patterns": [list(p) for p in self.patterns],
            "bound": self.bound,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Reads:
        """The read-set :meth:`to_data` gave (a malformed one raises ``ValueError``).

        >>> r = query_reads("SELECT $this WHERE { $this ex:p ?v }", {"ex": "http://ex/"})
        >>> Reads.from_data(r.to_data()) == r
        True
        """
        try:
            patterns = tuple((str(s), str(p), str(o)) for s, p, o in data["patterns"])
            found = cls(
                frozenset(str(p) for p in data["predicates"]),
                frozenset(str(c) for c in data["classes"]),
                data["anything"],
                data["any_type"],
                data["local"],
                patterns,
                data["bound"],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"a malformed read-set ({exc})") from None
        if not all(isinstance(v, bool) for v in (found.anything, found.any_type, found.local, found.bound)):
            raise ValueError("a malformed read-set (a flag that is not a boolean)")
        return found

    def touches(self, predicate: str, obj: str) -> bool:
        """Whether a triple with ``predicate`` (an IRI) and ``obj`` (its object, an IRI or another term's
        text) can be matched by the constraint."""
        if self.anything or predicate == SUBCLASS:
            return True
        if predicate not in self.predicates:
            return False
        return predicate != RDF_TYPE or self.any_type or obj in self.classes


def constants_reads(constants: Iterable[Any]) -> Reads:
    """What a query written by :mod:`sovgraph.validation.shacl` reads: every IRI among its ``constants``
    (pyoxigraph terms) as a predicate and as a class, ``rdf:type`` always (its class and focus patterns name
    it in the text, the class as a constant); type triples of any class when ``rdf:type`` is itself a constant
    (a path, or the predicate of a target)."""
    iris = frozenset(str(getattr(t, "value", "")) for t in constants if type(t).__name__ == "NamedNode")
    return Reads(iris | {RDF_TYPE}, iris, any_type=RDF_TYPE in iris)


def query_reads(text: str, prefixes: Mapping[str, str]) -> Reads:
    """What the SPARQL query ``text`` (with ``prefixes``) reads, and whether it is local to ``$this``.

    >>> r = query_reads("SELECT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { ?v a ex:C } }",
    ...                 {"ex": "http://ex/"})
    >>> sorted(r.predicates), sorted(r.classes), r.anything, r.local
    (['http://ex/p', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type'], ['http://ex/C'], False, True)
    """
    from sovgraph.sparql.algebra import prepared

    query = prepared(text, prefixes)
    found = _Found()
    _walk(query.algebra["p"], found)
    local = not found.unsure and _joined(found.patterns, "?this")
    return Reads(
        frozenset(found.predicates),
        frozenset(found.classes),
        found.anything,
        found.any_type,
        local,
        tuple(found.patterns) if local else (),
        local and "this" in _certain(query.algebra),
    )


class _Found:
    def __init__(self) -> None:
        self.predicates: set[str] = set()
        self.classes: set[str] = set()
        self.anything = False
        self.any_type = False
        self.unsure = False  # a construct that breaks locality
        self.patterns: list[Pattern] = []


def _walk(node: object, found: _Found) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name in _GLOBAL:
            found.unsure = True
        if node.name in ("BGP", "TriplesBlock"):
            for triple in node.get("triples") or ():
                _pattern(tuple(triple), found)
        for key, value in node.items():
            if key != "_vars":
                _walk(value, found)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _walk(item, found)


def _certain(node: object) -> set[str]:
    """The variables bound in every solution of an algebra node (fewer when unsure, never more)."""
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    if not isinstance(node, CompValue):
        return set()
    if node.name == "BGP":
        return {str(t) for triple in node.get("triples") or () for t in triple if isinstance(t, Variable)}
    if node.name in _KEEP:
        return _certain(node.get("p"))
    if node.name in ("LeftJoin", "Minus"):
        return _certain(node.get("p1"))
    if node.name == "Join":
        return _certain(node.get("p1")) | _certain(node.get("p2"))
    if node.name == "Union":
        return _certain(node.get("p1")) & _certain(node.get("p2"))
    return set()


def _pattern(triple: tuple[Any, ...], found: _Found) -> None:
    from rdflib import URIRef, Variable

    subject, predicate, obj = triple
    if isinstance(predicate, Variable):
        found.anything = True
    elif not isinstance(predicate, URIRef):  # a property path: what it follows is not one triple
        found.anything = True
        found.unsure = True
        return
    elif str(predicate) == RDF_TYPE:
        found.predicates.add(RDF_TYPE)
        if isinstance(obj, URIRef):
            found.classes.add(str(obj))
        else:
            found.any_type = True
    else:
        found.predicates.add(str(predicate))
    found.patterns.append((_text(subject), _text(predicate), _text(obj)))


def _text(term: Any) -> str:
    from rdflib import BNode, Variable

    if isinstance(term, Variable):
        return f"?{term}"
    if isinstance(term, BNode):  # a blank node in a pattern is a variable of its own
        return f"?_:{term}"
    return str(term.n3())


def _joined(patterns: list[Pattern], root: str) -> bool:
    """Whether every pattern shares a variable with ``root`` through a chain of patterns."""
    reached, left = {root}, list(patterns)
    while True:
        joined = [p for p in left if any(t in reached for t in p if t.startswith("?"))]
        if not joined:
            return not left
        for pattern in joined:
            reached.update(t for t in pattern if t.startswith("?"))
        left = [p for p in left if p not in joined]


Match = Callable[[Any, Any, Any], Iterable[Any]]
"""The triples (pyoxigraph) with the given subject, predicate and object (``None``: any), in the data before
or after the change (the graph after it, and the triples removed)."""


def reaching(reads: Reads, changed: Iterable[Any], match: Match, limit: int = 1000) -> set[Any] | None:
    """The focus nodes (values of ``$this``) whose findings a change can alter: each reached from a changed
    triple through a chain of the query's patterns; ``None`` when the query is not local, a changed triple
    holds a blank node, or more than ``limit`` terms are reached (the constraint is then evaluated whole).

    A focus node whose findings differ before and after the change has a match of the query's patterns
    (before or after) that uses a changed triple; the patterns being joined, a chain of them leads from the
    one the triple matches to one holding ``$this``, and every triple of the chain is in ``match``'s data.
    Every chain is followed, each step binding the variable shared with the next pattern: more focus nodes
    than the change alters, never fewer."""
    if not reads.local:
        return None
    found: set[Any] = set()
    for triple in changed:
        terms = (triple.subject, triple.predicate, triple.object)
        if any(type(t).__name__ == "BlankNode" for t in terms):
            return None
        for start, pattern in enumerate(reads.patterns):
            bound = _bind(pattern, terms)
            if bound is None:
                continue
            for chain in _chains(reads.patterns, start):
                reached = _follow(reads.patterns, chain, bound, match, limit)
                if reached is None:
                    return None
                found |= reached
                if len(found) > limit:
                    return None
    return found


def _bind(pattern: Pattern, terms: tuple[Any, Any, Any]) -> dict[str, Any] | None:
    """The pattern's variables bound to a triple's terms, or ``None`` if it cannot match the triple (a
    literal constant is taken to match any term: more, never less)."""
    bound: dict[str, Any] = {}
    for part, term in zip(pattern, terms, strict=True):
        if part.startswith("?"):
            if bound.setdefault(part, term) != term:
                return None
        elif part.startswith("<") and (type(term).__name__ != "NamedNode" or f"<{term.value}>" != part):
            return None
    return bound


def _chains(patterns: tuple[Pattern, ...], start: int) -> list[list[int]]:
    """Every simple path of patterns, each sharing a variable with the one before, from ``start`` to a
    pattern that holds ``?this``."""
    found: list[list[int]] = []

    def extend(path: list[int]) -> None:
        last = patterns[path[-1]]
        if "?this" in last:
            found.append(path)
            return
        mine = {t for t in last if t.startswith("?")}
        for index, pattern in enumerate(patterns):
            if index not in path and mine & set(pattern):
                extend([*path, index])

    extend([start])
    return found


def _follow(
    patterns: tuple[Pattern, ...], chain: list[int], bound: dict[str, Any], match: Match, limit: int
) -> set[Any] | None:
    """The values of ``?this`` reached along ``chain`` from the first pattern's ``bound`` variables."""
    values: dict[str, set[Any]] = {name: {term} for name, term in bound.items()}
    for previous, index in itertools.pairwise(chain):
        pattern = patterns[index]
        shared = sorted(v for v in set(patterns[previous]) & set(pattern) if v.startswith("?"))[0]
        position = pattern.index(shared)
        nxt: dict[str, set[Any]] = {}
        for term in values.get(shared, ()):  # a step that matched nothing reaches nothing further
            if position != 2 and type(term).__name__ == "Literal":  # no triple has it there
                continue
            query = [_constant(part) for part in pattern]
            query[position] = term
            for triple in match(*query):
                got = _bind(pattern, (triple.subject, triple.predicate, triple.object))
                if got is None:
                    continue
                for name, value in got.items():
                    nxt.setdefault(name, set()).add(value)
                if sum(len(v) for v in nxt.values()) > 3 * limit:
                    return None
        values = nxt
    return values.get("?this", set())


def _constant(part: str) -> Any:
    """A pattern's position as a term to look up: an IRI; anything else (a variable, a literal) any term."""
    import pyoxigraph

    return pyoxigraph.NamedNode(part[1:-1]) if part.startswith("<") else None
