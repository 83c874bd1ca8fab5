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

**A file is one graph.** Every triple of a file lands in that file's graph, whatever graph the file names:
the named graphs of a TriG, N-Quads or JSON-LD file are merged into the file's graph (their names are not
kept). So the shapes validate everything a query sees, and no file can write into another file's graph.

**What is refused, before anything is loaded** (each with a one-paragraph :class:`~sovgraph.errors.InputError`
naming the file, exit code 2):

- an input that is not a regular file (a folder, a FIFO, a device: a FIFO would block the read forever);
- an empty RDF/XML or JSON-LD file (a document with no root is not an empty graph, it is a broken file);
- a NUL character, raw or escaped (``\u0000``), anywhere in a file;
- in RDF/XML, a DTD entity declaration (``<!ENTITY``: entity expansion turns a few hundred bytes into
  gigabytes) and elements nested deeper than :data:`MAX_XML_DEPTH`;
- a literal longer than :data:`MAX_LITERAL` characters (SHACL validation is quadratic in a literal's
  length);
- outside ``ontology/``, a triple whose subject is a term of the vocabulary (``sov:``, ``kind:``): data
  files describe things, they do not redefine the model.

The first three are found in the file's bytes before any parser reads them; the last two as the file
loads, before the store is handed over (a file shorter than :data:`MAX_LITERAL` bytes cannot hold a longer
literal, so small files skip that check). A UTF-8 byte order mark at the start of a file is skipped, as
editors write one.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sovgraph.errors import InputError, MissingInputError, ParseError
from sovgraph.formats import by_extension
from sovgraph.namespaces import KIND, SOV
from sovgraph.project import graph_iri, labels

if TYPE_CHECKING:
    import pyoxigraph

MAX_LITERAL = 1 << 20
"""The longest literal a file may hold, in characters (1 MiB): longer ones are refused."""

MAX_XML_DEPTH = 256
"""The deepest nesting of elements an RDF/XML file may have (parsing time grows with the square of it)."""

BOM = b"\xef\xbb\xbf"
MODEL_NAMESPACES = (SOV, KIND)
BULK_FROM = 1_000
"""How many statements a text needs to go into an on-disk store through the bulk loader (``bulk_load``)
rather than as one transaction (``load``). A transaction holds all its writes in memory until it commits:
1M triples took 29 s and 1.8 GB that way, against 8 s and 1.0 GB in bulk (the bulk loader sorts them in
chunks and writes them as table files); at 2,000 triples bulk is still faster (10 ms against 30 ms), and
each bulk load costs about 4 ms at the least. A bulk load is not atomic: the cache marks an update as
unfinished (and rebuilds after a crash), so it may use one."""
"""Namespaces whose terms only the ontology's files may describe."""

_BLOCK = 1 << 20
_NUL_MARKERS = (b"\x00", b"\\u0000", b"\\U00000000")
_XML_TOKEN = (
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!.*?>"
    rb"|<(/?)[^\s/>!?][^\s/>]*(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(/?)>"
)
"""An RDF/XML token, compiled only when an RDF/XML file is read (not at start-up)."""
_LOCATION = (  # compiled when first used (re keeps it): only an error needs it
    r"^Parser error (?:at line \d+ (?:between columns \d+ and \d+|column \d+)"
    r"|between line \d+ column \d+ and line \d+ column \d+): "
)


def syntax_name(path: Path) -> str:
    """The human name of the RDF syntax a file's extension names (``Turtle``, ``RDF/XML``...)."""
    return str(by_extension(path).name)


def rdf_format(path: Path) -> pyoxigraph.RdfFormat:
    """The pyoxigraph format for a file, chosen by its extension (case-insensitive)."""
    return by_extension(path)


