"""SHACL validation of the loaded graph, with a report people can read: file, focus node, path, message.

The data graph is the union of the ontology and every data file, derived facts excluded (so shapes can read
the model, e.g. which property takes values from which controlled list). Shapes come from
``ontology/shapes/``; SHACL-SPARQL constraints and targets are used, with no inference.

Two engines give the same report (``tests/test_validate_engines.py`` compares them):

- ``sparql`` (the default): :mod:`sovgraph.validation.shacl` translates each constraint of each shape into one
  Oxigraph query over all its focus nodes; a shape using a feature it does not translate is handed to
  pySHACL alone. Seconds at a million triples.
- ``pyshacl``: pySHACL with its advanced features on, on an rdflib copy of the graph (minutes at a million
  triples). Its SPARQL-based targets (``sh:SPARQLTarget``) are evaluated by Oxigraph first and handed to
  it as the ``sh:targetNode`` list they select: by definition the same focus nodes (a target Oxigraph
  cannot evaluate is left to pySHACL as written).

Through the cache, :func:`report` reuses the last report while nothing changed, and after a change to some
files evaluates again only what the change can alter (:mod:`sovgraph.validation.revalidate`): the same report.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sovgraph.errors import ShapesError
from sovgraph.namespaces import shorten, shorten_text
from sovgraph.store.ingest import parse_file

if TYPE_CHECKING:
    from pathlib import Path

    import pyoxigraph
    import rdflib

    from sovgraph.graph import KnowledgeGraph

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True, order=True)
class Finding:
    """One validation result."""

    files: tuple[str, ...]
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str  # "Violation", "Warning" or "Info"

    def line(self) -> str:
        where = ", ".join(self.files) or "(no file)"
        detail = f"{self.focus}"
        if self.path:
            detail += f" [{self.path}]"
        text = f"{where}: {self.severity.lower()}: {detail}: {self.message}"
        if self.value and self.value not in self.message:
            text += f" (value: {self.value})"
        return text


@dataclass(frozen=True)
class Report:
    """The outcome of a validation: every finding, violations first."""

    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings do not break conformance)."""
        return not self.violations

    def to_json(self) -> str:
        """The findings as JSON (to keep a report beside the cache)."""
        import json
        from dataclasses import asdict

        return json.dumps([asdict(f) for f in self.findings], ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Report:
        import json

        return cls(tuple(Finding(**{**d, "files": tuple(d["files"])}) for d in json.loads(text)))

    def text(self) -> str:
        lines = [f.line() for f in (*self.violations, *self.warnings)]
        verdict = "conforms" if self.conforms else "does NOT conform"
        lines.append(
            f"The graph {verdict} to the shapes: {len(self.violations)} violation(s), "
            f"{len(self.warnings)} warning(s)."
        )
        return "\n".join(lines)


def shapes_graph(paths: Iterable[Path]) -> rdflib.Graph:
    """Parse the SHACL shape files (syntax errors are reported like any input file's)."""
    import pyoxigraph
    import rdflib

    from sovgraph.formats import serialize

    graph = rdflib.Graph()
    for path in paths:
        quads = parse_file(path)
        graph.parse(data=serialize(quads, pyoxigraph.RdfFormat.N_TRIPLES), format="nt")
    return graph


ENGINES = ("sparql", "pyshacl")
"""``sparql``: the shapes translated into one Oxigraph query per constraint
(:mod:`sovgraph.validation.shacl`), pySHACL only for a shape the translation does not cover; ``pyshacl``:
pySHACL alone, on an rdflib copy (slow)."""


def validate(
    kg: KnowledgeGraph,
    shapes: Iterable[Path] | None = None,
    *,
    engine: str = "sparql",
    oxigraph_targets: bool = True,
) -> Report:
    """Validate the union of the graph's files against SHACL shapes (the project's by default).

    The default ``engine="sparql"`` evaluates each constraint of each shape for all its focus nodes in one
    Oxigraph query (see :mod:`sovgraph.validation.shacl`), and hands pySHACL only the shapes that use a
    feature the translation does not cover; ``engine="pyshacl"`` gives every shape to pySHACL (the same
    report, much slower). ``oxigraph_targets=False`` leaves SPARQL-based targets to pySHACL (slower; the same
    report)."""
    from sovgraph.progress import working

    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}: one of {', '.join(ENGINES)}")
    shape_paths = list(shapes) if shapes is not None else kg.project.shape_files()
    if engine == "pyshacl":
        with _quiet_rdflib(), working("validating"):
            return _report(_pyshacl(kg, shape_paths, oxigraph_targets=oxigraph_targets))
    from sovgraph.validation import shacl

    with _quiet_rdflib(), working("validating"):
        graph = shacl.Shapes(q for p in shape_paths for q in parse_file(p))
        outcome = shacl.evaluate(files_store(kg), graph)
        findings = [_finding(kg, result) for result in outcome.results]
    if outcome.left:
        with _quiet_rdflib(), working("validating"):
            findings += _pyshacl(kg, shape_paths, only=set(outcome.left), oxigraph_targets=oxigraph_targets)
    return _report(findings)


