"""A SPARQL text as rdflib's algebra, parsed where the parser's garbage cannot hold the caller's memory.

rdflib parses with pyparsing, which leaves reference cycles behind: each parse raises and catches many
``ParseException`` objects, and an exception caught into a local variable holds its traceback, whose frames
hold it back. Those frames hold their callers' frames (``f_back``) up the whole stack, with every local
variable they had when they returned. Parsed in the caller's thread, a rule read during a cache update kept
that update's frames alive, and with them its stores (gigabytes at a million triples, and RocksDB's lock on
the store it wrote), until a garbage collection happened to run. A parse in a thread of its own starts a
stack of its own: the cycles it leaves reach nothing of the caller's.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any


def prepared(text: str, prefixes: Mapping[str, str]) -> Any:
    """rdflib's prepared query for ``text`` (``prepareQuery`` with ``prefixes``), parsed in a thread of its
    own; its errors are raised here as they are raised there.

    >>> prepared("SELECT ?x WHERE { ?x ex:p 1 }", {"ex": "http://ex/"}).algebra.name
    'SelectQuery'
    """
    outcome: list[Any] = []

    def parse() -> None:
        from rdflib.plugins.sparql import prepareQuery

        try:
            outcome.append(prepareQuery(text, initNs=dict(prefixes)))
        except BaseException as exc:  # handed to the caller, who raises it
            outcome.append(exc)

    worker = threading.Thread(target=parse, name="sovgraph-sparql-parse", daemon=True)
    worker.start()
    worker.join()
    (result,) = outcome
    if isinstance(result, BaseException):
        raise result
    return result
