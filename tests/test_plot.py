"""Charts: a timeline and a share chart are drawn from query results (matplotlib, headless)."""

from __future__ import annotations

import sovgraph


def test_timeline_plots_one_point_per_dated_decision(kg: sovgraph.KnowledgeGraph) -> None:
    from sovgraph.tools.plot import timeline

    result = kg.run("decisions", as_of="2026-11-29")
    fig = timeline(result, title="Decisions")
    ax = fig.axes[0]
    dated = [r for r in result.rows if r["date"] is not None]
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(dated)
    labels = {t.get_text() for t in ax.get_yticklabels()}
    assert {"deliberation", "court order (interim)", "adequacy decision"} <= labels


def test_shares_draws_one_bar_per_key() -> None:
    from sovgraph.tools.plot import shares

    fig = shares({"Microsoft Corporation": 2, "OVHcloud": 0.5}, title="t")
    assert len(fig.axes[0].patches) == 2
