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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.namespaces import PREFIXES
from sovgraph.sparql.focus import Plan, is_type, plan_of

if TYPE_CHECKING:
    import pyoxigraph

RDF_TYPE = PREFIXES["rdf"] + "type"
SUBCLASS = PREFIXES["rdfs"] + "subClassOf"
_READS_VERSION = "4"  # what a kept file of reads holds (2: guarded predicates; 3: focus plans; 4: subqueries)


@dataclass(frozen=True)
class Reads:
    """The triples a rule can match: by predicate, by class for ``rdf:type``, or any (``anything``)."""

    rule: str
    predicates: frozenset[str]
    classes: frozenset[str]
    anything: bool = False
    any_type: bool = False
    guarded: Mapping[str, frozenset[str]] = field(default_factory=dict)
    focus: Plan | None = None  # how to run the rule for the nodes a change reaches (sovgraph.sparql.focus)
    """Predicates the rule reads only of typed subjects: every pattern with that predicate has a variable
    subject that the rule also requires to be of one of these classes (``?c a sov:Control``), in the same
    solution. A triple of such a predicate whose subject has none of them (nor a subclass) is not read."""

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "predicates": sorted(self.predicates),
            "classes": sorted(self.classes),
            "anything": self.anything,
            "any_type": self.any_type,
            "guarded": {p: sorted(c) for p, c in sorted(self.guarded.items())},
            "focus": None if self.focus is None else self.focus.as_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reads:
        return cls(
            str(data["rule"]),
            frozenset(map(str, data["predicates"])),
            frozenset(map(str, data["classes"])),
            bool(data["anything"]),
            bool(data["any_type"]),
            {str(p): frozenset(map(str, c)) for p, c in dict(data["guarded"]).items()},
            None if data["focus"] is None else Plan.from_json(data["focus"]),
        )


def reads(name: str, text: str) -> Reads:
    """What the rule ``name`` (its SPARQL ``text``) reads, from its algebra.

    >>> r = reads("r", "CONSTRUCT { ?x sov:p 1 } WHERE { ?x a/rdfs:subClassOf* sov:Relation ; sov:q ?y }")
    >>> sorted(p.rsplit("#", 1)[-1] for p in r.predicates), sorted(c.rsplit("#", 1)[-1] for c in r.classes)
    (['q', 'subClassOf', 'type'], ['Relation'])
    """
    from sovgraph.sparql.algebra import prepared

    query = prepared(text, PREFIXES)
    found = _Found()
    _walk(query.algebra["p"], found, {})
    guarded = {
        p: frozenset().union(*uses)  # type: ignore[arg-type]
        for p, uses in found.uses.items()
        if p != RDF_TYPE and all(use is not None for use in uses)
    }
    return Reads(
        name,
        frozenset(found.predicates),
        frozenset(found.classes),
        found.anything,
        found.any_type,
        guarded,
        plan_of(query, text),
    )


class _Found:
    def __init__(self) -> None:
        self.predicates: set[str] = set()
        self.classes: set[str] = set()
        self.anything = False
        self.any_type = False
        self.uses: dict[str, list[frozenset[str] | None]] = {}  # predicate: each pattern's subject guard


Guards = Mapping[str, frozenset[str]]
"""Variables every solution binds to a node of one of some classes (by name: the classes)."""

_SOLUTION_MODIFIERS = ("Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet", "Filter", "Extend")
_EXPRESSIONS = ("Expression", "Builtin_", "Function", "TrueFilter")


