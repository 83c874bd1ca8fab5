"""Tests of sovgraph.network.render: the page as text first, then the page in real headless Chromium.

The browser tests are marked ``browser`` (deselect with ``-m "not browser"``). Without Chromium or
Playwright they are skipped, except on CI (env ``CI`` set) where they fail: a CI run must exercise them.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from sovgraph.errors import OutputError
from sovgraph.network import render

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Hostile texts: each sets the canary or opens a dialog if it ever runs as code.
IMG = '<img src=x onerror="window.__pwned=1;alert(1)">'
SCRIPT = "</script><script>window.__pwned=1;alert(1)</script>"
HREF = '<a href="javascript:window.__pwned=1" onmouseover="window.__pwned=1">href</a>'
JINJA = "{{ 7*7 }}{% if true %}jinja{% endif %}"
QUOTES = "\"double\" 'single' & <b>bold</b>"
EVIL_IRI = 'https://ex.org/x?a="><img src=x onerror=window.__pwned=1>'
REPORT = "https://example.org/report?a=1&b=2"


def chain_graph() -> nx.MultiDiGraph:
    """Six entities, a highlighted chain a -> b -> c focused on a, two parallel edges, an unknown class."""
    g = nx.MultiDiGraph(title="Who hosts what", note="aggregated: 6 nodes", lang="en")
    nodes = [
        ("a", "Ministry", "sov:PublicBody", "Public body"),
        ("b", "Cloudy SAS", "sov:Company", "Company"),
        ("c", "Datacenter 3", "sov:Site", "Site"),
        ("d", "France", "sov:Jurisdiction", "Jurisdiction"),
        ("e", "Cloudy Inc", "sov:Company", "Company"),
        ("f", "Thing", "ex:Unknown", "Unknown"),
    ]
    for key, label, cls, cls_label in nodes:
        g.add_node(f"https://ex.org/{key}", label=label, cls=cls, cls_label=cls_label)
    for key in "abc":
        g.nodes[f"https://ex.org/{key}"]["highlight"] = True
    g.nodes["https://ex.org/a"].update(focus=True, details=[("since", "2021-03-01")])
    edges = [("a", "b", "hostedBy", True), ("b", "c", "hostedAt", True), ("c", "d", "locatedIn", False)]
    edges += [("e", "b", "controls", False), ("e", "b", "funds", False), ("f", "d", "relatedTo", False)]
    for source, target, kind, highlight in edges:
        g.add_edge(
            f"https://ex.org/{source}",
            f"https://ex.org/{target}",
            label=kind,
            kind=kind,
            start="2020-01-01",
            sources=[REPORT],
            highlight=highlight,
        )
    return g


def hostile_graph() -> nx.MultiDiGraph:
    """Every untrusted text field holds markup, script, ``href`` or Jinja syntax."""
    g = nx.MultiDiGraph(title=IMG + JINJA, note=SCRIPT + HREF, lang="fr")
    g.add_node(
        EVIL_IRI,
        label=IMG,
        cls="sov:Company",
        cls_label=SCRIPT,
        details=[("note", HREF), (QUOTES, JINJA)],
        focus=True,
        highlight=True,
    )
    g.add_node("https://ex.org/h", label=HREF, cls="evil:<b>x</b>", cls_label=IMG)
    g.add_node("https://ex.org/j", label=JINJA + QUOTES, cls="sov:Site", cls_label="Site")
    g.add_edge(EVIL_IRI, "https://ex.org/h", label=SCRIPT, kind=IMG, start=QUOTES, sources=[HREF, REPORT])
    g.add_edge("https://ex.org/h", "https://ex.org/j", label=HREF, kind="k", highlight=True)
    return g


# --- the page as text ---------------------------------------------------------------------------


class Tags(HTMLParser):
    """Every tag with its attributes, and the text of the elements with an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = dict(attrs).get("id") or self._open

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.text[self._open] = self.text.get(self._open, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    tags.close()
    return tags


def dataset(page: str, name: str) -> list[dict[str, Any]]:
    """The items pyvis gives ``new vis.DataSet(...)`` for ``nodes`` or ``edges``."""
    match = re.search(rf"{name} = new vis\.DataSet\((\[.*?\])\);\n", page)
    assert match, name
    items: list[dict[str, Any]] = json.loads(match.group(1))
    return items


def page_data(page: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="sg-data">(.*?)</script>', page)
    assert match
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def test_page_loads_nothing_remote_but_keeps_urls_as_data() -> None:
    page = render.html(chain_graph())
    urls = [attrs.get(name) for _, attrs in parse(page).tags for name in ("src", "href")]
    assert not [url for url in urls if url and re.match(r"\s*(https?:)?//", url, re.I)], urls
    assert "bootstrap" not in page
    assert REPORT in dataset(page, "edges")[0]["tip"]  # as tooltip data, not as a resource


def test_remote_resource_is_refused() -> None:
    with pytest.raises(OutputError, match="self-contained"):
        render._check_self_contained('<html><script src="https://cdn.example/x.js"></script></html>')


def test_csp_allows_exactly_the_page_scripts() -> None:
    page = render.html(chain_graph())
    csp = next(a["content"] for t, a in parse(page).tags if t == "meta" and a.get("http-equiv"))
    assert csp is not None and "default-src 'none'" in csp and "unsafe-eval" not in csp
    bodies = re.findall(r"<script(?:\s[^>]*)?>(.*?)</script>", page, re.DOTALL)
    wanted = {base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() for b in bodies}
    assert set(re.findall(r"'sha256-([^']+)'", csp)) == wanted


def test_hostile_text_is_escaped_in_the_page() -> None:
    g = hostile_graph()
    page = render.html(g)
    for raw in (IMG, SCRIPT, HREF, EVIL_IRI, "<b>bold</b>"):
        assert raw not in page, raw
    tags = parse(page)
    assert tags.text["sg-title"] == g.graph["title"]
    assert tags.text["sg-note"] == g.graph["note"]
    assert [a.get("src") for t, a in tags.tags if t == "img"] == []
    assert "popup.innerHTML" not in page  # pyvis' HTML popup is off although a text contains "href"
    assert all("title" not in node for node in dataset(page, "nodes"))


def test_tooltips_are_plain_text_with_class_dates_and_sources() -> None:
    page = render.html(chain_graph())
    nodes = {node["id"]: node for node in dataset(page, "nodes")}
    assert nodes["https://ex.org/a"]["tip"].splitlines() == [
        "Ministry",
        "Class: Public body (sov:PublicBody)",
        "https://ex.org/a",
        "since: 2021-03-01",
    ]
    edge = dataset(page, "edges")[0]
    assert edge["tip"].splitlines() == ["hostedBy", "2020-01-01 → …", "Sources:", f"• {REPORT}"]


def test_edge_details_show_in_the_tooltip_between_dates_and_sources() -> None:
    graph = chain_graph()
    graph.edges["https://ex.org/a", "https://ex.org/b", 0]["details"] = [("confidence", "verified"), "note"]
    edge = dataset(render.html(graph), "edges")[0]
    assert edge["tip"].splitlines() == [
        "hostedBy",
        "2020-01-01 → …",
        "confidence: verified",
        "note",
        "Sources:",
        f"• {REPORT}",
    ]


def test_highlight_and_focus_are_emphasised() -> None:
    page = render.html(chain_graph())
    nodes = {node["id"]: node for node in dataset(page, "nodes")}
    assert nodes["https://ex.org/b"]["borderWidth"] == 4
    assert nodes["https://ex.org/b"]["color"]["border"] == render.HIGHLIGHT_COLOUR
    assert nodes["https://ex.org/d"]["borderWidth"] == 1
    assert nodes["https://ex.org/a"]["size"] > nodes["https://ex.org/b"]["size"]
    widths = [(edge["label"], edge["width"]) for edge in dataset(page, "edges")]
    assert widths[:3] == [("hostedBy", 4), ("hostedAt", 4), ("locatedIn", 1)], widths
    assert page_data(page)["focus"] == "https://ex.org/a"


def test_legend_lists_the_classes_present_with_style() -> None:
    legend = page_data(render.html(chain_graph()))["legend"]
    assert [(e["label"], e["count"]) for e in legend] == [
        ("Company", 2),
        ("Jurisdiction", 1),
        ("Public body", 1),
        ("Site", 1),
        ("Unknown", 1),
    ]
    company = next(e for e in legend if e["cls"] == "sov:Company")
    assert (company["colour"], company["shape"]) == render.PALETTE["sov:Company"]
    unknown = next(e for e in legend if e["cls"] == "ex:Unknown")
    assert unknown["colour"] not in {colour for colour, _ in render.PALETTE.values()}


def test_parallel_edges_are_curved_apart() -> None:
    edges = [edge for edge in dataset(render.html(chain_graph()), "edges") if edge["from"].endswith("/e")]
    assert "smooth" not in edges[0] and edges[1]["smooth"]["type"] == "curvedCW"


def test_over_budget_graph_gets_fixed_positions_and_no_physics() -> None:
    page = render.html(chain_graph(), physics_budget=3)
    assert all("x" in node and "y" in node for node in dataset(page, "nodes"))
    assert page_data(page)["physics"] is False
    assert '"physics": {"enabled": false' in page


def test_pyvis_looks_nodes_up_in_a_set(monkeypatch: pytest.MonkeyPatch) -> None:
    # pyvis tests each added node, and both ends of each added edge, for membership in its list of ids: a
    # scan of the list each time, quadratic on a site's whole-graph views. The page gives it a list that
    # answers from a set; if pyvis stopped asking that list, the lookups would scan again unnoticed.
    asked: list[object] = []
    answer = render._NodeIds.__contains__

    def counted(self: render._NodeIds, item: object) -> bool:
        asked.append(item)
        return answer(self, item)

    monkeypatch.setattr(render._NodeIds, "__contains__", counted)
    graph = chain_graph()
    page = render.html(graph)
    assert len(asked) >= graph.number_of_nodes() + 2 * graph.number_of_edges()
    assert {n["id"] for n in dataset(page, "nodes")} == set(graph.nodes)
    assert len(dataset(page, "edges")) == graph.number_of_edges()
    ids = render._NodeIds()
    ids.append("a")
    assert "a" in ids and "b" not in ids and list(ids) == ["a"]


def test_write_html_replaces_the_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "graph.html"
    target.write_text("old")
    render.write_html(chain_graph(), target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]
    with pytest.raises(OutputError, match="does not exist"):
        render.write_html(chain_graph(), tmp_path / "missing" / "graph.html")


# --- the page in headless Chromium -------------------------------------------------------------


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install playwright==1.65.2; never `playwright install`)"
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} is missing (run .ci/install-browser.sh)"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, with its config and cache in a temporary folder."""
    missing = browser_missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run on CI, but {missing}", pytrace=False)
        pytest.skip(f"browser tests need Chromium and Playwright: {missing}")
    from playwright.sync_api import sync_playwright

    home = tmp_path_factory.mktemp("chromium")
    env: dict[str, str | float | bool] = dict(os.environ)
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
        yield chromium
        chromium.close()


