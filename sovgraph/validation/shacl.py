"""SHACL evaluated set-at-a-time: each constraint of each shape becomes one SPARQL query over all its focus
nodes, run by Oxigraph, that returns only the results (on sound data: nothing).

pySHACL evaluates every constraint once per focus node, on an rdflib copy of the graph; at a million triples
that is minutes. Here the shapes graph is read as data and translated, constraint by constraint, into
queries; no shape has Python of its own. The translation gives the results pySHACL gives (same focus nodes,
paths, values, messages and severities: ``tests/test_validate_engines.py`` compares both on every shape
fixture, the curated graph and a synthetic one). What it covers:

- targets: ``sh:targetClass`` (instances through ``rdfs:subClassOf*``), ``sh:targetSubjectsOf``,
  ``sh:targetObjectsOf``, ``sh:targetNode`` and ``sh:SPARQLTarget`` (its query run first, its nodes bound);
- property shapes whose ``sh:path`` is one IRI, with ``sh:minCount``, ``sh:maxCount``,
  ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount``/``sh:qualifiedMaxCount``, and value constraints;
- value constraints: ``sh:class``, ``sh:datatype`` (the datatypes of :data:`DATATYPES`), ``sh:pattern`` and
  ``sh:flags``, ``sh:languageIn``, ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``,
  ``sh:maxExclusive``, ``sh:node``, ``sh:or``, ``sh:and``, ``sh:not``, ``sh:property`` (nested shapes become
  ``EXISTS`` conditions);
- SHACL-SPARQL constraints (``sh:sparql`` with ``sh:select`` and ``sh:prefixes``) on node shapes, ``$this``
  bound to the focus nodes by a ``VALUES`` block (one query for all of them), with messages' ``{?var}``.

Anything else (another path, a constraint component not listed, a custom component, a top-level constraint
without ``sh:message``, whose generic text is pySHACL's own, a query Oxigraph cannot run...) leaves the
whole shape to pySHACL: :func:`evaluate` names it in :attr:`Outcome.left`, never skipping a constraint. A
shapes graph with rules, functions, custom components or entailments is left to pySHACL as a whole.

Every constant of the shapes (a path, a class, a language) reaches a query as a substituted variable
(Oxigraph's pre-binding) or in a ``VALUES`` block written by :func:`sovgraph.sparql.bind.bind_values`; a
regular expression is written as pyoxigraph serializes the literal (escaped, as ``bind`` writes a term),
since Oxigraph compiles a pattern held by a variable once per value. Never is text formatted into a query.

One known difference, on input that is wrong anyway: rdflib rewrites some ill-formed literals as it parses
them (``"maybe"^^xsd:boolean`` becomes ``"false"``, ``"1"^^xsd:boolean`` ``"true"``), so pySHACL checks the
rewritten value; this engine checks the literal as written (and reports ``"maybe"`` as no boolean).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sovgraph.errors import ShapeNotTranslated

if TYPE_CHECKING:
    import pyoxigraph

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

TARGETS = ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode", "target")
# How a value is checked against sh:datatype, as pySHACL does (rdflib's rule): the datatype must be the
# literal's; for the datatypes rdflib parses, the lexical form must be valid too (an Oxigraph cast that
# succeeds); rdflib does not check gYear, gYearMonth or anyURI. Another datatype is left to pySHACL.
_CAST = ("date", "dateTime", "time", "decimal", "integer", "boolean", "duration", "double", "float")
DATATYPES = frozenset(
    [XSD + t for t in (*_CAST, "gYear", "gYearMonth", "anyURI", "string")] + [RDF + "langString"]
)
# Predicates of a shape that do not constrain (or are read by the caller).
_INERT = frozenset(
    SH + p for p in ("message", "severity", "name", "description", "order", "group", "defaultValue", *TARGETS)
)
_VALUE = frozenset(
    SH + p
    for p in (
        "class",
        "datatype",
        "pattern",
        "flags",
        "languageIn",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "node",
        "or",
        "and",
        "not",
        "property",
    )
)
_COUNTS = frozenset(SH + p for p in ("path", "minCount", "maxCount"))
_QUALIFIED = frozenset(SH + p for p in ("qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount"))
# Declarations that change what pySHACL does to the whole graph: the evaluator then stands aside.
_WHOLE = frozenset(
    SH + p
    for p in (
        "ConstraintComponent",
        "SPARQLFunction",
        "Function",
        "SPARQLRule",
        "TripleRule",
        "SPARQLTargetType",
        "JSTarget",
        "JSConstraint",
    )
)
_WHOLE_PREDICATES = frozenset(SH + p for p in ("rule", "entailment", "parameter", "validator"))
CHUNK = 2000  # focus nodes bound per query (a VALUES block); more make one query text too long
_DEPTH = 8  # nested shapes deeper than this are left to pySHACL (and a recursive shape never ends)


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL reports it at the top level.

    ``messages`` are the texts of ``sh:message``; for a SHACL-SPARQL constraint ``bindings`` holds the
    solution's variables, which replace ``{?name}`` in them (:func:`format_message`)."""

    focus: Any
    path: Any | None
    value: Any | None
    messages: tuple[str, ...]
    severity: str
    bindings: tuple[tuple[str, Any], ...] | None = None