def _report(findings: Iterable[Finding]) -> Report:
    """Each finding once, in a stable order (a finding without a path or value sorts first)."""
    return Report(
        tuple(sorted(set(findings), key=lambda f: (f.files, f.focus, f.path or "", f.value or "", f)))
    )


def left_to_pyshacl(kg: KnowledgeGraph, shapes: Iterable[Path] | None = None) -> dict[str, str]:
    """The shapes the SPARQL engine leaves to pySHACL, each with the reason (empty for the project's)."""
    from sovgraph.validation import shacl

    shape_paths = list(shapes) if shapes is not None else kg.project.shape_files()
    graph = shacl.Shapes(q for p in shape_paths for q in parse_file(p))
    outcome = shacl.evaluate(files_store(kg), graph)
    return {_show_term(shape): why for shape, why in outcome.left.items()}


def files_store(kg: KnowledgeGraph) -> pyoxigraph.Store:
    """A store whose graphs are exactly the files' (what is validated): the graph's own when it holds
    nothing else, else a copy of the files' triples (without the derived graph) in memory.

    Oxigraph 0.5 answers over "every graph" many times faster than over a list of graphs (15 to 30 times on
    the curated graph), so copying the files (about 0.45 s per 100k triples) is the cheaper way to leave the
    derived graph out.
    """
    return _files_store(kg, {})


def _files_store(kg: KnowledgeGraph, dumps: dict[str, bytes]) -> pyoxigraph.Store:
    """:func:`files_store`, and each file's graph in N-Triples in ``dumps`` when it copies them."""
    import pyoxigraph

    from sovgraph.store.backend import EmbeddedBackend

    state, backend = kg.cache_state, kg.backend
    if state is not None and isinstance(backend, EmbeddedBackend) and not backend.opened:
        from sovgraph.store.cache import files_copy  # from the cache, not opened yet: from the files

        read = files_copy(kg.files, dict(state.digests))
        if read is not None:
            return _merged(read, {pyoxigraph.NamedNode(f.graph) for f in kg.files}, dumps)
    files = {pyoxigraph.NamedNode(f.graph) for f in kg.files}
    store = kg.store
    if set(store.named_graphs()) <= files and not any(
        True for _ in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    ):
        return store
    return _merged(store, files, dumps)


def _merged(
    store: pyoxigraph.Store, files: set[pyoxigraph.NamedNode], dumps: dict[str, bytes]
) -> pyoxigraph.Store:
    """A store whose default graph holds the triples of the graphs ``files`` of ``store``, merged; each of
    them in N-Triples in ``dumps``."""
    import pyoxigraph

    copy = pyoxigraph.Store()
    for graph in sorted(files, key=str):
        data = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=graph) or b""
        dumps[graph.value] = data
        copy.load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return copy


