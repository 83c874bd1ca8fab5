"""What the rules read, and whether a change to the curated graph can change what they derive.

A CONSTRUCT rule's answer depends only on the triples its patterns can match. A pattern (or a property path)
whose predicate is a constant matches only triples with that predicate; an ``rdf:type`` pattern whose class
is a constant (``?x a sov:Decision``, or ``?x a/rdfs:subClassOf* sov:Relation``) matches only type triples of
that class (or of its subclasses). So a change whose triples all have predicates that no rule reads, and
whose type triples name classes that no rule reads, leaves the derived graph exactly as it was: the rules,
applied in order, see the same premises, the earlier rules' conclusions included. Anything else (a rule
with a variable or negated predicate, a changed triple a rule can match) asks for the derivation again.

What each rule reads is found in its algebra (rdflib's SPARQL parser), once per version of the rule files:
callers may keep :func:`reads` as JSON (:meth:`Reads.as_json`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.namespaces import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph

RDF_TYPE = PREFIXES["rdf"] + "type"
SUBCLASS = PREFIXES["rdfs"] + "subClassOf"


@dataclass(frozen=True)
class Reads:
    """The triples a rule can match: by predicate, by class for ``rdf:type``, or any (``anything``)."""

    rule: str
    predicates: frozenset[str]
    classes: frozenset[str]
    anything: bool = False
    any_type: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "predicates": sorted(self.predicates),
            "classes": sorted(self.classes),
            "anything": self.anything,
            "any_type": self.any_type,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reads:
        return cls(
            str(data["rule"]),
            frozenset(map(str, data["predicates"])),
            frozenset(map(str, data["classes"])),
            bool(data["anything"]),
            bool(data["any_type"]),
        )


def reads(name: str, text: str) -> Reads:
    """What the rule ``name`` (its SPARQL ``text``) reads, from its algebra.

    >>> r = reads("r", "CONSTRUCT { ?x sov:p 1 } WHERE { ?x a/rdfs:subClassOf* sov:Relation ; sov:q ?y }")
    >>> sorted(p.rsplit("#", 1)[-1] for p in r.predicates), sorted(c.rsplit("#", 1)[-1] for c in r.classes)
    (['q', 'subClassOf', 'type'], ['Relation'])
    """
    from rdflib.plugins.sparql import prepareQuery

    query = prepareQuery(text, initNs=PREFIXES)
    found = _Found()
    _walk(query.algebra["p"], found)
    return Reads(name, frozenset(found.predicates), frozenset(found.classes), found.anything, found.any_type)


class _Found:
    def __init__(self) -> None:
        self.predicates: set[str] = set()
        self.classes: set[str] = set()
        self.anything = False
        self.any_type = False


def _walk(node: object, found: _Found) -> None:
    """Visit every part of an algebra expression, and note the predicates of every triple pattern in it."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name in ("BGP", "TriplesBlock"):
            for triple in node.get("triples") or ():
                _pattern(tuple(triple), found)
        for key, value in node.items():
            if key != "_vars":
                _walk(value, found)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _walk(item, found)


def _pattern(triple: tuple[Any, ...], found: _Found) -> None:
    from rdflib import URIRef
    from rdflib.paths import MulPath, SequencePath

    _subject, predicate, obj = triple
    if (
        isinstance(predicate, SequencePath)
        and len(predicate.args) == 2
        and predicate.args[0] == URIRef(RDF_TYPE)
        and isinstance(predicate.args[1], MulPath)
        and predicate.args[1].path == URIRef(SUBCLASS)
        and predicate.args[1].mod == "*"
        and isinstance(obj, URIRef)
    ):  # ?x a/rdfs:subClassOf* K: type triples of K and of its subclasses
        found.predicates.update((RDF_TYPE, SUBCLASS))
        found.classes.add(str(obj))
        return
    if predicate == URIRef(RDF_TYPE):
        found.predicates.add(RDF_TYPE)
        if isinstance(obj, URIRef):
            found.classes.add(str(obj))
        else:
            found.any_type = True
        return
    for iri in _path_iris(predicate, found):
        found.predicates.add(iri)
        if iri == RDF_TYPE:  # rdf:type inside another path: any class
            found.any_type = True