@dataclass(frozen=True)
class Outcome:
    """The results of the shapes evaluated here, and the shapes left to pySHACL (with the reason).

    ``units`` holds, for each shape evaluated here (in the order of :meth:`Shapes.top_level`), the results
    of each of its constraints: its core checks, then its SHACL-SPARQL constraints (see :class:`Plan`)."""

    results: tuple[Result, ...] = ()
    left: dict[Any, str] = field(default_factory=dict)
    queries: int = 0
    units: dict[Any, tuple[tuple[Result, ...], ...]] = field(default_factory=dict)


class Shapes:
    """A shapes graph read as data: each subject's predicates and objects."""

    def __init__(self, triples: Iterable[Any]) -> None:
        self.about: dict[Any, dict[str, list[Any]]] = {}
        self._subclasses: dict[Any, list[Any]] = {}
        self.data: tuple[pyoxigraph.Store, Sequence[Any] | None] | None = None  # set by evaluate()
        for t in triples:
            self.about.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

    def subclasses(self, cls: Any) -> list[Any]:
        """The class and its subclasses in the data (``rdfs:subClassOf*``), found once: an instance of the
        class in SHACL's sense has one of them as its ``rdf:type``."""
        import pyoxigraph

        if cls not in self._subclasses:
            if self.data is None:
                raise ShapeNotTranslated("no data to read the classes from")
            store, default_graph = self.data
            rows = store.query(
                "SELECT DISTINCT ?sub ?class WHERE { ?sub rdfs:subClassOf* ?class }",
                prefixes={"rdfs": RDFS},
                substitutions={pyoxigraph.Variable("class"): cls},
                **_dataset(default_graph),
            )
            assert isinstance(rows, pyoxigraph.QuerySolutions)
            found = [row["sub"] for row in rows]
            self._subclasses[cls] = sorted(set(found) | {cls}, key=str)
        return self._subclasses[cls]

    def objects(self, subject: Any, predicate: str) -> list[Any]:
        return self.about.get(subject, {}).get(predicate, [])

    def one(self, subject: Any, predicate: str) -> Any | None:
        found = self.objects(subject, predicate)
        if len(found) > 1:
            raise ShapeNotTranslated(f"more than one {_short(predicate)}")
        return found[0] if found else None

    def items(self, node: Any) -> list[Any]:
        """The members of an RDF list."""
        import pyoxigraph

        found, seen = [], set()
        while not (isinstance(node, pyoxigraph.NamedNode) and node.value == RDF + "nil"):
            if node in seen or node not in self.about:
                raise ShapeNotTranslated("a malformed RDF list")
            seen.add(node)
            first, rest = self.objects(node, RDF + "first"), self.objects(node, RDF + "rest")
            if len(first) != 1 or len(rest) != 1:
                raise ShapeNotTranslated("a malformed RDF list")
            found.append(first[0])
            node = rest[0]
        return found

    def top_level(self) -> list[Any]:
        """The shapes pySHACL validates on their own: those with a target (or an implicit class target)."""
        found = []
        classes = {RDFS + "Class", "http://www.w3.org/2002/07/owl#Class"}
        kinds = {SH + "NodeShape", SH + "PropertyShape"}
        for subject, about in self.about.items():
            types = {getattr(t, "value", None) for t in about.get(RDF + "type", [])}
            if any(SH + t in about for t in TARGETS) or (types & classes and types & kinds):
                found.append(subject)
        return found

    def whole_graph_reason(self) -> str | None:
        """Why pySHACL must validate with every shape (rules, functions, custom components), or ``None``."""
        for about in self.about.values():
            types = {str(getattr(t, "value", "")) for t in about.get(RDF + "type", [])}
            if types & _WHOLE:
                return f"the shapes declare a {_short(sorted(types & _WHOLE)[0])}"
            if set(about) & _WHOLE_PREDICATES:
                return f"the shapes use {_short(sorted(set(about) & _WHOLE_PREDICATES)[0])}"
        return None


