"""The walks' shared parts: SPARQL's operators on values (``walks/values.py``), checked against Oxigraph
evaluating the same expressions, and the union-graph reader (``walks/reader.py``)."""

from __future__ import annotations

import pyoxigraph
import pytest

from sovgraph.sparql.walks import values
from sovgraph.sparql.walks.reader import Reader

XSD = "http://www.w3.org/2001/XMLSchema#"


def _lit(text: str, datatype: str = "date") -> pyoxigraph.Literal:
    return pyoxigraph.Literal(text, datatype=pyoxigraph.NamedNode(XSD + datatype))


def _sparql(expression: str, *terms: pyoxigraph.Literal) -> pyoxigraph.Literal | None:
    """What Oxigraph's own query engine gives (a store of its own, not the walks' scratch store)."""
    names = " ".join(f"?v{i}" for i in range(len(terms)))
    rows = pyoxigraph.Store().query(
        f"SELECT ({expression} AS ?r) WHERE {{ VALUES ({names}) {{ ({' '.join(map(str, terms))}) }} }}"
    )
    assert isinstance(rows, pyoxigraph.QuerySolutions)
    found = [row["r"] for row in rows]
    return found[0] if found else None


PAIRS = [
    (_lit("2020-01-01"), _lit("2024-06-01")),
    (_lit("2024-06-01"), _lit("2020-01-01")),
    (_lit("2024-06-01"), _lit("2024-06-01")),
    (_lit("2024-06-01Z"), _lit("2024-06-01")),  # a time zone against none: indeterminate within 14 hours
    (_lit("2024-06-02+01:00"), _lit("2024-06-01")),
    (_lit("2024", "gYear"), _lit("2024-06-01")),  # incomparable: an error
    (pyoxigraph.Literal("2024-06-01"), _lit("2024-06-01")),  # a string and a date: an error
    (_lit("2024-06-01T10:00:00", "dateTime"), _lit("2024-06-01")),
    (_lit("2024-02-30"), _lit("2024-06-01")),  # not a day of the calendar
]


@pytest.mark.parametrize(("low", "high"), PAIRS)
def test_less_or_equal_is_sparql_s(low: pyoxigraph.Literal, high: pyoxigraph.Literal) -> None:
    expected = _sparql("?v0 <= ?v1", low, high)
    got = values.less_or_equal(low, high)
    assert got == (None if expected is None else expected.value == "true")
    assert values.at_most(low, high) == (got is not False)  # COALESCE(low <= high, true)


def test_at_most_with_an_unbound_side_is_true() -> None:
    assert values.at_most(None, _lit("2024-06-01")) and values.at_most(_lit("2024-06-01"), None)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (pyoxigraph.Literal(2), pyoxigraph.Literal(3)),
        (pyoxigraph.Literal(2), _lit("1.5", "decimal")),
        (pyoxigraph.Literal(2), pyoxigraph.Literal("x")),
        (pyoxigraph.Literal(2), _lit("07", "integer")),
    ],
)
def test_add_is_sparql_s(left: pyoxigraph.Literal, right: pyoxigraph.Literal) -> None:
    assert values.add(left, right) == _sparql("?v0 + ?v1", left, right)


def test_add_of_a_node_is_an_error() -> None:
    assert values.add(pyoxigraph.Literal(1), pyoxigraph.NamedNode("urn:x:a")) is None
    assert values.add(pyoxigraph.Literal(1), None) is None


def test_text_coalesce_and_the_order_of_values() -> None:
    iri, blank = pyoxigraph.NamedNode("urn:x:a"), pyoxigraph.BlankNode("b")
    assert values.text(iri) == "urn:x:a" and values.text(blank) is None and values.text(None) is None
    assert values.coalesce(None, None, iri, blank) == iri and values.coalesce(None) is None
    ordered = [None, blank, iri, pyoxigraph.Literal(2), pyoxigraph.Literal(10), pyoxigraph.Literal("a")]
    assert sorted(reversed(ordered), key=values.sort_key) == ordered  # 2 before 10: integers by value


def test_the_reader_gives_each_value_once_across_graphs_and_follows_paths_through_cycles() -> None:
    store = pyoxigraph.Store()
    p, q = pyoxigraph.NamedNode("urn:x:p"), pyoxigraph.NamedNode("urn:x:q")
    a, b, c = (pyoxigraph.NamedNode(f"urn:x:{n}") for n in "abc")
    for graph in (pyoxigraph.NamedNode("urn:g:1"), pyoxigraph.NamedNode("urn:g:2")):
        store.add(pyoxigraph.Quad(a, p, b, graph))  # stated in two graphs
    store.add(pyoxigraph.Quad(b, p, c, pyoxigraph.DefaultGraph()))
    store.add(pyoxigraph.Quad(c, p, a, pyoxigraph.NamedNode("urn:g:1")))
    reader = Reader(store)
    assert reader.objects(a, p) == (b,) and reader.subjects(p, b) == (a,)
    assert reader.has(a, p, b) and not reader.has(a, p, c) and not reader.has(None, p, b)
    assert reader.or_unbound(a, q) == (None,) and reader.objects(pyoxigraph.Literal("x"), p) == ()
    assert reader.closure(a, p, reflexive=True) == (a, b, c)
    assert set(reader.closure(a, p, reflexive=False)) == {a, b, c}  # back to a through the cycle
    assert reader.closure(b, q, reflexive=False) == () and reader.closure(b, q, reflexive=True) == (b,)
    reader.read(b)  # every triple of b at once: a property it lacks then needs no lookup
    assert reader.objects(b, p) == (c,) and reader.objects(b, q) == () and not reader.has(b, q, a)
