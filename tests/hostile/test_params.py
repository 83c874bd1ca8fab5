"""Parameters: none collides with the arguments of ``KnowledgeGraph.run``, and any string is bound inertly."""

from __future__ import annotations

import contextlib

import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovgraph.errors import QueryError, QueryTooDeep
from sovgraph.graph import KnowledgeGraph
from sovgraph.sparql.bind import MAX_NESTING, bind, check_nesting


def test_a_query_parameter_named_lang_or_name_does_not_collide(world: KnowledgeGraph) -> None:
    with_lang = world.run("claims", {"lang": "fr"})
    assert with_lang.columns == world.run("claims", lang="fr").columns
    with pytest.raises(QueryError, match="unknown parameter name"):
        world.run("claims", {"name": "x"})
    with pytest.raises(QueryError, match="unknown parameter name"):
        world.run("claims", name="x")  # positional-only: 'name' is a parameter, not the query's name


def test_keyword_parameters_still_work(world: KnowledgeGraph) -> None:
    by_keyword = world.run("who-hosts-what", as_of="2024-06-01", lang="fr")
    by_mapping = world.run("who-hosts-what", {"as_of": "2024-06-01"}, lang="fr")
    assert by_keyword.rows == by_mapping.rows and by_keyword.rows


P = "http://example.org/p"
QUERY = f"SELECT ?s ?x WHERE {{ ?s <{P}> ?x . FILTER(?x != 'never') }}"


def _store(value: str) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    for subject, text in (("match", value), ("other", value + "\u0001other")):
        store.add(
            pyoxigraph.Quad(
                pyoxigraph.NamedNode(f"http://example.org/{subject}"),
                pyoxigraph.NamedNode(P),
                pyoxigraph.Literal(text),
            )
        )
    return store


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_string_is_bound_inertly_and_round_trips(value: str) -> None:
    """Whatever the text (quotes, braces, '} UNION {', newlines, comments, backslashes), the bound query has
    the same shape (same variables, one VALUES row) and finds exactly the one triple whose literal is the
    text, which comes back unchanged."""
    bound = bind(QUERY, {"x": pyoxigraph.Literal(value)})
    solutions = _store(value).query(bound)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    assert [v.value for v in solutions.variables] == ["s", "x"]
    rows = [(row["s"].value, row["x"].value) for row in solutions]
    assert rows == [("http://example.org/match", value)]
    assert bound.replace(str(pyoxigraph.Literal(value)), '"a"') == bind(QUERY, {"x": pyoxigraph.Literal("a")})


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="{}()[]\"'<># \n?x", max_size=400))
def test_nesting_is_counted_outside_strings_and_never_crashes(text: str) -> None:
    with contextlib.suppress(QueryTooDeep):
        check_nesting(text)


def test_the_nesting_limit() -> None:
    check_nesting("SELECT * WHERE " + "{" * MAX_NESTING + "}" * MAX_NESTING)
    with pytest.raises(QueryTooDeep, match="more than 200 deep"):
        check_nesting("SELECT * WHERE " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1))
    check_nesting('SELECT * WHERE { ?s ?p "' + "{" * 5000 + '" }')  # inside a string: not nesting
    with pytest.raises(QueryTooDeep):
        bind("ASK " + "{" * 5000 + "}" * 5000, {})