class _Query:
    """A query under construction: its constants become variables ``?k0, ?k1...``, substituted by Oxigraph."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = {}
        self.fresh = 0

    def const(self, term: Any) -> str:
        for name, known in self.constants.items():
            if known == term:
                return f"?{name}"
        name = f"k{len(self.constants)}"
        self.constants[name] = term
        return f"?{name}"

    def var(self, *, again: bool = False) -> str:
        """A fresh variable (``again``: the one given last)."""
        if not again:
            self.fresh += 1
        return f"?v{self.fresh}"

    def projection(self) -> str:
        return " ".join(f"?{n}" for n in self.constants)


@dataclass(frozen=True)
class _Check:
    """One top-level constraint: the query that finds its results and how to report them."""

    body: str  # the WHERE group's content after the focus pattern; binds ?this (and ?value)
    query: _Query
    path: Any | None
    messages: tuple[str, ...]
    severity: str
    grouped: str | None = None  # a HAVING condition: the body is grouped by ?this
    value: bool = False  # the results carry ?value
    driven: str | None = None  # a violation condition over the body's rows, checked before the focus


def evaluate(store: pyoxigraph.Store, shapes: Shapes, default_graph: Sequence[Any] | None = None) -> Outcome:
    """Evaluate the top-level shapes of ``shapes`` over the union of the graphs ``default_graph`` of
    ``store`` (by default, of all its graphs)."""
    shapes.data = (store, default_graph)
    whole = shapes.whole_graph_reason()
    tops = shapes.top_level()
    if whole is not None:
        return Outcome(left=dict.fromkeys(tops, whole))
    results: list[Result] = []
    left: dict[Any, str] = {}
    units: dict[Any, tuple[tuple[Result, ...], ...]] = {}
    queries = 0
    for shape in tops:
        try:
            found, count = evaluate_shape(store, shapes, shape, default_graph)
        except ShapeNotTranslated as why:
            left[shape] = str(why)
            continue
        units[shape] = tuple(tuple(u) for u in found)
        results += [r for unit in found for r in unit]
        queries += count
    return Outcome(tuple(results), left, queries, units)


@dataclass(frozen=True)
class Plan:
    """A top-level shape as translated: its focus (``patterns`` evaluated inside each query, the
    ``sh:targetNode`` ``nodes``, its SPARQL ``targets``) and its constraints, each one *unit* of results:
    the core ``checks``, then the SHACL-SPARQL constraints (``sparql``)."""

    shape: Any
    patterns: tuple[tuple[str, Any], ...]
    nodes: tuple[Any, ...]
    targets: tuple[SparqlTarget, ...]
    checks: tuple[_Check, ...]
    sparql: tuple[_SparqlConstraint, ...]

    def signature(self) -> str:
        """A digest of everything the plan's queries and reports are made of: equal signatures, equal
        plans (the subclass lists it holds included)."""
        import hashlib

        parts: list[object] = [
            _node_text(self.shape),
            [(kind, str(term)) for kind, term in self.patterns],
            [str(n) for n in self.nodes],
            [(t.select, sorted(t.prefixes.items())) for t in self.targets],
        ]
        for check in self.checks:
            constants = [(name, str(term)) for name, term in check.query.constants.items()]
            parts.append([check.body, constants, str(check.path), check.messages, check.severity])
            parts.append([check.grouped, check.value, check.driven])
        for constraint in self.sparql:
            parts.append([constraint.select, sorted(constraint.prefixes.items()), constraint.messages])
            parts.append(constraint.severity)
        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def plan(shapes: Shapes, shape: Any) -> Plan:
    """The translation of a top-level shape (its subclass lists read from the data :attr:`Shapes.data`),
    or :class:`ShapeNotTranslated` when it is left to pySHACL; nothing is evaluated."""
    _refuse(shapes, shape)
    targets = tuple(_target(shapes, t) for t in shapes.objects(shape, SH + "target"))
    return Plan(
        shape,
        tuple(_patterns(shapes, shape)),
        tuple(dict.fromkeys(shapes.objects(shape, SH + "targetNode"))),
        targets,
        tuple(_checks(shapes, shape)),
        tuple(_sparql_constraint(shapes, shape, c) for c in shapes.objects(shape, SH + "sparql")),
    )


def _node_text(term: Any) -> str:
    """A shape's name as text: its IRI, or the same text for any blank node (their labels differ between
    two parses of the same file)."""
    return "_" if type(term).__name__ == "BlankNode" else str(term)


def _refuse(shapes: Shapes, shape: Any) -> None:
    """Raise :class:`ShapeNotTranslated` for a top-level shape the translation cannot take at all."""
    about = shapes.about[shape]
    if SH + "path" in about:
        raise ShapeNotTranslated("a property shape with a target")
    if about.get(SH + "deactivated"):
        raise ShapeNotTranslated("sh:deactivated")
    unknown = [p for p in about if p.startswith(SH) and p not in _INERT | _VALUE | {SH + "sparql"}]
    if unknown:
        raise ShapeNotTranslated(f"{_short(unknown[0])} on a node shape")


def evaluate_shape(
    store: pyoxigraph.Store, shapes: Shapes, shape: Any, default_graph: Sequence[Any] | None
) -> tuple[list[list[Result]], int]:
    """The results of each constraint of a top-level shape (its units, see :class:`Plan`) and the number of
    queries run, or :class:`ShapeNotTranslated` when the shape is left to pySHACL."""
    import pyoxigraph

    _refuse(shapes, shape)
    patterns, nodes = _targets(store, shapes, shape, default_graph)
    checks = list(_checks(shapes, shape))
    sparql = [_sparql_constraint(shapes, shape, c) for c in shapes.objects(shape, SH + "sparql")]
    if nodes and any(isinstance(n, pyoxigraph.BlankNode) for n in nodes):
        raise ShapeNotTranslated("a target that selects blank nodes")
    units: list[list[Result]] = []
    count = 0
    for check in checks:
        found: list[Result] = []
        for focus in (patterns, nodes):
            if not focus:
                continue
            found += check_results(store, check, focus, default_graph)
            count += 1
        units.append(found)
    if sparql:
        focus_nodes = list(nodes)
        if patterns:
            focus_nodes += focus_members(store, patterns, default_graph)
            count += 1
        if any(isinstance(n, pyoxigraph.BlankNode) for n in focus_nodes):
            raise ShapeNotTranslated("SPARQL constraints on blank focus nodes")
        focus_nodes = list(dict.fromkeys(focus_nodes))
        for constraint in sparql:
            found, queries = constraint.run(store, focus_nodes, default_graph)
            units.append(found)
            count += queries
    return units, count


def check_results(
    store: pyoxigraph.Store, check: _Check, focus: Sequence[Any], default_graph: Sequence[Any] | None
) -> list[Result]:
    """The results of one core check, for a focus given as patterns or as nodes."""
    rows = _run_check(store, check, list(focus), default_graph)
    return [
        Result(row["this"], check.path, row["value"] if check.value else None, check.messages, check.severity)
        for row in rows
    ]


# --- targets -----------------------------------------------------------------------------------------------


def _targets(
    store: pyoxigraph.Store, shapes: Shapes, shape: Any, default_graph: Sequence[Any] | None
) -> tuple[list[tuple[str, Any]], list[Any]]:
    """The shape's focus: (kind, term) patterns evaluated inside each query, and explicit nodes
    (``sh:targetNode`` and what its SPARQL targets select)."""
    patterns = _patterns(shapes, shape)
    nodes = list(shapes.objects(shape, SH + "targetNode"))
    for target in shapes.objects(shape, SH + "target"):
        nodes += _target(shapes, target).run(store, default_graph)
    return patterns, list(dict.fromkeys(nodes))


def _patterns(shapes: Shapes, shape: Any) -> list[tuple[str, Any]]:
    """The shape's class, subjects-of and objects-of targets, as (kind, term) focus patterns."""
    import pyoxigraph

    patterns: list[tuple[str, Any]] = []
    for kind in ("targetClass", "targetSubjectsOf", "targetObjectsOf"):
        for term in shapes.objects(shape, SH + kind):
            if not isinstance(term, pyoxigraph.NamedNode):
                raise ShapeNotTranslated(f"sh:{kind} that is not an IRI")
            if kind == "targetClass":  # its instances: of the class or of a subclass
                patterns += [("type", c) for c in shapes.subclasses(term)]
            else:
                patterns.append((kind, term))
    return list(dict.fromkeys(patterns))


