"""Counts of the loaded graph: what the map covers (by country), entities by class, triples by file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sovgraph.namespaces import shorten

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph
    from sovgraph.sparql.results import Result

COVERAGE = "coverage"

_BY_CLASS = """
SELECT ?class (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?s) AS ?n) WHERE {
    ?s a ?class .
    OPTIONAL { ?class rdfs:label ?l FILTER(lang(?l) = ?lang) }
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""

_BY_FILE = """
SELECT ?g (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g
"""


@dataclass(frozen=True)
class ClassCount:
    iri: str
    label: str
    entities: int


@dataclass(frozen=True)
class FileCount:
    file: str
    graph: str
    triples: int
    subjects: int


@dataclass(frozen=True)
class Stats:
    triples: int
    by_class: list[ClassCount]
    by_file: list[FileCount]
    coverage: Result | None = None
    """The library query ``coverage`` (case files, dependencies, decisions, court cases by jurisdiction),
    when the project's library has it."""


def stats(kg: KnowledgeGraph, lang: str = "en") -> Stats:
    """What the map covers (the library query ``coverage``), entities per class (direct rdf:type, labels in
    ``lang``) and triples per file."""
    import pyoxigraph

    by_class = [
        ClassCount(
            iri=r["class"].value,
            label=r["label"].value if r["label"] is not None else shorten(r["class"].value),
            entities=int(r["n"].value),
        )
        for r in kg.select(_BY_CLASS, {"lang": pyoxigraph.Literal(lang)})
    ]
    counts = {
        r["g"].value: (int(r["n"].value), int(r["subjects"].value)) for r in kg.select(_BY_FILE, union=False)
    }
    by_file = [FileCount(f.label, f.graph, *counts.get(f.graph, (0, 0))) for f in kg.files]
    coverage = kg.run(COVERAGE) if COVERAGE in kg.library() else None
    return Stats(triples=len(kg), by_class=by_class, by_file=by_file, coverage=coverage)
