"""Explain: a derived fact is traced to its rule and premises, down to their sources."""

from __future__ import annotations

import pytest

import sovgraph
from sovgraph.errors import QueryError
from sovgraph.explain import explain


def test_an_exposure_is_traced_to_its_hosting_reach_path_and_sources(world: sovgraph.KnowledgeGraph) -> None:
    node = world.run("exposure", law="data-act", as_of="2025-01-01").rows[0]["exposure"]
    assert node is not None
    text = explain(world, node.value)
    lines = text.splitlines()
    assert lines[0].startswith("sg:derived/exposure-")
    assert "derived by rule exposure" in text
    assert "derived by rule reach-through-control" in text
    assert "derived by rule control-path" in text
    for premise in (
        "sg:hosting-registry-nimbus",
        "sg:reach-data-act-atlanticorp",
        "sg:control-holdco-cloudco",
    ):
        assert premise in text
    assert "source: https://example.org/gazette" in text
    assert "source: A. Writer, « Nuages », 2024" in text


def test_a_curated_relation_shows_its_derived_in_force_dates(world: sovgraph.KnowledgeGraph) -> None:
    text = explain(world, "sg:hosting-registry-nimbus")
    assert "in force: 2022-03-01 → …" in text
    assert "derived by rule in-force" in text
    assert "sg:authorisation-registry" in text


def test_an_unknown_node_is_an_error_naming_it(world: sovgraph.KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="sg:nothing-here: no such node in the graph"):
        explain(world, "sg:nothing-here")


def test_explain_in_french(world: sovgraph.KnowledgeGraph) -> None:
    assert "Registre sur Nimbus" in explain(world, "hosting-registry-nimbus", lang="fr")
