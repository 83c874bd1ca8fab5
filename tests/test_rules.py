"""Derivation rules: applied to a fixpoint in their own graph, traceable, never written over curated data."""

from __future__ import annotations

from pathlib import Path

import pytest

import sovgraph
from sovgraph.errors import QueryError
from sovgraph.library import read_query
from sovgraph.rules import DERIVED_GRAPH, materialise


def _world(root: Path, fixtures: Path) -> sovgraph.KnowledgeGraph:
    return sovgraph.load(
        root, files=[*sorted((root / "ontology").glob("*.ttl")), fixtures / "queries" / "world.ttl"]
    )


def test_derived_facts_go_to_their_own_graph_and_curated_graphs_are_untouched(
    root: Path, fixtures: Path
) -> None:
    kg = sovgraph.load(
        root,
        files=[*sorted((root / "ontology").glob("*.ttl")), fixtures / "queries" / "world.ttl"],
        derive=False,
    )
    before = {(q.subject, q.predicate, q.object, q.graph_name) for q in kg.store}
    runs = kg.derive()
    after = {(q.subject, q.predicate, q.object, q.graph_name) for q in kg.store}
    added = after - before
    assert added and before <= after
    assert {str(q[3].value) for q in added} == {DERIVED_GRAPH}
    assert [r.rule for r in runs] == ["in-force", "control-path", "reach-through-control", "exposure"]
    assert all(r.triples > 0 for r in runs)


def test_deriving_twice_gives_the_same_graph(root: Path, fixtures: Path) -> None:
    kg = _world(root, fixtures)
    first = {(q.subject, q.predicate, q.object) for q in kg.store}
    kg.derive()
    assert {(q.subject, q.predicate, q.object) for q in kg.store} == first


def test_recursive_control_paths_reach_the_top_of_the_chain(root: Path, fixtures: Path) -> None:
    kg = _world(root, fixtures)
    rows = kg.query(
        "SELECT ?top ?hops WHERE { ?p a sov:ControlPath ; sov:controlled sg:cloudco ; "
        "sov:controller ?top ; sov:hops ?hops }"
    )
    assert {(r["top"].value.rsplit("/", 1)[-1], int(r["hops"].value)) for r in rows} == {
        ("oldco", 1),
        ("holdco", 1),
        ("atlanticorp", 2),
    }


def test_a_path_is_in_force_over_the_intersection_of_its_links(root: Path, fixtures: Path) -> None:
    kg = _world(root, fixtures)
    rows = list(
        kg.query(
            "SELECT ?from ?conf WHERE { ?p a sov:ControlPath ; sov:controlled sg:cloudco ; "
            "sov:controller sg:atlanticorp ; sov:inForceFrom ?from ; sov:confidence ?conf }"
        )
    )
    # Holdco controls CloudCo from 2021-07-01 (seed-stated); AtlantiCorp controls Holdco from 2019.
    assert [(r["from"].value, r["conf"].value.rsplit("/", 1)[-1]) for r in rows] == [
        ("2021-07-01", "seed-stated")
    ]


def test_a_rule_that_never_converges_is_stopped_with_its_name(tmp_path: Path, root: Path) -> None:
    import pyoxigraph

    rule = tmp_path / "99-runaway.rq"
    rule.write_text(
        "#+ summary: Mints a new node every round.\n"
        "CONSTRUCT { ?new <http://example.org/q> ?x } WHERE { ?x <http://example.org/p> ?y "
        "BIND(IRI(CONCAT('http://example.org/', STRUUID())) AS ?new) }\n",
        encoding="utf-8",
    )
    store = pyoxigraph.Store()
    ex = pyoxigraph.NamedNode("http://example.org/a")
    store.add(
        pyoxigraph.Quad(
            ex, pyoxigraph.NamedNode("http://example.org/p"), ex, pyoxigraph.NamedNode("http://g")
        )
    )
    with pytest.raises(QueryError, match=r"rule runaway still derives new facts after \d+ rounds"):
        materialise(store, [read_query(rule, "runaway")])


def test_a_rule_must_be_a_construct(tmp_path: Path) -> None:
    import pyoxigraph

    rule = tmp_path / "select.rq"
    rule.write_text("#+ summary: Not a rule.\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="must be a CONSTRUCT query"):
        materialise(pyoxigraph.Store(), [read_query(rule, "select")])


def test_validation_ignores_derived_facts(root: Path, fixtures: Path) -> None:
    kg = _world(root, fixtures)
    assert kg.validate().findings == ()
    assert DERIVED_GRAPH.encode() not in kg.union_ntriples()
    assert b"/derived/" not in kg.union_ntriples()