def _path_iris(path: object, found: _Found) -> list[str]:
    """The IRIs a predicate or property path can follow (``anything`` for a variable or negated path)."""
    from rdflib import URIRef
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

    if isinstance(path, URIRef):
        return [str(path)]
    if isinstance(path, (SequencePath, AlternativePath)):
        return [iri for part in path.args for iri in _path_iris(part, found)]
    if isinstance(path, MulPath):
        return _path_iris(path.path, found)
    if isinstance(path, InvPath):
        return _path_iris(path.arg, found)
    # a variable, a negated property set, anything unforeseen: any predicate
    found.anything = True
    return []


def affecting(
    rules: Sequence[Reads], changed: Iterable[pyoxigraph.Triple], store: pyoxigraph.Store
) -> str | None:
    """Why a change (the triples removed or added, ``changed``) can change what ``rules`` derive, or
    ``None`` when it cannot; ``store`` holds the graph after the change (for the classes' superclasses)."""
    for rule in rules:
        if rule.anything:
            return f"rule {rule.rule} reads any predicate"
    superclasses: dict[str, set[str] | None] = {}
    for triple in changed:
        predicate = triple.predicate.value
        for rule in rules:
            if predicate not in rule.predicates:
                continue
            if predicate != RDF_TYPE or rule.any_type:
                return f"rule {rule.rule} reads <{predicate}>"
            cls = str(triple.object)
            if cls not in superclasses:
                superclasses[cls] = _superclasses(store, triple.object)
            known = superclasses[cls]
            if known is None or known & rule.classes:
                return f"rule {rule.rule} reads the type {cls}"
    return None


def _superclasses(store: pyoxigraph.Store, cls: Any) -> set[str] | None:
    """A class and every class it is a subclass of (``rdfs:subClassOf*``), in every graph of ``store``;
    ``None`` for a class that is not an IRI (taken as any class)."""
    import pyoxigraph

    if not isinstance(cls, pyoxigraph.NamedNode):
        return None
    text = f"SELECT DISTINCT ?c WHERE {{ {cls} <{SUBCLASS}>* ?c }}"  # str(cls): an escaped <IRI>
    rows = store.query(text, use_default_graph_as_union=True)
    assert isinstance(rows, pyoxigraph.QuerySolutions)
    return {cls.value, *(row[0].value for row in rows if isinstance(row[0], pyoxigraph.NamedNode))}


def rule_reads(rules: Sequence[Any], folder: Path | None = None) -> list[Reads]:
    """What each of ``rules`` (:class:`sovgraph.sparql.library.QueryFile`) reads, kept as JSON in ``folder``
    (a cache's) under a key of the rules' texts: parsing them costs about a second, reading the JSON
    nothing. A kept file that does not read back is computed again."""
    import hashlib
    import json

    from sovgraph.errors import SovgraphError
    from sovgraph.files import write_atomic

    key = hashlib.sha256("\0".join(f"{r.name}\0{r.text}" for r in rules).encode("utf-8")).hexdigest()
    kept = folder / f"reads-{key[:32]}.json" if folder is not None else None
    if kept is not None:
        try:
            data = json.loads(kept.read_text(encoding="utf-8"))
            if data["key"] == key:
                return [Reads.from_json(item) for item in data["rules"]]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    found = [reads(rule.name, rule.text) for rule in rules]
    if kept is not None:
        text = json.dumps({"key": key, "rules": [r.as_json() for r in found]}, sort_keys=True)
        try:
            for old in kept.parent.glob("reads-*.json"):
                old.unlink(missing_ok=True)
            write_atomic(kept, text.encode("utf-8"))
        except (OSError, SovgraphError):
            pass
    return found
