"""``sovgraph push``: one Graph Store PUT per graph, counts checked, idempotent, clear about failures;
round trips on Oxigraph and on Virtuoso (whose default graph is the union of everything plus its own)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pytest
from servers import comparable, fake_endpoint, oxigraph, virtuoso

import sovgraph
from sovgraph.cli import main as remote_main
from sovgraph.exchange.push import PushError, count, default_graph_store, push, uploads
from sovgraph.graph import connect
from sovgraph.namespaces import GRAPH
from sovgraph.sparql.rules import DERIVED_GRAPH
from sovgraph.store.remote import CredentialsRefused, Endpoint


@pytest.fixture(scope="module")
def small(root: Path, fixtures: Path) -> sovgraph.KnowledgeGraph:
    files = [*sorted((root / "ontology").glob("*.ttl")), fixtures / "queries" / "world.ttl"]
    return sovgraph.load(root, files=files)


def test_every_file_and_the_derived_graph_are_pushed_as_their_own_graph(
    small: sovgraph.KnowledgeGraph,
) -> None:
    todo = uploads(small)
    assert [u.graph for u in todo] == [f.graph for f in small.files] + [DERIVED_GRAPH]
    assert [u.triples for u in todo[:-1]] == [f.triples for f in small.files]
    assert sum(u.triples for u in todo) == len(small)
    assert all(u.graph.startswith(GRAPH) for u in todo)


def test_the_graph_store_defaults_to_oxigraphs_layout() -> None:
    assert default_graph_store("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/store"
    assert default_graph_store("http://h:1/ds/sparql?x=1") == "http://h:1/ds/store"


def test_push_replaces_each_graph_checks_counts_and_is_idempotent(small: sovgraph.KnowledgeGraph) -> None:
    lines: list[str] = []
    with oxigraph(writable=True) as server:
        target = Endpoint(server.query_url, graph_store_url=server.store_url)
        first = push(small, target, progress=lines.append)
        second = push(small, target)
        assert [u.graph for u in second] == [u.graph for u in first]
        for upload in first:
            assert count(target, upload.graph) == upload.triples
        assert len(connect(server.query_url)) == len(small)
    assert lines[0].startswith(f"[1/{len(first)}] ontology/")
    assert lines[-1] == f"checked: each of the {len(first)} graphs holds the triples sent."


def test_a_graph_no_longer_in_the_graph_is_reported_then_pruned(small: sovgraph.KnowledgeGraph) -> None:
    stale = GRAPH + "data/removed.ttl"
    with oxigraph(writable=True) as server:
        target = Endpoint(server.query_url, graph_store_url=server.store_url)
        target.put_graph(stale, b"<http://example.org/s> <http://example.org/p> 'old' .")
        lines: list[str] = []
        push(small, target, progress=lines.append)
        assert (
            f"note: the endpoint also holds <{stale}>, which the graph no longer has; --prune removes it."
            in lines
        )
        assert count(target, stale) == 1
        push(small, target, prune=True, progress=lines.append)
        assert count(target, stale) == 0


def test_a_failure_part_way_names_the_graph_and_what_was_pushed(small: sovgraph.KnowledgeGraph) -> None:
    todo = uploads(small)
    with fake_endpoint(
        status=500, body=b"disk full", content_type="text/plain", fail_after=2, answer_ask=True
    ) as fake:
        target = Endpoint(fake.url, graph_store_url=fake.url.replace("/sparql", "/store"), backoff=0.01)
        with pytest.raises(PushError) as caught:
            push(small, target)
    assert [r[0] for r in fake.requests] == ["PUT", "PUT", "PUT"]  # a write is never retried
    assert fake.requests[0][2] == todo[0].data
    message = str(caught.value)
    assert message.startswith(f"the SPARQL endpoint {fake.url} did not take the graph {todo[2].label} ")
    assert "failed (HTTP 500 Internal Server Error): disk full." in message
    assert f"Already pushed, complete: 2 graph(s): {todo[0].label}, {todo[1].label}." in message
    assert f"Not pushed: {len(todo) - 3} graph(s): {', '.join(u.label for u in todo[3:7])}" in message


def test_a_count_that_differs_after_the_push_is_an_error(small: sovgraph.KnowledgeGraph) -> None:
    zero = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "0"}}]}}
    with fake_endpoint(
        body=json.dumps(zero).encode(), fail_after=len(uploads(small)), answer_ask=True
    ) as fake:
        target = Endpoint(fake.url, graph_store_url=fake.url)
        with pytest.raises(
            PushError, match=r"holds 0 triples in <.*> \(ontology/.*\) after the push, not the"
        ):
            push(small, target)


def test_a_read_only_server_refuses_the_push_and_nothing_is_written(
    small: sovgraph.KnowledgeGraph, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    pyoxigraph.Store(str(store)).flush()
    with oxigraph(location=store, writable=False) as server:
        target = Endpoint(server.query_url, graph_store_url=server.store_url)
        with pytest.raises(PushError, match=r"refused the request \(HTTP 403 Forbidden\): it is read-only"):
            push(small, target)
        assert not bool(target.query("ASK { GRAPH ?g { ?s ?p ?o } }"))


def test_the_push_command_reports_progress_and_never_prints_the_password(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVGRAPH_PASSWORD", "do-not-show-me")
    with oxigraph(writable=True) as server:
        code = remote_main(["push", "--root", str(root), "--endpoint", server.query_url, "--user", "u"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out == ""
    assert "checked: each of the" in captured.err
    assert f"to {server.query_url}" in captured.err.splitlines()[-1]
    assert "do-not-show-me" not in captured.err


# Virtuoso: a second, very different server. One instance for the whole session.


def test_push_then_query_round_trip_on_virtuoso(
    kg: sovgraph.KnowledgeGraph, root: Path, request: pytest.FixtureRequest
) -> None:
    server = virtuoso(request.config)
    target = Endpoint(
        server.query_url,
        graph_store_url=server.graph_store_url,
        user=server.user,
        password=server.password,
        timeout=120,
    )
    done = push(kg, target)  # digest authentication; each graph's count checked
    push(kg, target)  # idempotent
    remote = connect(server.query_url, root)
    # Virtuoso's default graph is every graph plus ~thousands of system triples: the explicit dataset
    # keeps exactly the pushed graphs.
    assert len(remote) == len(kg) == sum(u.triples for u in done)
    assert sorted((f.label, f.triples) for f in remote.files) == sorted(
        (f.label, f.triples) for f in kg.files
    )
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(next(iter(remote.query(everything)))["n"].value) == int(
        next(iter(kg.query(everything)))["n"].value
    )
    assert bool(remote.query("ASK { sg:cnil rdfs:label ?l }"))
    label = "SELECT ?l WHERE { sg:cnil rdfs:label ?l }"
    assert sorted(str(r["l"]) for r in remote.query(label)) == sorted(str(r["l"]) for r in kg.query(label))
    # A library query and a check that Virtuoso 7.2 answers as the embedded store does on the curated graph
    # (tests/test_engine_parity.py compares every library query on Virtuoso, Oxigraph and Jena ARQ, and
    # lists, with their reasons, those Virtuoso answers otherwise).
    for name, params in [
        ("sources", {"entity": "emc2"}),
        ("checks/unsourced-relation-violation", {}),
    ]:
        local, there = kg.run(name, **params), remote.run(name, **params)
        assert len(local) > 0 or name.startswith("checks/")
        assert comparable(there) == comparable(local), name


def test_virtuoso_refuses_wrong_credentials_with_a_clear_message(
    small: sovgraph.KnowledgeGraph, request: pytest.FixtureRequest
) -> None:
    server = virtuoso(request.config)
    target = Endpoint(server.query_url, graph_store_url=server.graph_store_url, user="dba", password="wrong")
    with pytest.raises(PushError) as caught:
        push(small, target)
    assert isinstance(caught.value, PushError)
    assert "refused the credentials given (HTTP 401" in str(caught.value)
    assert "wrong" not in str(caught.value).replace("wrong credentials", "")
    anonymous = Endpoint(server.query_url, graph_store_url=server.graph_store_url)
    with pytest.raises(PushError, match=r"requires credentials"):
        push(small, anonymous)
    assert issubclass(CredentialsRefused, sovgraph.SovgraphError)