@dataclass
class Opened:
    """A loaded page and what it did: console errors, page errors, dialogs and every request."""

    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)


def open_page(browser: Any, graph: nx.MultiDiGraph, path: Path, **options: Any) -> Opened:
    """Write ``graph`` to ``path``, open it and wait until the page says it is drawn."""
    render.write_html(graph, path, **options)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    opened = Opened(page, path.resolve().as_uri())

    def route(route: Any) -> None:
        if route.request.url == opened.url:
            route.continue_()
        else:
            opened.blocked.append(route.request.url)
            route.abort()

    def dialog(dialog: Any) -> None:
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    page.route("**/*", route)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("console", lambda msg: opened.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("dialog", dialog)
    page.goto(opened.url)
    # A function, not a string: the page's CSP forbids eval, which Playwright uses for string predicates.
    page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=30_000)
    return opened


def assert_clean(opened: Opened) -> None:
    """Nothing but the file was requested, nothing failed, nothing hostile ran."""
    assert opened.errors == [], opened.errors
    assert opened.requests == [opened.url], opened.requests
    assert opened.blocked == [], opened.blocked
    assert opened.dialogs == [], opened.dialogs
    assert opened.js("() => window.__pwned") is None
    assert opened.js("() => document.querySelectorAll('img, a, iframe, object').length") == 0