@dataclass(frozen=True)
class SparqlTarget:
    """A plain ``sh:SPARQLTarget``: its query and the prefixes it declares."""

    select: str
    prefixes: dict[str, str]

    def run(
        self, store: pyoxigraph.Store, default_graph: Sequence[Any] | None, among: Sequence[Any] | None = None
    ) -> list[Any]:
        """The focus nodes it selects; with ``among``, only those of them it selects (bound to ``$this`` by
        a ``VALUES`` block: the same nodes when ``$this`` is bound in every solution)."""
        if among is None:
            return self._select(store, self.select, default_graph)
        from sovgraph.sparql.bind import bind_values

        found: list[Any] = []
        for start in range(0, len(among), CHUNK):
            text = bind_values(self.select, "this", among[start : start + CHUNK])
            found += self._select(store, text, default_graph)
        return found

    def _select(self, store: pyoxigraph.Store, text: str, default_graph: Sequence[Any] | None) -> list[Any]:
        import pyoxigraph

        try:
            rows = store.query(text, prefixes=self.prefixes, **_dataset(default_graph))
        except (SyntaxError, ValueError, RuntimeError, OSError) as exc:
            raise ShapeNotTranslated(f"a SPARQL target Oxigraph cannot run ({exc})") from None
        if not isinstance(rows, pyoxigraph.QuerySolutions) or "this" not in {v.value for v in rows.variables}:
            raise ShapeNotTranslated("a SPARQL target that selects no ?this")
        return [row["this"] for row in rows if row["this"] is not None]


def _target(shapes: Shapes, target: Any) -> SparqlTarget:
    types = {getattr(t, "value", None) for t in shapes.objects(target, RDF + "type")}
    select = shapes.one(target, SH + "select")
    extra = set(shapes.about.get(target, {})) - {RDF + "type", SH + "select", SH + "prefixes"}
    if SH + "SPARQLTarget" not in types or select is None or extra:
        raise ShapeNotTranslated("a target that is not a plain sh:SPARQLTarget")
    return SparqlTarget(str(select.value), _prefixes(shapes, target))


def _focus_pattern(query: _Query, patterns: list[tuple[str, Any]]) -> str:
    branches = []
    for kind, term in patterns:
        k = query.const(term)
        if kind == "type":
            branches.append(f"{{ ?this rdf:type {k} }}")
        elif kind == "targetSubjectsOf":
            branches.append(f"{{ ?this {k} [] }}")
        else:
            branches.append(f"{{ [] {k} ?this }}")
    return " UNION ".join(branches)


