"""Answers kept for an unchanged graph: a library query asked again, with the same parameters, of the same
cached graph is read back from the cache instead of being evaluated (the store is then not even opened).

The key covers everything an answer depends on: the cache's fingerprint (the checksum of its manifest,
which records every file's content, the rules' and the store's files), the query's name and text (and its
bound variants' texts), the parameters as given, the language of the labels, today's date (the default of
``as_of``), and the code that answers (sovgraph's query and result modules, by size and modification time,
and pyoxigraph's version). Only parameters given as plain values (text, numbers, days, RDF terms) make a
key; an answer whose terms cannot be written back exactly is not kept. The cache checks each kept answer
against its own checksum, keeps a bounded number and drops them all when the store is updated (see
:mod:`sovgraph.store.cache`).

>>> import pyoxigraph
>>> from sovgraph.sparql.results import Cell, Result
>>> row = {"x": Cell(pyoxigraph.NamedNode("https://w3id.org/sovgraph/id/cnil"), "CNIL"), "n": None}
>>> decode(encode(Result(["x", "n"], [row]))) == Result(["x", "n"], [row])
True
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph
    from sovgraph.sparql.library import QueryFile
    from sovgraph.sparql.results import Result

_CODE = ("sparql", "sparql/walks", "store/backend.py", "graph.py", "namespaces.py", "brief.py", "output.py")
"""What computes an answer or writes it (below the package folder): a change to any of it changes every
key."""


def remember(kg: KnowledgeGraph, key: str | None, compute: Callable[[], Result]) -> Result:
    """The answer kept under ``key`` (see :func:`key`), else ``compute()``, then kept under ``key``."""
    if key is None or kg.cache_state is None:
        return compute()
    kept = kg.cache_state.answer(key)
    found = decode(kept) if kept is not None else None
    if found is not None:
        return found
    result = compute()
    encoded = encode(result)
    if encoded is not None and kg.cache_state is not None:
        kg.cache_state.keep_answer(key, encoded)
    return result


def key(
    kg: KnowledgeGraph, query: QueryFile, params: Mapping[str, object], lang: str, *, form: str = "rows"
) -> str | None:
    """The key of the answer to ``query`` with ``params`` in ``lang`` on ``kg``, or ``None`` when it cannot
    be kept (no cache, or a parameter that is not a plain value); ``form`` names what is made of the rows
    (the rows themselves, or a caller's extended form of them)."""
    state = kg.cache_state
    if state is None or state.fingerprint is None:
        return None
    given = {}
    for name, value in params.items():
        plain = _plain(value)
        if plain is None and value is not None:
            return None
        given[name] = plain
    parts = [
        "sovgraph answer 1",
        form,
        state.fingerprint,
        query.name,
        # the texts that may run: the query's and its bound variants' (see QueryFile.text_for)
        *(
            hashlib.sha256(q.text.encode("utf-8")).hexdigest()
            for q in (query, *(v.query for v in query.variants))
        ),
        json.dumps(given, sort_keys=True),
        lang,
        time.strftime("%Y-%m-%d"),  # today, as datetime.date.today() gives it (without importing datetime)
        _code_stamp(),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def rendering_key(answer: str, *settings: object) -> str:
    """The key of the bytes an answer kept under ``answer`` (see :func:`key`) is written as, with the
    writing ``settings`` (format, label columns, the terminal's width...): a command asked again prints
    them without reading the rows back or formatting them again."""
    parts = ["sovgraph rendering 1", answer, *(repr(setting) for setting in settings)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def kept(kg: KnowledgeGraph, key: str | None) -> bytes | None:
    """What the cache keeps under ``key`` (an answer's or a rendering's), or ``None``."""
    if key is None or kg.cache_state is None:
        return None
    return kg.cache_state.answer(key)


def keep(kg: KnowledgeGraph, key: str | None, body: bytes) -> None:
    """Keep ``body`` under ``key`` in the graph's cache (nothing without a key or a cache)."""
    if key is not None and kg.cache_state is not None:
        kg.cache_state.keep_answer(key, body)


def _plain(value: object) -> str | None:
    import pyoxigraph

    if isinstance(value, bool | int | float | str):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, pyoxigraph.NamedNode | pyoxigraph.Literal | pyoxigraph.BlankNode):
        return f"term:{value}"
    import datetime as dt

    if isinstance(value, dt.date):
        return f"date:{value.isoformat()}"
    return None


@functools.cache
def _code_stamp() -> str:
    """Once per process: the answering code does not change while it runs."""
    import pyoxigraph

    package = Path(__file__).resolve().parent.parent
    stamp = [getattr(pyoxigraph, "__version__", "?")]
    for part in _CODE:
        where = package / part
        found = sorted(where.glob("*.py")) if where.is_dir() else [where]
        for path in found:
            try:
                info = os.stat(path)
            except OSError:
                stamp.append(f"{part}:missing")
                continue
            stamp.append(f"{path.name}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(stamp)


def encode(result: Result) -> bytes | None:
    """``result`` as bytes :func:`decode` reads back to an equal result, or ``None`` if a term cannot be
    written exactly (a literal with a base direction)."""
    import pyoxigraph

    rows = []
    for row in result.rows:
        cells: list[list[str | None] | None] = []
        for column in result.columns:
            cell = row.get(column)
            if cell is None:
                cells.append(None)
                continue
            term = cell.term
            if isinstance(term, pyoxigraph.NamedNode):
                cells.append(["i", term.value, None, cell.label])
            elif isinstance(term, pyoxigraph.BlankNode):
                cells.append(["b", term.value, None, cell.label])
            elif getattr(term, "direction", None):
                return None
            elif term.language:
                cells.append(["L", term.value, term.language, cell.label])
            else:
                cells.append(["l", term.value, term.datatype.value, cell.label])
        rows.append(cells)
    return json.dumps({"columns": result.columns, "rows": rows}, ensure_ascii=False).encode("utf-8")


def decode(data: bytes) -> Result | None:
    """The result :func:`encode` wrote, or ``None`` if ``data`` is not one."""
    import pyoxigraph

    from sovgraph.sparql.results import Cell, Result

    try:
        found: Any = json.loads(data.decode("utf-8"))
        columns = found["columns"]
        if not (isinstance(columns, list) and all(isinstance(c, str) for c in columns)):
            return None
        rows = []
        for cells in found["rows"]:
            if len(cells) != len(columns):
                return None
            row: dict[str, Cell | None] = {}
            for column, cell in zip(columns, cells, strict=True):
                if cell is None:
                    row[column] = None
                    continue
                kind, value, extra, label = cell
                term: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal
                if kind == "i":
                    term = pyoxigraph.NamedNode(value)
                elif kind == "b":
                    term = pyoxigraph.BlankNode(value)
                elif kind == "L":
                    term = pyoxigraph.Literal(value, language=extra)
                elif kind == "l":
                    term = pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(extra))
                else:
                    return None
                row[column] = Cell(term, label)
            rows.append(row)
    except (ValueError, KeyError, TypeError):
        return None
    return Result(columns, rows)
