"""Every library query and every view gives the same rows embedded and on an Oxigraph server holding the
pushed graphs (``sovgraph push``), read through the remote backend.

Rows are compared as multisets of terms (N-Triples form), with labels, exactly: the values inside a
``GROUP_CONCAT`` (the sources columns) are sorted by sovgraph on every engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import comparable, oxigraph

import sovgraph
from sovgraph.exchange.push import push
from sovgraph.sparql.library import read_query
from sovgraph.sparql.params import bindings
from sovgraph.store.remote import Endpoint

# (query, parameters) over the invented world of tests/fixtures/queries/world.ttl
WORLD = [
    ("who-hosts-what", {"as_of": "2020-01-01"}),
    ("who-hosts-what", {"as_of": "2023-01-01"}),
    ("who-hosts-what", {"as_of": "2025-01-01", "law": "data-act"}),
    ("who-hosts-what", {"as_of": "2023-01-01", "jurisdiction": "atlantis", "provider": "oldco"}),
    ("chain", {"entity": "registry", "as_of": "2023-01-01"}),
    ("chain", {"entity": "cloudco", "as_of": "2020-01-01"}),
    ("exposure", {"as_of": "2023-01-01"}),
    ("exposure", {"law": "data-act", "as_of": "2025-01-01"}),
    ("decisions", {"as_of": "2023-01-01"}),
    ("decisions", {"entity": "registry", "as_of": "2025-01-01"}),
    ("qualifications", {"as_of": "2025-06-01"}),
    ("qualifications", {"as_of": "2026-01-01", "scheme": "trust"}),
    ("actors", {}),
    ("actors", {"as_of": "2025-03-01", "organisation": "cloudco"}),
    ("sources", {"entity": "hosting-registry-nimbus"}),
    ("sources", {"entity": "cloudco"}),
    ("ownership", {"controller": "atlanticorp", "as_of": "2023-01-01"}),
    ("ownership", {"controlled": "cloudco"}),
    ("claims", {}),
    ("claims", {"lang": "fr", "verdict": "kind:likely-inaccurate"}),
    ("cases", {"as_of": "2023-06-01"}),
    ("cases", {"as_of": "2025-01-01", "state": "pending"}),
    ("who-hosts-what", {"as_of": "2025-07-01", "platform": "agency"}),
    ("chain", {"entity": "agency", "as_of": "2025-07-01"}),
    ("who-hosts-what-by-country", {"as_of": "2022-01-01"}),
    ("who-hosts-what-by-country", {"as_of": "2024-06-01", "within": "arcadia"}),
    ("non-eu-dependence", {"as_of": "2023-06-01", "union": "union"}),
    ("requirements", {"as_of": "2026-01-01"}),
    ("coverage", {}),
    (
        "requirements",
        {"as_of": "2022-06-01", "by": "privacy-law", "held_status": "kind:granted", "lang": "fr"},
    ),
]
# the checks take at most as_of
CHECK_DAYS = ("2023-01-01", "2026-01-01")
# (query, parameters) over the shipped curated graph
SHIPPED = [
    ("who-hosts-what", {"as_of": "2024-06-01", "platform": "emc2"}),
    ("chain", {"entity": "emc2", "as_of": "2024-06-01"}),
    ("exposure", {"as_of": "2024-06-01"}),
    ("decisions", {"as_of": "2024-06-01"}),
    ("sources", {"entity": "emc2"}),
    ("claims", {"lang": "fr"}),
]
VIEW_DAYS = ("2020-01-01", "2023-01-01", "2025-01-01")


class Pair:
    """The same graph, embedded and remote."""

    def __init__(self, local: sovgraph.KnowledgeGraph, remote: sovgraph.KnowledgeGraph) -> None:
        self.local = local
        self.remote = remote


def _pair(kg: sovgraph.KnowledgeGraph, root: Path) -> Iterator[Pair]:
    with oxigraph(writable=True) as server:
        push(kg, Endpoint(server.query_url, graph_store_url=server.store_url))
        yield Pair(kg, sovgraph.graph.connect(server.query_url, root))


@pytest.fixture(scope="module")
def pair(root: Path, fixtures: Path) -> Iterator[Pair]:
    # the world and the landscape queries' public bodies and requirements
    files = [
        *sorted((root / "ontology").glob("*.ttl")),
        fixtures / "queries" / "world.ttl",
        fixtures / "queries" / "landscape.ttl",
    ]
    yield from _pair(sovgraph.load(root, files=files), root)


@pytest.fixture(scope="module")
def shipped(kg: sovgraph.KnowledgeGraph, root: Path) -> Iterator[Pair]:
    yield from _pair(kg, root)


def _rows(result: sovgraph.sparql.queries.Result) -> list[tuple[str, ...]]:
    return comparable(result)


def _labels(result: sovgraph.sparql.queries.Result) -> list[tuple[str, ...]]:
    """What a person reads: labels (fetched from the same backend) or values."""
    return sorted(tuple(c.text() if c else "" for c in row.values()) for row in result.rows)


def _same(pair: Pair, name: str, params: dict[str, str]) -> int:
    local = pair.local.run(name, **params)
    remote = pair.remote.run(name, **params)
    assert remote.columns == local.columns
    assert _rows(remote) == _rows(local)
    assert _labels(remote) == _labels(local)
    return len(local)


@pytest.mark.parametrize(("name", "params"), WORLD, ids=[f"{n}-{i}" for i, (n, _) in enumerate(WORLD)])
def test_a_library_query_gives_the_same_rows_remotely(pair: Pair, name: str, params: dict[str, str]) -> None:
    _same(pair, name, params)


def test_every_library_query_is_compared(pair: Pair) -> None:
    covered = {name for name, _ in WORLD}
    queries = {n for n in pair.local.library() if not n.startswith("checks/")}
    assert queries <= covered, queries - covered


@pytest.mark.parametrize("day", CHECK_DAYS)
def test_every_check_gives_the_same_rows_remotely(pair: Pair, day: str) -> None:
    for name, spec in pair.local.library().items():
        if name.startswith("checks/"):
            _same(pair, name, {"as_of": day} if spec.param("as_of") else {})


@pytest.mark.parametrize(("name", "params"), SHIPPED, ids=[n for n, _ in SHIPPED])
def test_the_curated_graph_gives_the_same_rows_remotely(
    shipped: Pair, name: str, params: dict[str, str]
) -> None:
    assert _same(shipped, name, params) > 0


def test_the_remote_graph_holds_what_was_pushed(shipped: Pair) -> None:
    assert len(shipped.remote) == len(shipped.local)
    assert [(f.label, f.triples) for f in shipped.remote.files] == sorted(
        (f.label, f.triples) for f in shipped.local.files
    )


def _views(root: Path) -> list[Path]:
    return sorted((root / "queries" / "views").glob("*.rq"))


@pytest.mark.parametrize("day", VIEW_DAYS)
def test_every_view_gives_the_same_edges_remotely(pair: Pair, root: Path, day: str) -> None:
    views = _views(root)
    assert views, "no views in queries/views/"
    for path in views:
        view = read_query(path, path.stem)
        terms = bindings(view, {"as_of": day} if view.param("as_of") else {})
        local = pair.local.query(view.text, terms)
        remote = pair.remote.query(view.text, terms)
        columns = [v.value for v in local.variables]
        assert [v.value for v in remote.variables] == columns
        rows = sorted(tuple(str(s[c]) for c in columns) for s in local)
        assert sorted(tuple(str(s[c]) for c in columns) for s in remote) == rows, path.name


def test_the_network_projection_is_the_same_remotely(pair: Pair) -> None:
    from sovgraph.network import projection as network

    local = network.project_view(pair.local, as_of="2023-01-01")
    remote = network.project_view(pair.remote, as_of="2023-01-01")
    assert sorted(remote.nodes(data=True), key=str) == sorted(local.nodes(data=True), key=str)
    assert sorted(remote.edges(keys=True), key=str) == sorted(local.edges(keys=True), key=str)


def test_the_values_of_a_group_concat_are_sorted_whatever_the_engine_order() -> None:
    import pyoxigraph

    from sovgraph.sparql.results import Cell, Result, concatenated, sorted_lists

    query = 'SELECT ?x (GROUP_CONCAT(DISTINCT STR(?s); separator=" ; ") AS ?x_sources) WHERE { }'
    assert concatenated(query) == {"x_sources": " ; "}
    x = Cell(pyoxigraph.Literal("c ; a"))  # not a GROUP_CONCAT column: left alone
    row = {"x": x, "x_sources": Cell(pyoxigraph.Literal("https://c ; https://a ; https://b"))}
    (fixed,) = sorted_lists(Result(["x", "x_sources"], [row]), query).rows
    assert fixed["x"] == x
    assert fixed["x_sources"] is not None and fixed["x_sources"].value == "https://a ; https://b ; https://c"
