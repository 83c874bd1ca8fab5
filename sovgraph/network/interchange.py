"""Write a projection for other network tools: GraphML, GEXF, or two CSV files (nodes and edges).

Attribute values become strings, numbers or booleans: lists are joined with ``" ; "``, pairs written
``key: value``, and missing values are left out (GraphML and GEXF) or empty (CSV). GraphML and GEXF keep
every node and edge attribute and the edge keys, and read back with
``networkx.read_graphml(path, force_multigraph=True)`` and ``networkx.read_gexf(path)``; in GEXF, edges
with ``start``/``end`` dates make a dynamic graph (Gephi's timeline). CSV writes ``PATH-nodes.csv``
(``id`` then the node attributes) and ``PATH-edges.csv`` (``source``, ``target``, ``key`` then the edge
attributes); a ``.csv`` suffix on PATH is dropped first. Every file is written atomically.

Labels are untrusted text: GraphML and GEXF replace the characters XML 1.0 does not allow by U+FFFD (the files
stay well-formed), and a CSV cell that a spreadsheet would run as a formula gets a leading ``'``
(:func:`inert_cell`).

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> _ = g.add_edge("a", "b", key="k", sources=["s1", "s2"], start=None)
>>> flat(g).edges["a", "b", "k"]
{'sources': 's1 ; s2'}
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.errors import OutputError
from sovgraph.files import write_atomic

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EDGE_COLUMNS",
    "FORMATS",
    "NODE_COLUMNS",
    "csv_paths",
    "flat",
    "inert_cell",
    "write_network",
    "xml_text",
]

FORMATS = ("graphml", "gexf", "csv")
NODE_COLUMNS = ("id", "label", "name", "label_fr", "label_en", "cls", "cls_label", "classes")
"""The first columns of ``-nodes.csv``; other node attributes follow, sorted."""
EDGE_COLUMNS = (
    "source",
    "target",
    "key",
    "kind",
    "label",
    "qualifier",
    "relation",
    "start",
    "end",
    "confidence",
    "sources",
    "derived",
    "view",
)
"""The first columns of ``-edges.csv``; other edge attributes (e.g. ``through``) follow, sorted."""
SEPARATOR = " ; "
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet takes for the start of a formula (OWASP's list for CSV injection)."""


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow (control characters other than tab, line
    feed and carriage return; lone surrogates; U+FFFE, U+FFFF), each replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def inert_cell(value: object) -> object:
    """A spreadsheet cell that cannot run as a formula: text starting with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return gets a leading ``'`` (OWASP's rule); anything else is returned as it is.

    >>> print(inert_cell('=HYPERLINK("http://x","click")'))
    '=HYPERLINK("http://x","click")
    >>> inert_cell("-1"), inert_cell(-1), inert_cell("EMC2")
    ("'-1", -1, 'EMC2')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_network(graph: nx.MultiDiGraph, fmt: str, path: Path | str) -> list[Path]:
    """Write ``graph`` as ``fmt`` (``graphml``, ``gexf``, ``csv``) at ``path``; returns the files written."""
    import networkx as nx

    target = Path(path)
    if fmt not in FORMATS:
        raise OutputError(f"{target}: unknown network format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    simple = flat(graph)
    if fmt == "csv":
        nodes_path, edges_path = csv_paths(target)
        write_atomic(nodes_path, _csv(_node_rows(simple), NODE_COLUMNS))
        write_atomic(edges_path, _csv(_edge_rows(simple), EDGE_COLUMNS))
        return [nodes_path, edges_path]
    simple = _xml_safe(simple)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(simple, buffer)
    else:
        nx.write_gexf(simple, buffer)
    write_atomic(target, buffer.getvalue())
    return [target]


def csv_paths(path: Path) -> tuple[Path, Path]:
    """``PATH-nodes.csv`` and ``PATH-edges.csv`` (a ``.csv`` suffix on ``PATH`` is dropped first)."""
    stem = path.with_suffix("") if path.suffix.lower() == ".csv" else path
    return stem.with_name(f"{stem.name}-nodes.csv"), stem.with_name(f"{stem.name}-edges.csv")


def flat(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attribute values are all strings, numbers or booleans (``None`` left out)."""
    import networkx as nx

    simple = nx.MultiDiGraph()
    simple.graph.update(_flat(graph.graph))
    simple.add_nodes_from((node, _flat(attrs)) for node, attrs in graph.nodes(data=True))
    simple.add_edges_from(
        (u, v, str(k), _flat(attrs)) for u, v, k, attrs in graph.edges(keys=True, data=True)
    )
    return simple


def _flat(attrs: Mapping[str, Any]) -> dict[str, str | int | float | bool]:
    return {str(name): _value(value) for name, value in attrs.items() if value is not None}


def _value(value: Any) -> str | int | float | bool:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        return f"{_value(value[0])}: {_value(value[1])}"
    if isinstance(value, Iterable):
        return SEPARATOR.join(str(_value(item)) for item in value)
    return str(value)


def _xml_safe(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose node ids, keys and string values hold only characters XML 1.0 allows."""
    import networkx as nx

    def clean(value: Any) -> Any:
        return xml_text(value) if isinstance(value, str) else value

    def attrs(values: Mapping[str, Any]) -> dict[str, Any]:
        return {clean(k): clean(v) for k, v in values.items()}

    safe = nx.MultiDiGraph()
    safe.graph.update(attrs(graph.graph))
    safe.add_nodes_from((clean(n), attrs(a)) for n, a in graph.nodes(data=True))
    safe.add_edges_from(
        (clean(u), clean(v), clean(k), attrs(a)) for u, v, k, a in graph.edges(keys=True, data=True)
    )
    return safe


def _node_rows(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    return [{"id": node, **attrs} for node, attrs in graph.nodes(data=True)]


def _edge_rows(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    return [
        {"source": u, "target": v, "key": k, **attrs} for u, v, k, attrs in graph.edges(keys=True, data=True)
    ]


def _csv(rows: list[dict[str, Any]], first: tuple[str, ...]) -> bytes:
    """Rows as CSV (RFC 4180, UTF-8): the ``first`` columns, then any other attribute, sorted."""
    others = sorted({name for row in rows for name in row} - set(first))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=[*first, *others], lineterminator="\r\n", extrasaction="raise")
    writer.writerow({name: inert_cell(name) for name in [*first, *others]})
    for row in rows:
        writer.writerow({name: _cell(value) for name, value in row.items()})
    return text.getvalue().encode("utf-8")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return inert_cell(value)