def _pyshacl(
    kg: KnowledgeGraph, shape_paths: list[Path], *, only: set[object] | None = None, oxigraph_targets: bool
) -> list[Finding]:
    """pySHACL's findings, for every shape or (``only``) for the given top-level shapes alone."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    data.parse(data=kg.union_ntriples(), format="nt")
    shapes_ = shapes_graph(shape_paths)
    if only is not None:  # the other shapes were evaluated already: their targets go
        keep = {_rdflib_term(s) for s in only}
        sh = rdflib.Namespace(SH)
        for target in (sh.targetClass, sh.targetNode, sh.targetSubjectsOf, sh.targetObjectsOf, sh.target):
            for shape, obj in list(shapes_.subject_objects(target)):
                if shape not in keep:
                    shapes_.remove((shape, target, obj))
    if oxigraph_targets:
        shapes_ = resolve_sparql_targets(shapes_, kg)
    _, results, text = pyshacl.validate(
        data,
        shacl_graph=shapes_,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if not isinstance(results, rdflib.Graph):  # pySHACL could not run the shapes at all
        names = ", ".join(str(p) for p in shape_paths)
        raise ShapesError(f"{names}: the SHACL shapes cannot be used: {str(text).strip()}")
    return list(_findings(results, kg))


def _finding(kg: KnowledgeGraph, result: object) -> Finding:
    """A result of :mod:`sovgraph.validation.shacl` as pySHACL's would read (terms shown through rdflib, as
    there)."""
    from sovgraph.validation.shacl import Result, format_message

    assert isinstance(result, Result)
    focus = _rdflib_term(result.focus)
    path = _rdflib_term(result.path) if result.path is not None else None
    value = _rdflib_term(result.value) if result.value is not None else None
    if value == focus:
        value = None
    messages = list(result.messages)
    if result.bindings is not None:
        texts = [(name, str(_rdflib_term(term))) for name, term in result.bindings]
        messages = [format_message(m, texts) for m in messages]
    return Finding(
        files=_files_of(kg, focus, path),
        focus=_show(focus),
        path=_show(path) if path is not None else None,
        value=_show(value) if value is not None else None,
        message="; ".join(sorted(shorten_text(m) for m in messages)) or "constraint not met",
        severity=result.severity.removeprefix(SH),
    )


def _show_term(term: object) -> str:
    return _show(_rdflib_term(term))


def report(kg: KnowledgeGraph) -> Report:
    """The graph's report, reused from the on-disk cache when neither a file nor a shape changed since it
    was made, else made again from what the last validation through the cache kept: after a change to
    some files, only what the change can alter is evaluated (see :mod:`sovgraph.validation.revalidate`; the
    same report a whole validation gives). A graph loaded without the cache is validated every time."""
    state = kg.cache_state
    if state is None:
        return validate(kg)
    from sovgraph.store.cache import digest, report_key

    shapes = kg.project.shape_files()
    # The files as the store holds them (a file changed since the load is not what is validated: its
    # digest now would keep this report for a content the store does not hold).
    loaded = dict(state.digests)
    files = {f.label: loaded.get(f.label) or digest(f.path) for f in kg.files}
    shape_digests = [digest(p) for p in shapes]
    key = report_key([*files.values(), *shape_digests])
    kept = state.recall("validation", key)
    if kept is not None:
        return Report.from_json(kept)
    found = _validate_again(kg, state.folder, files, report_key(shape_digests), shapes)
    state.keep("validation", key, found.to_json())
    return found


def _validate_again(
    kg: KnowledgeGraph, folder: Path, digests: dict[str, str], shapes_key: str, shape_paths: list[Path]
) -> Report:
    """The report of the project's shapes, from what the last validation kept in the cache ``folder`` when
    it can be (see :mod:`sovgraph.validation.revalidate`), else from a whole validation; what is found is
    kept."""
    from sovgraph.progress import working
    from sovgraph.validation import shacl
    from sovgraph.validation.revalidate import Input, Memory

    inputs = [Input(f.label, f.graph, digests[f.label]) for f in kg.files]
    memory = Memory(folder)
    # A validation again makes lookups only: it reads the on-disk store unless the store is open already.
    with _quiet_rdflib(), working("validating"), kg.lookups() as store:
        graph = shacl.Shapes(q for p in shape_paths for q in parse_file(p))
        outcome = memory.again(store, inputs, graph, shapes_key)
        dumps: dict[str, bytes] = {}  # the files' graphs, when copied: the snapshots kept
        if outcome is None:
            outcome = shacl.evaluate(_files_store(kg, dumps), graph)
        findings = [_finding(kg, result) for result in outcome.results]
        memory.keep(store, inputs, graph, shapes_key, outcome, dumps)
    if outcome.left:
        with _quiet_rdflib(), working("validating"):
            findings += _pyshacl(kg, shape_paths, only=set(outcome.left), oxigraph_targets=True)
    return _report(findings)


def resolve_sparql_targets(shapes: rdflib.Graph, kg: KnowledgeGraph) -> rdflib.Graph:
    """``shapes`` with each SPARQL-based target replaced by the focus nodes it selects in ``kg``'s files.

    The query runs over the same triples pySHACL validates (every file, derived facts excluded), with the
    prefixes its ``sh:prefixes`` declare. The shapes graph is changed in place and returned.
    """
    import pyoxigraph
    import rdflib

    sh = rdflib.Namespace(SH)
    files: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.DefaultGraph]
    files = [pyoxigraph.NamedNode(f.graph) for f in kg.files]
    for shape, target in list(shapes.subject_objects(sh.target)):
        select = shapes.value(target, sh.select)
        if (target, rdflib.RDF.type, sh.SPARQLTarget) not in shapes or select is None:
            continue
        # Left to pySHACL as written (which reports it if it is wrong): a query Oxigraph cannot run or that
        # selects no ?this, and one that selects blank nodes (their labels differ in pySHACL's copy).
        try:
            rows = kg.store.query(str(select), prefixes=_prefixes(shapes, target), default_graph=files)
        except (SyntaxError, ValueError, RuntimeError, OSError):
            continue
        if not isinstance(rows, pyoxigraph.QuerySolutions) or "this" not in {v.value for v in rows.variables}:
            continue
        nodes = [_rdflib_term(row["this"]) for row in rows]
        if any(isinstance(n, rdflib.BNode) for n in nodes):
            continue
        shapes.remove((shape, sh.target, target))
        for node in nodes:
            if node is not None:
                shapes.add((shape, sh.targetNode, node))
    return shapes


def _prefixes(shapes: rdflib.Graph, node: object) -> dict[str, str]:
    import rdflib

    sh = rdflib.Namespace(SH)
    found = {}
    for declarations in shapes.objects(node, sh.prefixes):  # type: ignore[arg-type]
        for declaration in shapes.objects(declarations, sh.declare):
            prefix, namespace = shapes.value(declaration, sh.prefix), shapes.value(declaration, sh.namespace)
            if prefix is not None and namespace is not None:
                found[str(prefix)] = str(namespace)
    return found


def _rdflib_term(term: object) -> rdflib.term.Node | None:
    import pyoxigraph
    import rdflib

    if isinstance(term, pyoxigraph.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":  # as rdflib parses "plain"
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    return None


def _findings(results: rdflib.Graph, kg: KnowledgeGraph) -> Iterable[Finding]:
    import rdflib

    sh = rdflib.Namespace(SH)
    # Top-level results only: nested ones (sh:detail) explain a result already reported.
    for result in results.objects(None, sh.result):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        value = results.value(result, sh.value)
        if value == focus:  # SPARQL constraints that select no ?value report the focus node
            value = None
        severity = results.value(result, sh.resultSeverity)
        messages = sorted(shorten_text(str(m)) for m in results.objects(result, sh.resultMessage))
        yield Finding(
            files=_files_of(kg, focus, path),
            focus=_show(focus),
            path=_show(path) if path is not None else None,
            value=_show(value) if value is not None else None,
            message="; ".join(messages) or "constraint not met",
            severity=str(severity).removeprefix(SH) if severity is not None else "Violation",
        )


def _files_of(kg: KnowledgeGraph, node: object, path: object) -> tuple[str, ...]:
    """The files that state the offending property of the node (else every file that describes it)."""
    import pyoxigraph
    import rdflib

    if not isinstance(node, rdflib.URIRef):
        return ()
    by_graph = {f.graph: f.label for f in kg.files}
    subject = pyoxigraph.NamedNode(str(node))
    graphs: list[str] = []
    if isinstance(path, rdflib.URIRef):
        rows = kg.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?node ?path ?o } }",
            {"node": subject, "path": pyoxigraph.NamedNode(str(path))},
            union=False,
        )
        graphs = [r["g"].value for r in rows]
    if not graphs:
        rows = kg.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?node ?p ?o } }", {"node": subject}, union=False
        )
        graphs = [r["g"].value for r in rows]
    return tuple(sorted(by_graph.get(g, g) for g in graphs))


def _show(term: object) -> str:
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return shorten(str(term))
    if isinstance(term, rdflib.BNode):
        return "a blank node"
    if isinstance(term, rdflib.Literal):
        return shorten_text(term.n3())
    return str(term)


class _quiet_rdflib:
    """Silence rdflib's per-literal conversion warnings; the shapes report ill-typed literals instead."""

    def __enter__(self) -> None:
        self._logger = logging.getLogger("rdflib.term")
        self._level = self._logger.level
        self._logger.setLevel(logging.CRITICAL)

    def __exit__(self, *exc: object) -> None:
        self._logger.setLevel(self._level)
