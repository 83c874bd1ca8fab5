"""One SPARQL 1.1 endpoint, through the standard protocols only: Query, Update and the Graph Store.

Queries are built by SPARQLWrapper (the form, the ``default-graph-uri`` / ``named-graph-uri`` parameters
of the protocol, content negotiation) and sent by POST; the answer is parsed back into pyoxigraph terms, so
that a remote result is the same Python object as an embedded one (``QuerySolutions``, ``QueryBoolean`` or
``QueryTriples``). Reads that fail for a reason that may pass (the server cannot be reached, does not answer
in time, or answers 5xx) are tried again with a growing pause, a bounded number of times; writes are sent
once. Every failure becomes an :class:`EndpointError` that names the endpoint and what happened; no
password is ever part of a message.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sovgraph.errors import (
    CredentialsRefused,
    EndpointError,
    EndpointHTTPError,
    EndpointTimeout,
    EndpointUnreachable,
    MalformedResults,
    QueryError,
    QueryRejected,
)

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.store.backend import Answer

RESULTS_JSON = "application/sparql-results+json"
GRAPH_MEDIA = "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.5"
TRANSIENT = frozenset({500, 502, 503, 504})
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BNODE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Endpoint:
    """Where a SPARQL service is and how to talk to it.

    ``url`` is the query endpoint; ``update_url`` and ``graph_store_url`` default to it and to nothing.
    ``timeout`` is per request (seconds); a read is tried up to ``tries`` times, pausing ``backoff``,
    then twice as long, between tries.
    """

    url: str
    update_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    tries: int = 3
    backoff: float = 0.5

    @property
    def name(self) -> str:
        """The URL as shown to people: without any user or password written into it."""
        return display_url(self.url)

    def query(
        self, text: str, *, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()
    ) -> Answer:
        """Evaluate a query (SELECT, ASK, CONSTRUCT, DESCRIBE) and return pyoxigraph results.

        The graphs given are sent as the protocol's ``default-graph-uri`` and ``named-graph-uri``
        parameters; with none, the server chooses its own dataset.
        """
        wrapper = self._wrapper(text)
        if wrapper.isSparqlUpdateRequest():
            raise QueryError(f"this is a SPARQL update ({wrapper.queryType}), not a query.")
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        form = str(wrapper.queryType)
        wrapper.addCustomHttpHeader("Accept", RESULTS_JSON if form in ("SELECT", "ASK") else GRAPH_MEDIA)
        # SPARQLWrapper builds the request (form, dataset parameters, encoding); it is sent through this
        # endpoint's own opener, because SPARQLWrapper's digest mode installs a process-wide urllib opener.
        body, media = self._send(wrapper._createRequest, self.name, read=True)
        return parse_answer(self.name, form, body, media)

    def select(self, text: str) -> pyoxigraph.QuerySolutions:
        """Evaluate a SELECT query (see :meth:`query`); another form is a :class:`MalformedResults`."""
        import pyoxigraph

        answer = self.query(text)
        if isinstance(answer, pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples):
            raise MalformedResults(self.name, "answered a SELECT query with something else than solutions.")
        return answer

    def update(self, text: str) -> None:
        """Send a SPARQL 1.1 Update (once: writes are never retried)."""
        wrapper = self._wrapper(text)
        if not wrapper.isSparqlUpdateRequest():
            raise QueryError(f"this is a SPARQL query ({wrapper.queryType}), not an update.")
        self._send(wrapper._createRequest, display_url(self.update_url or self.url), read=False)

    def put_graph(self, graph: str, turtle: bytes) -> None:
        """Replace one named graph by the given Turtle (or N-Triples) with a Graph Store ``PUT``.

        With credentials, N-Triples larger than :data:`PUT_CHUNK` bytes and free of blank nodes are sent in
        pieces cut at line ends: a ``PUT`` of the first, then a ``POST`` (which adds) of each other. A server
        that asks for digest authentication answers the first, unauthenticated, request before reading its
        body; Virtuoso then closes the connection, and a body larger than the socket buffers breaks the pipe.
        """
        pieces = _pieces(turtle, PUT_CHUNK) if self.user is not None else [turtle]
        self._graph_request("PUT", graph, pieces[0])
        for piece in pieces[1:]:
            self._graph_request("POST", graph, piece)

    def delete_graph(self, graph: str) -> None:
        """Remove one named graph with a Graph Store ``DELETE``."""
        self._graph_request("DELETE", graph, None)

    def _graph_request(self, method: str, graph: str, data: bytes | None) -> None:
        if not self.graph_store_url:
            raise EndpointError(self.name, "has no Graph Store URL: give one (--graph-store URL).")
        base = self.graph_store_url
        url = base + ("&" if "?" in base else "?") + urllib.parse.urlencode({"graph": graph})
        headers = {"Content-Type": "text/turtle; charset=utf-8"} if data is not None else {}

        def request() -> urllib.request.Request:
            return urllib.request.Request(url, data=data, method=method, headers=headers)

        self._send(request, f"{display_url(base)} (Graph Store)", read=False)

    def _wrapper(self, text: str) -> Any:
        import warnings

        from SPARQLWrapper import POST, SPARQLWrapper

        from sovgraph._version import __version__

        agent = f"sovgraph/{__version__} (https://w3id.org/sovgraph/) SPARQLWrapper"
        wrapper = SPARQLWrapper(self.url, updateEndpoint=self.update_url or self.url, agent=agent)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an unknown form is reported by the server itself
            wrapper.setQuery(text)
        return wrapper

    def _send(
        self, make: Callable[[], urllib.request.Request], name: str, *, read: bool
    ) -> tuple[bytes, str]:
        """Send a request (again on transient failures if it is a read); return the body and media type."""
        tries = max(1, self.tries) if read else 1
        opener = _opener(self)
        for attempt in range(1, tries + 1):
            try:
                with opener.open(make(), timeout=self.timeout) as response:
                    body: bytes = response.read()
                    media = response.headers.get("Content-Type", "") or ""
                    return body, media.split(";")[0].strip().lower()
            except Exception as exc:  # every failure is translated below
                error, transient = _failure(name, exc, self.timeout, self.user is not None)
            if not transient or attempt == tries:
                if tries > 1 and transient:
                    error.args = (f"{error.args[0].rstrip('.')} (tried {tries} times).",)
                raise error from None
            time.sleep(self.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover


PUT_CHUNK = 128 * 1024
"""The largest piece of a graph sent in one Graph Store request (see :meth:`Endpoint.put_graph`)."""


def _pieces(data: bytes, size: int) -> list[bytes]:
    """``data`` cut at line ends into pieces of at most ``size`` bytes (a longer line stands alone), when it
    is N-Triples (one triple a line) with no blank node, whose label is local to one request; else
    ``[data]``.

    >>> _pieces(b"<a> <b> <c> .\\n<d> <e> <f> .\\n", 16)
    [b'<a> <b> <c> .\\n', b'<d> <e> <f> .\\n']
    >>> _pieces(b"_:x <b> <c> .\\n<d> <e> <f> .\\n", 16)
    [b'_:x <b> <c> .\\n<d> <e> <f> .\\n']
    """
    lines = data.splitlines(keepends=True)
    if len(data) <= size or b"_:" in data or not all(line.rstrip().endswith(b" .") for line in lines):
        return [data]
    pieces: list[bytes] = []
    current = b""
    for line in lines:
        if current and len(current) + len(line) > size:
            pieces.append(current)
            current = b""
        current += line
    return [*pieces, current] if current else pieces


def display_url(url: str) -> str:
    """A URL without the user and password some people write into it (``http://user:pw@host/``)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def is_loopback(url: str) -> bool:
    """Whether a URL points at this machine (127.0.0.0/8, ::1, localhost)."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return host == "localhost" or host == "::1" or host.startswith("127.")


RESPONSE_HEADERS = 2_000
"""How many header lines an answer may carry. Virtuoso echoes the explicit dataset as one
``X-SPARQL-default-graph`` or ``X-SPARQL-named-graph`` header per graph, two per loaded file: past the
standard library's default cap of 100 once a project has some fifty files."""


def _opener(endpoint: Endpoint) -> urllib.request.OpenerDirector:
    import http.client

    # the standard library reads its cap from a module attribute (there is no per-connection setting)
    http.client._MAXHEADERS = max(http.client._MAXHEADERS, RESPONSE_HEADERS)  # type: ignore[attr-defined]
    handlers: list[urllib.request.BaseHandler] = []
    if is_loopback(endpoint.url):
        handlers.append(urllib.request.ProxyHandler({}))  # never send loopback traffic through a proxy
    if endpoint.user is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in (endpoint.url, endpoint.update_url, endpoint.graph_store_url):
            if url:
                manager.add_password(None, url, endpoint.user, endpoint.password or "")
        handlers += [
            urllib.request.HTTPBasicAuthHandler(manager),
            urllib.request.HTTPDigestAuthHandler(manager),
        ]
    return urllib.request.build_opener(*handlers)


def _failure(name: str, exc: Exception, timeout: float, has_credentials: bool) -> tuple[EndpointError, bool]:
    """The error to raise for a failed request, and whether trying again may help."""
    import http.client
    import socket

    if isinstance(exc, urllib.error.HTTPError):
        return _http_failure(name, exc, has_credentials), exc.code in TRANSIENT
    reason: object = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return EndpointTimeout(name, f"did not answer within {timeout:g} s."), True
    if isinstance(reason, ConnectionRefusedError):
        return EndpointUnreachable(name, "cannot be reached: the connection was refused."), True
    if isinstance(reason, socket.gaierror):
        return EndpointUnreachable(name, f"cannot be reached: unknown host ({reason.strerror})."), True
    if isinstance(reason, OSError | http.client.HTTPException):
        detail = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
        return EndpointUnreachable(name, f"cannot be reached: {detail}."), True
    if isinstance(exc, ValueError):  # an authentication scheme urllib does not know, a malformed URL
        return EndpointError(name, f"cannot be used: {exc}."), False
    raise exc


def _http_failure(name: str, exc: urllib.error.HTTPError, has_credentials: bool) -> EndpointError:
    status = f"HTTP {exc.code} {exc.reason}".rstrip()
    detail = _excerpt(exc)
    said = f": {detail}" if detail else ""
    if exc.code == 401:
        if has_credentials:
            what = f"refused the credentials given ({status}); check the user and password."
        else:
            what = (
                f"requires credentials ({status}); give --user and --password, "
                "or SOVGRAPH_USER and SOVGRAPH_PASSWORD."
            )
        return CredentialsRefused(name, what, exc.code)
    if exc.code == 403:
        what = f"refused the request ({status}): it is read-only or forbids it{said}."
        return CredentialsRefused(name, what, exc.code)
    if exc.code == 400:
        return QueryRejected(name, f"rejected the request as invalid ({status}){said}.", exc.code)
    if exc.code == 404:
        return EndpointHTTPError(name, f"does not exist ({status}): check the URL{said}.", exc.code)
    return EndpointHTTPError(name, f"failed ({status}){said}.", exc.code)


def _excerpt(exc: urllib.error.HTTPError, limit: int = 300) -> str:
    """The start of an error body, on one line, without markup."""
    try:
        raw = exc.read() if exc.fp is not None else b""
    except Exception:  # the body is only a courtesy
        raw = b""
    text = re.sub(r"<[^>]*>", " ", raw.decode("utf-8", "replace"))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_answer(name: str, form: str, body: bytes, media: str) -> Answer:
    """Turn an endpoint's answer into the pyoxigraph result an embedded store would have returned."""
    import pyoxigraph

    if form in ("SELECT", "ASK"):
        fmt = pyoxigraph.QueryResultsFormat.from_media_type(media) if media else None
        if fmt is None:
            what = media or "no content type"
            raise MalformedResults(name, f"answered with {what} instead of SPARQL query results.")
        data = (
            normalise_json(name, body, ask=form == "ASK")
            if fmt == pyoxigraph.QueryResultsFormat.JSON
            else body
        )
        try:
            checked = pyoxigraph.parse_query_results(data, format=fmt)
            if isinstance(checked, pyoxigraph.QuerySolutions):
                list(checked)  # parse every row now, so that a broken answer fails here and not later
            return pyoxigraph.parse_query_results(data, format=fmt)
        except (SyntaxError, ValueError) as exc:
            raise MalformedResults(name, f"answered with malformed query results: {exc}.") from None
    rdf_format = pyoxigraph.RdfFormat.from_media_type(media) if media else None
    if rdf_format is None:
        raise MalformedResults(name, f"answered with {media or 'no content type'} instead of an RDF graph.")
    try:
        triples = list(pyoxigraph.parse(body, format=rdf_format))
    except (SyntaxError, ValueError) as exc:
        raise MalformedResults(name, f"answered with a malformed RDF graph: {exc}.") from None
    store = pyoxigraph.Store()  # a private store, only to hand back a genuine QueryTriples
    store.extend(
        pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.DefaultGraph()) for t in triples
    )
    return store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def normalise_json(name: str, body: bytes, *, ask: bool) -> bytes:
    """Check SPARQL JSON results and smooth over known server quirks, keeping every term's meaning.

    Blank node labels that are not valid identifiers (Virtuoso writes ``nodeID://b10000``) get a valid
    one (the same label always the same one); ``xsd:boolean`` values ``1``/``0`` become ``true``/``false``;
    an ASK answered as a one-row SELECT (Virtuoso's ``__ASK_RETVAL``) becomes a boolean.
    """
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        text = body.decode("utf-8", "replace").strip()
        if not text.startswith("{"):
            raise MalformedResults(
                name, f"answered with something that is not JSON: {_clip(text)!r}."
            ) from None
        raise MalformedResults(
            name,
            f"answered with JSON results that break off ({exc}); they end with {_clip(text[-120:])!r} "
            "(a server that stops a query at its time limit does this).",
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("head"), dict):
        raise MalformedResults(name, "answered with JSON that is not SPARQL query results (no head).")
    if ask and "boolean" not in doc:
        doc = {"head": {}, "boolean": _ask_from_rows(name, doc)}
    if "boolean" in doc:
        return json.dumps(doc).encode("utf-8")
    bindings = doc.get("results", {}).get("bindings") if isinstance(doc.get("results"), dict) else None
    if not isinstance(bindings, list):
        raise MalformedResults(name, "answered with JSON that is not SPARQL query results (no bindings).")
    labels: dict[str, str] = {}
    for row in bindings:
        if not isinstance(row, dict):
            raise MalformedResults(name, "answered with a malformed result row.")
        for term in row.values():
            if not isinstance(term, dict):
                raise MalformedResults(name, "answered with a malformed term in a result row.")
            value = term.get("value")
            if term.get("type") == "bnode" and isinstance(value, str) and not _BNODE_ID.match(value):
                term["value"] = labels.setdefault(value, "b" + hashlib.sha1(value.encode()).hexdigest()[:20])
            elif term.get("datatype") == XSD_BOOLEAN and value in ("1", "0"):
                term["value"] = "true" if value == "1" else "false"
    return json.dumps(doc).encode("utf-8")


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ask_from_rows(name: str, doc: dict[str, Any]) -> bool:
    rows = doc.get("results", {}).get("bindings") if isinstance(doc.get("results"), dict) else None
    if not isinstance(rows, list) or len(rows) > 1:
        raise MalformedResults(name, "answered an ASK query without a boolean.")
    if not rows:
        return False
    values = [t.get("value") for t in rows[0].values() if isinstance(t, dict)]
    return len(values) == 1 and values[0] in ("1", "true")