def hover_node(opened: Opened, node_id: str) -> str:
    """Move the mouse onto a node and return the text of the tooltip vis-network shows."""
    x, y = opened.page.evaluate(
        """(id) => {
            const point = network.canvasToDOM(network.getPosition(id));
            const box = document.getElementById("mynetwork").getBoundingClientRect();
            return [box.left + point.x, box.top + point.y];
        }""",
        node_id,
    )
    opened.page.mouse.move(x - 40, y - 40)
    opened.page.mouse.move(x, y, steps=4)
    tooltip = opened.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    assert tooltip is not None
    text: str = tooltip.inner_text()
    return text


@pytest.mark.browser
def test_page_draws_offline_without_errors(browser: Any, tmp_path: Path) -> None:
    graph = chain_graph()
    opened = open_page(browser, graph, tmp_path / "chain.html")
    counts = opened.js("() => [network.body.data.nodes.length, network.body.data.edges.length]")
    assert counts == [graph.number_of_nodes(), graph.number_of_edges()]
    assert opened.js("() => document.querySelectorAll('#mynetwork canvas').length") == 1
    assert opened.js("() => network.physics.options.enabled") is False  # settled, then switched off
    assert_clean(opened)


@pytest.mark.browser
def test_highlight_is_styled_and_focus_selected(browser: Any, tmp_path: Path) -> None:
    opened = open_page(browser, chain_graph(), tmp_path / "chain.html")
    node = opened.js("() => network.body.data.nodes.get('https://ex.org/b')")
    assert (node["borderWidth"], node["color"]["border"]) == (4, render.HIGHLIGHT_COLOUR)
    edges = opened.js("() => network.body.data.edges.get().map((e) => [e.label, e.width, e.color.color])")
    assert edges[0] == ["hostedBy", 4, render.HIGHLIGHT_COLOUR]
    assert edges[2][1] == 1
    assert opened.js("() => network.getSelectedNodes()") == ["https://ex.org/a"]
    assert_clean(opened)