def focus_members(
    store: pyoxigraph.Store,
    patterns: Sequence[tuple[str, Any]],
    default_graph: Sequence[Any] | None,
    among: Sequence[Any] | None = None,
) -> list[Any]:
    """The nodes the focus ``patterns`` select (with ``among``: only those of them, bound by ``VALUES``)."""
    from sovgraph.sparql.bind import bind_values

    query = _Query()
    pattern = _focus_pattern(query, list(patterns))
    text = f"SELECT DISTINCT ?this {query.projection()} WHERE {{ {pattern} }}"
    if among is None:
        return [row["this"] for row in _select(store, text, query, default_graph)]
    found: list[Any] = []
    for start in range(0, len(among), CHUNK):
        bound = bind_values(text, "this", among[start : start + CHUNK])
        found += [row["this"] for row in _select(store, bound, query, default_graph)]
    return found


# --- core constraints --------------------------------------------------------------------------------------


def _messages(shapes: Shapes, shape: Any) -> tuple[str, ...]:
    return tuple(str(m.value) for m in shapes.objects(shape, SH + "message"))


def _severity(shapes: Shapes, shape: Any) -> str:
    found = shapes.one(shape, SH + "severity")
    return found.value if found is not None else SH + "Violation"


def _checks(shapes: Shapes, shape: Any) -> Iterable[_Check]:
    """One check per constraint of the node shape and of each of its property shapes."""
    messages, severity = _messages(shapes, shape), _severity(shapes, shape)
    about = shapes.about[shape]
    node_level = {p: o for p, o in about.items() if p in _VALUE and p not in (SH + "property", SH + "flags")}
    for predicate in node_level:
        if not messages:
            raise ShapeNotTranslated("a constraint without sh:message (pySHACL writes its own)")
        query = _Query()
        condition = _component(shapes, shape, predicate, "?this", query, 0)
        body = f"FILTER(!({condition}))"
        yield _Check(body, query, None, messages, severity)
    for prop in shapes.objects(shape, SH + "property"):
        yield from _property_checks(shapes, prop)


def _property_checks(shapes: Shapes, prop: Any) -> Iterable[_Check]:
    about = shapes.about.get(prop)
    if about is None:
        raise ShapeNotTranslated("an sh:property that is not described")
    unknown = [p for p in about if p.startswith(SH) and p not in _INERT | _VALUE | _COUNTS | _QUALIFIED]
    if unknown:
        raise ShapeNotTranslated(f"{_short(unknown[0])} on a property shape")
    if any(SH + t in about for t in TARGETS):
        raise ShapeNotTranslated("a property shape with its own target")
    messages, severity = _messages(shapes, prop), _severity(shapes, prop)
    if not messages:
        raise ShapeNotTranslated("a property shape without sh:message (pySHACL writes its own)")
    path = _path(shapes, prop)
    for name in ("minCount", "maxCount"):
        found = shapes.one(prop, SH + name)
        if found is None:
            continue
        query = _Query()
        p = query.const(path)
        limit = _integer(found)
        if name == "minCount" and limit == 1:
            yield _Check(f"FILTER NOT EXISTS {{ ?this {p} ?any }}", query, path, messages, severity)
        elif name == "minCount":
            body = f"OPTIONAL {{ ?this {p} ?value }}"
            yield _Check(body, query, path, messages, severity, grouped=f"COUNT(DISTINCT ?value) < {limit}")
        else:
            body = f"?this {p} ?value ."
            having = f"COUNT(DISTINCT ?value) > {limit}"
            yield _Check(body, query, path, messages, severity, grouped=having, driven="true")
    qualified = shapes.one(prop, SH + "qualifiedValueShape")
    if qualified is not None:
        if shapes.objects(prop, SH + "qualifiedValueShapesDisjoint"):
            raise ShapeNotTranslated("sh:qualifiedValueShapesDisjoint")
        for name, op in (("qualifiedMinCount", "<"), ("qualifiedMaxCount", ">")):
            found = shapes.one(prop, SH + name)
            if found is None:
                continue
            query = _Query()
            p = query.const(path)
            condition = _conforms(shapes, qualified, "?value", query, 1)
            body = f"OPTIONAL {{ ?this {p} ?value FILTER({condition}) }}"
            having = f"COUNT(DISTINCT ?value) {op} {_integer(found)}"
            yield _Check(body, query, path, messages, severity, grouped=having)
    elif shapes.objects(prop, SH + "qualifiedMinCount") or shapes.objects(prop, SH + "qualifiedMaxCount"):
        raise ShapeNotTranslated("a qualified count without sh:qualifiedValueShape")
    for predicate in about:
        if predicate not in _VALUE or predicate == SH + "flags":
            continue
        query = _Query()
        p = query.const(path)
        condition = _component(shapes, prop, predicate, "?value", query, 1)
        body = f"?this {p} ?value ."
        yield _Check(body, query, path, messages, severity, value=True, driven=f"!({condition})")


def _path(shapes: Shapes, prop: Any) -> Any:
    import pyoxigraph

    path = shapes.one(prop, SH + "path")
    if not isinstance(path, pyoxigraph.NamedNode):
        raise ShapeNotTranslated("an sh:path that is not one IRI")
    return path


def _integer(term: Any) -> int:
    try:
        value = int(term.value)
    except (AttributeError, ValueError):
        raise ShapeNotTranslated("a count that is not an integer") from None
    if value < 0 or str(value) != term.value:
        raise ShapeNotTranslated("a count that is not a plain non-negative integer")
    return value