def _walk(node: object, found: _Found, guards: Guards) -> None:
    """Visit every part of an algebra expression, and note the predicates of every triple pattern in it, each
    with the classes its subject is known to have (``guards``: what the enclosing patterns require)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, (list, tuple)):
        for item in node:
            _walk(item, found, guards)
        return
    if not isinstance(node, CompValue):
        return
    name = node.name
    if name in ("BGP", "TriplesBlock"):
        triples = [tuple(t) for t in node.get("triples") or ()]
        local = _merged(guards, _typed(triples))
        for triple in triples:
            _pattern(triple, found, local)
    elif name == "Join":
        _walk(node["p1"], found, _merged(guards, _certain(node["p2"])))
        _walk(node["p2"], found, _merged(guards, _certain(node["p1"])))
    elif name in ("LeftJoin", "Minus"):  # the right side counts only where it agrees with the left
        _walk(node["p1"], found, guards)
        _walk(node["p2"], found, _merged(guards, _certain(node["p1"])))
        _walk(node.get("expr"), found, _merged(guards, _certain(node["p1"])))
    elif name in ("Filter", "Extend"):  # an expression (EXISTS too) sees the solutions of its pattern
        _walk(node["p"], found, guards)
        _walk(node.get("expr"), found, _merged(guards, _certain(node["p"])))
    elif name == "Union":
        _walk(node["p1"], found, guards)
        _walk(node["p2"], found, guards)
    elif name == "Project":  # a subquery: its other variables are its own
        names = {str(v) for v in node.get("PV") or ()}
        _walk(node["p"], found, {v: c for v, c in guards.items() if v in names})
    elif name in _SOLUTION_MODIFIERS:
        _walk(node.get("p"), found, guards)
    elif name in ("Builtin_EXISTS", "Builtin_NOTEXISTS", "GroupGraphPatternSub"):
        # evaluated for each solution, its variables bound: only plain triples keep the solution's guards
        parts = (node.get("part") or []) if name == "GroupGraphPatternSub" else [node.get("graph")]
        for part in parts:
            is_plain = isinstance(part, CompValue) and part.name in ("TriplesBlock", "GroupGraphPatternSub")
            _walk(part, found, guards if is_plain else {})
    elif name.endswith(_EXPRESSIONS) or name.startswith(_EXPRESSIONS):
        for key, value in node.items():
            if key != "_vars":
                _walk(value, found, guards)
    else:  # anything else (a group, an aggregate, a graph pattern not foreseen): no guard
        for key, value in node.items():
            if key != "_vars":
                _walk(value, found, {})


def _certain(node: object) -> Guards:
    """The guards every solution of an algebra pattern satisfies (none for what is not foreseen)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if not isinstance(node, CompValue):
        return {}
    name = node.name
    if name in ("BGP", "TriplesBlock"):
        return _typed([tuple(t) for t in node.get("triples") or ()])
    if name == "Join":
        return _merged(_certain(node["p1"]), _certain(node["p2"]))
    if name in ("LeftJoin", "Minus"):
        return _certain(node["p1"])
    if name == "Union":
        left, right = _certain(node["p1"]), _certain(node["p2"])
        return {v: left[v] | right[v] for v in left.keys() & right.keys()}  # one branch's or the other's
    if name == "Project":
        names = {str(v) for v in node.get("PV") or ()}
        return {v: c for v, c in _certain(node["p"]).items() if v in names}
    if name in _SOLUTION_MODIFIERS:
        return _certain(node.get("p"))
    return {}


def _merged(first: Guards, second: Guards) -> Guards:
    """Both sets of guards (a variable in both keeps the first's: either is true)."""
    return {**second, **first}


def _typed(triples: Sequence[tuple[Any, ...]]) -> Guards:
    """The variables that triple patterns require to have a constant class (``?x a K`` or
    ``?x a/rdfs:subClassOf* K``), with the classes."""
    from rdflib import URIRef, Variable

    typed: dict[str, frozenset[str]] = {}
    for subject, predicate, obj in triples:
        if isinstance(subject, Variable) and isinstance(obj, URIRef) and is_type(predicate):
            typed.setdefault(str(subject), frozenset({str(obj)}))
    return typed


