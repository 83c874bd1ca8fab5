"""Serve the graph with the real Oxigraph server (PyPI ``oxigraph``, a binary), read-only and on loopback.

``sovgraph serve`` writes the curated and derived graphs as N-Quads, loads them with ``oxigraph load`` into
a store directory (a temporary one, or ``--location``) *before* the server starts (``oxigraph load`` cannot
run while a server holds the directory), then runs ``oxigraph serve-read-only`` (``serve`` with
``--writable``) on 127.0.0.1 with:

- ``--union-default-graph``: the default graph of a query that names no dataset is the union of every
  named graph, so plain SPARQL clients see everything; ``GRAPH`` and the protocol's ``default-graph-uri``
  / ``named-graph-uri`` still work (sovgraph's own remote backend names its dataset explicitly anyway).
- ``--timeout-s``: Oxigraph's own limit on the time a SPARQL query may take.

The server's query page (YASGUI, bundled in the binary, works offline) is at its root URL; the SPARQL
endpoint at ``/query``, updates at ``/update`` and the Graph Store at ``/store`` (writes answer 403 unless
``--writable``). SIGINT and SIGTERM stop the server (it gets SIGTERM), and ``serve`` returns 0 once it has
stopped; on Linux the server also stops if sovgraph itself is killed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from sovgraph.errors import ServerError

if TYPE_CHECKING:
    from sovgraph.exchange.guard import Guard
    from sovgraph.graph import KnowledgeGraph

MARKER = "sovgraph-store.txt"


@dataclass
class Server:
    """A running Oxigraph server process and where it answers."""

    process: subprocess.Popen[bytes]
    host: str
    port: int
    log: Path | None = None

    @property
    def url(self) -> str:
        """The root URL: the query page."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def query_url(self) -> str:
        return self.url + "query"

    @property
    def update_url(self) -> str:
        return self.url + "update"

    @property
    def store_url(self) -> str:
        return self.url + "store"

    def stop(self, grace: float = 5.0) -> int | None:
        """Ask the server to stop (SIGTERM), then kill it if it has not stopped after ``grace`` seconds."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def find_oxigraph() -> Path:
    """The ``oxigraph`` binary: beside this Python (a virtualenv's ``bin/``), else on ``PATH``."""
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise ServerError(
        "the Oxigraph server is not installed: no 'oxigraph' binary beside this Python or on PATH. "
        "Install it with 'pip install oxigraph' (the PyPI package 'oxigraph' is the server binary; "
        "'pyoxigraph' is only the Python library)."
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def load_file(binary: Path, location: Path, data: Path) -> None:
    """Load an RDF file into the store at ``location`` with ``oxigraph load`` (atomic per file)."""
    _run([str(binary), "load", "--location", str(location), "--file", str(data)], "load the graph")


def clear(binary: Path, location: Path) -> None:
    """Empty the store at ``location`` (every graph)."""
    _run([str(binary), "update", "--location", str(location), "--update", "DROP ALL"], "empty the store")


def _run(command: Sequence[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        detail = _head(done.stderr.decode("utf-8", "replace"))
        raise ServerError(f"oxigraph could not {what} (exit {done.returncode}): {detail}")


def serve_command(
    binary: Path,
    location: Path | None,
    host: str,
    port: int,
    *,
    writable: bool = False,
    timeout: float | None = None,
    union: bool = True,
) -> list[str]:
    """The command line that runs the server (read-only needs a ``location``)."""
    if location is None and not writable:
        raise ServerError("a read-only server needs a store directory (location).")
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    command = [str(binary), "serve" if writable else "serve-read-only", "--bind", bind]
    if location is not None:
        command += ["--location", str(location)]
    if union:
        command.append("--union-default-graph")
    if timeout is not None:
        command += ["--timeout-s", str(max(1, round(timeout)))]
    return command


def start(
    command: Sequence[str], host: str, port: int, log: Path | None = None, within: float = 15.0
) -> Server:
    """Start a server and wait until it accepts connections; its output goes to ``log`` (or is dropped)."""
    setup = _child_setup if os.name == "posix" else None
    if log is None:
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=setup,
        )
    else:
        with log.open("wb") as sink:
            process = subprocess.Popen(
                list(command), stdin=subprocess.DEVNULL, stdout=sink, stderr=sink, preexec_fn=setup
            )
    server = Server(process, host, port, log)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(
                f"the Oxigraph server stopped at start ({_exit(process.returncode)}): {_log(log)}"
            )
        listening = log is None or "Listening for requests" in log.read_text("utf-8", "replace")
        if listening and _answers(server.url) and process.poll() is None:
            return server
        time.sleep(0.05)
    server.stop()
    raise ServerError(f"the Oxigraph server did not listen on {host}:{port} within {within:g} s: {_log(log)}")


def _child_setup() -> None:
    """In the server process, before it starts: default signal handling, and (Linux) die with its parent.

    A shell starts background jobs with SIGINT ignored, and the child would inherit that; and if sovgraph
    is killed outright (SIGKILL), the server must not stay behind holding the port and the store.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _answers(url: str) -> bool:
    """Whether an HTTP server answers at ``url`` (any status): a port merely open is not enough."""
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=0.5):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def prepare(binary: Path, kg: KnowledgeGraph, location: Path, work: Path) -> int:
    """Fill the store at ``location`` with every graph of ``kg``; returns the number of quads loaded.

    ``location`` must be missing, empty, or a store an earlier ``sovgraph serve`` filled (it is then
    emptied first); any other folder is refused rather than overwritten.
    """
    import pyoxigraph

    from sovgraph.formats import serialize

    marker = location / MARKER
    if location.exists() and any(location.iterdir()):
        if not marker.is_file():
            raise ServerError(
                f"{location}: this folder is not empty and was not filled by 'sovgraph serve'; "
                "give an empty or new folder as --location (nothing was changed)."
            )
        marker.unlink()
        clear(binary, location)
    location.mkdir(parents=True, exist_ok=True)
    data = work / "graph.nq"
    quads = list(kg.store.quads_for_pattern(None, None, None, None))
    data.write_bytes(serialize(quads, pyoxigraph.RdfFormat.N_QUADS))
    load_file(binary, location, data)
    data.unlink()
    marker.write_text("An Oxigraph store filled by 'sovgraph serve'; it may empty and refill it.\n")
    return len(quads)


def serve(
    kg: KnowledgeGraph,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    writable: bool = False,
    location: Path | None = None,
    timeout: float = 30.0,
    allow_federation: bool = False,
    say: Callable[[str], None] = print,
) -> int:
    """Load ``kg`` into an Oxigraph store and serve it, behind the guard, until SIGINT or SIGTERM; returns 0
    once stopped.

    The Oxigraph server listens on a private loopback port; the guard (:mod:`sovgraph.exchange.guard`) on
    ``host:port`` checks each request and forwards it. If the Oxigraph server stops on its own while
    serving, it is started again (a few times at most).
    """
    from sovgraph.exchange.guard import Guard, Limits
    from sovgraph.exchange.page import query_page

    binary = find_oxigraph()
    limits = Limits(allow_federation=allow_federation, timeout=timeout)
    try:
        guard = Guard(host, port, ("127.0.0.1", 0), limits, page=query_page(kg))
    except OSError as exc:
        raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    try:
        return _serve_behind(kg, binary, guard, writable, location, timeout, say)
    finally:
        guard.stop()


def _serve_behind(
    kg: KnowledgeGraph,
    binary: Path,
    guard: Guard,
    writable: bool,
    location: Path | None,
    timeout: float,
    say: Callable[[str], None],
) -> int:
    with tempfile.TemporaryDirectory(prefix="sovgraph-serve-") as tmp:
        work = Path(tmp)
        store = location if location is not None else work / "store"
        count = prepare(binary, kg, store, work)
        inner = free_port("127.0.0.1")
        command = serve_command(binary, store, "127.0.0.1", inner, writable=writable, timeout=timeout)
        server = start(command, "127.0.0.1", inner, log=work / "oxigraph.log")
        guard.upstream = ("127.0.0.1", inner)
        guard.start()
        public = Server(server.process, str(guard.httpd.server_address[0]), guard.port)
        stopping: list[int] = []

        def forward(signum: int, _frame: FrameType | None) -> None:
            stopping.append(signum)
            if server.process.poll() is None:
                server.process.terminate()  # SIGTERM, whichever signal asked to stop

        previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
        restarts: list[float] = []
        try:
            for line in banner(public, count, writable, timeout, location, guard.limits.allow_federation):
                say(line)
            while True:
                code = server.process.wait()
                recent = [t for t in restarts if time.monotonic() - t < 60]
                if stopping or len(recent) >= RESTARTS:
                    break
                say(
                    f"sovgraph: the Oxigraph server stopped ({_exit(code)}): {_log(server.log)}; "
                    "starting it again."
                )
                restarts.append(time.monotonic())
                server = start(command, "127.0.0.1", inner, log=work / "oxigraph.log")
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            server.stop()
        if stopping:
            say("sovgraph: the server has stopped.")
            return 0
        raise ServerError(f"the Oxigraph server stopped on its own ({_exit(code)}): {_log(server.log)}")


RESTARTS = 5
"""How many times in a minute the Oxigraph server is started again after stopping on its own."""


def banner(
    server: Server,
    quads: int,
    writable: bool,
    timeout: float,
    location: Path | None,
    federation: bool = False,
) -> list[str]:
    """What ``sovgraph serve`` tells the person who started it."""
    mode = "read-write" if writable else "read-only"
    lines = [
        f"sovgraph: serving {quads} quads with Oxigraph ({mode}, queries time out after {timeout:g} s).",
        f"  query page:      {server.url}",
        f"  SPARQL endpoint: {server.query_url}  (default graph = the union of the named graphs)",
    ]
    if federation:
        lines.append("  federation is allowed: SERVICE and LOAD may make the server fetch any URL.")
    if writable:
        lines.append(f"  SPARQL update:   {server.update_url}   Graph Store: {server.store_url}")
        if location is None:
            lines.append("  the store is temporary: what is written to it is lost when the server stops.")
    if not server.host.startswith("127.") and server.host not in ("localhost", "::1"):
        lines.append(
            f"  warning: {server.host} is not a loopback address: others on the network can reach it."
        )
    lines.append("Press Ctrl-C to stop.")
    return lines


def _exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit {code}"


def _log(log: Path | None) -> str:
    if log is None or not log.is_file():
        return "no output"
    return _head(log.read_text("utf-8", "replace"))


def _head(text: str, lines: int = 3) -> str:
    """The first lines of a tool's error output, without the stack trace that may follow."""
    text = text.split("Stack backtrace:")[0]
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()][:lines]
    return " / ".join(kept) or "no output"
