"""Backends: the embedded store and a SPARQL endpoint answer the same way; endpoint failures read clearly."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from servers import fake_endpoint, oxigraph

import sovgraph
from sovgraph.cli import main as remote_main
from sovgraph.cli.common import open_graph
from sovgraph.exchange.server import Server, free_port
from sovgraph.graph import connect
from sovgraph.namespaces import GRAPH
from sovgraph.store.backend import BackendError, EmbeddedBackend, RemoteBackend
from sovgraph.store.remote import (
    CredentialsRefused,
    Endpoint,
    EndpointError,
    EndpointHTTPError,
    EndpointTimeout,
    EndpointUnreachable,
    MalformedResults,
    QueryRejected,
    display_url,
    normalise_json,
)

A = GRAPH + "test/a.ttl"
B = GRAPH + "test/b.ttl"
OTHER = "http://example.org/not-sovgraph"
TURTLE = {
    A: b"<http://example.org/s> <http://example.org/p> 'a' .",
    B: b"<http://example.org/s> <http://example.org/p> 'b' .",
    OTHER: b"<http://example.org/s> <http://example.org/p> 'other' .",
}


def _fill(server: Server) -> None:
    endpoint = Endpoint(server.query_url, graph_store_url=server.store_url)
    for graph, data in TURTLE.items():
        endpoint.put_graph(graph, data)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """An Oxigraph server holding two sovgraph graphs and one foreign graph (plain default graph)."""
    with oxigraph(writable=True, union=False) as running:
        _fill(running)
        yield running


@pytest.fixture(scope="module")
def union_server() -> Iterator[Server]:
    """The same data, served with --union-default-graph (as 'sovgraph serve' does)."""
    with oxigraph(writable=True, union=True) as running:
        _fill(running)
        yield running


def _values(answer: object) -> list[str]:
    return sorted(row["o"].value for row in answer)  # type: ignore[attr-defined]


def test_the_embedded_backend_sees_the_union_by_default_and_graphs_on_demand() -> None:
    store = pyoxigraph.Store()
    for graph, data in TURTLE.items():
        store.load(data, format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode(graph))
    backend = EmbeddedBackend(store)
    assert _values(backend.query("SELECT ?o WHERE { ?s ?p ?o }")) == ["a", "b", "other"]
    assert _values(backend.query("SELECT ?o WHERE { ?s ?p ?o }", union=False)) == []
    assert backend.graphs() == {A: 1, B: 1}
    backend.update(f"INSERT DATA {{ GRAPH <{A}> {{ <http://example.org/s> <http://example.org/p> 'c' }} }}")
    assert backend.graphs() == {A: 2, B: 1}


@pytest.mark.parametrize("fixture", ["server", "union_server"])
def test_the_remote_backend_names_its_dataset_whatever_the_server_default(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    running: Server = request.getfixturevalue(fixture)
    backend = RemoteBackend(Endpoint(running.query_url))
    assert backend.dataset() == [A, B]  # discovered, the foreign graph left out
    assert _values(backend.query("SELECT ?o WHERE { ?s ?p ?o }")) == ["a", "b"]
    assert _values(backend.query("SELECT ?o WHERE { ?s ?p ?o }", union=False)) == []
    graphs = backend.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
    assert sorted(row["g"].value for row in graphs) == [A, B]


def test_remote_answers_are_the_pyoxigraph_objects_an_embedded_store_gives(server: Server) -> None:
    backend = RemoteBackend(Endpoint(server.query_url))
    ask = backend.query("ASK { ?s ?p 'a' }")
    assert isinstance(ask, pyoxigraph.QueryBoolean)
    assert bool(ask)
    assert not bool(backend.query("ASK { ?s ?p 'other' }"))
    triples = backend.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(triples, pyoxigraph.QueryTriples)
    assert sorted(t.object.value for t in triples) == ["a", "b"]
    solutions = backend.query("SELECT ?s (STR(?o) AS ?text) WHERE { ?s ?p ?o } ORDER BY ?text")
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    assert [v.value for v in solutions.variables] == ["s", "text"]


def test_a_remote_graph_offers_queries_but_refuses_what_needs_the_store(server: Server, root: Path) -> None:
    kg = connect(server.query_url, root)
    assert kg.remote
    assert len(kg) == 2
    assert [f.label for f in kg.files] == ["test/a.ttl", "test/b.ttl"]
    literal = pyoxigraph.Literal("a")
    assert [r["s"].value for r in kg.query("SELECT ?s WHERE { ?s ?p ?o }", {"o": literal})] == [
        "http://example.org/s"
    ]
    with pytest.raises(BackendError, match=r"needs the embedded store.*SPARQL endpoint http://127\.0\.0\.1"):
        kg.derive()
    with pytest.raises(BackendError):
        kg.validate()
    with pytest.raises(BackendError, match=r"needs the embedded store"):
        kg.lookups()
    assert "KnowledgeGraph on http://127.0.0.1" in repr(kg)


def test_a_remote_backend_updates_through_sparql_update(root: Path) -> None:
    with oxigraph(writable=True) as running:
        endpoint = Endpoint(running.query_url, update_url=running.update_url)
        backend = RemoteBackend(endpoint)
        backend.update(f"INSERT DATA {{ GRAPH <{A}> {{ sg:x rdfs:label 'x' }} }}")
        assert backend.graphs() == {A: 1}
        assert [r["l"].value for r in backend.query("SELECT ?l WHERE { sg:x rdfs:label ?l }")] == ["x"]


def test_an_endpoint_without_sovgraph_graphs_says_to_push_first() -> None:
    with oxigraph(writable=True) as running:
        backend = RemoteBackend(Endpoint(running.query_url))
        with pytest.raises(EndpointError, match=r"holds no named graph under .*sovgraph push --endpoint"):
            backend.query("ASK { ?s ?p ?o }")


def test_open_graph_picks_the_backend_from_the_option_or_the_environment(
    server: Server, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOVGRAPH_ENDPOINT", raising=False)
    args = argparse.Namespace(root=root, data=[], endpoint=None)
    assert not open_graph(args).remote
    monkeypatch.setenv("SOVGRAPH_ENDPOINT", server.query_url)
    assert open_graph(args).remote
    assert not open_graph(argparse.Namespace(root=root, data=[])).remote  # a command without --endpoint
    args.endpoint = server.query_url
    args.data = [Path("extra.ttl")]
    with pytest.raises(sovgraph.SovgraphError, match="--data cannot be combined with an endpoint"):
        open_graph(args)


def test_the_command_line_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, sovgraph.cli.endpoint, sovgraph.store.backend, sovgraph.store.remote, "
        "sovgraph.exchange.push, sovgraph.exchange.server, sovgraph.exchange.enrich\n"
        "heavy = ('SPARQLWrapper', 'rdflib', 'pyoxigraph')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


# Failure modes: each gives one paragraph naming the endpoint and what happened.


def _fast(url: str, **more: object) -> Endpoint:
    return Endpoint(url, timeout=2, backoff=0.01, **more)  # type: ignore[arg-type]


def test_a_closed_port_is_reported_as_unreachable_after_three_tries() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointUnreachable) as caught:
        _fast(url).query("ASK {}")
    assert str(caught.value) == (
        f"the SPARQL endpoint {url} cannot be reached: the connection was refused (tried 3 times)."
    )


def test_a_server_error_is_retried_then_reported_with_its_message() -> None:
    page = b"<h1>boom: out of memory</h1>"
    with (
        fake_endpoint(status=500, body=page, content_type="text/html") as fake,
        pytest.raises(EndpointHTTPError) as caught,
    ):
        _fast(fake.url).query("ASK {}")
    assert len(fake.requests) == 3
    assert caught.value.status == 500
    assert str(caught.value) == (
        f"the SPARQL endpoint {fake.url} failed (HTTP 500 Internal Server Error): boom: out of memory "
        "(tried 3 times)."
    )


def test_a_client_error_is_not_retried() -> None:
    with (
        fake_endpoint(status=404, body=b"no such page", content_type="text/plain") as fake,
        pytest.raises(EndpointHTTPError, match=r"does not exist \(HTTP 404 Not Found\): check the URL"),
    ):
        _fast(fake.url).query("ASK {}")
    assert len(fake.requests) == 1


def test_garbage_instead_of_results_is_reported_as_malformed() -> None:
    with (
        fake_endpoint(body=b"Oops") as fake,
        pytest.raises(MalformedResults, match=r"answered with something that is not JSON: 'Oops'"),
    ):
        _fast(fake.url).query("SELECT * WHERE { ?s ?p ?o }")
    with (
        fake_endpoint(body=b"<html>hello</html>", content_type="text/html") as fake,
        pytest.raises(MalformedResults, match=r"answered with text/html instead of SPARQL query results"),
    ):
        _fast(fake.url).query("SELECT * WHERE { ?s ?p ?o }")
    broken = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "martian"}}]}}'
    with (
        fake_endpoint(body=broken) as fake,
        pytest.raises(MalformedResults, match=r"malformed query results: Unexpected term type"),
    ):
        _fast(fake.url).query("SELECT * WHERE { ?s ?p ?o }")


def test_refused_credentials_are_named_without_the_password() -> None:
    challenge = {"WWW-Authenticate": 'Basic realm="sparql"'}
    with fake_endpoint(status=401, body=b"no", content_type="text/plain", headers=challenge) as fake:
        with pytest.raises(CredentialsRefused) as caught:
            _fast(fake.url, user="alice", password="s3cret-pw").query("ASK {}")
        assert "refused the credentials given (HTTP 401 Unauthorized)" in str(caught.value)
        assert "s3cret-pw" not in str(caught.value)
        with pytest.raises(CredentialsRefused, match=r"requires credentials .*SOVGRAPH_USER"):
            _fast(fake.url).query("ASK {}")


def test_a_slow_endpoint_times_out_once_for_the_whole_call() -> None:
    # the timeout bounds the whole call, tries included: no second try of 0.3 s after the first
    with fake_endpoint(delay=1.5) as fake, pytest.raises(EndpointTimeout) as caught:
        Endpoint(fake.url, timeout=0.3, tries=2, backoff=0.01).query("ASK {}")
    assert str(caught.value) == f"the SPARQL endpoint {fake.url} did not answer within 0.3 s."
    assert len(fake.requests) == 1


def test_an_invalid_query_is_rejected_by_the_server_with_its_reason(server: Server) -> None:
    with pytest.raises(QueryRejected, match=r"rejected the request as invalid \(HTTP 400 Bad Request\)"):
        RemoteBackend(Endpoint(server.query_url)).query("SELECT ?x WHERE { ?x ?y }")


def test_a_failure_on_the_command_line_is_one_paragraph_and_a_non_zero_exit(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    code = remote_main(["push", "--root", str(root), "--endpoint", url, "--timeout", "1"])
    # the endpoint is asked first: no progress line, one paragraph saying nothing was pushed
    (error,) = capsys.readouterr().err.rstrip("\n").split("\n")
    assert code == 3
    assert error.startswith(f"sovgraph: error: the SPARQL endpoint {url} cannot be reached")
    assert "connection was refused" in error
    assert error.endswith("Nothing was pushed.")


def test_user_and_password_written_into_a_url_are_never_shown() -> None:
    assert display_url("http://bob:pw@example.org:8890/sparql?x=1") == "http://example.org:8890/sparql?x=1"
    assert display_url("http://example.org/sparql") == "http://example.org/sparql"


def test_virtuoso_quirks_in_json_results_are_smoothed_without_changing_meaning() -> None:
    rows = {
        "head": {"link": [], "vars": ["o"]},
        "results": {
            "distinct": False,
            "bindings": [
                {"o": {"type": "bnode", "value": "nodeID://b10000"}},
                {"o": {"type": "bnode", "value": "nodeID://b10000"}},
                {
                    "o": {
                        "type": "typed-literal",
                        "datatype": "http://www.w3.org/2001/XMLSchema#boolean",
                        "value": "1",
                    }
                },
            ],
        },
    }
    fixed = json.loads(normalise_json("E", json.dumps(rows).encode(), ask=False))
    first, second, boolean = (b["o"]["value"] for b in fixed["results"]["bindings"])
    assert first == second and first.isalnum()
    assert boolean == "true"
    ask = {"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": [{"__ASK_RETVAL": {"value": "1"}}]}}
    assert json.loads(normalise_json("E", json.dumps(ask).encode(), ask=True))["boolean"] is True