def _conforms(shapes: Shapes, shape: Any, x: str, query: _Query, depth: int) -> str:
    """A SPARQL condition true when the node in ``x`` conforms to ``shape`` (every constraint holds)."""
    if depth > _DEPTH:
        raise ShapeNotTranslated("shapes nested too deep (or recursive)")
    about = shapes.about.get(shape)
    if about is None:
        raise ShapeNotTranslated("a nested shape that is not described")
    if SH + "path" in about:
        return _property_conforms(shapes, shape, x, query, depth)
    unknown = [p for p in about if p.startswith(SH) and p not in _INERT | _VALUE]
    if unknown:
        raise ShapeNotTranslated(f"{_short(unknown[0])} in a nested shape")
    parts = [
        _component(shapes, shape, p, x, query, depth) for p in about if p in _VALUE and p != SH + "flags"
    ]
    return " && ".join(f"({c})" for c in parts) or "true"


def _property_conforms(shapes: Shapes, prop: Any, x: str, query: _Query, depth: int) -> str:
    about = shapes.about[prop]
    unknown = [p for p in about if p.startswith(SH) and p not in _INERT | _VALUE | _COUNTS]
    if unknown:
        raise ShapeNotTranslated(f"{_short(unknown[0])} in a nested property shape")
    p = query.const(_path(shapes, prop))
    parts = []
    low, high = shapes.one(prop, SH + "minCount"), shapes.one(prop, SH + "maxCount")
    if (low is not None and _integer(low) > 1) or (high is not None and _integer(high) > 1):
        raise ShapeNotTranslated("a nested count above one")
    if low is not None and _integer(low) == 1:
        parts.append(f"EXISTS {{ {x} {p} {query.var()} }}")
    if high is not None:
        a, b = query.var(), query.var()
        if _integer(high) == 0:
            parts.append(f"NOT EXISTS {{ {x} {p} {a} }}")
        else:
            parts.append(f"NOT EXISTS {{ {x} {p} {a} . {x} {p} {b} . FILTER(!sameTerm({a}, {b})) }}")
    values = [q for q in about if q in _VALUE and q != SH + "flags"]
    if values:
        y = query.var()
        condition = " && ".join(f"({_component(shapes, prop, q, y, query, depth + 1)})" for q in values)
        parts.append(f"NOT EXISTS {{ {x} {p} {y} . FILTER(!({condition})) }}")
    return " && ".join(f"({c})" for c in parts) or "true"


def _component(shapes: Shapes, shape: Any, predicate: str, x: str, query: _Query, depth: int) -> str:
    """The condition a value in ``x`` meets for the constraint ``predicate`` of ``shape`` (every object)."""
    import pyoxigraph

    objects = shapes.objects(shape, predicate)
    name = predicate.removeprefix(SH)
    parts: list[str] = []
    for obj in objects:
        if name == "class":
            if not isinstance(obj, pyoxigraph.NamedNode):
                raise ShapeNotTranslated("sh:class that is not an IRI")
            listed = ", ".join(query.const(c) for c in shapes.subclasses(obj))
            parts.append(
                f"EXISTS {{ {x} rdf:type {query.var()} . FILTER({query.var(again=True)} IN ({listed})) }}"
            )
        elif name == "datatype":
            parts.append(_datatype(obj, x, query))
        elif name == "pattern":
            flags = shapes.one(shape, SH + "flags")
            if not isinstance(obj, pyoxigraph.Literal) or (
                flags is not None and not isinstance(flags, pyoxigraph.Literal)
            ):
                raise ShapeNotTranslated("sh:pattern or sh:flags that is not a literal")
            # Written into the text as an escaped string (pyoxigraph's serialization of the literal, as a
            # VALUES block's terms are written): Oxigraph compiles a regular expression it reads in the
            # text once, but one held by a variable once per value (18 times slower at 100k triples).
            pattern = str(pyoxigraph.Literal(obj.value))
            if flags is not None:
                flag = str(pyoxigraph.Literal(flags.value))
                parts.append(f"!isBlank({x}) && REGEX(STR({x}), {pattern}, {flag})")
            else:
                parts.append(f"!isBlank({x}) && REGEX(STR({x}), {pattern})")
        elif name == "languageIn":
            languages = [str(getattr(t, "value", "")).lower() for t in shapes.items(obj)]
            if "*" in languages:
                parts.append(f'isLiteral({x}) && LANG({x}) != ""')
            else:
                listed = ", ".join(query.const(pyoxigraph.Literal(lang)) for lang in languages)
                tag = f"LCASE(LANG({x}))"
                first = f'STRBEFORE(CONCAT({tag}, "-"), "-")'
                parts.append(
                    f'isLiteral({x}) && LANG({x}) != "" && ({tag} IN ({listed}) || {first} IN ({listed}))'
                    if listed
                    else "false"
                )
        elif name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}[name]
            if not isinstance(obj, pyoxigraph.Literal):
                raise ShapeNotTranslated(f"sh:{name} that is not a literal")
            parts.append(f"isLiteral({x}) && COALESCE({x} {op} {query.const(obj)}, false)")
        elif name == "node":
            parts.append(_conforms(shapes, obj, x, query, depth + 1))
        elif name in ("or", "and"):
            members = [_conforms(shapes, m, x, query, depth + 1) for m in shapes.items(obj)]
            joiner = " || " if name == "or" else " && "
            parts.append(joiner.join(f"({m})" for m in members) or ("false" if name == "or" else "true"))
        elif name == "not":
            parts.append(f"!({_conforms(shapes, obj, x, query, depth + 1)})")
        elif name == "property":
            parts.append(_property_conforms(shapes, obj, x, query, depth + 1))
        else:  # pragma: no cover - _VALUE lists the names above
            raise ShapeNotTranslated(f"sh:{name}")
    return " && ".join(f"({p})" for p in parts) or "true"


