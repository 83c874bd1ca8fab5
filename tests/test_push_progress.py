"""push shows a progress bar (one step per graph) on a terminal, and nothing of it otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from servers import oxigraph

import sovgraph
from sovgraph.exchange.push import push, uploads
from sovgraph.store.remote import Endpoint


@pytest.mark.parametrize(("forced", "bar"), [("1", True), ("0", False)])
def test_push_reports_its_progress_as_a_bar_only_when_asked(
    root: Path,
    fixtures: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    forced: str,
    bar: bool,
) -> None:
    monkeypatch.setenv("SOVGRAPH_PROGRESS", forced)
    kg = sovgraph.load(
        root, files=[*sorted((root / "ontology").glob("*.ttl")), fixtures / "queries" / "world.ttl"]
    )
    with oxigraph(writable=True) as server:
        push(kg, Endpoint(server.query_url, graph_store_url=server.store_url))
    err = capsys.readouterr().err
    # a bar named "pushing" that counts the graphs (two ontology files, the world, the derived graph)
    assert ("pushing" in err and f"/{len(uploads(kg))} " in err and "graph/s" in err) is bar, err[-400:]
