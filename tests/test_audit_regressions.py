"""Regression tests for the data audit of the seed files (issue 12, item 3).

Each test asserts, on the shipped graph, the triples a fix put right (or took out), so that a later edit
cannot quietly bring the audited error back.
"""

from __future__ import annotations

import pyoxigraph

import sovgraph
from sovgraph.namespaces import ID


def ask(kg: sovgraph.KnowledgeGraph, query: str) -> bool:
    return bool(kg.query(query))


def values(kg: sovgraph.KnowledgeGraph, query: str) -> set[str]:
    """The values of the single variable ?v (IRIs as slugs when they are sg: ids)."""
    found = set()
    for row in kg.query(query):
        term = row["v"]
        value = term.value
        if isinstance(term, pyoxigraph.NamedNode) and value.startswith(ID):
            value = value[len(ID) :]
        found.add(value)
    return found


# --- data/hosting.ttl: EMC2's hosting has no known go-live ----------------------------------------


def test_emc2_hosting_has_no_start_date_taken_from_the_authorisation_year(kg: sovgraph.KnowledgeGraph) -> None:
    assert values(kg, "SELECT ?v WHERE { sg:hosting-emc2-azure schema:startDate ?v }") == set()
    # The authorising decision carries the date, and as-of questions start the hosting there.
    assert values(kg, "SELECT ?v WHERE { sg:hosting-emc2-azure sov:authorisedBy ?v }") == {
        "cnil-deliberation-2023-146"
    }
    assert values(kg, "SELECT ?v WHERE { sg:hosting-emc2-azure sov:inForceFrom ?v }") == {"2023-12-21"}
