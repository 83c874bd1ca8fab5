"""The focused network page, end to end (projection → focus → render), in real headless Chromium.

Marked ``browser`` and set up as in tests/test_render.py (whose helpers it uses): without Chromium or
Playwright the tests are skipped, except on CI (env ``CI`` set) where they fail. With
``SOVGRAPH_UPDATE_SCREENSHOT=1`` the screenshot test also writes docs/screenshot-emc2.png.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from test_render import assert_clean, hover_node, open_page
from test_render import browser as shared_chromium  # noqa: F401  (a module-scoped fixture, used below)

import sovgraph
from sovgraph.network.focus import focus_view
from sovgraph.network.projection import project_view
from sovgraph.network.render import HIGHLIGHT_COLOUR, html

SG = "https://w3id.org/sovgraph/id/"
AS_OF = "2025-01-01"
CHAIN = ["emc2", "microsoft-azure", "microsoft-ireland", "microsoft-corporation"]
ENDS = ["united-states", "cloud-act", "fisa-702"]
CHALLENGERS = ["ce-order-492369", "ce-decision-2024-11-19-emc2"]
APPLICANTS = ["clever-cloud", "nexedi", "cnll", "open-internet-project", "isoc-france"]
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshot-emc2.png"


@pytest.fixture
def chromium(request: pytest.FixtureRequest) -> Any:
    """The headless Chromium of tests/test_render.py (skipped, or failed on CI, when missing)."""
    return request.getfixturevalue("shared_chromium")


@pytest.fixture(scope="module")
def emc2_page(kg: sovgraph.KnowledgeGraph) -> nx.MultiDiGraph:
    """The EMC2 focus view of the shipped data, every view, depth 2."""
    return focus_view(project_view(kg, as_of=AS_OF), "emc2", depth=2)


def highlighted(opened: Any) -> tuple[set[str], set[tuple[str, str]]]:
    """The nodes and the (from, to) pairs of edges drawn as highlighted in the page."""
    nodes = opened.js(
        f"() => network.body.data.nodes.get().filter((n) => n.color.border === '{HIGHLIGHT_COLOUR}')"
        ".map((n) => n.id)"
    )
    edges = opened.js(
        f"() => network.body.data.edges.get().filter((e) => e.color.color === '{HIGHLIGHT_COLOUR}')"
        ".map((e) => [e.from, e.to])"
    )
    return {n.removeprefix(SG) for n in nodes}, {(a.removeprefix(SG), b.removeprefix(SG)) for a, b in edges}


@pytest.mark.browser
def test_emc2_page_draws_the_projection_offline(
    chromium: Any, emc2_page: nx.MultiDiGraph, tmp_path: Path
) -> None:
    opened = open_page(chromium, emc2_page, tmp_path / "emc2.html")
    counts = opened.js("() => [network.body.data.nodes.length, network.body.data.edges.length]")
    assert counts == [emc2_page.number_of_nodes(), emc2_page.number_of_edges()]
    assert opened.js("() => network.getSelectedNodes()") == [SG + "emc2"]
    assert opened.js("() => document.title") == f"EMC2 — decisions, dependencies, people, as of {AS_OF}"
    assert_clean(opened)  # no console error, no request but the file itself


@pytest.mark.browser
def test_emc2_chain_is_highlighted_among_the_decisions(
    chromium: Any, emc2_page: nx.MultiDiGraph, tmp_path: Path
) -> None:
    opened = open_page(chromium, emc2_page, tmp_path / "emc2.html")
    nodes, edges = highlighted(opened)
    assert set(CHAIN + ENDS) <= nodes
    hops = list(itertools.pairwise(CHAIN)) + [("microsoft-corporation", end) for end in ENDS]
    assert set(hops) <= edges
    present = {node.removeprefix(SG) for node in opened.js("() => network.body.data.nodes.getIds()")}
    assert {"cnil-deliberation-2023-146", "cnil", *CHALLENGERS, *APPLICANTS} <= present
    assert "cnil-deliberation-2023-146" not in nodes  # around the chain, not on it
    rulings = opened.js(
        "() => network.body.data.edges.get().filter((e) => e.to.endsWith('/cnil-deliberation-2023-146')"
        " && e.label.startsWith('rules on a challenge to')).map((e) => e.from)"
    )
    # the two decisions, and the court case they were given in (it challenges the deliberation too)
    assert {r.removeprefix(SG) for r in rulings} == {*CHALLENGERS, "case-ce-emc2-491644"}
    # The tooltip text as the page set it (hovering in this dense graph is left to the small hostile page).
    tooltip = opened.js(f"() => network.body.data.nodes.get('{SG}microsoft-ireland').title")
    assert (
        "Class: Company (sov:Company)" in tooltip
        and "name: Microsoft Ireland (Microsoft's Irish subsidiary, exact company not identified)" in tooltip
    )
    assert_clean(opened)


@pytest.mark.browser
def test_emc2_page_in_french(chromium: Any, kg: sovgraph.KnowledgeGraph, tmp_path: Path) -> None:
    page = focus_view(project_view(kg, as_of=AS_OF, lang="fr"), "emc2", depth=1)
    opened = open_page(chromium, page, tmp_path / "emc2-fr.html")
    labels = opened.js("() => network.body.data.nodes.get().map((n) => n.label)")
    assert "États-Unis" in labels and "Microsoft Ireland" in labels and "EMC2" in labels
    assert opened.page.text_content("#sg-title") == f"EMC2 — decisions, dependencies, people, au {AS_OF}"
    assert opened.js("() => document.documentElement.lang") == "fr"
    assert_clean(opened)


def hostile_page(root: Path, fixtures: Path) -> nx.MultiDiGraph:
    files = [*sorted((root / "ontology").glob("*.ttl")), fixtures / "network" / "hostile.ttl"]
    kg = sovgraph.load(root, files=files)
    return focus_view(project_view(kg, as_of=AS_OF), "evil-platform", depth=3)


IMG = '<img src=x onerror="window.__pwned=1;alert(1)">'
SCRIPT = "</script><script>window.__pwned=1;alert(1)</script>"
HREF = '<a href="javascript:window.__pwned=1" onmouseover="window.__pwned=1">href</a>'


def test_hostile_labels_are_escaped_through_the_projection(root: Path, fixtures: Path) -> None:
    graph = hostile_page(root, fixtures)
    assert graph.nodes[SG + "evil-corp"]["name"] == SCRIPT  # the data really is hostile
    page = html(graph)
    for raw in (IMG, SCRIPT, HREF, "<svg onload", "<b>Société</b>"):
        assert raw not in page, raw
    assert "popup.innerHTML" not in page


@pytest.mark.browser
def test_hostile_labels_never_run_in_the_browser(
    chromium: Any, root: Path, fixtures: Path, tmp_path: Path
) -> None:
    graph = hostile_page(root, fixtures)
    opened = open_page(chromium, graph, tmp_path / "hostile.html")
    assert opened.js("() => network.body.data.nodes.length") == graph.number_of_nodes() == 5
    assert opened.page.text_content("#sg-title") == graph.graph["title"]
    assert graph.graph["title"].startswith("<svg onload=window.__pwned=1> — ")
    tooltip = hover_node(opened, SG + "evil-platform")
    assert f"name: {IMG}" in tooltip
    edge_tips = "\n".join(opened.js("() => network.body.data.edges.get().map((e) => e.title)"))
    assert f"{IMG} citation" in edge_tips and f"through: {SCRIPT}" in edge_tips
    labels = opened.js("() => network.body.data.nodes.get().map((n) => n.label)")
    assert any(label.startswith("</script><script>") for label in labels)
    nodes, _ = highlighted(opened)
    assert {"evil-platform", "evil-cloud", "evil-corp", "evil-law", "evil-land"} == nodes
    assert_clean(opened)


def take_screenshot(chromium: Any, graph: nx.MultiDiGraph, folder: Path, target: Path) -> None:
    """Draw ``graph`` in a wide window and save a PNG of the page once the layout has settled."""
    from sovgraph.network.render import write_html

    page_path = folder / "emc2.html"
    write_html(graph, page_path)
    page = chromium.new_page(viewport={"width": 1600, "height": 1000}, device_scale_factor=1)
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
    )
    page.goto(page_path.resolve().as_uri())
    page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=30_000)
    page.screenshot(path=str(target))
    page.close()


@pytest.mark.browser
def test_emc2_screenshot(chromium: Any, emc2_page: nx.MultiDiGraph, tmp_path: Path) -> None:
    """The screenshot of the documentation, generated (set SOVGRAPH_UPDATE_SCREENSHOT=1 to refresh it)."""
    shot = tmp_path / "screenshot-emc2.png"
    take_screenshot(chromium, emc2_page, tmp_path, shot)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1600, 1000)
    if os.environ.get("SOVGRAPH_UPDATE_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
