"""Large views: above the node budget, nodes are grouped by class, the focus chain stays, the page says so."""

from __future__ import annotations

import networkx as nx

from sovgraph.network.aggregate import GROUP, aggregate, group_sizes
from sovgraph.network.render import html


def big_graph(companies: int = 60, laws: int = 5) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(title="big")
    graph.add_node(
        "p", label="Platform", cls="sov:Platform", cls_label="Platform", focus=True, highlight=True
    )
    graph.add_node("c0", label="Company 0", cls="sov:Company", cls_label="Company", highlight=True)
    graph.add_edge("p", "c0", key="h", label="hosted by", kind="hosting", highlight=True)
    for i in range(1, companies):
        graph.add_node(f"c{i}", label=f"Company {i}", cls="sov:Company", cls_label="Company")
        graph.add_edge(f"c{i}", f"l{i % laws}", key=f"r{i}", label="reached by", kind="reach")
    for j in range(laws):
        graph.add_node(f"l{j}", label=f"Law {j}", cls="sov:Law", cls_label="Law")
    graph.add_edge("c0", "l0", key="r0", label="reached by", kind="reach", highlight=True)
    return graph


def test_a_graph_within_budget_is_left_alone() -> None:
    graph = big_graph()
    assert aggregate(graph, budget=1000) is graph


def test_over_budget_nodes_are_grouped_by_class_and_the_chain_is_kept() -> None:
    graph = big_graph()
    small = aggregate(graph, budget=20)
    assert {"p", "c0"} <= set(small.nodes)
    assert group_sizes(small) == {GROUP + "sov:Company": 59, GROUP + "sov:Law": 5}
    assert small.nodes[GROUP + "sov:Company"]["label"] == "Company (59)"
    assert small.has_edge("p", "c0") and small.has_edge("c0", GROUP + "sov:Law")
    merged = sorted((u, v, a["label"]) for u, v, a in small.edges(data=True) if a.get("kind") == "aggregated")
    assert merged == [
        ("c0", GROUP + "sov:Law", "reached by (x1)"),  # the kept company's law folded into the law group
        (GROUP + "sov:Company", GROUP + "sov:Law", "reached by (x59)"),
    ]
    assert "Aggregated by class: 66 nodes are over the budget of 20" in small.graph["note"]


def test_the_aggregated_page_renders_with_its_note() -> None:
    page = html(aggregate(big_graph(), budget=20))
    assert "Aggregated by class" in page
    assert "Company (59)" in page


def test_sovgraph_view_aggregates_above_max_nodes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sovgraph.cli import main

    out = tmp_path / "page.html"
    assert (
        main(["view", "--focus", "emc2", "--max-nodes", "10", "-o", str(out), "--as-of", "2026-11-29"]) == 0
    )
    page = out.read_text(encoding="utf-8")
    assert "Aggregated by class" in page
    assert "over the budget of 10" in page
