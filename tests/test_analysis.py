"""Tests of the analyses (sovgraph.network.analysis: chains, centrality, concentration) and of the what-if
(sovgraph.impact), on the invented world of tests/fixtures/queries/world.ttl (plus, where two hosted things
must share a chain, tests/fixtures/network/shared.ttl) and on the shipped data for the EMC2 and Health Data
Hub questions."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import sovgraph
from sovgraph import impact
from sovgraph.errors import QueryError
from sovgraph.network import analysis
from sovgraph.network.projection import project_view

SG = "https://w3id.org/sovgraph/id/"


def load(root: Path, fixtures: Path, *extra: str) -> sovgraph.KnowledgeGraph:
    files = [*sorted((root / "ontology").glob("*.ttl")), fixtures / "queries" / "world.ttl"]
    return sovgraph.load(root, files=[*files, *(fixtures / "network" / e for e in extra)])


@pytest.fixture(scope="module")
def shared(root: Path, fixtures: Path) -> sovgraph.KnowledgeGraph:
    """The world where the Archive is also hosted on Nimbus since 2020."""
    return load(root, fixtures, "shared.ttl")


def texts(kg: sovgraph.KnowledgeGraph, entity: str, as_of: str, **options: object) -> list[str]:
    graph = project_view(kg, "dependencies", as_of=as_of)
    return [chain.text(graph) for chain in analysis.chains(graph, entity, **options)]  # type: ignore[arg-type]


# --- chains -------------------------------------------------------------------------------------------


def test_chains_go_from_the_entity_to_the_laws_shortest_first(world: sovgraph.KnowledgeGraph) -> None:
    assert texts(world, "registry", "2023-01-01") == [
        "Registry → Utopia → Union → Union Privacy Law (territory)",
        "Registry → Nimbus → CloudCo → Holdco → AtlantiCorp → Atlantis Data Act (incorporation)",
        "Registry → Nimbus → CloudCo → Utopia → Union → Union Privacy Law (territory)",
        "Registry → Nimbus → CloudCo → Holdco → Utopia → Union → Union Privacy Law (territory)",
    ]


def test_chains_follow_only_links_in_force_that_day(world: sovgraph.KnowledgeGraph) -> None:
    assert texts(world, "archive", "2021-01-01") == [
        "Archive → Utopia → Union → Union Privacy Law (territory)",
        "Archive → Vault → Oldco → Utopia → Union → Union Privacy Law (territory)",
    ]
    # In 2021 CloudCo was controlled by Oldco, not yet by Holdco: no chain to the Atlantis Data Act.
    graph = project_view(world, "dependencies", as_of="2021-01-01")
    assert [c.text(graph) for c in analysis.chains(graph, "cloudco")] == [
        "CloudCo → Utopia → Union → Union Privacy Law (territory)",
        "CloudCo → Oldco → Utopia → Union → Union Privacy Law (territory)",
    ]
    with pytest.raises(QueryError, match="registry: this entity has no edge in the view"):
        analysis.chains(graph, "registry")  # not hosted before its authorisation of 2022


def test_chains_can_end_at_jurisdictions_and_be_found_through_a_node(world: sovgraph.KnowledgeGraph) -> None:
    ends = ("sov:Jurisdiction",)
    assert texts(world, "holdco", "2023-01-01", ends=ends) == [
        "Holdco → Utopia",
        "Holdco → AtlantiCorp → Atlantis",
        "Holdco → Utopia → Union",
    ]
    graph = project_view(world, "dependencies", as_of="2023-01-01")
    through = [c.text(graph) for c in analysis.chains_through(graph, "holdco")]
    assert "Registry → Nimbus → CloudCo → Holdco → AtlantiCorp → Atlantis Data Act (incorporation)" in through
    assert all("Holdco" in text for text in through)


def through_by_definition(graph: nx.MultiDiGraph, ends: tuple[str, ...]) -> dict[str, list[tuple[str, ...]]]:
    """The chains through each node as ``chains_through`` defines them: the node's own, and each hosted
    thing's that passes through it, looked for from every hosted thing of the graph."""
    hosted = [n for n in graph if analysis.has_class(graph, n, analysis.HOSTED)]
    every = {start: [c.nodes for c in analysis.chains(graph, start, ends=ends)] for start in hosted}
    through = {}
    for node in graph:
        found = {c.nodes for c in analysis.chains(graph, node, ends=ends)}
        if analysis.has_class(graph, node, ends):
            found.add((node,))
        found.update(nodes for start in hosted if start != node for nodes in every[start] if node in nodes)
        through[node] = sorted(found, key=lambda nodes: (len(nodes), nodes))
    return through


@pytest.mark.parametrize("ends", [analysis.LAWS, ("sov:Law", "sov:Jurisdiction")])
def test_chains_through_a_node_are_those_of_every_hosted_thing_through_it(
    shared: sovgraph.KnowledgeGraph, kg: sovgraph.KnowledgeGraph, ends: tuple[str, ...]
) -> None:
    # chains_through looks only from the hosted things that can reach the node, and builds the dependency
    # graph once (the first writing did both for every hosted thing of the graph: quadratic on a hub's page).
    for kgraph, day in ((shared, "2023-01-01"), (kg, "2025-01-01")):
        graph = project_view(kgraph, "dependencies", as_of=day)
        expected = through_by_definition(graph, ends)
        assert any(len(found) > 5 for found in expected.values())
        for node, found in expected.items():
            assert [c.nodes for c in analysis.chains_through(graph, node, ends=ends)] == found, node


