"""Parameters are bound as RDF terms: an injection attempt is rejected or stays inert data."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

import sovgraph
from sovgraph.errors import QueryError
from sovgraph.sparql.bind import bind, bind_values

INJECTIONS = [
    'x" } ; DROP ALL ; SELECT * { "',
    "emc2> } UNION { ?s ?p ?o } #",
    "sg:emc2 } DELETE WHERE { ?s ?p ?o",
    "<https://w3id.org/sovgraph/id/emc2> . ?x ?y ?z",
    "https://example.org/a b",
]


def test_values_block_opens_the_where_group() -> None:
    query = "SELECT ?x WHERE { ?x ?p ?o }"
    bound = bind(query, {"o": pyoxigraph.Literal("a")})
    assert bound == 'SELECT ?x WHERE { VALUES (?o) { ("a") }  ?x ?p ?o }'


def test_braces_and_where_in_strings_iris_and_comments_are_not_syntax() -> None:
    query = '# WHERE { in a comment\nSELECT ?x ("WHERE {" AS ?s) WHERE { ?x <http://e/{x}> "}" }'
    bound = bind(query, {"x": pyoxigraph.NamedNode("http://e/a")})
    assert bound.endswith('WHERE { VALUES (?x) { (<http://e/a>) }  ?x <http://e/{x}> "}" }')


def test_a_literal_with_quotes_and_braces_is_escaped() -> None:
    value = pyoxigraph.Literal(INJECTIONS[0])
    bound = bind("SELECT ?v WHERE { }", {"v": value})
    store = pyoxigraph.Store()
    rows = list(store.query(bound))
    assert [r["v"].value for r in rows] == [INJECTIONS[0]]


def test_only_rdf_terms_and_variable_names_are_accepted() -> None:
    with pytest.raises(QueryError, match="must be bound to an RDF term"):
        bind("SELECT * WHERE { }", {"v": "plain text"})
    with pytest.raises(QueryError, match="not a valid SPARQL variable name"):
        bind("SELECT * WHERE { }", {"v } DROP ALL {": pyoxigraph.Literal("x")})
    with pytest.raises(QueryError, match="not a valid SPARQL variable name"):
        bind_values("SELECT * WHERE { }", "a b", [])


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_an_iri_parameter_carrying_an_injection_is_rejected(
    kg: sovgraph.KnowledgeGraph, attempt: str
) -> None:
    with pytest.raises(QueryError) as caught:
        kg.run("who-hosts-what", platform=attempt)
    assert "parameter platform (iri)" in str(caught.value)
    assert "names no entity of the graph" in str(caught.value)  # looked up as a name, bound as data


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_a_string_parameter_carrying_an_injection_stays_data(
    kg: sovgraph.KnowledgeGraph, attempt: str
) -> None:
    before = len(kg.store)
    result = kg.run("claims", lang=attempt)
    assert len(kg.store) == before
    assert all(row["note"] is None for row in result.rows)  # no note is in a language named like that
    assert len(result.rows) == len(kg.run("claims").rows)


def test_unknown_and_ill_typed_parameters_are_named(kg: sovgraph.KnowledgeGraph) -> None:
    with pytest.raises(
        QueryError, match=r"query who-hosts-what: unknown parameter platfrom; it takes as_of \(date"
    ):
        kg.run("who-hosts-what", platfrom="emc2")
    with pytest.raises(QueryError, match=r"parameter as_of \(date\): '2024-13-01' is not a date"):
        kg.run("who-hosts-what", as_of="2024-13-01")
    with pytest.raises(QueryError, match=r"query chain: parameter entity \(iri\) is required"):
        kg.run("chain")
    with pytest.raises(QueryError, match="no query named 'who-hosts'"):
        kg.run("who-hosts")


def test_cli_rejects_an_injection_with_one_line_and_exit_2(root: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sovgraph.cli",
            "query",
            "who-hosts-what",
            "--param",
            f"platform={INJECTIONS[1]}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("sovgraph: error: query who-hosts-what, parameter platform (iri): ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_updates_are_bound_by_the_same_binder() -> None:
    update = (
        "DELETE { GRAPH ?g { ?node ?p ?o } } INSERT { GRAPH ?g { ?node ?p 'WHERE {' } } "
        "WHERE { GRAPH ?g { ?node ?p ?o } }"
    )
    bound = bind(update, {"node": pyoxigraph.NamedNode("http://example.org/x")})
    assert bound.endswith("WHERE { VALUES (?node) { (<http://example.org/x>) }  GRAPH ?g { ?node ?p ?o } }")
    store = pyoxigraph.Store()
    store.update(bound)  # plain SPARQL 1.1 Update
