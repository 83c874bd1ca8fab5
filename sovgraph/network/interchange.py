"""Write a projection for other network tools: GraphML, GEXF, or two CSV files (nodes and edges).

Attribute values become strings, numbers or booleans: lists are joined with ``" ; "``, pairs written
``key: value``, and missing values are left out (GraphML and GEXF) or empty (CSV). GraphML and GEXF keep
every node and edge attribute and the edge keys, and read back with
``networkx.read_graphml(path, force_multigraph=True)`` and ``networkx.read_gexf(path)``; in GEXF, edges
with ``start``/``end`` dates make a dynamic graph (Gephi's timeline). CSV writes ``PATH-nodes.csv``
(``id`` then the node attributes) and ``PATH-edges.csv`` (``source``, ``target``, ``key`` then the edge
attributes); a ``.csv`` suffix on PATH is dropped first. Every file is written atomically.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> _ = g.add_edge("a", "b", key="k", sources=["s1", "s2"], start=None)
>>> flat(g).edges["a", "b", "k"]
{'sources': 's1 ; s2'}
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.errors import OutputError
from sovgraph.files import write_atomic

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["EDGE_COLUMNS", "FORMATS", "NODE_COLUMNS", "csv_paths", "flat", "write_network"]

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
    writer.writeheader()
    for row in rows:
        writer.writerow({name: _cell(value) for name, value in row.items()})
    return text.getvalue().encode("utf-8")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
