"""Upload the graph to a SPARQL endpoint: one named graph per file, and the derived graph.

Each graph is replaced in one Graph Store HTTP Protocol ``PUT`` (atomic on the server: a graph is either
its old or its new version, never a mix), then every graph's triple count on the endpoint is checked with a
``COUNT`` query. Pushing again replaces the same graphs with the same content (idempotent). If a ``PUT``
fails, the push stops there: the graphs pushed before it are complete, it and those after it are left as
they were on the endpoint, and the error names the graph that failed. Writes are never retried.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sovgraph.errors import EndpointError, PushError
from sovgraph.formats import serialize
from sovgraph.namespaces import GRAPH

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph
    from sovgraph.store.remote import Endpoint

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class Upload:
    """One graph to push: its IRI, how people call it, its triples as N-Triples, and their number."""

    graph: str
    label: str
    data: bytes
    triples: int


def default_graph_store(endpoint: str) -> str:
    """Oxigraph's layout: the query URL with its last path segment (``query``, ``sparql``) made ``store``."""
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rsplit("/", 1)[0] + "/store"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def uploads(kg: KnowledgeGraph) -> list[Upload]:
    """Every named graph of the embedded store under sovgraph's prefix: files first, then the others."""
    import pyoxigraph

    labels = {f.graph: f.label for f in kg.files}
    names = sorted(g.value for g in kg.store.named_graphs() if g.value.startswith(GRAPH))
    ordered = [f.graph for f in kg.files if f.graph in names] + [g for g in names if g not in labels]
    found = []
    for graph in ordered:
        triples = [
            pyoxigraph.Triple(q.subject, q.predicate, q.object)
            for q in kg.store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph))
        ]
        data = serialize(triples, pyoxigraph.RdfFormat.N_TRIPLES)
        found.append(Upload(graph, labels.get(graph, graph[len(GRAPH) :]), data, len(triples)))
    return found


def push(
    kg: KnowledgeGraph,
    endpoint: Endpoint,
    *,
    prune: bool = False,
    progress: Callable[[str], None] = lambda _line: None,
) -> list[Upload]:
    """Replace each graph of ``kg`` on the endpoint, then check the counts; returns what was pushed.

    Graphs under sovgraph's prefix that the endpoint holds but ``kg`` does not (a file since removed) are
    reported, and deleted with ``prune``.
    """
    todo = uploads(kg)
    preflight(endpoint)
    done: list[Upload] = []
    for number, upload in enumerate(todo, start=1):
        progress(f"[{number}/{len(todo)}] {upload.label}: {upload.triples} triples -> <{upload.graph}>")
        try:
            endpoint.put_graph(upload.graph, upload.data)
        except EndpointError as exc:
            raise PushError(endpoint.name, _failed(upload, exc, done, todo[number:])) from None
        done.append(upload)
    for upload in todo:
        found = count(endpoint, upload.graph)
        if found != upload.triples:
            raise PushError(
                endpoint.name,
                f"holds {found} triples in <{upload.graph}> ({upload.label}) after the push, not the "
                f"{upload.triples} sent; the server may have merged or dropped some (check its logs).",
            )
    progress(f"checked: each of the {len(todo)} graphs holds the triples sent.")
    _stale(kg, endpoint, {u.graph for u in todo}, prune, progress)
    return done


def preflight(endpoint: Endpoint) -> None:
    """Check that the endpoint answers SPARQL queries before anything is sent (one paragraph if not)."""
    import pyoxigraph

    try:
        answer = endpoint.query("ASK { }")
    except EndpointError as exc:
        raise PushError(endpoint.name, f"{_what(exc)}. Nothing was pushed.") from None
    if not isinstance(answer, pyoxigraph.QueryBoolean):
        raise PushError(endpoint.name, "did not answer an ASK query with a boolean. Nothing was pushed.")


def count(endpoint: Endpoint, graph: str) -> int:
    """The number of triples in one named graph of the endpoint."""
    import pyoxigraph

    from sovgraph.sparql.bind import bind

    rows = list(endpoint.select(bind(_COUNT, {"g": pyoxigraph.NamedNode(graph)})))
    if not rows or rows[0]["n"] is None:
        return 0
    value = rows[0]["n"].value
    try:
        return int(value)
    except ValueError:
        raise PushError(
            endpoint.name,
            f"answered the triple count of <{graph}> with {_clip(value)!r}, which is not a number; "
            "the graphs were sent but could not be checked.",
        ) from None


def _what(exc: EndpointError) -> str:
    """What an endpoint error says, without the 'the SPARQL endpoint URL' it starts with."""
    text = str(exc).rstrip(".")
    prefix = f"the SPARQL endpoint {exc.endpoint} "
    return text[len(prefix) :] if text.startswith(prefix) else text


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(uploads: list[Upload], limit: int = 4) -> str:
    """A few graph labels, then how many more (a push has dozens)."""
    if not uploads:
        return "none"
    shown = ", ".join(u.label for u in uploads[:limit])
    more = len(uploads) - limit
    return f"{len(uploads)} graph(s): {shown}" + (f" and {more} more" if more > 0 else "")


def _stale(
    kg: KnowledgeGraph, endpoint: Endpoint, pushed: set[str], prune: bool, progress: Callable[[str], None]
) -> None:
    from sovgraph.store.backend import RemoteBackend

    stale = sorted(set(RemoteBackend(endpoint).graphs()) - pushed)
    for graph in stale:
        if prune:
            endpoint.delete_graph(graph)
            progress(f"removed <{graph}>: the endpoint held it, but it is no longer part of the graph.")
        else:
            progress(
                f"note: the endpoint also holds <{graph}>, which the graph no longer has; --prune removes it."
            )


def _failed(upload: Upload, exc: EndpointError, done: list[Upload], left: list[Upload]) -> str:
    head = f"did not take the graph {upload.label} (<{upload.graph}>): {_what(exc)}. It was left as it was"
    if not done:
        return f"{head}, and nothing was pushed. Fix the cause and run 'sovgraph push' again."
    return (
        f"{head} on the endpoint. Already pushed, complete: {_names(done)}. Not pushed: {_names(left)}. "
        "Fix the cause and run 'sovgraph push' again (it replaces the same graphs)."
    )
