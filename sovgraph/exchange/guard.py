"""The guard in front of the served Oxigraph server: a small reverse proxy that checks every request first.

``sovgraph serve`` runs the Oxigraph server on a private loopback port and this guard on the public one. The
Oxigraph server has no option to refuse federation, to bound the nesting of a query or the size of an
answer, so the guard does it, before the server sees a request:

- ``SERVICE`` (federated query) in a query or an update, and ``LOAD`` in an update, are refused (HTTP 403)
  unless the operator allows federation (``sovgraph serve --allow-federation``): otherwise any client could
  make the server send requests to any address it can reach (server-side request forgery);
- a query or update nested deeper than :attr:`Limits.max_depth` groups (brackets) or with a long run of
  unary operators is refused (HTTP 400): thousands of nested groups abort the Oxigraph server;
- a query or update larger than :attr:`Limits.max_request` bytes is refused (HTTP 413);
- an answer larger than :attr:`Limits.max_answer` bytes is not sent (HTTP 413, with the reason);
- at most :attr:`Limits.concurrent` requests reach the server at once; others wait their turn, for at most
  the time limit (then HTTP 503); an answer not complete within the time limit (plus a grace period) is
  given up (HTTP 504);
- the root URL serves sovgraph's own query page (see :mod:`sovgraph.exchange.page`), and only the SPARQL
  paths (``/query``, ``/update``, ``/store``) are forwarded.

The check of a query is lexical and conservative: comments, strings and IRIs are skipped, ``\\u`` escapes are
decoded first (SPARQL decodes them before parsing), and a ``SERVICE`` keyword anywhere else refuses it.
"""

from __future__ import annotations

import http.client
import http.server
import re
import socket
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Guard", "Limits", "refusal"]

Page = Callable[[str], tuple[int, str, bytes] | None]
"""What serves the guard's own pages: a path to ``(status, content type, body)``, or ``None``."""


@dataclass(frozen=True)
class Limits:
    """What the guard lets through."""

    allow_federation: bool = False
    max_depth: int = 100
    max_unary: int = 64
    max_request: int = 1024 * 1024
    max_upload: int = 512 * 1024 * 1024
    max_answer: int = 256 * 1024 * 1024
    timeout: float = 30.0
    grace: float = 10.0
    concurrent: int = 4


_TOKENS = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<name>[?$]?[A-Za-z_\u00C0-\uFFFF][\w\u00B7\u00C0-\uFFFF.-]*(?::[\w\u00B7\u00C0-\uFFFF.:%-]*)?
               |:[\w\u00B7\u00C0-\uFFFF.:%-]*)
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    | (?P<unary>!(?!=)|[-+])
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group(0)

    return _ESCAPE.sub(one, text)


def refusal(text: str, limits: Limits, *, update: bool = False) -> tuple[int, str] | None:
    """Why the guard refuses a query (or update) text, as an HTTP status and a message; ``None`` if it
    lets it through."""
    if len(text.encode("utf-8")) > limits.max_request:
        return 413, f"the request is larger than the limit of {limits.max_request} bytes."
    depth = deepest = unary = 0
    for match in _TOKENS.finditer(_unescape(text)):
        kind = match.lastgroup
        if kind == "unary":
            unary += 1
            if unary > limits.max_unary:
                return 400, f"the query has more than {limits.max_unary} unary operators in a row."
            continue
        if kind in ("space", "comment"):
            continue
        unary = 0
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limits.max_depth:
                return 400, f"the query is nested more than {limits.max_depth} levels deep."
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "name" and not limits.allow_federation:
            word = match.group().upper()
            if word == "SERVICE":
                return 403, (
                    "federated queries (SERVICE) are not allowed on this server; its operator can allow "
                    "them with 'sovgraph serve --allow-federation'."
                )
            if update and word == "LOAD":
                return 403, (
                    "LOAD is not allowed on this server (it fetches any URL); its operator can allow it "
                    "with 'sovgraph serve --allow-federation'."
                )
    return None


