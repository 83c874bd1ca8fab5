"""The guard in front of the served Oxigraph server (issue 13): federation refused unless allowed, nesting,
request and answer sizes capped, and a hostile query never takes the server down."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from servers import oxigraph, oxigraph_binary

from sovgraph.errors import CredentialsRefused, EndpointError, EndpointHTTPError, QueryRejected
from sovgraph.exchange.guard import Guard, Limits, refusal
from sovgraph.exchange.server import free_port
from sovgraph.store.remote import Endpoint

ROOT = Path(__file__).resolve().parents[2]
FEDERATED = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"


def deep(levels: int) -> str:
    return "SELECT * WHERE " + "{ " * levels + "?s ?p ?o " + "} " * levels


@pytest.mark.parametrize(
    "text",
    [
        FEDERATED,
        "select * { service silent <http://x/> { ?s ?p ?o } }",
        "SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",  # decoded before parsing, as SPARQL does
        "SELECT * { # a comment\n SeRvIcE ?endpoint { ?s ?p ?o } }",
    ],
)
def test_federation_is_refused(text: str) -> None:
    problem = refusal(text, Limits())
    assert problem is not None and problem[0] == 403
    assert "SERVICE" in problem[1] and "--allow-federation" in problem[1]
    assert refusal(text, Limits(allow_federation=True)) is None


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/> { }" }',
        "SELECT * { ?s <http://x/SERVICE> ?service }",
        "PREFIX ex: <http://x/> SELECT * { ?s ex:service ?o } # SERVICE in a comment",
        "SELECT * { ?s ?p '''SERVICE\n''' }",
    ],
)
def test_the_word_elsewhere_is_not_federation(text: str) -> None:
    assert refusal(text, Limits()) is None


def test_load_in_an_update_is_refused() -> None:
    problem = refusal(
        "LOAD <http://169.254.169.254/latest/meta-data/> INTO GRAPH <g:x>", Limits(), update=True
    )
    assert problem is not None and problem[0] == 403 and "LOAD" in problem[1]


def test_nesting_and_size_are_capped() -> None:
    assert refusal(deep(3000), Limits()) == (400, "the query is nested more than 100 levels deep.")
    assert refusal(deep(20), Limits()) is None
    assert refusal("SELECT * { FILTER(" + "!" * 5000 + "true) }", Limits()) is not None
    assert refusal("SELECT * { ?s ?p ?o }" + " " * 2_000_000, Limits()) is not None


@contextlib.contextmanager
def guarded(limits: Limits) -> Iterator[str]:
    """An Oxigraph server holding a few triples, behind a guard; yields the guard's query URL."""
    with oxigraph(writable=True, union=True) as server:
        data = b"".join(
            b"<http://example.org/s%d> <http://example.org/p> %d .\n" % (i, i) for i in range(200)
        )
        Endpoint(server.query_url, graph_store_url=server.store_url).put_graph("http://example.org/g", data)
        guard = Guard("127.0.0.1", 0, ("127.0.0.1", server.port), limits).start()
        try:
            yield f"http://127.0.0.1:{guard.port}/query"
        finally:
            guard.stop()


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_through_the_guard_a_hostile_query_is_refused_and_the_next_one_answers() -> None:
    with guarded(Limits()) as url:
        endpoint = Endpoint(url, tries=1)
        with pytest.raises(QueryRejected, match=r"HTTP 400.*nested more than 100 levels"):
            endpoint.query(deep(3000))
        with pytest.raises(
            CredentialsRefused, match=r"HTTP 403.*federated queries \(SERVICE\) are not allowed"
        ):
            endpoint.query(FEDERATED)
        assert int(next(iter(endpoint.query(COUNT)))["n"].value) == 200
        # the same refusal by GET, and for a form-encoded POST
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(url + "?" + urllib.parse.urlencode({"query": FEDERATED}), timeout=10)
        assert refused.value.code == 403


def test_an_answer_over_the_cap_is_refused_with_the_reason() -> None:
    with guarded(Limits(max_answer=5000)) as url:
        endpoint = Endpoint(url, tries=1)
        with pytest.raises(EndpointHTTPError, match=r"HTTP 413.*larger than the limit of 5000 bytes"):
            endpoint.query("SELECT * WHERE { ?s ?p ?o }")
        assert int(next(iter(endpoint.query(COUNT)))["n"].value) == 200


@contextlib.contextmanager
def served(*more: str) -> Iterator[str]:
    """``sovgraph serve`` as a subprocess on a free port; yields its query URL."""
    oxigraph_binary()
    port = free_port()
    command = [sys.executable, "-m", "sovgraph.cli", "serve", "--root", str(ROOT), "--port", str(port), *more]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line or line.startswith("Press Ctrl-C"):
                break
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_refuses_federation_and_survives_a_hostile_query() -> None:
    with served() as url:
        endpoint = Endpoint(url, tries=1, timeout=20)
        with pytest.raises(CredentialsRefused, match=r"SERVICE"):
            endpoint.query(FEDERATED)
        with pytest.raises(QueryRejected, match=r"nested"):
            endpoint.query(deep(3000))
        assert int(next(iter(endpoint.query(COUNT)))["n"].value) > 1000  # the server is still up


def test_serve_allows_federation_when_the_operator_says_so() -> None:
    with served("--allow-federation") as url:
        endpoint = Endpoint(url, tries=1, timeout=20)
        # the server now tries the SERVICE itself (Oxigraph then fails on port 9): its error, not the guard's
        with pytest.raises(EndpointError) as caught:
            endpoint.query(FEDERATED)
        assert "federated queries (SERVICE) are not allowed" not in str(caught.value)
