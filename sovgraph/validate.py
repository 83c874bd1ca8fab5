"""SHACL validation of the loaded graph, with a report people can read: file, focus node, path, message.

The data graph is the union of the ontology and every data file (so shapes can read the model, e.g. which
property takes values from which controlled list). Shapes come from ``ontology/shapes/``; SHACL-SPARQL
constraints and targets are used, so pySHACL runs with its advanced features on and no inference.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sovgraph.errors import ValidationError
from sovgraph.load import parse_file
from sovgraph.namespaces import shorten, shorten_text

if TYPE_CHECKING:
    from pathlib import Path

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

    graph = rdflib.Graph()
    for path in paths:
        quads = parse_file(path)
        data = pyoxigraph.serialize(
            (pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads),
            format=pyoxigraph.RdfFormat.N_TRIPLES,
        )
        graph.parse(data=data, format="nt")
    return graph


def validate(kg: KnowledgeGraph, shapes: Iterable[Path] | None = None) -> Report:
    """Validate the union of the graph's files against SHACL shapes (the project's by default)."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    with _quiet_rdflib():
        data.parse(data=kg.union_ntriples(), format="nt")
        shape_paths = list(shapes) if shapes is not None else kg.project.shape_files()
        _, results, text = pyshacl.validate(
            data,
            shacl_graph=shapes_graph(shape_paths),
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    if not isinstance(results, rdflib.Graph):  # pySHACL could not run the shapes at all
        names = ", ".join(str(p) for p in shape_paths)
        raise ValidationError(f"{names}: the SHACL shapes cannot be used: {str(text).strip()}")
    return Report(tuple(sorted(_findings(results, kg))))


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
        rows = kg.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?node ?path ?o } }",
            {"node": subject, "path": pyoxigraph.NamedNode(str(path))},
            union=False,
        )
        graphs = [r["g"].value for r in rows]
    if not graphs:
        rows = kg.query(
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
