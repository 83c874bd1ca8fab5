"""Where a knowledge graph lives: one interface, two backends — the embedded store and a SPARQL endpoint.

A :class:`Backend` evaluates queries over sovgraph's dataset: one named graph per file, plus the derived
graph. In both backends, with ``union`` (the default) the **default graph is the union of sovgraph's named
graphs**, and ``GRAPH`` clauses see those named graphs; without it the default graph is empty.

- :class:`EmbeddedBackend` asks pyoxigraph for exactly that (``use_default_graph_as_union``), except for a
  query that names its own dataset with ``FROM`` or ``FROM NAMED``: that dataset is used, as SPARQL says
  (``FROM <…/graph/data/hosting.ttl>`` makes that file's graph the default graph; ``FROM NAMED`` alone
  leaves the default graph empty).
- :class:`RemoteBackend` does not rely on what a server's default graph happens to be (Oxigraph: the
  unnamed graph only, unless told otherwise; Virtuoso: every graph plus its own system triples). It first
  lists the endpoint's named graphs under ``https://w3id.org/sovgraph/graph/`` (once, then cached), then
  sends each of them, with every query, as a ``default-graph-uri`` (with ``union``) and a
  ``named-graph-uri`` — the SPARQL 1.1 Protocol's way of naming the dataset, which every server honours
  the same way.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from sovgraph.errors import BackendError, QueryError
from sovgraph.namespaces import GRAPH, PREFIXES, sparql_prologue

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    import pyoxigraph

    from sovgraph.store.remote import Endpoint

    Answer = pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples
    """What a SPARQL query gives, on every backend."""

_GRAPHS = f"""
SELECT ?g (COUNT(*) AS ?n) WHERE {{
    GRAPH ?g {{ ?s ?p ?o }}
    FILTER(STRSTARTS(STR(?g), "{GRAPH}"))
}} GROUP BY ?g ORDER BY ?g
"""


_NOT_KEYWORDS = (  # compiled when first used (re keeps it), not on every command's path
    r"#[^\n]*"
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
)
"""What cannot hold a keyword: comments, strings (long strings first) and IRIs."""
_FROM = r"(?i)(?<![\w?$:.-])FROM(?![\w:.-])"


def names_dataset(text: str) -> bool:
    """Whether a SPARQL query has a ``FROM`` or ``FROM NAMED`` clause (comments, strings and IRIs aside).

    >>> names_dataset("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")
    True
    >>> names_dataset('SELECT ?from WHERE { ?from ex:from "FROM" } # FROM')
    False
    """
    return re.search(_FROM, re.sub(_NOT_KEYWORDS, " ", text)) is not None


class Backend(Protocol):
    """What a knowledge graph needs from the place its triples live."""

    @property
    def name(self) -> str:
        """How to name the backend in messages (``the embedded store``, an endpoint's URL)."""
        ...

    @property
    def store(self) -> pyoxigraph.Store:
        """The pyoxigraph store, for what only an embedded graph can do (derive, validate, export)."""
        ...

    def query(self, text: str, *, union: bool = True) -> Answer:
        """Evaluate a query (parameters already bound); sovgraph's prefixes are predeclared."""
        ...

    def update(self, text: str) -> None:
        """Apply a SPARQL 1.1 Update; sovgraph's prefixes are predeclared."""
        ...

    def graphs(self) -> dict[str, int]:
        """sovgraph's named graphs (IRIs under :data:`sovgraph.namespaces.GRAPH`) and their triple counts."""
        ...


class EmbeddedBackend:
    """The default: an in-process pyoxigraph store, or a function that opens it when first used (the
    on-disk cache: a call answered from kept answers never opens it).

    ``lookups``, when given, opens the on-disk store itself for the time of a block (see :meth:`lookups`)."""

    name = "the embedded store"

    def __init__(
        self,
        store: pyoxigraph.Store | Callable[[], pyoxigraph.Store],
        *,
        lookups: Callable[[], AbstractContextManager[pyoxigraph.Store]] | None = None,
    ) -> None:
        self._store: pyoxigraph.Store | None = None
        self._open: Callable[[], pyoxigraph.Store] | None = None
        self._lookups = lookups
        self._peek: pyoxigraph.Store | None = None  # the store of the lookups block in progress
        if callable(store):
            self._open = store
        else:
            self._store = store

    @property
    def store(self) -> pyoxigraph.Store:
        if self._store is None:
            assert self._open is not None
            self._store = self._open()
            self._open = None
        return self._store

    @contextlib.contextmanager
    def lookups(self) -> Iterator[pyoxigraph.Store]:
        """A block of work that makes a few index lookups (a walk, a validation again): its queries read the
        store if it is open already, else the on-disk store itself, read-only (no copy into memory: a copy
        costs time in proportion to the graph, a lookup does not), released at the end of the block. Without
        an on-disk store, the store."""
        if self._store is not None or self._lookups is None:
            yield self.store
            return
        if self._peek is not None:  # a block inside another
            yield self._peek
            return
        with self._lookups() as store:
            self._peek = store
            try:
                yield store
            finally:
                self._peek = None

    def _reading(self) -> pyoxigraph.Store:
        """The store queries read: the lookups block's, while one is in progress and the store is not open."""
        return self._peek if self._store is None and self._peek is not None else self.store

    @property
    def opened(self) -> bool:
        """Whether the store is open (always, unless it comes from the cache and was not needed yet)."""
        return self._store is not None

    def query(self, text: str, *, union: bool = True) -> Answer:
        union = union and not names_dataset(text)  # a query's own dataset comes first
        try:
            return self._reading().query(text, prefixes=PREFIXES, use_default_graph_as_union=union)
        except SyntaxError as exc:
            raise QueryError(f"the SPARQL query is not valid: {exc.msg or exc}.") from None
        except (RuntimeError, ValueError, OSError) as exc:
            raise QueryError(f"the SPARQL query failed: {exc}.") from None

    def update(self, text: str) -> None:
        try:
            self.store.update(text, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"the SPARQL update is not valid: {exc.msg or exc}.") from None
        except (RuntimeError, ValueError, OSError) as exc:
            raise QueryError(f"the SPARQL update failed: {exc}.") from None

    def graphs(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        store = self.store
        for graph in store.named_graphs():
            if graph.value.startswith(GRAPH):
                counts[graph.value] = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
        return dict(sorted(counts.items()))


class RemoteBackend:
    """A SPARQL 1.1 endpoint holding sovgraph's named graphs (e.g. after ``sovgraph push``).

    ``graphs`` fixes the dataset instead of listing the endpoint's graphs.
    """

    def __init__(self, endpoint: Endpoint, graphs: Sequence[str] | None = None) -> None:
        self.endpoint = endpoint
        self._graphs: dict[str, int] | None = None
        self._fixed = list(graphs) if graphs is not None else None

    @property
    def name(self) -> str:
        return self.endpoint.name

    @property
    def store(self) -> pyoxigraph.Store:
        raise BackendError(
            f"this needs the embedded store, but the graph is read from the SPARQL endpoint {self.name}, "
            "which sovgraph only queries. Run the command without --endpoint (and SOVGRAPH_ENDPOINT); "
            "the derived graph on the endpoint is the one 'sovgraph push' uploaded."
        )

    def query(self, text: str, *, union: bool = True) -> Answer:
        graphs = self.dataset()
        return self.endpoint.query(
            sparql_prologue() + text, default_graphs=graphs if union else (), named_graphs=graphs
        )

    def update(self, text: str) -> None:
        self.endpoint.update(sparql_prologue() + text)
        self._graphs = None  # an update may add or remove graphs

    def graphs(self) -> dict[str, int]:
        if self._graphs is None:
            rows = self.endpoint.select(_GRAPHS)
            found = {row["g"].value: int(row["n"].value) for row in rows}
            if self._fixed is not None:
                found = {g: found.get(g, 0) for g in self._fixed}
            self._graphs = found
        return self._graphs

    def dataset(self) -> list[str]:
        """The graphs every query is evaluated over: fixed, or sovgraph's graphs on the endpoint."""
        if self._fixed is not None:
            return self._fixed
        graphs = sorted(self.graphs())
        if not graphs:
            from sovgraph.errors import EndpointError

            raise EndpointError(
                self.name,
                f"holds no named graph under {GRAPH}: upload the graph first with "
                f"'sovgraph push --endpoint {self.name}'.",
            )
        return graphs
