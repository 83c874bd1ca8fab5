"""Validation again after a change to some files: only what the change can alter is evaluated.

A validation through the cache keeps, in the cache folder's ``validation/``, what the next one needs: the
results of each *unit* (a constraint of a top-level shape, see :class:`sovgraph.validation.shacl.Plan`), each
file's triples as they were validated (one N-Triples snapshot per file, named by the file's label and
SHA-256), and the read-sets of the constraints analysed so far. The next validation (:meth:`Memory.again`)
then:

1. finds the triples each changed file lost or gained (its snapshot against its graph in the store);
2. for each unit, finds the focus nodes the change can reach through the unit's patterns, or through its
   shape's focus (its targets: a node may enter or leave it) with :func:`sovgraph.validation.reads.reaching`;
3. keeps the unit's results for every other focus node, and evaluates the unit again for the nodes reached
   that are still focus nodes (their membership asked of the targets with those nodes bound), over the
   union of the files' graphs.

A unit whose read-set no changed triple touches keeps its results without a query. A shape where a target
does not bind ``$this`` in every solution, or where the change reaches too many nodes (or a blank node), is
evaluated again whole over the files' graphs when its SPARQL queries are local. When one is not (an
aggregate: over the files' graphs, a triple stated in two files counts twice), the whole validation runs
again instead, reusing nothing; so it does when the shapes, the set of files or any ``rdfs:subClassOf``
statement changed, when a changed triple holds a blank node, when the change holds more than
:data:`MAX_CHANGES` triples, when a snapshot is missing or damaged, or when a shape is left to pySHACL.
Nothing is kept when a result holds a blank node (their labels differ between two loads).

Every file is checked against its SHA-256 before it is used; a state that does not match its own checksum
is ignored. The findings' files are not kept: the caller finds them again for every finding (the derived
graph may name a node too).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sovgraph.errors import ShapeNotTranslated, SovgraphError
from sovgraph.files import write_atomic
from sovgraph.validation.reads import RDF_TYPE, SUBCLASS, Reads, constants_reads, query_reads, reaching

if TYPE_CHECKING:
    from pathlib import Path

    import pyoxigraph

    from sovgraph.validation.shacl import Outcome, Plan, Result, Shapes

FORMAT = 1  # bump when the kept state changes: an older one is ignored
FOLDER = "validation"
STATE = "state.json"
LIMIT = 1000
"""The most focus nodes a change may reach in one shape before the shape is evaluated again whole."""
MAX_CHANGES = 1000
"""The most triples a change may hold before the whole validation runs again instead."""


@dataclass(frozen=True)
class Input:
    """A loaded file: its label, its named graph and the SHA-256 of its content."""

    label: str
    graph: str
    sha256: str


class Memory:
    """What validations keep in a cache folder for the next (see the module documentation)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / FOLDER
        self.state = _read_state(self.folder / STATE)
        self.reads: dict[str, Reads] = _known_reads(self.state)
        self.plans: tuple[Shapes | None, list[Plan]] = (None, [])  # the plans :meth:`again` made

    def again(
        self, store: pyoxigraph.Store, inputs: Sequence[Input], shapes: Shapes, shapes_key: str
    ) -> Outcome | None:
        """The outcome of the shapes over the files of ``store`` (all its graphs but the derived one), from
        the kept state and the change since; ``None`` when it must be evaluated whole."""
        state = self.state
        if state is None or state["shapes"] != shapes_key or not _same_files(state["files"], inputs):
            return None
        try:
            found = self._changes(store, inputs)
        except SyntaxError:  # a snapshot that matches its checksum but does not parse: not ours
            return None
        if found is None:
            return None
        changed, removed = found
        if len(changed) > MAX_CHANGES:  # a large change: following each triple costs more than evaluating all
            return None
        graphs = _graphs(inputs)
        shapes.data = (store, graphs)
        plans = _plans(shapes, state["plans"])
        if plans is None:
            return None
        self.plans = (shapes, plans)
        try:
            kept_units = [_results(plan, kept) for plan, kept in zip(plans, state["units"], strict=True)]
        except (ValueError, TypeError, KeyError, SyntaxError):  # a state written by something else
            return None
        match = _matcher(store, removed)
        units: dict[Any, tuple[tuple[Result, ...], ...]] = {}
        try:
            for plan, kept in zip(plans, kept_units, strict=True):
                again = self._shape(store, graphs, plan, kept, changed, match)
                if again is None and not self._local(plan):
                    return None  # over the files' graphs, an aggregate counts a triple once per file
                if again is None:
                    again = _whole(store, shapes, plan.shape, graphs)
                units[plan.shape] = tuple(tuple(u) for u in again)
        except ShapeNotTranslated:  # a query Oxigraph refused this time: the whole validation says why
            return None
        from sovgraph.validation.shacl import Outcome

        return Outcome(tuple(r for shape in units.values() for unit in shape for r in unit), {}, 0, units)

    def keep(
        self,
        store: pyoxigraph.Store,
        inputs: Sequence[Input],
        shapes: Shapes,
        shapes_key: str,
        outcome: Outcome,
        dumps: Mapping[str, bytes] | None = None,
    ) -> None:
        """Keep ``outcome`` (the shapes' over the files of ``store``) for the next validation: nothing when
        a shape was left to pySHACL or a result holds a blank node. ``dumps`` may hold files' graphs in
        N-Triples already (else they are read from ``store``). A folder that cannot be written keeps
        nothing (the next validation is then a whole one)."""
        try:
            self.folder.mkdir(exist_ok=True)
            if outcome.left or not _keepable(outcome):
                _forget(self.folder)
                return
            from sovgraph.validation.shacl import plan

            tops = shapes.top_level()
            known, planned = self.plans
            plans = planned if known is shapes else [plan(shapes, shape) for shape in tops]
            files = self._snapshots(store, inputs, dumps or {})
            state = {
                "format": FORMAT,
                "shapes": shapes_key,
                "files": files,
                "plans": [p.signature() for p in plans],
                "units": [[[_row(r) for r in unit] for unit in outcome.units[s]] for s in tops],
                "reads": {key: r.to_data() for key, r in self._used(plans).items()},
            }
            body = json.dumps(state, sort_keys=True).encode("utf-8")
            write_atomic(self.folder / STATE, hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
            referenced = {_snapshot_name(label, entry["sha256"]) for label, entry in files.items()}
            for old in self.folder.glob("*.nt"):
                if old.name not in referenced:
                    old.unlink(missing_ok=True)
        except (OSError, SovgraphError, ShapeNotTranslated):
            _forget(self.folder)

    def _changes(
        self, store: pyoxigraph.Store, inputs: Sequence[Input]
    ) -> tuple[list[pyoxigraph.Triple], set[pyoxigraph.Triple]] | None:
        """The triples each changed file lost or gained, and those it lost; ``None`` when a snapshot is
        missing or damaged, or when the change holds a blank node or a subclass statement."""
        import pyoxigraph

        assert self.state is not None
        before_lines: set[bytes] = set()
        after_lines: set[bytes] = set()
        for item in inputs:
            entry = self.state["files"][item.label]
            if entry["sha256"] == item.sha256:
                continue
            old = _read_checked(self.folder / _snapshot_name(item.label, entry["sha256"]), entry["snapshot"])
            if old is None:
                return None
            before, after = set(old.splitlines()), set(_dump(store, item.graph).splitlines())
            before_lines |= before - after
            after_lines |= after - before
        lines = before_lines | after_lines
        if any(b"_:" in line for line in lines):  # a blank node (or text that looks like one)
            return None
        nt = pyoxigraph.RdfFormat.N_TRIPLES
        removed = set(pyoxigraph.parse(b"\n".join(before_lines), format=nt)) if before_lines else set()
        added = list(pyoxigraph.parse(b"\n".join(after_lines), format=nt)) if after_lines else []
        changed = [*sorted(removed, key=str), *added]
        if any(t.predicate.value == SUBCLASS for t in changed):
            return None
        return changed, removed

    def _shape(
        self,
        store: pyoxigraph.Store,
        graphs: list[Any],
        plan: Plan,
        kept: list[list[Result]],
        changed: list[pyoxigraph.Triple],
        match: Any,
    ) -> list[list[Result]] | None:
        """The shape's units after the change, or ``None`` when it must be evaluated whole."""
        from sovgraph.validation.shacl import ANALYSIS_PREFIXES, check_results, check_text

        entering: set[Any] = set()  # nodes whose membership in the focus may change
        if plan.patterns:
            focus = focus_reads(plan.patterns)
            reached = reaching(focus, changed, match, LIMIT) if _touched(focus, changed) else set()
            if reached is None:
                return None
            entering |= reached
        bound = all(self._reads(t.select, t.prefixes).bound for t in plan.targets)
        for target in plan.targets:
            reached = self._reached(target.select, target.prefixes, changed, match)
            if reached is None:
                return None
            entering |= reached
        touched: list[set[Any]] = []
        for check in plan.checks:
            if not _touched(constants_reads(check.query.constants.values()), changed):
                touched.append(entering)
                continue
            reached = self._reached(check_text(check), ANALYSIS_PREFIXES, changed, match)
            if reached is None:
                return None
            touched.append(reached | entering)
        for constraint in plan.sparql:
            if entering and not self._reads(constraint.select, constraint.prefixes).local:
                return None  # evaluated for some nodes, it may not give what it gives for all at once
            reached = self._reached(constraint.select, constraint.prefixes, changed, match)
            if reached is None:
                return None
            touched.append(reached | entering)
        every = set().union(*touched) if touched else set()
        if every and not bound:  # a target not restricted exactly to some nodes: its selection again
            return None
        if len(every) > LIMIT or any(type(n).__name__ == "BlankNode" for n in every):
            return None
        members = _members(store, graphs, plan, sorted(every, key=str))
        units = []
        for index, (old, again) in enumerate(zip(kept, touched, strict=True)):
            nodes = sorted(again & members, key=str)
            fresh: list[Result] = []
            if nodes and index < len(plan.checks):
                fresh = check_results(store, plan.checks[index], nodes, graphs)
            elif nodes:
                fresh, _ = plan.sparql[index - len(plan.checks)].run(store, nodes, graphs)
            units.append([r for r in old if r.focus not in again] + fresh)
        return units

    def _local(self, plan: Plan) -> bool:
        """Whether every SPARQL query of the shape is local: no aggregate, whose count would differ over
        the files' graphs (a triple twice, in two files) from the count over their merge, validated."""
        queries: list[Any] = [*plan.targets, *plan.sparql]
        return all(self._reads(q.select, q.prefixes).local for q in queries)

    def _reached(
        self, text: str, prefixes: dict[str, str], changed: list[pyoxigraph.Triple], match: Any
    ) -> set[Any] | None:
        """The focus nodes the change reaches through the query ``text`` (none when it touches none of
        its read-set), or ``None`` when they cannot be told."""
        reads = self._reads(text, prefixes)
        if not _touched(reads, changed):
            return set()
        return reaching(reads, changed, match, LIMIT)

    def _reads(self, text: str, prefixes: dict[str, str]) -> Reads:
        """The read-set of a query, analysed once and kept (the analysis parses the query: slow)."""
        key = _reads_key(text, prefixes)
        if key not in self.reads:
            try:
                self.reads[key] = query_reads(text, prefixes)
            except Exception:  # rdflib's parser raises many kinds: the query is then taken to read anything
                self.reads[key] = Reads(frozenset(), frozenset(), anything=True, any_type=True)
        return self.reads[key]

    def _used(self, plans: list[Plan]) -> dict[str, Reads]:
        """The read-sets known of the queries of ``plans`` (the others are forgotten)."""
        from sovgraph.validation.shacl import ANALYSIS_PREFIXES, check_text

        texts = [(t.select, t.prefixes) for p in plans for t in p.targets]
        texts += [(check_text(c), ANALYSIS_PREFIXES) for p in plans for c in p.checks]
        texts += [(c.select, c.prefixes) for p in plans for c in p.sparql]
        keys = {_reads_key(text, prefixes) for text, prefixes in texts}
        return {k: r for k, r in self.reads.items() if k in keys}

    def _snapshots(
        self, store: pyoxigraph.Store, inputs: Sequence[Input], dumps: Mapping[str, bytes]
    ) -> dict[str, dict[str, str]]:
        """Each file's snapshot, written when the kept state has none for its content; what the state
        records of each file."""
        known = self.state["files"] if self.state is not None else {}
        files = {}
        for item in inputs:
            name = _snapshot_name(item.label, item.sha256)
            was = known.get(item.label)
            if was is not None and was["sha256"] == item.sha256 and (self.folder / name).is_file():
                files[item.label] = {"sha256": item.sha256, "graph": item.graph, "snapshot": was["snapshot"]}
                continue
            data = dumps[item.graph] if item.graph in dumps else _dump(store, item.graph)
            write_atomic(self.folder / name, data)
            snapshot = hashlib.sha256(data).hexdigest()
            files[item.label] = {"sha256": item.sha256, "graph": item.graph, "snapshot": snapshot}
        return files


def _read_state(path: Path) -> dict[str, Any] | None:
    """The kept state, or ``None`` if it is missing, of another format, damaged or malformed."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    check, _, body = data.partition(b"\n")
    if check != hashlib.sha256(body).hexdigest().encode("ascii"):
        return None
    try:
        state = json.loads(body)
    except ValueError:
        return None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        return None
    if set(state) != {"format", "shapes", "files", "plans", "units", "reads"}:
        return None
    kinds = {"shapes": str, "files": dict, "plans": list, "units": list, "reads": dict}
    if not all(isinstance(state[key], kind) for key, kind in kinds.items()):
        return None
    if len(state["plans"]) != len(state["units"]):
        return None
    return state


def _known_reads(state: dict[str, Any] | None) -> dict[str, Reads]:
    found: dict[str, Reads] = {}
    for key, data in (state or {}).get("reads", {}).items():
        try:
            found[key] = Reads.from_data(data)
        except (ValueError, TypeError):
            continue
    return found


def _forget(folder: Path) -> None:
    """Remove the kept state (the snapshots stay until a state no longer names them)."""
    with contextlib.suppress(OSError):
        (folder / STATE).unlink(missing_ok=True)


def _same_files(kept: dict[str, Any], inputs: Sequence[Input]) -> bool:
    """Whether the kept state names the same files, in the same graphs."""
    if set(kept) != {i.label for i in inputs}:
        return False
    for item in inputs:
        entry = kept[item.label]
        if not isinstance(entry, dict) or set(entry) != {"sha256", "graph", "snapshot"}:
            return False
        if entry["graph"] != item.graph:
            return False
    return True


def _graphs(inputs: Sequence[Input]) -> list[Any]:
    import pyoxigraph

    return [pyoxigraph.NamedNode(i.graph) for i in inputs]


def _snapshot_name(label: str, sha256: str) -> str:
    return hashlib.sha256(f"{label}\n{sha256}".encode()).hexdigest()[:40] + ".nt"


def _read_checked(path: Path, sha256: object) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _dump(store: pyoxigraph.Store, graph: str) -> bytes:
    """A graph of the store as N-Triples (an absent graph has none)."""
    import pyoxigraph

    node = pyoxigraph.NamedNode(graph)
    if not store.contains_named_graph(node):
        return b""
    return store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=node) or b""


def _plans(shapes: Shapes, signatures: list[Any]) -> list[Plan] | None:
    """The plan of each top-level shape, if each has the signature kept (else the shapes differ)."""
    from sovgraph.validation.shacl import plan

    if shapes.whole_graph_reason() is not None:
        return None
    tops = shapes.top_level()
    if len(tops) != len(signatures):
        return None
    try:
        plans = [plan(shapes, shape) for shape in tops]
    except ShapeNotTranslated:
        return None
    if [p.signature() for p in plans] != signatures:
        return None
    return plans


def focus_reads(patterns: Sequence[tuple[str, Any]]) -> Reads:
    """What a shape's focus patterns read (see :func:`sovgraph.validation.shacl.focus_members`): the type
    triples of their classes, the triples of their predicates; each pattern holds ``$this``.

    >>> import pyoxigraph
    >>> r = focus_reads([("type", pyoxigraph.NamedNode("http://ex/C"))])
    >>> r.patterns, r.touches(RDF_TYPE, "http://ex/C"), r.touches(RDF_TYPE, "http://ex/D")
    ((('?this', '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>', '<http://ex/C>'),), True, False)
    """
    predicates: set[str] = set()
    classes: set[str] = set()
    found: list[tuple[str, str, str]] = []
    any_type = False
    for kind, term in patterns:
        iri = str(term.value)
        if kind == "type":
            predicates.add(RDF_TYPE)
            classes.add(iri)
            found.append(("?this", f"<{RDF_TYPE}>", f"<{iri}>"))
            continue
        predicates.add(iri)
        any_type = any_type or iri == RDF_TYPE  # the subjects or objects of rdf:type: every type triple
        subject, obj = ("?this", "?object") if kind == "targetSubjectsOf" else ("?subject", "?this")
        found.append((subject, f"<{iri}>", obj))
    reads = Reads(frozenset(predicates), frozenset(classes), any_type=any_type, local=True, bound=True)
    return replace(reads, patterns=tuple(found))


def _whole(store: pyoxigraph.Store, shapes: Shapes, shape: Any, graphs: list[Any]) -> list[list[Result]]:
    from sovgraph.validation.shacl import evaluate_shape

    units, _ = evaluate_shape(store, shapes, shape, graphs)
    return units


def _touched(reads: Reads, changed: Iterable[pyoxigraph.Triple]) -> bool:
    """Whether a changed triple can be matched by a query of this read-set."""
    return any(reads.touches(t.predicate.value, _object_text(t.object)) for t in changed)


def _object_text(term: Any) -> str:
    return str(term.value) if type(term).__name__ == "NamedNode" else str(term)


def _matcher(store: pyoxigraph.Store, removed: set[pyoxigraph.Triple]) -> Any:
    """The triples matching a pattern in the data after the change or among those it removed (every graph
    of the store: the derived one too, more than the files hold, never less)."""

    def match(subject: Any, predicate: Any, obj: Any) -> Iterator[Any]:
        if _cannot_be(subject, "subject") or _cannot_be(predicate, "predicate"):
            return
        for quad in store.quads_for_pattern(subject, predicate, obj, None):
            yield quad.triple
        for triple in removed:
            if _matches((subject, predicate, obj), (triple.subject, triple.predicate, triple.object)):
                yield triple

    return match


def _matches(pattern: tuple[Any, Any, Any], terms: tuple[Any, Any, Any]) -> bool:
    return all(want is None or want == got for want, got in zip(pattern, terms, strict=True))


def _cannot_be(term: Any, position: str) -> bool:
    kind = type(term).__name__
    if term is None:
        return False
    return kind == "Literal" or (position == "predicate" and kind != "NamedNode")


def _members(store: pyoxigraph.Store, graphs: list[Any], plan: Plan, nodes: list[Any]) -> set[Any]:
    """Those of ``nodes`` that are focus nodes of the shape in the data now."""
    from sovgraph.validation.shacl import focus_members

    if not nodes:
        return set()
    found = set(plan.nodes) & set(nodes)
    for target in plan.targets:
        found |= set(target.run(store, graphs, nodes))
    if plan.patterns:
        found |= set(focus_members(store, plan.patterns, graphs, nodes))
    return found


def _reads_key(text: str, prefixes: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps([text, sorted(prefixes.items())]).encode("utf-8")).hexdigest()


def _keepable(outcome: Outcome) -> bool:
    """Whether every term of every result can be written and read back as the same term."""
    for result in outcome.results:
        terms = [result.focus, result.path, result.value, *(t for _, t in result.bindings or ())]
        if any(type(t).__name__ == "BlankNode" for t in terms):
            return False
    return True


def _row(result: Result) -> list[Any]:
    """A result as JSON data: its terms in N-Triples (its messages and severity are its unit's)."""
    bindings = None if result.bindings is None else [[n, str(t)] for n, t in result.bindings]
    return [
        str(result.focus),
        None if result.path is None else str(result.path),
        None if result.value is None else str(result.value),
        bindings,
    ]


def _results(plan: Plan, kept: Any) -> list[list[Result]]:
    """The kept results of the plan's units, as :class:`sovgraph.validation.shacl.Result` (a malformed state
    raises ``ValueError``)."""
    from sovgraph.validation.shacl import Result

    units: list[Any] = [*plan.checks, *plan.sparql]
    if not isinstance(kept, list) or len(kept) != len(units):
        raise ValueError("a kept state that does not match the shapes")
    texts = [t for unit in kept for row in unit for t in _row_texts(row)]
    terms = _terms(texts)
    found = []
    for unit, rows in zip(units, kept, strict=True):
        results = []
        for focus, path, value, bindings in rows:
            bound = None if bindings is None else tuple((n, terms[t]) for n, t in bindings)
            results.append(
                Result(
                    terms[focus],
                    None if path is None else terms[path],
                    None if value is None else terms[value],
                    unit.messages,
                    unit.severity,
                    bound,
                )
            )
        found.append(results)
    return found


def _row_texts(row: Any) -> list[str]:
    focus, path, value, bindings = row
    return [t for t in (focus, path, value, *(t for _, t in bindings or ())) if t is not None]


def _terms(texts: list[str]) -> dict[str, Any]:
    """Terms written in N-Triples, read back (as objects of triples: IRIs and literals)."""
    import pyoxigraph

    unique = list(dict.fromkeys(texts))
    if not unique:
        return {}
    data = "\n".join(f"<urn:s> <urn:p> {t} ." for t in unique).encode("utf-8")
    triples = list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))
    if len(triples) != len(unique):
        raise ValueError("a kept term that does not read back")
    return {text: t.object for text, t in zip(unique, triples, strict=True)}