def _datatype(datatype: Any, x: str, query: _Query) -> str:
    import pyoxigraph

    if not isinstance(datatype, pyoxigraph.NamedNode) or datatype.value not in DATATYPES:
        raise ShapeNotTranslated(f"sh:datatype {getattr(datatype, 'value', datatype)}")
    iri = datatype.value
    if iri == RDF + "langString":
        return f'isLiteral({x}) && LANG({x}) != ""'
    same = f"isLiteral({x}) && sameTerm(DATATYPE({x}), {query.const(datatype)})"
    local = iri.removeprefix(XSD)
    if local in _CAST:  # the cast's function is the datatype itself: fixed text, one per datatype
        return f"{same} && COALESCE(isLiteral(xsd:{local}({x})), false)"
    return same


# --- SHACL-SPARQL constraints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SparqlConstraint:
    select: str
    prefixes: dict[str, str]
    messages: tuple[str, ...]
    severity: str

    def run(
        self, store: pyoxigraph.Store, nodes: list[Any], default_graph: Sequence[Any] | None
    ) -> tuple[list[Result], int]:
        import pyoxigraph

        from sovgraph.sparql.bind import bind_values

        results, queries = [], 0
        for start in range(0, len(nodes), CHUNK):
            text = bind_values(self.select, "this", nodes[start : start + CHUNK])
            try:
                rows = store.query(text, prefixes=self.prefixes, **_dataset(default_graph))
            except (SyntaxError, ValueError, RuntimeError, OSError) as exc:
                raise ShapeNotTranslated(f"a SPARQL constraint Oxigraph cannot run ({exc})") from None
            queries += 1
            if not isinstance(rows, pyoxigraph.QuerySolutions):
                raise ShapeNotTranslated("a SPARQL constraint that is not a SELECT query")
            names = [v.value for v in rows.variables]
            if "this" not in names or "failure" in names:
                raise ShapeNotTranslated("a SPARQL constraint that selects no $this, or ?failure")
            seen = set()
            for row in rows:
                bound = {n: row[n] for n in names if row[n] is not None}
                this = bound.pop("this")
                path = bound.pop("path", None)
                value = bound.pop("value", None)
                key = (this, path, value, tuple(sorted(bound.items(), key=lambda kv: kv[0])))
                if key in seen:
                    continue
                seen.add(key)
                shown = value if value is not None else this
                variables = {**bound, "this": this, "value": shown}
                if path is not None:
                    variables["path"] = path
                results.append(
                    Result(this, path, shown, self.messages, self.severity, tuple(sorted(variables.items())))
                )
        return results, queries


def _sparql_constraint(shapes: Shapes, shape: Any, node: Any) -> _SparqlConstraint:
    about = shapes.about.get(node, {})
    allowed = {RDF + "type", SH + "select", SH + "prefixes", SH + "message"}
    if set(about) - allowed:
        raise ShapeNotTranslated(f"{_short(sorted(set(about) - allowed)[0])} on a SPARQL constraint")
    select = shapes.one(node, SH + "select")
    if select is None:
        raise ShapeNotTranslated("a SPARQL constraint without sh:select")
    text = str(select.value)
    if "$currentShape" in text or "$shapesGraph" in text or "?currentShape" in text or "?shapesGraph" in text:
        raise ShapeNotTranslated("a SPARQL constraint that reads $currentShape or $shapesGraph")
    own = _messages(shapes, shape)
    extra = tuple(m for m in _messages(shapes, node) if m not in own)
    messages = own + extra
    if not messages:
        raise ShapeNotTranslated("a SPARQL constraint without sh:message (pySHACL writes its own)")
    return _SparqlConstraint(text, _prefixes(shapes, node), messages, _severity(shapes, shape))


def _prefixes(shapes: Shapes, node: Any) -> dict[str, str]:
    found = {}
    for declarations in shapes.objects(node, SH + "prefixes"):
        for declaration in shapes.objects(declarations, SH + "declare"):
            prefix, namespace = (
                shapes.one(declaration, SH + "prefix"),
                shapes.one(declaration, SH + "namespace"),
            )
            if prefix is not None and namespace is not None:
                found[str(prefix.value)] = str(namespace.value)
    return found


# --- running -----------------------------------------------------------------------------------------------


