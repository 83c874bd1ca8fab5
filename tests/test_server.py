"""``sovgraph serve``: the real Oxigraph server over the curated and derived graphs, read-only, loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from servers import oxigraph_binary
from test_render import browser as shared_chromium  # noqa: F401  (a module-scoped fixture)

import sovgraph
from sovgraph.exchange.server import (
    MARKER,
    Server,
    ServerError,
    banner,
    find_oxigraph,
    free_port,
    prepare,
    serve_command,
    start,
)
from sovgraph.store.remote import Endpoint, MalformedResults


@pytest.fixture(scope="module")
def small(root: Path, fixtures: Path) -> sovgraph.KnowledgeGraph:
    files = [*sorted((root / "ontology").glob("*.ttl")), fixtures / "queries" / "world.ttl"]
    return sovgraph.load(root, files=files)


def test_the_server_is_read_only_on_loopback_with_a_union_default_graph_and_a_timeout(tmp_path: Path) -> None:
    command = serve_command(Path("oxigraph"), tmp_path, "127.0.0.1", 7878, timeout=30)
    assert command == [
        "oxigraph",
        "serve-read-only",
        "--bind",
        "127.0.0.1:7878",
        "--location",
        str(tmp_path),
        "--union-default-graph",
        "--timeout-s",
        "30",
    ]
    assert serve_command(Path("oxigraph"), None, "::1", 1, writable=True)[1:4] == [
        "serve",
        "--bind",
        "[::1]:1",
    ]
    with pytest.raises(ServerError, match="a read-only server needs a store directory"):
        serve_command(Path("oxigraph"), None, "127.0.0.1", 1)


def test_a_missing_binary_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(
        ServerError, match=r"no 'oxigraph' binary beside this Python or on PATH.*pip install oxigraph"
    ):
        find_oxigraph()


def test_a_store_folder_is_filled_refilled_but_never_taken_over(
    small: sovgraph.KnowledgeGraph, tmp_path: Path
) -> None:
    binary = oxigraph_binary()
    location = tmp_path / "store"
    assert prepare(binary, small, location, tmp_path) == len(small)
    assert (location / MARKER).is_file()
    assert prepare(binary, small, location, tmp_path) == len(small)  # emptied, then filled again
    assert len(pyoxigraph.Store.read_only(str(location))) == len(small)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(
        ServerError, match=r"not empty and was not filled by 'sovgraph serve'.*nothing was changed"
    ):
        prepare(binary, small, foreign, tmp_path)
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_the_banner_warns_when_not_on_loopback() -> None:
    server = Server(process=None, host="0.0.0.0", port=7878)  # type: ignore[arg-type]
    lines = banner(server, 10, True, 30, None)
    assert "  query page:      http://0.0.0.0:7878/" in lines
    assert any("not a loopback address" in line for line in lines)
    assert any("the store is temporary" in line for line in lines)


class Running:
    def __init__(self, process: subprocess.Popen[str], port: int, lines: list[str]) -> None:
        self.process = process
        self.port = port
        self.lines = lines


def _serve_command(root: Path, port: int, *more: str) -> list[str]:
    """``sovgraph serve`` on ``port`` for the project at ``root``, as a subprocess command."""
    return [sys.executable, "-m", "sovgraph.cli", "serve", "--root", str(root), "--port", str(port), *more]


def _serve(root: Path, *more: str) -> Iterator[Running]:
    oxigraph_binary()
    port = free_port()
    command = _serve_command(root, port, *more)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                break
        assert lines and lines[-1] == "Press Ctrl-C to stop.", (
            lines,
            process.stderr.read() if process.stderr else "",
        )
        yield Running(process, port, lines)
    finally:
        if process.poll() is None:
            process.terminate()  # sovgraph stops its server; SIGKILL would leave that to the kernel
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture()
def served(root: Path) -> Iterator[Running]:
    yield from _serve(root)


def test_serve_prints_its_query_page_and_answers_plain_sparql_clients(
    served: Running, kg: sovgraph.KnowledgeGraph
) -> None:
    url = f"http://127.0.0.1:{served.port}/"
    assert f"  query page:      {url}" in served.lines
    assert any(line.startswith(f"  SPARQL endpoint: {url}query") and "union" in line for line in served.lines)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as page:
        assert b"<html" in page.read().lower()
    plain = Endpoint(url + "query")  # no dataset named: the server's default graph is the union
    rows = list(plain.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert int(rows[0]["n"].value) == len(kg)
    put = urllib.request.Request(
        url + "store?default", data=b"<http://a> <http://b> <http://c> .", method="PUT"
    )
    put.add_header("Content-Type", "text/turtle")
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(put, timeout=5)
    assert refused.value.code == 403


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_cleanly_on_a_signal(root: Path, signum: int) -> None:
    for running in _serve(root):
        running.process.send_signal(signum)
        assert running.process.wait(15) == 0
        assert running.process.stdout is not None
        assert "sovgraph: the server has stopped." in running.process.stdout.read()
        with pytest.raises(OSError):  # the port is free again: nothing listens
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                f"http://127.0.0.1:{running.port}/", timeout=2
            )


def test_serve_on_a_busy_port_fails_with_the_reason(root: Path) -> None:
    import socket

    oxigraph_binary()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(_serve_command(root, port), capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stderr.startswith(f"sovgraph: error: cannot listen on 127.0.0.1:{port}: ")


def test_the_query_time_limit_stops_a_runaway_query_with_a_clear_error() -> None:
    binary = oxigraph_binary()
    port = free_port()
    server = start(
        serve_command(binary, None, "127.0.0.1", port, writable=True, timeout=1), "127.0.0.1", port
    )
    try:
        endpoint = Endpoint(server.query_url, graph_store_url=server.store_url, tries=1)
        rows = b"".join(
            b"<http://example.org/s%d> <http://example.org/p> %d .\n" % (i, i) for i in range(1000)
        )
        endpoint.put_graph("http://example.org/g", rows)
        cube = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 10^9 solutions
        began = time.monotonic()
        with pytest.raises(MalformedResults, match=r"break off .*cancelled.*stops a query at its time limit"):
            list(endpoint.query(cube))
        assert time.monotonic() - began < 15
    finally:
        server.stop()


def test_a_missing_server_skips_its_tests_but_fails_them_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from servers import missing

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no oxigraph here"):
        missing("no oxigraph here")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"no oxigraph here \(CI is set: the server tests"):
        missing("no oxigraph here")


# The query page is sovgraph's own (sovgraph/exchange/static/query.html), served by the guard, with YASGUI
# bundled: no request may leave the machine.


@pytest.fixture
def chromium(request: pytest.FixtureRequest) -> Any:
    """The headless Chromium of tests/test_render.py (skipped, or failed on CI, when missing)."""
    return request.getfixturevalue("shared_chromium")


@pytest.mark.browser
def test_the_query_page_runs_a_library_query_offline_and_shows_labels(served: Running, chromium: Any) -> None:
    url = f"http://127.0.0.1:{served.port}/"
    page = chromium.new_page()
    local: list[str] = []
    blocked: list[str] = []
    errors: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith(url):
            local.append(route.request.url)
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate("() => !!document.querySelector('.yasqe .CodeMirror')")  # the query editor is there
    editor = page.evaluate("() => window.sovgraphYasgui.getTab().getQuery()")
    assert "PREFIX sov: <https://w3id.org/sovgraph/ontology#>" in editor  # the prefixes are preloaded
    names = page.eval_on_selector_all("#examples option", "options => options.map(o => o.value)")
    assert "who-hosts-what" in names and "chain" in names
    page.select_option("#examples", "who-hosts-what")
    query = page.evaluate("() => window.sovgraphYasgui.getTab().getQuery()")
    assert "VALUES (?as_of ?platform" in query and "UNDEF" in query  # the parameters, ready to edit
    query = query.replace("UNDEF", "sg:emc2", 1)
    page.evaluate("q => { const t = window.sovgraphYasgui.getTab(); t.setQuery(q); t.query(); }", query)
    page.wait_for_selector(".yasr [data-labelled=true]", timeout=30_000)
    cells = page.eval_on_selector_all("table.sovgraph-labels td", "tds => tds.map(td => td.textContent)")
    assert any(c.startswith("EMC2") for c in cells), cells[:20]  # a label, not the IRI
    titles = page.eval_on_selector_all("table.sovgraph-labels td.iri", "tds => tds.map(td => td.title)")
    assert "https://w3id.org/sovgraph/id/emc2" in titles
    assert blocked == [], blocked
    assert any(u.endswith("/static/yasgui.min.js") for u in local)
    assert errors == [], errors
    page.close()