def check_input(path: Path, name: str | None = None) -> int:
    """Check that ``path`` is a regular file sovgraph may read, before anything reads it; its size.

    A folder, a FIFO, a socket or a device is refused (a FIFO would block the read forever), as is a
    file that cannot be examined. ``name`` is how the file is named in the message.
    """
    shown = name or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise MissingInputError(shown) from None
    except OSError as exc:
        raise MissingInputError(shown, exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise MissingInputError(shown, "it is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a device or a socket"
        raise MissingInputError(
            shown, f"it is {kind}, not a regular file; sovgraph reads RDF from regular files only"
        )
    if not os.access(path, os.R_OK):
        raise MissingInputError(shown, "permission denied")
    return info.st_size


def screen_file(path: Path, name: str | None = None, *, nul: bool = True) -> bool:
    """Check a file's bytes before any parser reads them (see the module documentation); whether it
    opens with a byte order mark (to skip). ``nul=False`` lets NUL characters through (they are valid
    RDF: :func:`parse_file` reads any valid file; the loader refuses them)."""
    shown = name or str(path)
    fmt = rdf_format(path)
    check_input(path, shown)
    import pyoxigraph

    try:
        with path.open("rb") as handle:
            head = handle.read(_BLOCK)
            bom = head.startswith(BOM)
            documents = (pyoxigraph.RdfFormat.RDF_XML, pyoxigraph.RdfFormat.JSON_LD)
            if fmt in documents and not head.removeprefix(BOM).strip():
                raise ParseError(
                    shown, None, None, syntax_name(path), "the file is empty: it holds no document"
                )
            if fmt == pyoxigraph.RdfFormat.RDF_XML:  # read whole: the XML parser would hold it anyway
                _screen_xml(head + handle.read(), path, shown, nul=nul)
                return bom
            offset, tail, block = 0, b"", head if nul else b""
            while block:
                window = tail + block
                for marker in _NUL_MARKERS:
                    found = window.find(marker)
                    if found >= 0:
                        _refuse_nul(path, shown, offset - len(tail) + found)
                tail = window[-(len(_NUL_MARKERS[-1]) - 1) :]
                offset += len(block)
                block = handle.read(_BLOCK)
    except OSError as exc:
        raise MissingInputError(shown, exc.strerror or str(exc)) from None
    return bom


def _line_of(path: Path, offset: int) -> int:
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n") + 1


def _refuse_nul(path: Path, name: str, offset: int) -> None:
    """Refuse a NUL character; a syntax error on an earlier line (a binary file...) is reported first."""
    line = _line_of(path, offset)
    with path.open("rb") as handle:
        before = handle.read(offset).removeprefix(BOM)
    try:
        for _ in _parse(before, path, "file:///", name):
            pass
    except ParseError as error:
        if error.line is None or error.line < line:
            raise
    raise ParseError(
        name,
        line,
        None,
        syntax_name(path),
        "a NUL character (raw, or written \\u0000) is not allowed in sovgraph's files",
    )


def _screen_xml(data: bytes, path: Path, name: str, *, nul: bool) -> None:
    syntax = syntax_name(path)
    for marker in (*_NUL_MARKERS[:1], b"&#0;", b"&#x0;") if nul else ():
        found = data.find(marker)
        if found >= 0:
            _refuse_nul(path, name, found)
    found = data.find(b"<!ENTITY")
    if found >= 0:
        raise ParseError(
            name,
            data.count(b"\n", 0, found) + 1,
            None,
            syntax,
            "a DTD entity declaration (<!ENTITY) is refused: entity expansion can turn a few bytes into "
            "gigabytes; write the IRIs in full, or convert the file to Turtle",
        )
    depth = 0
    for token in re.finditer(_XML_TOKEN, data, re.S):
        closing, empty = token.group(1), token.group(2)
        if closing is None:  # a comment, CDATA, a processing instruction or a declaration
            continue
        if closing:
            depth -= 1
        elif not empty:
            depth += 1
            if depth > MAX_XML_DEPTH:
                raise ParseError(
                    name,
                    data.count(b"\n", 0, token.start()) + 1,
                    None,
                    syntax,
                    f"elements are nested more than {MAX_XML_DEPTH} deep, sovgraph's limit for RDF/XML",
                )


def parse_file(path: Path, base_iri: str | None = None, label: str | None = None) -> list[pyoxigraph.Quad]:
    """Parse one RDF file into quads, or raise :class:`ParseError` naming the file, line and column.

    ``label`` is how the file is named in error messages (by default the path as given). The quads keep
    the graph names the file gives them; the file's bytes are screened first (see the module
    documentation: NUL characters excepted, which are valid RDF), and its literals checked against
    :data:`MAX_LITERAL`.
    """
    name = label or str(path)
    quads = list(_parse(_read(path, name, nul=False), path, base_iri, name))
    for quad in quads:
        _check_literal(quad, name)
    return quads


def _read(path: Path, name: str, *, nul: bool = True) -> bytes:
    rdf_format(path)  # an unknown extension is reported before the file is read
    bom = screen_file(path, name, nul=nul)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MissingInputError(name, exc.strerror or str(exc)) from None
    return data[len(BOM) :] if bom else data


def _parse(data: bytes, path: Path, base_iri: str | None, name: str) -> Iterator[pyoxigraph.Quad]:
    import pyoxigraph

    with _syntax_errors(path, name):
        yield from pyoxigraph.parse(data, format=rdf_format(path), base_iri=base_iri)


def _check_literal(quad: pyoxigraph.Quad, name: str) -> None:
    import pyoxigraph

    value = quad.object
    if isinstance(value, pyoxigraph.Literal) and len(value.value) > MAX_LITERAL:
        raise _too_long(name, quad.subject, len(value.value))


def _too_long(name: str, subject: object, length: int) -> InputError:
    return InputError(
        f"{name}: a literal of {length:,} characters (about {subject}) is longer than sovgraph's limit of "
        f"{MAX_LITERAL:,} characters (validation time grows with the square of a literal's length). "
        "Nothing was loaded or written; shorten it, or link to the text instead of including it."
    )


def _model_term(name: str, subject: str) -> InputError:
    return InputError(
        f"{name}: this file describes <{subject}>, a term of sovgraph's vocabulary; only the files of "
        "ontology/ may define or describe sov: and kind: terms. Nothing was loaded or written; move these "
        "statements to the ontology, or describe things of your own namespace instead."
    )


def _model_check(model: Collection[Path] | None) -> Callable[[Path, str], bool]:
    """Whether a file (path, label) may describe the vocabulary: one of ``model`` when given, else a file
    of the project's ``ontology/`` folder."""
    if model is None:
        return lambda _path, label: label.startswith("ontology/")
    allowed = {p.resolve() for p in model}
    return lambda path, _label: path.resolve() in allowed


class _syntax_errors:
    """Turn pyoxigraph's parse errors into :class:`ParseError` (file, line, column, what was expected)."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _tb: object) -> None:
        if isinstance(exc, SyntaxError):
            detail = _printable(re.sub(_LOCATION, "", exc.msg or str(exc)).rstrip("."))
            raise ParseError(self.name, exc.lineno, exc.offset, syntax_name(self.path), detail) from None
        if isinstance(exc, ValueError | OSError):  # e.g. bytes that are not UTF-8
            detail = _printable(str(exc).rstrip("."))
            raise ParseError(self.name, None, None, syntax_name(self.path), detail) from None
        if isinstance(exc, MemoryError) and "buffer maximal size" in str(exc):  # one token over 16 MiB
            raise InputError(
                f"{self.name}: this file holds a literal or an IRI longer than the parser's 16 MiB, far over "
                f"sovgraph's limit of {MAX_LITERAL:,} characters for a literal. Nothing was loaded or "
                "written; shorten it, or link to the text instead of including it."
            ) from None


def _printable(text: str) -> str:
    """A parser's message on one line: the control characters it quotes from the file are escaped."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


class LoadedFile(NamedTuple):
    """One file of the graph: where it is, the named graph it went into, and its size (distinct triples)."""

    path: Path
    label: str
    graph: str
    triples: int


class ParsedFile(Sequence["pyoxigraph.Quad"]):
    """A file that parsed: its bytes, kept until they are loaded, and the number of statements in it.

    It reads like the list of its quads (every one placed in the file's graph), parsed again only if
    iterated.
    """

    def __init__(self, data: bytes, path: Path, graph: str, statements: int) -> None:
        self.data, self.path, self.graph, self.statements = data, path, graph, statements

    def __len__(self) -> int:
        return self.statements

    def __iter__(self) -> Iterator[pyoxigraph.Quad]:
        import pyoxigraph

        graph = pyoxigraph.NamedNode(self.graph)
        for q in _parse(self.data, self.path, self.graph, str(self.path)):
            yield pyoxigraph.Quad(q.subject, q.predicate, q.object, graph)

    def __getitem__(self, index: int) -> pyoxigraph.Quad:  # type: ignore[override]
        return list(self)[index]


def _load_into(
    store: pyoxigraph.Store, path: Path, label: str, graph: str, *, bom: bool, bulk: bool = False
) -> None:
    """Load a screened file into its graph; a dataset format's named graphs are merged into it."""
    import pyoxigraph

    fmt, target = rdf_format(path), pyoxigraph.NamedNode(graph)
    if fmt.supports_datasets:  # TriG, N-Quads, JSON-LD: every quad is moved into the file's graph
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MissingInputError(label, exc.strerror or str(exc)) from None
        quads = ParsedFile(data[len(BOM) :] if bom else data, path, graph, 0)
        with _syntax_errors(path, label):
            (store.bulk_extend if bulk else store.extend)(quads)
        return
    with path.open("rb") as handle, _syntax_errors(path, label):  # streamed: never all in memory
        handle.seek(len(BOM) if bom else 0)
        add = store.bulk_load if bulk else store.load
        add(handle, format=fmt, base_iri=graph, to_graph=target)


_SCREEN = """
SELECT ?s ?o WHERE {{
    GRAPH ?g {{ ?s ?p ?o }}
    FILTER({conditions})
}} LIMIT 1
"""


def screen_graph(store: pyoxigraph.Store, graph: str, label: str, size: int, *, model: bool) -> None:
    """Check what a file put in its graph: no vocabulary term described outside ``ontology/``, no literal
    over :data:`MAX_LITERAL` (only looked for when the file is large enough to hold one)."""
    import pyoxigraph

    conditions = []
    if not model:
        conditions += [f'STRSTARTS(STR(?s), "{namespace}")' for namespace in MODEL_NAMESPACES]
    if size > MAX_LITERAL:
        conditions.append(f"(isLITERAL(?o) && STRLEN(?o) > {MAX_LITERAL})")
    if not conditions:
        return
    query = _SCREEN.format(conditions=" || ".join(conditions))
    rows = store.query(query, default_graph=[], named_graphs=[pyoxigraph.NamedNode(graph)])
    assert isinstance(rows, pyoxigraph.QuerySolutions)
    for row in rows:
        subject, value = row["s"], row["o"]
        if isinstance(value, pyoxigraph.Literal) and len(value.value) > MAX_LITERAL:
            raise _too_long(label, subject, len(value.value))
        raise _model_term(label, subject.value)


def load_store(
    paths: Sequence[Path], root: Path, *, model: Collection[Path] | None = None
) -> tuple[pyoxigraph.Store, list[LoadedFile]]:
    """A new store holding every file in its named graph, parsed once; raises before returning if one is bad.

    ``model`` names the files that may describe the vocabulary (by default, those of ``ontology/``).

    The store is only handed over once every file has loaded and passed its checks, so a bad file leaves
    nothing behind: this is the fast way to build a graph (what :func:`sovgraph.graph.load` uses).
    """
    import pyoxigraph

    from sovgraph.progress import steps

    store = pyoxigraph.Store()
    loaded = []
    is_model = _model_check(model)
    for path, label in steps(labels(paths, root), "loading"):
        graph = graph_iri(label)
        target = pyoxigraph.NamedNode(graph)
        rdf_format(path)  # an unknown extension is reported before the file is examined
        bom = screen_file(path, label)
        if store.contains_named_graph(target):  # the same file twice: the later one replaces it
            store.remove_graph(target)
        before = len(store)
        _load_into(store, path, label, graph, bom=bom)
        screen_graph(store, graph, label, check_input(path, label), model=is_model(path, label))
        loaded.append(LoadedFile(path, label, graph, len(store) - before))
    return store, loaded


def read_files(
    paths: Sequence[Path], root: Path, *, model: Collection[Path] | None = None
) -> list[tuple[LoadedFile, ParsedFile]]:
    """Check every file (all before any is loaded): each parses and passes the checks of the module
    documentation, and how many statements it holds (``model``: as for :func:`load_store`).

    Only the bytes of each file are kept (no quad objects); :func:`fill_store` loads them.
    """
    import pyoxigraph

    from sovgraph.progress import steps

    parsed = []
    is_model = _model_check(model)
    for path, label in steps(labels(paths, root), "parsing"):
        graph = graph_iri(label)
        data = _read(path, label)
        vocabulary = is_model(path, label)
        statements = 0
        for quad in _parse(data, path, graph, label):
            statements += 1
            subject = quad.subject
            if (
                not vocabulary
                and isinstance(subject, pyoxigraph.NamedNode)
                and subject.value.startswith(MODEL_NAMESPACES)
            ):
                raise _model_term(label, subject.value)
            _check_literal(quad, label)
        parsed.append((LoadedFile(path, label, graph, statements), ParsedFile(data, path, graph, statements)))
    return parsed


def fill_store(
    store: pyoxigraph.Store,
    parsed: Iterable[tuple[LoadedFile, Sequence[pyoxigraph.Quad]]],
    *,
    bulk_from: int | None = None,
) -> list[LoadedFile]:
    """Add checked files to a store, each file's graph replacing any earlier version of it.

    Returns the files with their size in the store (distinct triples, as a ``COUNT`` over the graph finds).
    Each file goes in as one transaction (``Store.load``: in memory, as fast as a bulk load and lighter);
    a file of at least ``bulk_from`` statements (:data:`BULK_FROM` for an on-disk store) goes in through
    ``Store.bulk_load`` instead: not transactional, but 3 to 4 times faster on an on-disk store and lighter in
    memory (the files have parsed already, so it can only fail on the disk itself).
    """
    import pyoxigraph

    from sovgraph.progress import steps

    loaded = []
    for info, quads in steps(parsed, "loading"):
        graph = pyoxigraph.NamedNode(info.graph)
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
        bulk = bulk_from is not None and len(quads) >= bulk_from
        if isinstance(quads, ParsedFile) and not rdf_format(quads.path).supports_datasets:
            add = store.bulk_load if bulk else store.load
            with _syntax_errors(quads.path, info.label):
                add(quads.data, format=rdf_format(quads.path), base_iri=info.graph, to_graph=graph)
        else:  # quads parsed by the caller, or a dataset's quads moved into the file's graph
            with _syntax_errors(info.path, info.label):
                (store.bulk_extend if bulk else store.extend)(quads)
        loaded.append(info._replace(triples=graph_size(store, graph)))
    return loaded


def graph_size(store: pyoxigraph.Store, graph: pyoxigraph.NamedNode) -> int:
    """How many triples ``graph`` holds, counted by the engine over that graph alone (counting the whole
    store before and after a file is loaded costs as much as the store is large)."""
    import pyoxigraph

    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=graph)
    assert isinstance(rows, pyoxigraph.QuerySolutions)
    return int(next(iter(rows))[0].value)
