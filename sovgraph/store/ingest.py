"""Files in, store out: parse RDF files by extension and load each into its own named graph.

Every file becomes the named graph ``https://w3id.org/sovgraph/graph/<path relative to the project root>``.
Triples of a dataset file's default graph (TriG, N-Quads) go to that file graph too; its own named graphs
keep their names. Query the union of all graphs with ``use_default_graph_as_union=True`` (what
:meth:`sovgraph.KnowledgeGraph.query` does).

Loading is all or nothing: a bad file leaves no half-loaded graph behind. Two ways keep that promise:

- :func:`load_store` parses each file straight into a **new** store (one pass, in Rust) and hands the store
  over only when every file has loaded: the fastest way to build a graph;
- :func:`read_files` then :func:`fill_store` check every file first (a streaming parse that keeps nothing but
  the file's bytes and its size), then load them into a given store, each file's graph replacing its earlier
  version: the way to update a store that is already in use.

In both, the triples go into the store inside pyoxigraph (``Store.load``); no Python object is made per
triple.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sovgraph.errors import MissingInputError, ParseError
from sovgraph.formats import by_extension
from sovgraph.project import graph_iri, labels

if TYPE_CHECKING:
    import pyoxigraph

_LOCATION = re.compile(
    r"^Parser error (?:at line \d+ (?:between columns \d+ and \d+|column \d+)"
    r"|between line \d+ column \d+ and line \d+ column \d+): "
)


def syntax_name(path: Path) -> str:
    """The human name of the RDF syntax a file's extension names (``Turtle``, ``RDF/XML``...)."""
    return str(by_extension(path).name)


def rdf_format(path: Path) -> pyoxigraph.RdfFormat:
    """The pyoxigraph format for a file, chosen by its extension (case-insensitive)."""
    return by_extension(path)


def parse_file(path: Path, base_iri: str | None = None, label: str | None = None) -> list[pyoxigraph.Quad]:
    """Parse one RDF file into quads, or raise :class:`ParseError` naming the file, line and column.

    ``label`` is how the file is named in error messages (by default the path as given).
    """
    return list(_parse(_read(path, label or str(path)), path, base_iri, label or str(path)))


def _read(path: Path, name: str) -> bytes:
    rdf_format(path)  # an unknown extension is reported before the file is read
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MissingInputError(name, exc.strerror or str(exc)) from None


def _parse(data: bytes, path: Path, base_iri: str | None, name: str) -> Iterator[pyoxigraph.Quad]:
    import pyoxigraph

    with _syntax_errors(path, name):
        yield from pyoxigraph.parse(data, format=rdf_format(path), base_iri=base_iri)


class _syntax_errors:
    """Turn pyoxigraph's parse errors into :class:`ParseError` (file, line, column, what was expected)."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _tb: object) -> None:
        if isinstance(exc, SyntaxError):
            detail = _LOCATION.sub("", exc.msg or str(exc)).rstrip(".")
            raise ParseError(self.name, exc.lineno, exc.offset, syntax_name(self.path), detail) from None
        if isinstance(exc, ValueError | OSError):  # e.g. bytes that are not UTF-8
            raise ParseError(self.name, None, None, syntax_name(self.path), str(exc).rstrip(".")) from None


@dataclass(frozen=True)
class LoadedFile:
    """One file of the graph: where it is, the named graph it went into, and its size (distinct triples)."""

    path: Path
    label: str
    graph: str
    triples: int


class ParsedFile(Sequence["pyoxigraph.Quad"]):
    """A file that parsed: its bytes, kept until they are loaded, and the number of statements in it.

    It reads like the list of its quads (placed in the file's graph), parsed again only if iterated.
    """

    def __init__(self, data: bytes, path: Path, graph: str, statements: int) -> None:
        self.data, self.path, self.graph, self.statements = data, path, graph, statements

    def __len__(self) -> int:
        return self.statements

    def __iter__(self) -> Iterator[pyoxigraph.Quad]:
        import pyoxigraph

        graph = pyoxigraph.NamedNode(self.graph)
        for q in _parse(self.data, self.path, self.graph, str(self.path)):
            if isinstance(q.graph_name, pyoxigraph.DefaultGraph):
                yield pyoxigraph.Quad(q.subject, q.predicate, q.object, graph)
            else:
                yield q

    def __getitem__(self, index: int) -> pyoxigraph.Quad:  # type: ignore[override]
        return list(self)[index]


def load_store(paths: Sequence[Path], root: Path) -> tuple[pyoxigraph.Store, list[LoadedFile]]:
    """A new store holding every file in its named graph, parsed once; raises before returning if one is bad.

    The store is only handed over once every file has loaded, so a bad file leaves nothing behind: this is
    the fast way to build a graph (what :func:`sovgraph.store.ingest` needs).
    """
    import pyoxigraph

    from sovgraph.progress import steps

    store = pyoxigraph.Store()
    loaded = []
    for path, label in steps(labels(paths, root), "loading"):
        graph = graph_iri(label)
        fmt, target = rdf_format(path), pyoxigraph.NamedNode(graph)
        if store.contains_named_graph(target):  # the same file twice: the later one replaces it
            store.remove_graph(target)
        before = len(store)
        try:  # straight from the file: its bytes are never all in memory
            store.load(path=path, format=fmt, base_iri=graph, to_graph=target)
        except (SyntaxError, ValueError, OSError) as exc:
            # Report it as every other path does (the same words, the file named by its label).
            for _ in _parse(_read(path, label), path, graph, label):
                pass
            raise ParseError(label, None, None, syntax_name(path), str(exc).rstrip(".")) from None
        loaded.append(LoadedFile(path, label, graph, len(store) - before))
    return store, loaded


def read_files(paths: Sequence[Path], root: Path) -> list[tuple[LoadedFile, ParsedFile]]:
    """Check every file (all before any is loaded): each parses, and how many statements it holds.

    Only the bytes of each file are kept (no quad objects); :func:`fill_store` loads them.
    """
    from sovgraph.progress import steps

    parsed = []
    for path, label in steps(labels(paths, root), "parsing"):
        graph = graph_iri(label)
        data = _read(path, label)
        statements = sum(1 for _ in _parse(data, path, graph, label))
        parsed.append((LoadedFile(path, label, graph, statements), ParsedFile(data, path, graph, statements)))
    return parsed


def fill_store(
    store: pyoxigraph.Store,
    parsed: Iterable[tuple[LoadedFile, Sequence[pyoxigraph.Quad]]],
    *,
    bulk: bool = False,
) -> list[LoadedFile]:
    """Add checked files to a store, each file's graph replacing any earlier version of it.

    Returns the files with their size in the store (distinct triples, as a ``COUNT`` over the graph finds).
    Each file goes in as one transaction (``Store.load``: in memory, as fast as a bulk load and lighter);
    ``bulk`` uses ``Store.bulk_load`` instead, not transactional but 3 to 4 times faster on an on-disk store
    (the files have parsed already, so it can only fail on the disk itself).
    """
    import pyoxigraph

    from sovgraph.progress import steps

    loaded = []
    for info, quads in steps(parsed, "loading"):
        graph = pyoxigraph.NamedNode(info.graph)
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
        before = len(store)
        if isinstance(quads, ParsedFile):
            add = store.bulk_load if bulk else store.load
            with _syntax_errors(quads.path, info.label):
                add(quads.data, format=rdf_format(quads.path), base_iri=info.graph, to_graph=graph)
        else:  # quads parsed by the caller
            store.extend(quads)
        loaded.append(replace(info, triples=len(store) - before))
    return loaded
