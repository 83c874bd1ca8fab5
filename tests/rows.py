"""Rows compared as the same answer: a query's rows as a multiset, whatever order the engine gives."""

from __future__ import annotations

from collections import Counter

import pyoxigraph

import sovgraph


def multiset(
    kg: sovgraph.KnowledgeGraph, text: str, params: dict[str, pyoxigraph.Term]
) -> Counter[tuple[str, ...]]:
    """The rows as a multiset of tuples of N-Triples cells, the parts of " ; "-joined literals sorted (SPARQL
    leaves the order of a GROUP_CONCAT to the engine)."""
    found: Counter[tuple[str, ...]] = Counter()
    answer = kg.select(text, params)
    for solution in answer:
        cells = []
        for variable in answer.variables:
            term = solution[variable]
            if isinstance(term, pyoxigraph.Literal) and " ; " in term.value:
                cells.append(" ; ".join(sorted(term.value.split(" ; "))))
            else:
                cells.append("" if term is None else str(term))
        found[tuple(cells)] += 1
    return found
