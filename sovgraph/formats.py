"""RDF formats and the one serializer: formats come from pyoxigraph (``RdfFormat.from_extension``), not from a
hand-written table, and every RDF sovgraph writes goes through :func:`serialize`.

>>> by_extension("data/hosting.ttl").name
'Turtle'
>>> by_extension("ontology/sovgraph.owl").name
'RDF/XML'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sovgraph.errors import UnsupportedFormatError

if TYPE_CHECKING:
    import pyoxigraph

EXTENSIONS = ("jsonld", "nq", "nt", "owl", "rdf", "trig", "ttl")
"""The extensions sovgraph reads and writes (a subset of pyoxigraph's: no N3, no bare ``.xml``/``.json``)."""

ALIASES = {"owl": "rdf"}
"""Extensions pyoxigraph does not know, and the one that names the same syntax."""


def by_extension(path: Path | str, *, output: bool = False) -> pyoxigraph.RdfFormat:
    """The format of a file (``x.ttl``) or of a bare extension (``ttl``), case-insensitive; or raise
    :class:`~sovgraph.errors.UnsupportedFormatError` listing the known ones."""
    import pyoxigraph

    text = str(path)
    extension = Path(text).suffix.lower().lstrip(".") if "." in text else text.lower()
    found = (
        pyoxigraph.RdfFormat.from_extension(ALIASES.get(extension, extension))
        if extension in EXTENSIONS
        else None
    )
    if found is None:
        known = [f".{e}" for e in EXTENSIONS] if not output else list(EXTENSIONS)
        raise UnsupportedFormatError(path, known, output=output)
    return found


def serialize(
    items: Iterable[pyoxigraph.Triple] | Iterable[pyoxigraph.Quad],
    fmt: pyoxigraph.RdfFormat,
    *,
    prefixes: Mapping[str, str] | None = None,
) -> bytes:
    """Triples or quads in ``fmt``; quads lose their graph name in a format that has none (Turtle...)."""
    import pyoxigraph

    if not fmt.supports_datasets:
        items = (
            pyoxigraph.Triple(i.subject, i.predicate, i.object) if isinstance(i, pyoxigraph.Quad) else i
            for i in items
        )
    data = pyoxigraph.serialize(items, format=fmt, prefixes=dict(prefixes) if prefixes else None)
    return data or b""
