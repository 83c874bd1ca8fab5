"""What a query sees: its own FROM / FROM NAMED dataset, else the union of the files' graphs."""

from __future__ import annotations

from pathlib import Path

import pytest

import sovgraph
from sovgraph.cli import main
from sovgraph.store.backend import names_dataset

EX = "http://example.org/"
G = "https://w3id.org/sovgraph/graph/"


@pytest.fixture(scope="module")
def two(root: Path, tmp_path_factory: pytest.TempPathFactory) -> sovgraph.KnowledgeGraph:
    folder = tmp_path_factory.mktemp("two")
    a, b = folder / "a.ttl", folder / "b.ttl"
    a.write_text(f"<{EX}s> <{EX}p> <{EX}shared> , <{EX}only-a> .\n", encoding="utf-8")
    b.write_text(f"<{EX}s> <{EX}p> <{EX}shared> .\n", encoding="utf-8")
    return sovgraph.load(root, files=[a, b], derive=False)


def _count(kg: sovgraph.KnowledgeGraph, text: str) -> int:
    return int(next(iter(kg.select(text)))["n"].value)


def test_from_makes_one_file_the_default_graph(two: sovgraph.KnowledgeGraph) -> None:
    assert _count(two, f"SELECT (COUNT(*) AS ?n) FROM <{G}external/b.ttl> WHERE {{ ?s ?p ?o }}") == 1
    assert _count(two, f"SELECT (COUNT(*) AS ?n) FROM <{G}external/a.ttl> WHERE {{ ?s ?p ?o }}") == 2


def test_from_named_alone_leaves_the_default_graph_empty(two: sovgraph.KnowledgeGraph) -> None:
    named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{G}external/b.ttl>"
    assert _count(two, named + " WHERE { ?s ?p ?o }") == 0
    assert _count(two, named + " WHERE { GRAPH ?g { ?s ?p ?o } }") == 1


def test_without_a_dataset_clause_the_union_is_seen(two: sovgraph.KnowledgeGraph) -> None:
    assert _count(two, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }") == 2


def test_the_union_is_a_bag_of_the_files_triples(two: sovgraph.KnowledgeGraph) -> None:
    """Documented (README, "Named graphs and the union"): pyoxigraph matches a triple once per graph that
    holds it, so a triple stated in two files counts twice without DISTINCT."""
    assert _count(two, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 3
    assert _count(two, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT * WHERE { ?s ?p ?o } }") == 2


def test_the_cli_counts_one_file_with_from(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path, two: sovgraph.KnowledgeGraph
) -> None:
    query = tmp_path / "count.rq"
    query.write_text(f"SELECT (COUNT(*) AS ?n) FROM <{G}data/hosting.ttl> WHERE {{ ?s ?p ?o }}\n", "utf-8")
    kg = sovgraph.load(root, derive=False)
    expected = next(f.triples for f in kg.files if f.label == "data/hosting.ttl")
    assert main(["sparql", str(query), "--root", str(root), "--no-cache", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.split() == ["n", str(expected)]
    assert expected < len(kg) / 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * FROM <x> WHERE {}", True),
        ("select * from named <x> where {}", True),
        ("SELECT *\nFROM\n<x> WHERE {}", True),
        ("SELECT ?from WHERE { ?from ex:from 1 }", False),
        ("PREFIX from: <http://x/> SELECT * WHERE { from:a ?p ?o }", False),
        ('SELECT * WHERE { ?s ?p "FROM <x>" } # FROM <y>', False),
        ('SELECT * WHERE { ?s ?p """a\nFROM <x>""" }', False),
        ("SELECT * WHERE { ?s <http://x/FROM> ?o }", False),
        ("SELECT * WHERE { ?s ?p _:from }", False),
    ],
)
def test_dataset_clauses_are_found_outside_comments_strings_and_names(text: str, expected: bool) -> None:
    assert names_dataset(text) is expected
