"""rdflib's parse of a SPARQL text, made where the parser's garbage cannot hold the caller's memory."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rdflib.plugins.sparql import prepareQuery

from sovgraph.sparql.algebra import prepared

TEXT = "SELECT ?x ?y WHERE { ?x ex:p ?y . OPTIONAL { ?y a ex:C } FILTER(?y != 1) }"
PREFIXES = {"ex": "http://ex/"}


class _Big:
    """Stands for a store held in a caller's local variable."""


@pytest.fixture()
def no_collection() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _held_after(parse: Callable[[str, dict[str, str]], Any]) -> bool:
    """Whether a local variable of a function that parsed a text is still alive once the function returned,
    with no garbage collection in between."""

    def caller() -> weakref.ref[_Big]:
        big = _Big()
        parse(TEXT, PREFIXES)
        return weakref.ref(big)

    return caller()() is not None


def test_a_parse_does_not_hold_the_callers_locals(no_collection: None) -> None:
    assert not _held_after(prepared)


def test_the_premise_rdflibs_own_parse_holds_them(no_collection: None) -> None:
    """Why the parse runs in a thread: in the caller's thread, pyparsing's caught exceptions keep their
    frames, and the frames their callers'. If rdflib's parser stops doing so, this fails, and
    :func:`prepared` may call it directly."""
    assert _held_after(lambda text, prefixes: prepareQuery(text, initNs=prefixes))


def test_the_algebra_is_rdflibs() -> None:
    ours, theirs = prepared(TEXT, PREFIXES), prepareQuery(TEXT, initNs=PREFIXES)
    assert ours.algebra.name == theirs.algebra.name == "SelectQuery"
    assert ours.algebra["PV"] == theirs.algebra["PV"]
    assert str(ours.algebra["p"]) == str(theirs.algebra["p"])


def test_a_syntax_error_is_raised_as_rdflib_raises_it() -> None:
    with pytest.raises(Exception) as theirs:
        prepareQuery("SELECT ?x WHERE { ?x ", initNs=PREFIXES)
    with pytest.raises(type(theirs.value)) as ours:
        prepared("SELECT ?x WHERE { ?x ", PREFIXES)
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(Exception, match="ex2"):  # an unknown prefix
        prepared("SELECT ?x WHERE { ?x ex2:p 1 }", PREFIXES)
