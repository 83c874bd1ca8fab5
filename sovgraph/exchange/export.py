"""Write the graph out in an RDF format: datasets keep one named graph per file, graphs merge them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sovgraph.errors import UnsupportedFormatError
from sovgraph.files import write_atomic
from sovgraph.namespaces import PREFIXES

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph

# Format name -> (pyoxigraph format, keeps named graphs).
FORMATS: dict[str, tuple[str, bool]] = {
    "ttl": ("TURTLE", False),
    "nt": ("N_TRIPLES", False),
    "rdf": ("RDF_XML", False),
    "trig": ("TRIG", True),
    "nq": ("N_QUADS", True),
    "jsonld": ("JSON_LD", True),
}


def serialize(kg: KnowledgeGraph, fmt: str) -> bytes:
    """The graph in format ``fmt`` (see :data:`FORMATS`); triple formats hold the union of all files."""
    import pyoxigraph

    if fmt not in FORMATS:
        raise UnsupportedFormatError(f"--format {fmt}", sorted(FORMATS), output=True)
    name, keeps_graphs = FORMATS[fmt]
    rdf_format = getattr(pyoxigraph.RdfFormat, name)
    if keeps_graphs:
        items = kg.store.quads_for_pattern(None, None, None, None)
    else:
        items = kg.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    prefixes = PREFIXES if fmt in ("ttl", "trig") else None
    data = pyoxigraph.serialize(items, format=rdf_format, prefixes=prefixes)
    assert data is not None
    return data


def export(kg: KnowledgeGraph, fmt: str, output: Path | None = None) -> bytes:
    """Serialize the graph and, if ``output`` is given, write it there atomically."""
    data = serialize(kg, fmt)
    if output is not None:
        write_atomic(output, data)
    return data
