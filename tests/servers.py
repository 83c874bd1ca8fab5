"""Real SPARQL servers for the tests: Oxigraph (PyPI ``oxigraph``), Virtuoso (Debian) and Apache Jena ARQ
(Debian ``libapache-jena-java``) behind a minimal SPARQL protocol server (``tests/jena/ArqServer.java``),
on loopback only.

Each server listens on 127.0.0.1 on a free port, in a temporary folder, and is always stopped. Virtuoso and
the Java server take seconds to start, so one instance of each serves the whole session (:func:`virtuoso`,
:func:`jena`). A missing server fails the tests when ``CI`` is set and skips them otherwise, with the
reason.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sovgraph.exchange.server import Server, ServerError, find_oxigraph, free_port, serve_command, start

HOST = "127.0.0.1"
VIRTUOSO = "virtuoso-t"


def missing(what: str) -> None:
    """Fail in CI, skip elsewhere, saying what is missing and how to get it."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI is set: the server tests must run)")
    pytest.skip(what)


def oxigraph_binary() -> Path:
    try:
        return find_oxigraph()
    except ServerError as exc:
        missing(str(exc))
        raise


@contextlib.contextmanager
def oxigraph(*, location: Path | None = None, writable: bool = True, union: bool = False) -> Iterator[Server]:
    """A running Oxigraph server (in memory unless ``location``), stopped on exit."""
    binary = oxigraph_binary()
    port = free_port(HOST)
    command = serve_command(binary, location, HOST, port, writable=writable, timeout=30, union=union)
    with tempfile.TemporaryDirectory(prefix="sovgraph-test-oxigraph-") as tmp:
        server = start(command, HOST, port, log=Path(tmp) / "oxigraph.log")
        try:
            yield server
        finally:
            server.stop()


@dataclass
class Virtuoso:
    """A private Virtuoso instance: its process, folder and URLs (dba/dba on a fresh database)."""

    process: subprocess.Popen[bytes]
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    @property
    def query_url(self) -> str:
        return self.url + "sparql"

    @property
    def graph_store_url(self) -> str:
        return self.url + "sparql-graph-crud-auth"

    user = "dba"
    password = "dba"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {host}:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 60

[HTTPServer]
ServerPort = {host}:{http_port}
ServerRoot = {d}/vsp
ServerThreads = 10
MaxClientConnections = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
"""

_VIRTUOSO: Virtuoso | None = None


def virtuoso(config: pytest.Config) -> Virtuoso:
    """The session's Virtuoso, started on first use and stopped when the session ends."""
    global _VIRTUOSO
    if _VIRTUOSO is not None:
        return _VIRTUOSO
    binary = shutil.which(VIRTUOSO) or (
        "/usr/bin/" + VIRTUOSO if Path("/usr/bin/" + VIRTUOSO).exists() else None
    )
    if binary is None:
        missing("Virtuoso is not installed (Debian virtuoso-opensource; .ci/install-servers.sh installs it)")
        raise AssertionError("unreachable")
    folder = Path(tempfile.mkdtemp(prefix="sovgraph-test-virtuoso-"))
    (folder / "vsp").mkdir()
    http_port, sql_port = free_port(HOST), free_port(HOST)
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(d=folder, host=HOST, sql_port=sql_port, http_port=http_port))
    with (folder / "console.log").open("wb") as log:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    instance = Virtuoso(process, folder, http_port)
    config.add_cleanup(instance.stop)
    deadline = time.monotonic() + 60
    probe = instance.query_url + "?query=ASK%7B%7D"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log_text = (folder / "virtuoso.log").read_text("utf-8", "replace")[-800:]
            pytest.fail(f"Virtuoso stopped at start (exit {process.returncode}): {log_text}")
        try:
            with opener.open(probe, timeout=2) as response:
                if response.status == 200:
                    _VIRTUOSO = instance
                    return instance
        except OSError:
            time.sleep(0.25)
    pytest.fail("Virtuoso did not answer within 60 s")