def _pattern(triple: tuple[Any, ...], found: _Found, guards: Guards) -> None:
    from rdflib import URIRef, Variable
    from rdflib.paths import SequencePath

    subject, predicate, obj = triple
    if isinstance(predicate, URIRef) and predicate != URIRef(RDF_TYPE):
        guard = guards.get(str(subject)) if isinstance(subject, Variable) else None
        found.uses.setdefault(str(predicate), []).append(guard)
    else:
        for iri in _path_iris(predicate, _Found()):
            found.uses.setdefault(iri, []).append(None)
    if (
        isinstance(predicate, SequencePath) and is_type(predicate) and isinstance(obj, URIRef)
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
    ``None`` when it cannot; ``store`` holds the graph after the change (for the classes' superclasses and
    the subjects' classes)."""
    for rule in rules:
        if rule.anything:
            return f"rule {rule.rule} reads any predicate"
    changes = list(changed)
    look = Lookup(store, changes)
    for triple in changes:
        for rule in rules:
            why = _reads_triple(rule, triple, look)
            if why is not None:
                return why
    return None


def rule_affected(rule: Reads, changed: Sequence[pyoxigraph.Triple], look: Lookup) -> str | None:
    """Why a change can change what one rule derives (given what the rules before it derived), or
    ``None``; ``look`` answers from the store as the rule sees it, after the change."""
    if rule.anything:
        return f"rule {rule.rule} reads any predicate"
    for triple in changed:
        why = _reads_triple(rule, triple, look)
        if why is not None:
            return why
    return None


class Lookup:
    """The classes of nodes and the superclasses of classes in a store after a change (``changed``: the
    triples removed or added), each asked once. A subject's classes are those the store gives it, those the
    change gave or took from it, and those ``also`` gives it (classes that may hold as well: those the rules
    derived before the change; ``None``: not known): its classes before the change and after, all of them."""

    def __init__(
        self,
        store: pyoxigraph.Store,
        changed: Sequence[pyoxigraph.Triple],
        also: Callable[[Any], Iterable[Any] | None] | None = None,
    ) -> None:
        self.store = store
        self.also = also
        self.hierarchy_changed = any(t.predicate.value == SUBCLASS for t in changed)
        self._changed_types: dict[str, set[Any]] = {}
        for t in changed:
            if t.predicate.value == RDF_TYPE:
                self._changed_types.setdefault(str(t.subject), set()).add(t.object)
        self._superclasses: dict[str, set[str] | None] = {}
        self._classes: dict[str, set[str] | None] = {}

    def add_changes(self, changed: Sequence[pyoxigraph.Triple]) -> None:
        """More triples changed (what a rule now derives differently): the answers kept may be stale."""
        self.hierarchy_changed = self.hierarchy_changed or any(t.predicate.value == SUBCLASS for t in changed)
        for t in changed:
            if t.predicate.value == RDF_TYPE:
                self._changed_types.setdefault(str(t.subject), set()).add(t.object)
        self._classes.clear()

    def superclasses(self, cls: Any) -> set[str] | None:
        key = str(cls)
        if key not in self._superclasses:
            self._superclasses[key] = _superclasses(self.store, cls)
        return self._superclasses[key]

    def classes(self, node: Any) -> set[str] | None:
        """Every class of ``node`` and their superclasses, before or after the change; ``None`` when it
        cannot be known (a blank node, a class that is not an IRI)."""
        key = str(node)
        if key in self._classes:
            return self._classes[key]
        self._classes[key] = self._classes_of(node)
        return self._classes[key]

    def _classes_of(self, node: Any) -> set[str] | None:
        import pyoxigraph

        if not isinstance(node, pyoxigraph.NamedNode):
            return None
        rdf_type = pyoxigraph.NamedNode(RDF_TYPE)
        stated = {q.object for q in self.store.quads_for_pattern(node, rdf_type, None, None)}
        also = self.also(node) if self.also is not None else ()
        if also is None:
            return None
        stated.update(also)
        found: set[str] = set()
        for cls in stated | self._changed_types.get(str(node), set()):
            known = self.superclasses(cls)
            if known is None:
                return None
            found |= known
        return found


def _reads_triple(rule: Reads, triple: pyoxigraph.Triple, look: Lookup) -> str | None:
    """Why ``rule`` can match ``triple`` (by its predicate, its class, its subject's class), or ``None``."""
    predicate = triple.predicate.value
    if predicate not in rule.predicates:
        return None
    if predicate == RDF_TYPE and not rule.any_type:
        known = look.superclasses(triple.object)
        if known is None or known & rule.classes:
            return f"rule {rule.rule} reads the type {triple.object}"
        return None
    guard = rule.guarded.get(predicate)
    if guard is not None and not look.hierarchy_changed:
        classes = look.classes(triple.subject)
        if classes is not None and not classes & guard:
            return None
    return f"rule {rule.rule} reads <{predicate}>"


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

    texts = "\0".join(f"{r.name}\0{r.text}" for r in rules)
    key = hashlib.sha256(f"{_READS_VERSION}\0{texts}".encode()).hexdigest()
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