@pytest.mark.browser
def test_search_selects_and_lists_matches(browser: Any, tmp_path: Path) -> None:
    opened = open_page(browser, chain_graph(), tmp_path / "chain.html")
    opened.page.fill("#sg-search", "cloudy")
    assert sorted(opened.js("() => network.getSelectedNodes()")) == ["https://ex.org/b", "https://ex.org/e"]
    assert opened.page.locator("#sg-results button").all_inner_texts() == ["Cloudy SAS", "Cloudy Inc"]
    assert opened.page.inner_text("#sg-status") == "2 match(es)"
    opened.page.fill("#sg-search", "datacentre")  # no accent or case games needed for a miss
    assert opened.page.inner_text("#sg-status") == "No match"
    assert_clean(opened)


@pytest.mark.browser
def test_class_filter_hides_and_shows_nodes(browser: Any, tmp_path: Path) -> None:
    opened = open_page(browser, chain_graph(), tmp_path / "chain.html")
    hidden = "() => network.body.data.nodes.get({filter: (n) => n.hidden === true}).map((n) => n.id).sort()"
    opened.page.uncheck("#sg-legend input[value='sov:Company']")
    assert opened.js(hidden) == ["https://ex.org/b", "https://ex.org/e"]
    opened.page.check("#sg-legend input[value='sov:Company']")
    assert opened.js(hidden) == []
    assert_clean(opened)


@pytest.mark.browser
def test_hostile_text_never_runs_and_shows_as_text(browser: Any, tmp_path: Path) -> None:
    graph = hostile_graph()
    opened = open_page(browser, graph, tmp_path / "hostile.html")
    page = opened.page
    assert opened.js("() => network.body.data.nodes.length") == graph.number_of_nodes()
    assert page.text_content("#sg-title") == graph.graph["title"]
    assert page.text_content("#sg-note") == graph.graph["note"]
    assert opened.js("() => document.title") == graph.graph["title"]
    legend = page.text_content("#sg-legend") or ""
    assert SCRIPT in legend and IMG in legend
    tooltip = hover_node(opened, EVIL_IRI)  # before searching: the search moves the view
    for text in (IMG, EVIL_IRI, f"note: {HREF}", f"{QUOTES}: {JINJA}"):
        assert text in tooltip, (text, tooltip)
    page.fill("#sg-search", "img src")
    assert page.locator("#sg-results button").all_text_contents() == [IMG]
    page.fill("#sg-search", "")
    assert opened.js("() => network.getSelectedNodes()") == []
    edge_tip = opened.js("() => network.body.data.edges.get().map((e) => e.title)")[0]
    assert edge_tip == f"{SCRIPT} ({IMG})\n{QUOTES} → …\nSources:\n• {HREF}\n• {REPORT}"
    assert_clean(opened)


@pytest.mark.browser
def test_graph_over_budget_draws_without_physics(browser: Any, tmp_path: Path) -> None:
    graph = chain_graph()
    opened = open_page(browser, graph, tmp_path / "big.html", physics_budget=2)
    assert opened.js("() => network.body.data.nodes.length") == graph.number_of_nodes()
    assert opened.js("() => network.physics.options.enabled") is False
    assert opened.js("() => network.getSelectedNodes()") == ["https://ex.org/a"]
    assert_clean(opened)


def test_inline_page_is_a_sandboxed_srcdoc_iframe_with_the_page_escaped() -> None:
    import networkx as nx

    from sovgraph.network.render import inline

    graph = nx.MultiDiGraph(title="<b>t</b>")
    graph.add_node("https://example.org/a", label='</iframe><script>alert("x")</script>', cls="sov:Company")
    shown = inline(graph, height=300)._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert 'sandbox="allow-scripts"' in shown
    assert "height:300px" in shown
    assert "</iframe><script>" not in shown
    assert shown.count("<iframe") == 1 and shown.endswith("></iframe>")