@dataclass
class Jena:
    """The Java SPARQL protocol server over Jena ARQ (``tests/jena/ArqServer.java``): ARQ, Fuseki's query
    engine, not Fuseki itself. Graph Store ``PUT``/``DELETE`` at ``/store``, queries at ``/sparql``."""

    process: subprocess.Popen[bytes]
    port: int
    version: str

    @property
    def query_url(self) -> str:
        return f"http://{HOST}:{self.port}/sparql"

    @property
    def graph_store_url(self) -> str:
        return f"http://{HOST}:{self.port}/store"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def engines_module() -> object:
    """``benchmarks/engines/run.py``, which knows how to run Jena ARQ from Debian's jars."""
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "engines" / "run.py"
    spec = importlib.util.spec_from_file_location("sovgraph_bench_engines", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_JENA: Jena | None = None


def jena(config: pytest.Config) -> Jena:
    """The session's ARQ server, started on first use (the JDK compiles it from source) and stopped when the
    session ends. Needs a JDK (``java`` with its compiler) and Jena's jars (``$JENA_LIB``, a folder of jars,
    or Debian's ``libapache-jena-java`` in /usr/share/java)."""
    global _JENA
    if _JENA is not None:
        return _JENA
    engines = engines_module()
    classpath = engines.jena_classpath()  # type: ignore[attr-defined]
    if classpath is None:
        missing(
            "Jena ARQ or a JDK is missing (Debian libapache-jena-java and openjdk-17-jdk-headless; "
            ".ci/install-servers.sh installs them)"
        )
        raise AssertionError("unreachable")
    source = Path(__file__).resolve().parent / "jena" / "ArqServer.java"
    port = free_port(HOST)
    log = Path(tempfile.mkdtemp(prefix="sovgraph-test-jena-")) / "arq.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["java", "-cp", classpath, str(source), HOST, str(port)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
        )
    instance = Jena(process, port, "?")
    config.add_cleanup(instance.stop)
    config.add_cleanup(lambda: shutil.rmtree(log.parent, ignore_errors=True))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the Jena ARQ server stopped at start (exit {process.returncode}): {log.read_text()[-800:]}"
            )
        started = log.read_text("utf-8", "replace")
        if started.startswith("ready"):
            instance.version = started.split()[-1] if len(started.split()) > 1 else "?"
            _JENA = instance
            return instance
        time.sleep(0.2)
    pytest.fail("the Jena ARQ server did not start within 90 s")


@dataclass
class Fake:
    """What a fake endpoint was asked: one (method, path, body) per request."""

    url: str
    requests: list[tuple[str, str, bytes]]


@contextlib.contextmanager
def fake_endpoint(
    status: int = 200,
    body: bytes = b"",
    content_type: str = "application/sparql-results+json",
    headers: dict[str, str] | None = None,
    delay: float = 0.0,
    fail_after: int | None = None,
    answer_ask: bool = False,
) -> Iterator[Fake]:
    """A tiny HTTP server on 127.0.0.1 that answers every request the same way (for failure modes).

    With ``fail_after`` N, the first N requests get 204 and the later ones ``status``. With ``answer_ask``,
    an ``ASK`` query (``push`` asks one first) gets ``true`` and is not counted in ``fail_after``.
    """
    import http.server
    import threading

    requests: list[tuple[str, str, bytes]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            requests.append((self.command, self.path, self.rfile.read(length) if length else b""))
            if answer_ask and requests[-1][2].startswith(b"query=ASK"):
                requests.pop()
                answer = b'{"head": {}, "boolean": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                return
            if delay:
                time.sleep(delay)
            if fail_after is not None and len(requests) <= fail_after:
                self.send_response(204)
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer((HOST, 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Fake(f"http://{HOST}:{server.server_address[1]}/sparql", requests)
    finally:
        server.shutdown()
        server.server_close()


def comparable(result: object) -> list[tuple[str, ...]]:
    """A library query's rows as sorted tuples of terms (N-Triples form), to compare two backends.

    Nothing inside a cell is normalised: the values a ``GROUP_CONCAT`` joins (the sources columns) come out
    sorted on every engine (``sovgraph.sparql.results.sorted_lists``), so they must be equal as they are.
    """

    def cell(term: object) -> str:
        return "" if term is None else str(term)

    rows = result.rows  # type: ignore[attr-defined]
    return sorted(tuple(cell(c.term if c is not None else None) for c in row.values()) for row in rows)
