"""Which nodes a change can reach through a rule, for a rule whose conclusions are each about one node.

A rule such as ``in-force`` concludes, for each relation ``?node``, facts about ``?node`` and about a record
minted for it, which links back to it (``?record rdf:subject ?node``). Its conclusions for one value of such
a *focus* variable come from the solutions that bind the focus to that value, and no others. So after a
change, only the solutions of the focus values the change can reach need computing again: the rule runs with
its focus bound to them (``VALUES``, first in its WHERE clause), and its kept output for them is replaced.

A changed triple reaches a solution only through a triple pattern it can match (its predicate, its class);
that pattern and the focus are joined, in every solution the pattern's match takes part in, by a chain of
patterns that solution also matches (:func:`plan`): evaluated over the graph after the change and the
triples the change removed, the chain gives every focus value the change can reach, before or after it. A
pattern with no such chain (matched inside a repeated path, in a subquery with no group to hold it, ...)
leaves the focus values unknown: the rule then runs whole.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sovgraph.errors import UnfollowedPatternError
from sovgraph.namespaces import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph


class Classes(Protocol):
    """The classes of nodes and superclasses of classes, before and after a change
    (:class:`sovgraph.sparql.delta.Lookup`)."""

    hierarchy_changed: bool

    def superclasses(self, cls: Any) -> set[str] | None: ...

    def classes(self, node: Any) -> set[str] | None: ...


RDF_TYPE = PREFIXES["rdf"] + "type"
SUBCLASS = PREFIXES["rdfs"] + "subClassOf"
MAX_FOCUS = 5000  # more focus values than this: the whole rule runs (a join this wide gains nothing)


@dataclass(frozen=True)
class Edge:
    """A pattern every solution matches, as SPARQL text, and the variables it joins (``?name``); for a
    class pattern (``?x a K``, ``?x a/rdfs:subClassOf* K``), the class."""

    text: str
    ends: tuple[str, ...]
    cls: str | None = None


def _triple_edge(subject: str, path: Any, obj: Any, scope: _Scope) -> Edge:
    from rdflib import URIRef, Variable

    s, o = _term(subject, scope), _term(obj, scope)
    typed = isinstance(subject, Variable) and isinstance(obj, URIRef) and is_type(path)
    return Edge(
        f"{s} {_path(path)} {o} .", tuple(t for t in (s, o) if t.startswith("?")), str(obj) if typed else None
    )


@dataclass(frozen=True)
class Atom:
    """One triple pattern (or one step of a property path) a changed triple can match, and the chain of
    patterns from its variables to the focus (``None``: no chain; empty: it names the focus itself)."""

    subject: str
    predicate: str  # an IRI; rdf:type for a class pattern
    object: str
    closure: str | None = None  # for ?x a/rdfs:subClassOf* K: K (the object is then any class)
    chain: tuple[Edge, ...] | None = None
    guard: frozenset[str] = frozenset()  # classes the subject has one of in every solution (none: any)


@dataclass(frozen=True)
class Plan:
    """How to find the focus values a change reaches through one rule, and run the rule for them only."""

    focus: str  # the focus variable, ``?name``
    links: frozenset[str]  # predicates of the conclusions that link a minted node to its focus value
    atoms: tuple[Atom, ...]
    opaque: frozenset[
        str
    ]  # predicates read where no chain can be found: a change to them runs the rule whole
    where: int  # the offset in the rule's text just after the opening brace of its WHERE clause
    inner: tuple[int, ...] = ()
    """The same, for each subquery that projects the focus variable (see :func:`inner_offsets`)."""

    def text(self, rule: str, values: Iterable[str]) -> str:
        """The rule's text ``rule`` run for the focus values ``values`` (N-Triples IRIs) only: a ``VALUES`` at
        the start of its WHERE clause and of each subquery of :attr:`inner`, which is then evaluated for
        those values rather than for the whole graph (its other solutions join with none)."""
        block = f" VALUES {self.focus} {{ {' '.join(values)} }} "
        parts, start = [], 0
        for offset in sorted({self.where, *self.inner}):
            parts += [rule[start:offset], block]
            start = offset
        return "".join([*parts, rule[start:]])

    def as_json(self) -> dict[str, Any]:
        return {
            "focus": self.focus,
            "links": sorted(self.links),
            "atoms": [
                [
                    a.subject,
                    a.predicate,
                    a.object,
                    a.closure,
                    None if a.chain is None else [_edge(e) for e in a.chain],
                    sorted(a.guard),
                ]
                for a in self.atoms
            ],
            "opaque": sorted(self.opaque),
            "where": self.where,
            "inner": list(self.inner),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        atoms = tuple(
            Atom(
                str(s),
                str(p),
                str(o),
                None if c is None else str(c),
                None if ch is None else tuple(Edge(str(e[0]), tuple(map(str, e[1]))) for e in ch),
                frozenset(map(str, g)),
            )
            for s, p, o, c, ch, g in data["atoms"]
        )
        return cls(
            str(data["focus"]),
            frozenset(map(str, data["links"])),
            atoms,
            frozenset(map(str, data["opaque"])),
            int(data["where"]),
            tuple(int(offset) for offset in data["inner"]),
        )


def _edge(edge: Edge) -> list[Any]:
    return [edge.text, list(edge.ends)]


def plan(text: str) -> Plan | None:
    """The focus plan of a (non-recursive) CONSTRUCT rule, or ``None`` when it has none.

    >>> p = plan("CONSTRUCT { ?x sov:p ?y } WHERE { ?x a sov:A ; sov:q ?z . ?z sov:r ?y }")
    >>> p.focus, [(a.predicate.rsplit('#')[-1], len(a.chain)) for a in p.atoms]
    ('?x', [('type', 0), ('q', 0), ('r', 1)])
    """
    from sovgraph.sparql.algebra import prepared

    return plan_of(prepared(text, PREFIXES), text)


def plan_of(query: Any, text: str) -> Plan | None:
    """:func:`plan`, of the query ``text`` parsed by rdflib (``query``)."""
    where = where_offset(text)
    if where is None or "template" not in query.algebra:
        return None
    walk = _Walk()
    try:
        walk.pattern(query.algebra["p"], (), _Scope())
    except UnfollowedPatternError:
        return None
    top = query.algebra["p"]
    bound = {v for v in _bound(top) if _spine_binds(top, v)}
    candidates = _candidates(list(query.algebra["template"]), bound)
    best = None
    for focus, links in sorted(candidates.items()):  # the focus most patterns name, then reach
        atoms = tuple(_chained(atom, context, focus) for atom, context in walk.atoms)
        cost = (-sum(atom.chain == () for atom in atoms), sum(atom.chain is None for atom in atoms))
        if best is None or cost < best[0]:
            inner = inner_offsets(text, where, focus)
            best = (cost, Plan(focus, links, atoms, frozenset(walk.opaque), where, inner))
    return best[1] if best else None


def where_offset(text: str) -> int | None:
    """The offset just after the ``{`` that opens a CONSTRUCT query's WHERE clause (its template skipped
    brace by brace, past strings, IRIs and comments), or ``None`` when the text is not of that shape."""
    import re

    position = _skip(text, 0)
    keyword = re.compile(r"CONSTRUCT\b", re.IGNORECASE)
    while position < len(text) and not keyword.match(text, position):
        position = _skip(text, _next_token(text, position))
    if position >= len(text):
        return None
    position = _skip(text, position + len("CONSTRUCT"))
    if not text.startswith("{", position):
        return None
    depth = 0
    while position < len(text):
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                break
        position = _skip(text, _next_token(text, position))
    found = re.compile(r"WHERE\s*\{", re.IGNORECASE).match(text, _skip(text, position + 1))
    return found.end() if found else None


def inner_offsets(text: str, where: int, focus: str) -> tuple[int, ...]:
    """The offsets just after the ``{`` that opens the WHERE clause of each subquery of a rule's WHERE clause
    (which opens at ``where``) that projects the variable ``focus`` by name and has no ``LIMIT`` or
    ``OFFSET``; subqueries within subqueries are not looked into.

    In the rule run for some focus values, every solution of the group holding such a subquery binds the
    focus variable to one of them, so the subquery's solutions with another value join with none: a
    ``VALUES`` of those values at the start of its WHERE clause leaves the rule's solutions as they are.

    >>> text = ("CONSTRUCT { ?x :p ?n } WHERE { ?x a :A "
    ...         "OPTIONAL { SELECT ?x (COUNT(*) AS ?n) WHERE { ?x :q ?y } GROUP BY ?x } }")
    >>> [text[i - 7 : i] for i in inner_offsets(text, text.index("WHERE {") + 7, "?x")]
    ['WHERE {']
    """
    import re

    select = re.compile(r"SELECT\b", re.IGNORECASE)
    found = []
    position, depth = _skip(text, where), 1
    while position < len(text) and depth > 0:
        char = text[position]
        if char in "{}":
            depth += 1 if char == "{" else -1
        elif select.match(text, position) and not (
            text[position - 1].isalnum() or text[position - 1] in "_?$:"
        ):
            offset, position = _subquery(text, position + len("SELECT"), focus)
            if offset is not None:
                found.append(offset)
            depth -= 1  # the subquery's own closing brace was passed
            continue
        position = _skip(text, _next_token(text, position))
    return tuple(found)


def _subquery(text: str, position: int, focus: str) -> tuple[int | None, int]:
    """From just after a subquery's ``SELECT``: the offset after the ``{`` of its WHERE clause if it projects
    ``focus`` by name and has no ``LIMIT`` or ``OFFSET`` (else ``None``), and the offset just after the
    brace that closes the group holding it."""
    import re

    pieces, parens = [], 0  # the projection, expressions in parentheses left out
    position = _skip(text, position)
    while position < len(text) and not (parens == 0 and text[position] == "{"):
        end = _next_token(text, position)
        if text[position] == "(":
            parens += 1
        elif text[position] == ")":
            parens -= 1
        elif parens == 0:
            pieces.append(text[position:end])
        position = _skip(text, end)
        if position > end:
            pieces.append(" ")  # white space or a comment: the end of a word
    words = "".join(pieces)
    named = re.findall(r"[?$](\w+)", words)
    opening = position + 1
    depth, position = 1, _skip(text, opening)
    while position < len(text) and depth > 0:  # the WHERE clause
        depth += {"{": 1, "}": -1}.get(text[position], 0)
        position = _skip(text, _next_token(text, position))
    modifiers = position
    depth = 1
    while position < len(text) and depth > 0:  # its modifiers, to the brace that closes the group
        depth += {"{": 1, "}": -1}.get(text[position], 0)
        position = _skip(text, _next_token(text, position))
    limited = re.search(r"\b(LIMIT|OFFSET)\b", text[modifiers:position], re.IGNORECASE)
    projected = "*" not in words and focus[1:] in named
    return (opening if projected and not limited else None), position


def _skip(text: str, position: int) -> int:
    """Past white space and comments."""
    while position < len(text):
        if text[position].isspace():
            position += 1
        elif text[position] == "#":
            end = text.find("\n", position)
            position = len(text) if end < 0 else end + 1
        else:
            break
    return position


def _next_token(text: str, position: int) -> int:
    """Past one character, or one whole string or IRI starting there."""
    char = text[position]
    if char in "\"'":
        end = position + 1
        while end < len(text) and text[end] != char:
            end += 2 if text[end] == "\\" else 1
        return end + 1
    if char == "<":
        end = position + 1
        while end < len(text) and not (text[end].isspace() or text[end] in '<>"{}|^`'):
            end += 1
        if end < len(text) and text[end] == ">":
            return end + 1
    return position + 1


class _Scope:
    """Variable names in a (sub)query: a subquery's variables that it does not project are its own."""

    def __init__(
        self, visible: dict[str, str] | None = None, prefix: str = "", counter: Iterator[int] | None = None
    ) -> None:
        self.visible = visible
        self.prefix = prefix
        self.counter = counter if counter is not None else itertools.count()

    def name(self, var: str) -> str:
        if self.visible is None:
            return var
        return self.visible.get(var, f"{self.prefix}{var}")

    def inner(self, projected: Iterable[str]) -> _Scope:
        return _Scope({v: self.name(v) for v in projected}, f"sub{next(self.counter)}_", self.counter)


class _Walk:
    """The atoms of a rule's patterns, each with the patterns matched in the same solution."""

    def __init__(self) -> None:
        self.atoms: list[tuple[Atom, tuple[Edge, ...]]] = []
        self.opaque: set[str] = set()
        self.fresh = itertools.count()

    def pattern(self, node: Any, context: tuple[Edge, ...], scope: _Scope) -> None:
        from rdflib.plugins.sparql.parserutils import CompValue

        if node is None:
            return
        if not isinstance(node, CompValue):
            raise UnfollowedPatternError
        name = node.name
        if name in ("BGP", "TriplesBlock"):
            self.triples([tuple(t) for t in node.get("triples") or ()], context, scope)
        elif name == "Join":
            self.pattern(node["p1"], context + _required(node["p2"], scope), scope)
            self.pattern(node["p2"], context + _required(node["p1"], scope), scope)
        elif name == "LeftJoin":
            self.pattern(node["p1"], context, scope)
            inner = context + _required(node["p1"], scope)
            self.pattern(node["p2"], inner, scope)  # the filter of an OPTIONAL sees both sides matched
            self.expression(node.get("expr"), inner + _required(node["p2"], scope), scope)
        elif name in ("Filter", "Extend"):
            self.pattern(node["p"], context, scope)
            self.expression(node.get("expr"), context + _required(node["p"], scope), scope)
        elif name == "Union":
            self.pattern(node["p1"], context, scope)
            self.pattern(node["p2"], context, scope)
        elif name == "Project":
            self.pattern(node["p"], context, scope.inner(str(v) for v in node.get("PV") or ()))
        elif name in ("Distinct", "Reduced", "OrderBy", "ToMultiSet", "AggregateJoin", "Group"):
            self.pattern(node["p"], context, scope)
        elif name == "GroupGraphPatternSub":  # the pattern of an EXISTS: its triples, nothing else
            parts = node.get("part") or []
            if any(not isinstance(p, CompValue) or p.name not in ("TriplesBlock", name) for p in parts):
                raise UnfollowedPatternError
            for part in parts:
                others = tuple(e for p in parts if p is not part for e in _required(p, scope))
                self.pattern(part, context + others, scope)
        else:  # a slice, a MINUS, a GRAPH, a SERVICE...: not followed
            raise UnfollowedPatternError

    def expression(self, node: Any, context: tuple[Edge, ...], scope: _Scope) -> None:
        from rdflib.plugins.sparql.parserutils import CompValue

        if isinstance(node, (list, tuple)):
            for item in node:
                self.expression(item, context, scope)
        elif isinstance(node, CompValue):
            if node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                self.pattern(node.get("graph"), context, scope)
                return
            for key, value in node.items():
                if key != "_vars":
                    self.expression(value, context, scope)

    def triples(self, triples: Sequence[tuple[Any, ...]], context: tuple[Edge, ...], scope: _Scope) -> None:
        edges = [_triple_edge(s, p, o, scope) for s, p, o in triples]
        for i, (subject, predicate, obj) in enumerate(triples):
            around = context + tuple(edges[:i] + edges[i + 1 :])
            self.steps(_term(subject, scope), predicate, _term(obj, scope), around)

    def steps(self, subject: str, path: Any, obj: str, context: tuple[Edge, ...]) -> None:
        """The atoms of one pattern: a property path's alternatives and steps each one."""
        from rdflib import URIRef
        from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

        if isinstance(path, URIRef):
            self.atoms.append((Atom(subject, str(path), obj), context))
        elif is_type(path):  # ?x a/rdfs:subClassOf* K
            self.atoms.append((Atom(subject, RDF_TYPE, "?_class", closure=obj.strip("<>")), context))
            self.opaque.add(SUBCLASS)
        elif isinstance(path, AlternativePath):
            for part in path.args:
                self.steps(subject, part, obj, context)
        elif isinstance(path, SequencePath):
            ends = [subject, *(f"?_step{next(self.fresh)}" for _ in path.args[1:]), obj]
            edges = [
                Edge(
                    f"{ends[i]} {_path(part)} {ends[i + 1]} .",
                    tuple(e for e in ends[i : i + 2] if e.startswith("?")),
                )
                for i, part in enumerate(path.args)
            ]
            for i, part in enumerate(path.args):
                self.steps(ends[i], part, ends[i + 1], context + tuple(edges[:i] + edges[i + 1 :]))
        elif isinstance(path, InvPath):
            self.steps(obj, path.arg, subject, context)
        elif isinstance(path, MulPath):  # any number of steps: which ones a triple matches is not known
            self.opaque.update(_iris(path))
        else:
            raise UnfollowedPatternError


def is_type(predicate: object) -> bool:
    """Whether a predicate is ``rdf:type`` or ``rdf:type/rdfs:subClassOf*``."""
    from rdflib import URIRef
    from rdflib.paths import MulPath, SequencePath

    if predicate == URIRef(RDF_TYPE):
        return True
    return (
        isinstance(predicate, SequencePath)
        and len(predicate.args) == 2
        and predicate.args[0] == URIRef(RDF_TYPE)
        and isinstance(predicate.args[1], MulPath)
        and predicate.args[1].path == URIRef(SUBCLASS)
        and predicate.args[1].mod == "*"
    )


def _iris(path: Any) -> list[str]:
    """The IRIs a property path follows."""
    from rdflib import URIRef
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

    if isinstance(path, URIRef):
        return [str(path)]
    if isinstance(path, (SequencePath, AlternativePath)):
        return [iri for part in path.args for iri in _iris(part)]
    if isinstance(path, MulPath):
        return _iris(path.path)
    if isinstance(path, InvPath):
        return _iris(path.arg)
    raise UnfollowedPatternError


def _term(term: Any, scope: _Scope) -> str:
    from rdflib import Variable

    if isinstance(term, Variable):
        return "?" + scope.name(str(term))
    return str(term.n3())


def _path(path: Any) -> str:
    """A predicate or property path as SPARQL, every part in parentheses."""
    from rdflib import URIRef
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

    if isinstance(path, URIRef):
        return str(path.n3())
    if isinstance(path, SequencePath):
        return "(" + "/".join(_path(p) for p in path.args) + ")"
    if isinstance(path, AlternativePath):
        return "(" + "|".join(_path(p) for p in path.args) + ")"
    if isinstance(path, InvPath):
        return f"^({_path(path.arg)})"
    if isinstance(path, MulPath):
        return f"({_path(path.path)}){path.mod}"
    raise UnfollowedPatternError


def _required(node: Any, scope: _Scope) -> tuple[Edge, ...]:
    """Patterns every solution of ``node`` matches (a subquery's under its own names)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if not isinstance(node, CompValue):
        return ()
    name = node.name
    if name in ("BGP", "TriplesBlock"):
        return tuple(_triple_edge(s, p, o, scope) for s, p, o in node.get("triples") or ())
    if name == "Join":
        return _required(node["p1"], scope) + _required(node["p2"], scope)
    if name == "LeftJoin":
        return _required(node["p1"], scope)
    if name == "Union":  # one branch or the other: one pattern, joining what both branches join
        left, right = _required(node["p1"], scope), _required(node["p2"], scope)
        if not left or not right:
            return ()
        ends = {v for e in left for v in e.ends} & {v for e in right for v in e.ends}
        text = "{ " + " ".join(e.text for e in left) + " } UNION { " + " ".join(e.text for e in right) + " }"
        return (Edge(text, tuple(sorted(ends))),)
    if name in ("Filter", "Extend", "Distinct", "Reduced", "OrderBy", "ToMultiSet"):
        return _required(node["p"], scope)
    if name == "Project":
        return _required(node["p"], scope.inner(str(v) for v in node.get("PV") or ()))
    return ()


def _bound(node: Any) -> set[str]:
    """The variables (``?name``) every solution of an algebra pattern binds."""
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    if not isinstance(node, CompValue):
        return set()
    name = node.name
    if name in ("BGP", "TriplesBlock"):
        return {f"?{t}" for triple in node.get("triples") or () for t in triple if isinstance(t, Variable)}
    if name == "Join":
        return _bound(node["p1"]) | _bound(node["p2"])
    if name == "LeftJoin":
        return _bound(node["p1"])
    if name == "Union":
        return _bound(node["p1"]) & _bound(node["p2"])
    if name in ("Filter", "Extend", "Distinct", "Reduced", "OrderBy", "ToMultiSet"):
        return _bound(node["p"])
    if name == "Project":
        return _bound(node["p"]) & {f"?{v}" for v in node.get("PV") or ()}
    return set()


def _spine_binds(node: Any, var: str) -> bool:
    """Whether a ``VALUES`` on ``var`` put first in the group of ``node`` only keeps the solutions with those
    values: ``var`` is bound before every OPTIONAL, FILTER and BIND of the group applies."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if not isinstance(node, CompValue):
        return False
    name = node.name
    if name in ("Project", "Distinct", "Reduced", "OrderBy", "ToMultiSet"):
        return _spine_binds(node["p"], var)
    if name in ("Filter", "Extend"):
        return var in _bound(node["p"]) and _spine_binds(node["p"], var)
    if name == "LeftJoin":
        return var in _bound(node["p1"]) and _spine_binds(node["p1"], var)
    if name == "Join":
        return _spine_binds(node["p1"], var)
    return name in ("BGP", "Union", "TriplesBlock")


def _candidates(template: Sequence[tuple[Any, ...]], bound: set[str]) -> dict[str, frozenset[str]]:
    """The variables that can be a focus, each with its link predicates: bound in every solution, and every
    subject of the conclusions is that variable or a variable with a conclusion linking it to it (by a
    predicate it concludes of nothing else)."""
    from rdflib import URIRef, Variable

    subjects = set()
    for subject, _p, _o in template:
        if not isinstance(subject, Variable):
            return {}
        subjects.add(f"?{subject}")
    objects: dict[tuple[str, str], set[str]] = {}
    for s, p, o in template:
        if isinstance(p, URIRef):
            objects.setdefault((f"?{s}", str(p)), set()).add(f"?{o}" if isinstance(o, Variable) else str(o))
    found = {}
    for focus in sorted(bound):
        links: dict[str, set[str]] = {}
        for (subject, predicate), values in objects.items():
            if values == {focus}:
                links.setdefault(subject, set()).add(predicate)
        if all(s == focus or s in links for s in subjects):
            found[focus] = frozenset(p for s in subjects if s != focus for p in links[s])
    return found


def _chained(atom: Atom, context: tuple[Edge, ...], focus: str) -> Atom:
    """The atom with its chain to the focus: the shortest path of patterns between variables."""
    from dataclasses import replace

    guard = frozenset(e.cls for e in context if e.cls is not None and e.ends == (atom.subject,))
    atom = replace(atom, guard=guard)
    starts = {t for t in (atom.subject, atom.object) if t.startswith("?") and t != "?_class"}
    if focus in starts:
        return replace(atom, chain=())
    came: dict[str, tuple[str, Edge] | None] = {s: None for s in starts}
    queue = deque(starts)
    while queue:
        var = queue.popleft()
        for edge in context:
            if var in edge.ends:
                for there in edge.ends:
                    if there not in came:
                        came[there] = (var, edge)
                        queue.append(there)
        if focus in came:
            chain = []
            step = came[focus]
            while step is not None:
                chain.append(step[1])
                step = came[step[0]]
            return replace(atom, chain=tuple(reversed(chain)))
    return atom


def reached(
    found: Plan, changed: Sequence[pyoxigraph.Triple], look: Classes, store: pyoxigraph.Store
) -> set[str] | None:
    """The focus values (as N-Triples IRIs) the change can reach, or ``None`` when they are not known.
    ``store`` holds the graph after the change (as the rule sees it); the triples the change removed are
    added to it for the chains' evaluation, and taken out again."""
    import pyoxigraph

    if look.hierarchy_changed:
        return None
    focus: set[str] = set()
    bindings: dict[int, set[tuple[str, str]]] = {}
    for triple in changed:
        if triple.predicate.value in found.opaque:
            return None
        for i, atom in enumerate(found.atoms):
            if not _matches(atom, triple, look):
                continue
            if atom.chain is None or any(isinstance(t, pyoxigraph.BlankNode) for t in triple):
                return None
            if atom.chain == ():
                value = triple.subject if atom.subject == found.focus else triple.object
                if not isinstance(value, pyoxigraph.NamedNode):
                    return None
                focus.add(str(value))
            else:
                bindings.setdefault(i, set()).add((str(triple.subject), str(triple.object)))
    if bindings:
        more = _through_chains(found, bindings, changed, store)
        if more is None:
            return None
        focus |= more
    return focus


def _matches(atom: Atom, triple: pyoxigraph.Triple, look: Classes) -> bool:
    if triple.predicate.value != atom.predicate:
        return False
    if atom.closure is not None:
        known = look.superclasses(triple.object)
        return known is None or atom.closure in known
    for term, value in ((atom.subject, triple.subject), (atom.object, triple.object)):
        if term.startswith("<") and term != str(value):
            return False
    if atom.guard:  # a subject of none of the classes its pattern requires: never matched
        classes = look.classes(triple.subject)
        return classes is None or bool(classes & atom.guard)
    return True


def _through_chains(
    found: Plan,
    bindings: dict[int, set[tuple[str, str]]],
    changed: Sequence[pyoxigraph.Triple],
    store: pyoxigraph.Store,
) -> set[str] | None:
    import pyoxigraph

    scratch = pyoxigraph.NamedNode("urn:sovgraph:removed-by-the-change")
    store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, scratch) for t in changed)
    try:
        focus: set[str] = set()
        for i, pairs in bindings.items():
            atom = found.atoms[i]
            assert atom.chain is not None
            ends = [
                (k, t)
                for k, t in enumerate((atom.subject, atom.object))
                if t.startswith("?") and t != "?_class"
            ]
            names = " ".join(t for _, t in ends)
            rows = " ".join("(" + " ".join(pair[k] for k, _ in ends) + ")" for pair in pairs)
            chain = " ".join(edge.text for edge in atom.chain)
            text = f"SELECT DISTINCT {found.focus} WHERE {{ VALUES ({names}) {{ {rows} }} {chain} }}"
            try:
                answer = store.query(text, use_default_graph_as_union=True)
            except (SyntaxError, ValueError, RuntimeError):  # a chain the engine refuses: not known
                return None
            assert isinstance(answer, pyoxigraph.QuerySolutions)
            for row in answer:
                value = row[0]
                if not isinstance(value, pyoxigraph.NamedNode):
                    return None
                focus.add(str(value))
        return focus
    finally:
        store.remove_graph(scratch)