def test_each_hop_keeps_its_edges_dates_and_sources(world: sovgraph.KnowledgeGraph) -> None:
    graph = project_view(world, "dependencies", as_of="2023-01-01")
    chain = analysis.chains(graph, "registry")[1]
    assert [(h.source.removeprefix(SG), h.target.removeprefix(SG)) for h in chain.hops] == [
        ("registry", "nimbus"),
        ("nimbus", "cloudco"),
        ("cloudco", "holdco"),
        ("holdco", "atlanticorp"),
        ("atlanticorp", "data-act"),
    ]
    assert [e["kind"] for e in chain.hops[0].edges] == ["sov:service"]
    assert chain.hops[2].sources() == ["A. Writer, « Nuages », 2024"]
    assert analysis.describe(graph, chain)[1:3] == [
        "  Registry → Nimbus: service [2022-03-01 → …]",
        "      https://example.org/atlas",
    ]
    assert (
        analysis.describe(graph, chain)[-2]
        == "  AtlantiCorp → Atlantis Data Act: Reach of a law (incorporation) [2018-03-23 → …]"
    )


def test_shipped_emc2_chains(kg: sovgraph.KnowledgeGraph) -> None:
    graph = project_view(kg, "dependencies", as_of="2025-01-01")
    found = [c.text(graph) for c in analysis.chains(graph, "sg:emc2")]
    assert found[:2] == [
        "EMC2 → Microsoft Azure → CLOUD Act (control)",
        "EMC2 → Microsoft Azure → FISA Section 702 (service-provider status)",
    ]
    assert (
        "EMC2 → Microsoft Azure → Microsoft Ireland → Microsoft Corporation → CLOUD Act "
        "(incorporation, service-provider status)"
    ) in found
    chain = next(c for c in analysis.chains(graph, "emc2") if len(c.nodes) == 5)
    provider = chain.hops[1]  # Azure → Microsoft Ireland: the EMC2 hosting's edge, not the HDH hosting's
    assert [e["relation"] for e in provider.edges] == [SG + "hosting-emc2-azure"]


# --- centrality ---------------------------------------------------------------------------------------


def test_centrality_ranks_by_dependants_then_betweenness(shared: sovgraph.KnowledgeGraph) -> None:
    graph = project_view(shared, "dependencies", as_of="2023-01-01")
    ranks = analysis.centrality(graph)
    assert [(r.label, len(r.dependants)) for r in ranks] == [
        ("CloudCo", 2),
        ("Holdco", 2),
        ("AtlantiCorp", 2),
        ("Nimbus", 2),
        ("Oldco", 1),
        ("Vault", 1),
    ]
    assert ranks[0].betweenness > ranks[1].betweenness > ranks[2].betweenness == ranks[3].betweenness
    assert ranks[0].dependants == (SG + "archive", SG + "registry")
    assert ranks[3].cls_label == "Cloud service"


def test_centrality_of_the_shipped_data(kg: sovgraph.KnowledgeGraph) -> None:
    ranks = analysis.centrality(project_view(kg, "dependencies", as_of="2025-01-01"))
    by_label = {r.label: {d.rsplit("/", 1)[-1] for d in r.dependants} for r in ranks}
    # Solvinity hosts three Dutch services (facts-ms MS1xx): the most depended-upon provider in 2025.
    assert ranks[0].label.startswith("Solvinity")
    assert by_label["Solvinity"] == {"digid", "mijnoverheid", "nl-justice-secure-communication-system"}
    # The seed case: EMC2 and the Health Data Hub platform both rest on Microsoft Azure and its parent.
    assert (
        by_label["Microsoft Azure"]
        == by_label["Microsoft Corporation"]
        == {"emc2", "health-data-hub-platform"}
    )


# --- concentration -------------------------------------------------------------------------------------


def shares(kg: sovgraph.KnowledgeGraph, by: str, as_of: str) -> list[tuple[str, float, tuple[str, ...]]]:
    result = analysis.concentration(kg, by, as_of=as_of)
    return [(s.label, s.share, s.hosted) for s in result.shares]


def test_concentration_by_provider_parent_and_jurisdiction(shared: sovgraph.KnowledgeGraph) -> None:
    assert shares(shared, "provider", "2023-01-01") == [
        ("CloudCo", 1.0, ("Archive", "Registry")),
        ("Oldco", 0.5, ("Archive",)),
    ]
    assert shares(shared, "parent", "2023-01-01") == [
        ("AtlantiCorp", 1.0, ("Archive", "Registry")),
        ("Oldco", 0.5, ("Archive",)),
    ]
    assert shares(shared, "jurisdiction", "2023-01-01") == [
        ("Atlantis", 1.0, ("Archive", "Registry")),
        ("Utopia", 0.5, ("Archive",)),
    ]
    assert analysis.concentration(shared, "parent", as_of="2023-01-01").total == 2