class Guard:
    """The proxy: listens on ``host:port``, forwards checked requests to the Oxigraph server upstream."""

    def __init__(
        self, host: str, port: int, upstream: tuple[str, int], limits: Limits, page: Page | None = None
    ) -> None:
        self.upstream = upstream
        self.limits = limits
        self.page = page
        self.slots = threading.BoundedSemaphore(limits.concurrent)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET

        class Server(http.server.ThreadingHTTPServer):
            address_family = family
            daemon_threads = True
            request_queue_size = 64

        self.httpd = Server((host, port), _handler(self))
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2})
        self.thread.daemon = True

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def start(self) -> Guard:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(guard: Guard) -> type[http.server.BaseHTTPRequestHandler]:
    limits = guard.limits

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "sovgraph-guard"
        sys_version = ""
        timeout = limits.timeout + limits.grace  # a client that sends its request too slowly is dropped
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._handle(body=False)

        def do_HEAD(self) -> None:
            self._handle(body=False)

        def do_POST(self) -> None:
            self._handle(body=True)

        def do_PUT(self) -> None:
            self._handle(body=True)

        def do_DELETE(self) -> None:
            self._handle(body=False)

        def _handle(self, *, body: bool) -> None:
            parts = urllib.parse.urlsplit(self.path)
            path = parts.path
            if self.command in ("GET", "HEAD") and guard.page is not None:
                found = guard.page(path)
                if found is not None:
                    self._send(*found)
                    return
            if path not in ("/query", "/update", "/store"):
                self._send(404, "text/plain; charset=utf-8", b"Not found: the SPARQL endpoint is /query.\n")
                return
            data = b""
            if body:
                data_or_none = self._body(limits.max_upload if path == "/store" else limits.max_request)
                if data_or_none is None:
                    return
                data = data_or_none
            problem = self._check(path, parts.query, data)
            if problem is not None:
                status, message = problem
                self._send(
                    status, "text/plain; charset=utf-8", f"sovgraph serve refused: {message}\n".encode()
                )
                return
            self._forward(data)

        def _body(self, limit: int) -> bytes | None:
            length_text = self.headers.get("Content-Length")
            if self.headers.get("Transfer-Encoding"):
                self._send(411, "text/plain; charset=utf-8", b"send the request with a Content-Length.\n")
                return None
            length = int(length_text) if length_text and length_text.isdigit() else 0
            if length > limit:
                message = f"sovgraph serve refused: the request is larger than the limit of {limit} bytes.\n"
                self._send(413, "text/plain; charset=utf-8", message.encode(), close=True)
                return None
            return self.rfile.read(length) if length else b""

        def _check(self, path: str, query: str, data: bytes) -> tuple[int, str] | None:
            texts: list[tuple[str, bool]] = []
            for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
                if name in ("query", "update"):
                    texts.append((value, name == "update"))
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if data and path != "/store":
                try:
                    decoded = data.decode("utf-8")
                except UnicodeDecodeError:
                    return 400, "the request is not UTF-8."
                if media == "application/x-www-form-urlencoded":
                    for name, value in urllib.parse.parse_qsl(decoded, keep_blank_values=True):
                        if name in ("query", "update"):
                            texts.append((value, name == "update"))
                else:
                    texts.append((decoded, path == "/update"))
            for text, update in texts:
                problem = refusal(text, limits, update=update)
                if problem is not None:
                    return problem
            return None

        def _forward(self, data: bytes) -> None:
            if not guard.slots.acquire(timeout=limits.timeout):
                self._send(503, "text/plain; charset=utf-8", b"sovgraph serve: too busy, try again.\n")
                return
            try:
                self._relay(data)
            finally:
                guard.slots.release()

        def _relay(self, data: bytes) -> None:
            host, port = guard.upstream
            connection = http.client.HTTPConnection(host, port, timeout=limits.timeout + limits.grace)
            headers = {
                name: self.headers[name]
                for name in ("Content-Type", "Accept", "Accept-Encoding")
                if self.headers.get(name)
            }
            headers["Accept-Encoding"] = "identity"
            try:
                connection.request(self.command, self.path, body=data or None, headers=headers)
                response = connection.getresponse()
                answer = _read_capped(response, limits.max_answer)
                if answer is None:
                    raise OverflowError
            except OverflowError:
                message = (
                    f"sovgraph serve refused: the answer is larger than the limit of {limits.max_answer} "
                    "bytes; ask for less (add a LIMIT).\n"
                )
                self._send(413, "text/plain; charset=utf-8", message.encode())
                return
            except TimeoutError:
                message = f"sovgraph serve: no complete answer within {limits.timeout:g} s.\n"
                self._send(504, "text/plain; charset=utf-8", message.encode())
                return
            except (OSError, http.client.HTTPException):
                self._send(503, "text/plain; charset=utf-8", b"sovgraph serve: the server is restarting.\n")
                return
            finally:
                connection.close()
            media = response.headers.get("Content-Type") or "application/octet-stream"
            self._send(response.status, media, answer, reason=response.reason)

        def _send(
            self, status: int, media: str, body: bytes, *, reason: str | None = None, close: bool = False
        ) -> None:
            try:
                self.send_response(status, reason)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("X-Content-Type-Options", "nosniff")
                if close:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
            except OSError:  # the client went away
                self.close_connection = True

    return Handler


def _read_capped(response: http.client.HTTPResponse, limit: int) -> bytes | None:
    """The whole body, or ``None`` past ``limit`` bytes (the rest is not read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read1(1 << 16)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
