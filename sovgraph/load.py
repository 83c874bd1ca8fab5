"""Files in, store out: parse RDF files by extension and load each into its own named graph.

Every file becomes the named graph ``https://w3id.org/sovgraph/graph/<path relative to the project root>``.
Triples of a dataset file's default graph (TriG, N-Quads) go to that file graph too; its own named graphs
keep their names. Query the union of all graphs with ``use_default_graph_as_union=True`` (what
:meth:`sovgraph.KnowledgeGraph.query` does).

Loading is all or nothing: every file is parsed before anything is written to the store, so a bad file
leaves no half-loaded graph behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sovgraph.errors import MissingInputError, ParseError, UnsupportedFormatError
from sovgraph.namespaces import GRAPH

if TYPE_CHECKING:
    import pyoxigraph

# Extension -> (pyoxigraph format name, human name of the syntax).
EXTENSIONS: dict[str, tuple[str, str]] = {
    ".ttl": ("TURTLE", "Turtle"),
    ".trig": ("TRIG", "TriG"),
    ".nt": ("N_TRIPLES", "N-Triples"),
    ".nq": ("N_QUADS", "N-Quads"),
    ".rdf": ("RDF_XML", "RDF/XML"),
    ".owl": ("RDF_XML", "RDF/XML"),
    ".jsonld": ("JSON_LD", "JSON-LD"),
}

# Files in data folders that are documentation, not data.
IGNORED_SUFFIXES = {".md", ".txt~"}

_LOCATION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")


def syntax_name(path: Path) -> str:
    """The human name of the RDF syntax a file's extension names."""
    return _entry(path)[1]


def rdf_format(path: Path) -> pyoxigraph.RdfFormat:
    """The pyoxigraph format for a file, chosen by its extension (case-insensitive)."""
    import pyoxigraph

    return getattr(pyoxigraph.RdfFormat, _entry(path)[0])  # type: ignore[no-any-return]


def _entry(path: Path) -> tuple[str, str]:
    entry = EXTENSIONS.get(path.suffix.lower())
    if entry is None:
        raise UnsupportedFormatError(path, sorted(EXTENSIONS))
    return entry


def parse_file(path: Path, base_iri: str | None = None, label: str | None = None) -> list[pyoxigraph.Quad]:
    """Parse one RDF file into quads, or raise :class:`ParseError` naming the file, line and column.

    ``label`` is how the file is named in error messages (by default the path as given).
    """
    import pyoxigraph

    fmt = rdf_format(path)
    name = label or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MissingInputError(name, exc.strerror or str(exc)) from None
    try:
        return list(pyoxigraph.parse(data, format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        detail = _LOCATION.sub("", exc.msg or str(exc)).rstrip(".")
        raise ParseError(name, exc.lineno, exc.offset, syntax_name(path), detail) from None
    except (ValueError, OSError) as exc:  # e.g. bytes that are not UTF-8
        raise ParseError(name, None, None, syntax_name(path), str(exc).rstrip(".")) from None


@dataclass(frozen=True)
class LoadedFile:
    """One file of the graph: where it is, the named graph it went into, and its size."""

    path: Path
    label: str
    graph: str
    triples: int


def graph_iri(label: str) -> str:
    """The named-graph IRI of a file, from its path relative to the project root (POSIX form)."""
    from urllib.parse import quote

    return GRAPH + quote(label, safe="/._-")


def rdf_files(folder: Path) -> list[Path]:
    """Every data file below ``folder``, sorted; documentation (``*.md``) and hidden files are skipped.

    Any other file must be RDF by its extension: a stray file is reported, not silently ignored.
    """
    if not folder.is_dir():
        raise MissingInputError(folder, "it is not a folder")
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() in IGNORED_SUFFIXES:
            continue
        found.append(path)
    return found


def read_files(paths: Sequence[Path], root: Path) -> list[tuple[LoadedFile, list[pyoxigraph.Quad]]]:
    """Parse every file (all before any is loaded) and place its triples in the file's named graph."""
    import pyoxigraph

    parsed = []
    for path in paths:
        label = _label(path, root)
        graph = pyoxigraph.NamedNode(graph_iri(label))
        quads = parse_file(path, base_iri=graph.value, label=label)
        placed = [
            pyoxigraph.Quad(q.subject, q.predicate, q.object, graph)
            if isinstance(q.graph_name, pyoxigraph.DefaultGraph)
            else q
            for q in quads
        ]
        parsed.append((LoadedFile(path, label, graph.value, len(placed)), placed))
    return parsed


def fill_store(
    store: pyoxigraph.Store, parsed: Iterable[tuple[LoadedFile, list[pyoxigraph.Quad]]]
) -> list[LoadedFile]:
    """Add parsed files to a store, each file's graph replacing any earlier version of it."""
    import pyoxigraph

    loaded = []
    for info, quads in parsed:
        graph = pyoxigraph.NamedNode(info.graph)
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
        store.extend(quads)
        loaded.append(info)
    return loaded


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return "external/" + path.name
