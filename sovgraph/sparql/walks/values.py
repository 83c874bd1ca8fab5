"""SPARQL's operators on the values a walk reads, as Oxigraph evaluates them.

A walk compares dates, tests truth values and builds text as its query's expressions do. The common case
(two ``xsd:date`` values with no time zone) is handled in Python; any other value is handed to Oxigraph
itself, on an empty in-memory store made on first use, so that a walk gives exactly what its query gives,
errors included (an incomparable value makes ``COALESCE(?from <= ?as_of, true)`` true).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import pyoxigraph

Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple
Cell = Term | None  # None: unbound, or an error

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_DATE = pyoxigraph.NamedNode(XSD + "date")
XSD_INTEGER = pyoxigraph.NamedNode(XSD + "integer")
XSD_BOOLEAN = pyoxigraph.NamedNode(XSD + "boolean")
XSD_STRING = pyoxigraph.NamedNode(XSD + "string")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_TRUE = ("true", "1")


@functools.cache
def _scratch() -> pyoxigraph.Store:
    """An empty store, to evaluate an expression over values a walk does not handle itself."""
    return pyoxigraph.Store()


@functools.lru_cache(maxsize=4096)
def evaluate(expression: str, *values: Term) -> Cell:
    """The value of a SPARQL expression over ``?v0``, ``?v1``... bound to ``values``; None for an error."""
    names = " ".join(f"?v{i}" for i in range(len(values)))
    terms = " ".join(str(value) for value in values)
    query = f"SELECT ({expression} AS ?result) WHERE {{ VALUES ({names}) {{ ({terms}) }} }}"
    answer = _scratch().query(query)
    assert isinstance(answer, pyoxigraph.QuerySolutions)
    for solution in answer:
        result: Cell = solution["result"]
        return result
    return None


def day(term: Cell) -> dt.date | None:
    """The day of an ``xsd:date`` with no time zone (two such compare as days), else None."""
    if not isinstance(term, pyoxigraph.Literal) or term.datatype != XSD_DATE:
        return None
    if not _DAY.fullmatch(term.value):
        return None
    try:
        return dt.date.fromisoformat(term.value)
    except ValueError:
        return None


def is_true(term: Cell) -> bool:
    """Whether ``term`` is the boolean true (as an expression's result)."""
    return isinstance(term, pyoxigraph.Literal) and term.datatype == XSD_BOOLEAN and term.value in _TRUE


@functools.lru_cache(maxsize=4096)
def less_or_equal(low: Term, high: Term) -> bool | None:
    """``low <= high``; None when SPARQL cannot compare them (an error)."""
    if low == high:
        return True
    if not isinstance(low, pyoxigraph.Literal) or not isinstance(high, pyoxigraph.Literal):
        return None
    low_day, high_day = day(low), day(high)
    if low_day is not None and high_day is not None:
        return low_day <= high_day
    result = evaluate("?v0 <= ?v1", low, high)
    return None if result is None else is_true(result)


def at_most(low: Cell, high: Cell) -> bool:
    """``COALESCE(low <= high, true)``: true unless both are bound, comparable and ``low`` is later."""
    if low is None or high is None:
        return True
    return less_or_equal(low, high) is not False


def add(left: Cell, right: Cell) -> Cell:
    """``left + right``: None unless both are literals (an error); two plain ``xsd:integer`` in Python."""
    if not isinstance(left, pyoxigraph.Literal) or not isinstance(right, pyoxigraph.Literal):
        return None
    if all(t.datatype == XSD_INTEGER and _INTEGER.fullmatch(t.value) for t in (left, right)):
        return pyoxigraph.Literal(int(left.value) + int(right.value))
    return evaluate("?v0 + ?v1", left, right)


def text(term: Cell) -> str | None:
    """``STR(term)``: an IRI's or a literal's text; None for a blank node, a triple or unbound (an error)."""
    return term.value if isinstance(term, pyoxigraph.NamedNode | pyoxigraph.Literal) else None


def coalesce(*terms: Cell) -> Cell:
    """``COALESCE(a, b, ...)``: the first bound value."""
    return next((term for term in terms if term is not None), None)


def sort_key(term: Cell) -> tuple[object, ...]:
    """A value's place in ``ORDER BY``: unbound, blank nodes, IRIs, triples, then literals (an integer by its
    value, any other by its text)."""
    if term is None:
        return (0,)
    if isinstance(term, pyoxigraph.BlankNode):
        return (1, term.value)
    if isinstance(term, pyoxigraph.NamedNode):
        return (2, term.value)
    if isinstance(term, pyoxigraph.Triple):
        return (3, str(term))
    if term.datatype == XSD_INTEGER and _INTEGER.fullmatch(term.value):
        return (4, 0, int(term.value))
    return (4, 1, term.value, term.datatype.value, term.language or "")
