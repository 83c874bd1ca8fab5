"""Write the graph out in an RDF format: datasets keep one named graph per file, graphs merge them.

The format is named by its extension (``ttl``, ``trig``, ``nt``, ``nq``, ``jsonld``, ``rdf``) and found by
pyoxigraph; the bytes come from the one serializer, :func:`sovgraph.formats.serialize`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sovgraph.files import write_atomic
from sovgraph.formats import by_extension
from sovgraph.formats import serialize as serialize_items
from sovgraph.namespaces import PREFIXES

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph

FORMATS = ("ttl", "trig", "nt", "nq", "jsonld", "rdf")
"""What ``sovgraph export --format`` offers (the formats sovgraph writes, by extension)."""


def serialize(kg: KnowledgeGraph, fmt: str) -> bytes:
    """The graph in format ``fmt`` (see :data:`FORMATS`); triple formats hold the union of all files."""
    from sovgraph.errors import UnsupportedFormatError

    if fmt not in FORMATS:
        raise UnsupportedFormatError(f"--format {fmt}", sorted(FORMATS), output=True)
    rdf_format = by_extension(fmt, output=True)
    if rdf_format.supports_datasets:
        items = kg.store.quads_for_pattern(None, None, None, None)
        return serialize_items(items, rdf_format, prefixes=PREFIXES if fmt == "trig" else None)
    return serialize_items(kg.construct(), rdf_format, prefixes=PREFIXES if fmt == "ttl" else None)


def export(kg: KnowledgeGraph, fmt: str, output: Path | None = None) -> bytes:
    """Serialize the graph and, if ``output`` is given, write it there atomically."""
    data = serialize(kg, fmt)
    if output is not None:
        write_atomic(output, data)
    return data