def test_concentration_honours_as_of(shared: sovgraph.KnowledgeGraph) -> None:
    # In 2021 only the Archive is hosted, and CloudCo's parent is still Oldco.
    assert shares(shared, "parent", "2021-01-01") == [("Oldco", 1.0, ("Archive",))]
    # In 2025 the Archive has left the Vault (Oldco, Utopia): only Atlantis remains.
    assert shares(shared, "jurisdiction", "2025-01-01") == [("Atlantis", 1.0, ("Archive", "Registry"))]
    with pytest.raises(QueryError, match="concentration by 'colour'"):
        analysis.concentration(shared, "colour")


# --- impact -------------------------------------------------------------------------------------------


def keys(exposures: tuple[impact.Exposure, ...]) -> set[tuple[str, ...]]:
    return {
        tuple(part.removeprefix(SG).removeprefix("https://w3id.org/sovgraph/kind/") for part in e.key)
        for e in exposures
    }


def test_removing_a_parent_loses_the_exposure_through_control(world: sovgraph.KnowledgeGraph) -> None:
    size = len(world)
    result = impact.impact(world, "holdco", as_of="2023-01-01")
    assert keys(result.lost) == {("registry", "data-act", "control", "cloudco")}
    assert result.gained == ()
    assert keys(result.kept) == {
        ("registry", "privacy-law", "territory", "utopia"),
        ("archive", "privacy-law", "territory", "utopia"),
    }
    assert result.changes[0].startswith("removed Holdco (")
    assert "removed the relation Holdco controls CloudCo" in result.changes
    assert len(world) == size  # the loaded graph is untouched


def test_removing_a_decision_removes_the_hosting_it_authorised(world: sovgraph.KnowledgeGraph) -> None:
    result = impact.impact(world, "authorisation-registry", as_of="2023-01-01", platform="registry")
    assert keys(result.lost) == {
        ("registry", "data-act", "control", "cloudco"),
        ("registry", "privacy-law", "territory", "utopia"),
    }
    assert "removed the relation Registry on Nimbus" in result.changes
    assert result.kept == ()


def test_replacing_a_service_gains_and_loses_exposures(world: sovgraph.KnowledgeGraph) -> None:
    gained = impact.impact(world, "vault", replace_with="nimbus", as_of="2023-01-01")
    assert keys(gained.gained) == {("archive", "data-act", "control", "cloudco")}
    assert gained.lost == ()
    assert gained.changes == (
        "replaced Vault by Nimbus in the hosting Archive in the Vault "
        "(now service: Nimbus; provider: CloudCo)",
    )
    lost = impact.impact(world, "nimbus", replace_with="oldco", platform="registry", as_of="2023-01-01")
    assert keys(lost.lost) == {("registry", "data-act", "control", "cloudco")}
    assert keys(lost.kept) == {("registry", "privacy-law", "territory", "utopia")}
    assert lost.changes[0].endswith("(now provider: Oldco)")


def test_impact_refuses_what_it_cannot_do(world: sovgraph.KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match=r"no hosting of .*registry uses it as service or provider"):
        impact.impact(world, "vault", replace_with="nimbus", platform="registry")
    with pytest.raises(QueryError, match="'sg:nowhere' names no entity of the graph"):
        impact.impact(world, "sg:nowhere")


def test_moving_the_health_data_hub_to_a_secnumcloud_provider(kg: sovgraph.KnowledgeGraph) -> None:
    """If the Health Data Hub platform moved from Azure to PREMI3NS (S3NS, SecNumCloud 3.2 qualified in
    December 2025), which exposures disappear? Every US one. No territorial exposure is kept: the
    platform's data were only observed in the Netherlands in 2020, so no location is asserted for 2026
    (audit, issue 12)."""
    result = impact.impact(
        kg,
        "microsoft-azure",
        replace_with="s3ns-premi3ns",
        platform="health-data-hub-platform",
        as_of="2026-11-29",
    )
    assert keys(result.lost) == {
        ("health-data-hub-platform", "cloud-act", "control", "microsoft-azure"),
        ("health-data-hub-platform", "cloud-act", "control", "microsoft-ireland-operations"),
        ("health-data-hub-platform", "cloud-act", "incorporation", "microsoft-corporation"),
        ("health-data-hub-platform", "cloud-act", "service-provider-status", "microsoft-corporation"),
        ("health-data-hub-platform", "fisa-702", "service-provider-status", "microsoft-azure"),
        ("health-data-hub-platform", "fisa-702", "service-provider-status", "microsoft-corporation"),
    }
    assert result.gained == ()
    assert keys(result.kept) == set()
    assert (
        len(result.changes) == 1
        and "(now service: PREMI3NS (S3NS offer); provider: S3NS)" in result.changes[0]
    )
    assert (result.entity, result.replacement, result.platform) == (
        SG + "microsoft-azure",
        SG + "s3ns-premi3ns",
        SG + "health-data-hub-platform",
    )