def _run_check(
    store: pyoxigraph.Store, check: _Check, focus: Any, default_graph: Sequence[Any] | None
) -> list[Any]:
    """The rows (``?this``, maybe ``?value``) of one check, for a focus given as patterns or as nodes."""
    from sovgraph.sparql.bind import bind_values

    query = _Query()
    query.constants = dict(check.query.constants)  # the focus pattern adds its own constants to a copy
    values = "?value" if check.value else ""
    nodes = bool(focus) and not isinstance(focus[0], tuple)
    body = check.body
    if nodes:  # a VALUES block binds ?this first
        pattern = ""
        if check.driven:
            body += f" FILTER({check.driven})"
    elif check.driven:  # the body's rows first, then (for the few that break the rule) the focus
        pattern = ""
        body += f" FILTER(({check.driven}) && EXISTS {{ {_focus_pattern(query, focus)} }})"
    else:
        pattern = _focus_pattern(query, focus)
    constants = query.projection()
    if check.grouped:
        text = (
            f"SELECT ?this {constants} WHERE {{ {pattern} {body} }} "
            f"GROUP BY ?this {constants} HAVING({check.grouped})"
        )
    else:
        text = f"SELECT DISTINCT ?this {values} {constants} WHERE {{ {pattern} {body} }}"
    if not nodes and check.grouped and check.driven:
        # Counted over every node first (a grouping Oxigraph does fast), then, for the few it finds, again
        # with the focus: checking the focus on every triple before grouping is the slow part.
        import pyoxigraph

        free = _Query()
        free.constants = dict(check.query.constants)
        counted = (
            f"SELECT ?this {free.projection()} WHERE {{ {check.body} }} "
            f"GROUP BY ?this {free.projection()} HAVING({check.grouped})"
        )
        found = [row["this"] for row in _select(store, counted, free, default_graph)]
        if not found:
            return []
        if any(isinstance(n, pyoxigraph.BlankNode) for n in found):  # cannot be bound: the whole query
            return _select(store, text, query, default_graph)
        return _select(store, bind_values(text, "this", found), query, default_graph)
    if not nodes:
        return list(_select(store, text, query, default_graph))
    rows = []
    for start in range(0, len(focus), CHUNK):
        rows += _select(store, bind_values(text, "this", focus[start : start + CHUNK]), query, default_graph)
    return rows


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_CONSTANT = re.compile(r"\?(k\d+)\b")
ANALYSIS_PREFIXES = {"rdf": RDF, "rdfs": RDFS, "xsd": XSD}
"""The prefixes of :func:`check_text`."""


def check_text(check: _Check) -> str:
    """A core check's patterns and conditions as one query, its constants written in as terms: what it
    reads, for :func:`sovgraph.validation.reads.query_reads` (an analysis, never run)."""
    body = check.body + (f" FILTER({check.driven})" if check.driven else "")
    return f"SELECT ?this WHERE {{ {_written_in(body, check.query.constants)} }}"


def _written_in(text: str, constants: dict[str, Any]) -> str:
    """``text`` with each constant's variable replaced by the term (outside string literals)."""
    parts = []
    last = 0
    for string in _STRING.finditer(text):
        parts.append(_CONSTANT.sub(lambda m: str(constants[m.group(1)]), text[last : string.start()]))
        parts.append(string.group())
        last = string.end()
    parts.append(_CONSTANT.sub(lambda m: str(constants[m.group(1)]), text[last:]))
    return "".join(parts)


def _select(
    store: pyoxigraph.Store, text: str, query: _Query, default_graph: Sequence[Any] | None
) -> list[Any]:
    import pyoxigraph

    prefixes = {"rdf": RDF, "rdfs": RDFS, "xsd": XSD}
    substitutions = {pyoxigraph.Variable(n): t for n, t in query.constants.items()}
    try:
        rows = store.query(text, prefixes=prefixes, **_dataset(default_graph), substitutions=substitutions)
    except (SyntaxError, ValueError, RuntimeError) as exc:  # a translation Oxigraph refuses: left to pySHACL
        raise ShapeNotTranslated(f"a query Oxigraph cannot run ({exc})") from None
    if not isinstance(rows, pyoxigraph.QuerySolutions):  # pragma: no cover - every check is a SELECT
        raise ShapeNotTranslated("a check that is not a SELECT query")
    return list(rows)


def _dataset(default_graph: Sequence[Any] | None) -> dict[str, Any]:
    """The query arguments that make the default graph the union of ``default_graph`` (``None``: of every
    graph of the store, much faster in Oxigraph 0.5 than a list of graphs)."""
    if default_graph is None:
        return {"use_default_graph_as_union": True}
    return {"default_graph": list(default_graph)}


def format_message(message: str, bindings: Iterable[tuple[str, str]]) -> str:
    """A SHACL-SPARQL message with ``{?name}`` and ``{$name}`` replaced by the solution's values (as text)."""
    for name, text in bindings:
        message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", _replacement(text), message)
    return message


def _replacement(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


def _short(iri: str) -> str:
    return iri.replace(SH, "sh:").replace(RDF, "rdf:").replace(RDFS, "rdfs:")
