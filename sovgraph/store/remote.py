"""One SPARQL 1.1 endpoint, through the standard protocols only: Query, Update and the Graph Store.

Queries are built by SPARQLWrapper (the form, the ``default-graph-uri`` / ``named-graph-uri`` parameters
of the protocol, content negotiation) and sent by POST; the answer is parsed back into pyoxigraph terms, so
that a remote result is the same Python object as an embedded one (``QuerySolutions``, ``QueryBoolean`` or
``QueryTriples``). Reads that fail for a reason that may pass (the server cannot be reached, does not answer
in time, or answers 5xx) are tried again with a growing pause, a bounded number of times; writes are sent
once. Every failure becomes an :class:`EndpointError` that names the endpoint and what happened; no
password is ever part of a message.

One deadline bounds a whole call: connecting, sending, reading the answer, every try and the pauses between
them must fit in ``Endpoint.timeout`` seconds (a server that trickles its answer a byte at a time is given up
on at the deadline, not reset by each byte). An answer larger than ``Endpoint.max_bytes`` is refused before
it is parsed.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import re
import socket
import threading
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
MAX_BYTES = 256 * 1024 * 1024
"""The largest answer read from an endpoint (256 MiB): beyond it the call fails with a clear error."""


@dataclass(frozen=True)
class Endpoint:
    """Where a SPARQL service is and how to talk to it.

    ``url`` is the query endpoint; ``update_url`` and ``graph_store_url`` default to it and to nothing.
    ``timeout`` bounds a whole call (seconds: connecting, reading, every try and pause); a read is tried up
    to ``tries`` times within it, pausing ``backoff``, then twice as long, between tries. An answer longer
    than ``max_bytes`` is refused. A ``user:password@`` written into a URL is taken out of it and used as
    the credentials (unless ``user`` is given).
    """

    url: str
    update_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    tries: int = 3
    backoff: float = 0.5
    max_bytes: int = MAX_BYTES

    def __post_init__(self) -> None:
        user, password = _userinfo(self.url)
        for name in ("url", "update_url", "graph_store_url"):
            value = getattr(self, name)
            if value:
                object.__setattr__(self, name, display_url(value))
        if self.user is None and user is not None:
            object.__setattr__(self, "user", user)
            object.__setattr__(self, "password", password)

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
        """Replace one named graph by the given Turtle (or N-Triples) in one Graph Store ``PUT`` (atomic: with
        credentials the request is authorised before its body is sent, see ``_graph_request``)."""
        self._graph_request("PUT", graph, turtle)

    def delete_graph(self, graph: str) -> None:
        """Remove one named graph with a Graph Store ``DELETE``."""
        self._graph_request("DELETE", graph, None)

    def _graph_request(self, method: str, graph: str, data: bytes | None) -> None:
        if not self.graph_store_url:
            raise EndpointError(self.name, "has no Graph Store URL: give one (--graph-store URL).")
        base = self.graph_store_url
        url = base + ("&" if "?" in base else "?") + urllib.parse.urlencode({"graph": graph})
        headers = {"Content-Type": "text/turtle; charset=utf-8"} if data is not None else {}

        if data is not None and self.user is not None:
            headers.update(self._digest_header(url, method))

        def request() -> urllib.request.Request:
            return urllib.request.Request(url, data=data, method=method, headers=headers)

        self._send(request, f"{display_url(base)} (Graph Store)", read=False)

    def _digest_header(self, url: str, method: str) -> dict[str, str]:
        """An ``Authorization`` header for a write with a body, when the server asks for digest credentials.

        A server that answers 401 to a large ``PUT`` closes the connection before the body is sent (a broken
        pipe, where urllib would have answered the challenge): so the challenge is fetched first with a
        bodiless ``HEAD``, and the write carries its answer.
        """
        opener = _opener(Endpoint(url, timeout=self.timeout))
        try:
            with opener.open(urllib.request.Request(url, method="HEAD"), timeout=self.timeout):
                return {}
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        except Exception:  # the write itself will report what is wrong
            return {}
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() != "digest":
            return {}
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, self.user or "", self.password or "")
        handler = urllib.request.HTTPDigestAuthHandler(manager)
        chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
        answer = handler.get_authorization(urllib.request.Request(url, method=method), chal)
        return {"Authorization": f"Digest {answer}"} if answer else {}

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
        """Send a request (again on transient failures if it is a read), all within one deadline; return the
        body and media type."""
        tries = max(1, self.tries) if read else 1
        deadline = Deadline(self.timeout)
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._once(make, name, deadline)
            except Exception as exc:  # every failure is translated below
                if deadline.expired() and not isinstance(exc, EndpointError | urllib.error.HTTPError):
                    exc = TimeoutError()
                error, transient = _failure(name, exc, self.timeout, self.user is not None)
            pause = self.backoff * 2 ** (attempt - 1)
            if not transient or attempt >= tries or deadline.remaining() <= pause:
                if attempt > 1 and transient:
                    error.args = (f"{error.args[0].rstrip('.')} (tried {attempt} times).",)
                raise _redacted(error, self.password)
            time.sleep(pause)

    def _once(
        self, make: Callable[[], urllib.request.Request], name: str, deadline: Deadline
    ) -> tuple[bytes, str]:
        """One request under ``deadline``: each socket is shut down when the deadline passes."""
        opener = _opener(self, deadline)
        try:
            with opener.open(make(), timeout=deadline.remaining()) as response:
                media = response.headers.get("Content-Type", "") or ""
                body = _read(response, name, self.max_bytes, deadline)
                return body, media.split(";")[0].strip().lower()
        finally:
            deadline.disarm()


class Deadline:
    """One point in time that a whole call must finish by; sockets opened under it are cut at that time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._timers: list[threading.Timer] = []

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        return time.monotonic() >= self.end

    def check(self) -> float:
        """The time left; a :class:`TimeoutError` when none is."""
        left = self.remaining()
        if left <= 0:
            raise TimeoutError("deadline")
        return left

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes (a blocked read then returns at once)."""

        def cut() -> None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(self.remaining(), cut)
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def disarm(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()


def _read(response: http.client.HTTPResponse, name: str, limit: int, deadline: Deadline) -> bytes:
    """The whole body, read piece by piece under the deadline, refused beyond ``limit`` bytes."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ResultTooLarge(name, _too_large(limit))
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read1(1 << 16)
        if deadline.expired():
            raise TimeoutError("deadline")
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise ResultTooLarge(name, _too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    size = f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
    return (
        f"answered with more than {size}; the answer was not read to the end. Ask for "
        "less (a LIMIT, a narrower filter) or raise the limit (Endpoint(max_bytes=...))."
    )


class ResultTooLarge(MalformedResults):
    """The endpoint's answer is larger than the result-size cap."""


def _userinfo(url: str) -> tuple[str | None, str | None]:
    """The user and password written into a URL (``http://user:pw@host/``), percent-decoded."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return None, None
    info = parts.netloc.rsplit("@", 1)[0]
    user, _, password = info.partition(":")
    return urllib.parse.unquote(user), urllib.parse.unquote(password) if password else None


def _redacted(error: EndpointError, password: str | None) -> EndpointError:
    """The error, with the password taken out of its message should any layer below have quoted it."""
    if password:
        error.args = tuple(
            a.replace(password, "***").replace(urllib.parse.quote(password, safe=""), "***")
            if isinstance(a, str)
            else a
            for a in error.args
        )
    return error


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


class _DeadlineHTTP(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        deadline = self.deadline

        class Connection(http.client.HTTPConnection):
            def connect(self) -> None:
                self.timeout = deadline.check()
                super().connect()
                deadline.watch(self.sock)

        return self.do_open(Connection, req)


class _DeadlineHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        deadline = self.deadline

        class Connection(http.client.HTTPSConnection):
            def connect(self) -> None:
                self.timeout = deadline.check()
                super().connect()
                deadline.watch(self.sock)

        return self.do_open(Connection, req)


RESPONSE_HEADERS = 2_000
"""How many header lines an answer may carry. Virtuoso echoes the explicit dataset as one
``X-SPARQL-default-graph`` or ``X-SPARQL-named-graph`` header per graph, two per loaded file: past the
standard library's default cap of 100 once a project has some fifty files."""


def _opener(endpoint: Endpoint, deadline: Deadline | None = None) -> urllib.request.OpenerDirector:
    # the standard library reads its cap from a module attribute (there is no per-connection setting)
    http.client._MAXHEADERS = max(http.client._MAXHEADERS, RESPONSE_HEADERS)  # type: ignore[attr-defined]
    handlers: list[urllib.request.BaseHandler] = []
    if deadline is not None:
        handlers += [_DeadlineHTTP(deadline), _DeadlineHTTPS(deadline)]
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
    if isinstance(exc, EndpointError):
        return exc, False
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
    if exc.code == 413:
        return EndpointHTTPError(name, f"refused to send so large an answer ({status}){said}.", exc.code)
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
