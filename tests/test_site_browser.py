"""The static site in real headless Chromium, opened from the file system (Debian's Chromium, Playwright).

Set up as the view tests (tests/test_render.py): skipped without Chromium or Playwright, failed on CI.
Every request is intercepted: only files of the site folder are served, anything else is recorded and
aborted, and each test ends by checking that nothing was, that the console stayed clean and that nothing
hostile ran.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from test_render import browser as shared_chromium  # noqa: F401  (a module-scoped fixture, used below)
from test_server import Running
from test_server import served as shared_server  # noqa: F401  (a fixture: sovgraph serve, used below)
from test_site import AS_OF, QUERY_PAGE, built_site, hostile_site

import sovgraph

SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshot-site.png"


@pytest.fixture
def chromium(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue("shared_chromium")


@pytest.fixture(scope="module")
def site(kg: sovgraph.KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(kg, tmp_path_factory)


@dataclass
class Visit:
    """A browser tab on the site, and what it did: errors, dialogs, requests inside and outside the site."""

    page: Any
    folder: Path
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)


def visit(chromium: Any, folder: Path, path: str) -> Visit:
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    opened = Visit(page, folder)
    inside = folder.resolve().as_uri() + "/"

    def route(route: Any) -> None:
        if route.request.url.startswith(inside):
            route.continue_()
        else:
            opened.outside.append(route.request.url)
            route.abort()

    def dialog(dialog: Any) -> None:
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    page.route("**/*", route)
    page.on("console", lambda msg: opened.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("dialog", dialog)
    page.goto(inside + path)
    return opened


def assert_clean(opened: Visit) -> None:
    assert opened.errors == [], opened.errors
    assert opened.outside == [], opened.outside
    assert opened.dialogs == [], opened.dialogs
    assert opened.js("() => window.__pwned") is None


def wait_drawn(opened: Visit) -> None:
    # A function, not a string: the pages' policy forbids eval, which Playwright uses for string predicates.
    opened.page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=30_000)


@pytest.mark.browser
def test_search_emc2_follow_its_chain_to_the_cloud_act_and_switch_language(chromium: Any, site: Path) -> None:
    opened = visit(chromium, site, "index.html")
    page = opened.page
    assert page.title().endswith("— sovgraph")
    page.fill("#q", "emc2")  # case does not matter
    page.press("#q", "Enter")
    page.wait_for_url("**/search.en.html?q=emc2")
    wait_drawn(opened)
    first = page.locator("#search-results a").first
    assert first.text_content() == "EMC2, multi-centre health-data warehouse"
    first.click()
    page.wait_for_url("**/id/emc2.en.html")
    assert page.text_content("h1") == "EMC2, multi-centre health-data warehouse"
    chain = page.locator('section[data-query="chain"]')
    chain.get_by_role("link", name="CLOUD Act (Clarifying Lawful Overseas Use of Data Act)").first.click()
    page.wait_for_url("**/id/cloud-act.en.html")
    assert page.text_content("h1") == "CLOUD Act (Clarifying Lawful Overseas Use of Data Act)"
    page.click("#lang-switch")
    page.wait_for_url("**/id/cloud-act.fr.html")
    assert opened.js("() => document.documentElement.lang") == "fr"
    assert_clean(opened)


@pytest.mark.browser
def test_search_ignores_accents_and_finds_french_names(chromium: Any, site: Path) -> None:
    opened = visit(chromium, site, "search.fr.html?q=ETATS-UNIS")
    wait_drawn(opened)
    names = opened.page.locator("#search-results a").all_text_contents()
    assert "États-Unis" in names
    assert_clean(opened)


@pytest.mark.browser
def test_a_source_link_is_the_source_url(chromium: Any, site: Path) -> None:
    opened = visit(chromium, site, "id/cnil-deliberation-2023-146.en.html")
    page = opened.page
    footnote = page.locator("section.sources li", has_text="Légifrance, CNIL deliberation no. 2023-146")
    href = footnote.locator("a.source-url").get_attribute("href")
    assert href == "https://www.legifrance.gouv.fr/cnil/id/CNILTEXT000049057224"
    number = footnote.get_attribute("id")
    page.locator(f'sup.ref a[href="#{number}"]').first.click()  # a citation jumps to its footnote
    assert page.url.endswith(f"#{number}")
    assert_clean(opened)


@pytest.mark.browser
def test_the_entity_network_opens_a_page_on_click(chromium: Any, site: Path) -> None:
    opened = visit(chromium, site, "id/microsoft-azure.en.html")
    wait_drawn(opened)
    target = "https://w3id.org/sovgraph/id/microsoft-ireland-operations"
    labels = opened.js("() => sovgraphNetwork.body.data.edges.get().map((e) => e.label)")
    assert labels and all(label in (None, " ") for label in labels)  # edge labels wait for hover or zoom
    x, y = opened.page.evaluate(
        """(id) => {
            document.getElementById("sg-network").scrollIntoView();
            const point = sovgraphNetwork.canvasToDOM(sovgraphNetwork.getPosition(id));
            const box = document.getElementById("sg-network").getBoundingClientRect();
            return [box.left + point.x, box.top + point.y];
        }""",
        target,
    )
    opened.page.mouse.click(x, y)
    opened.page.wait_for_url("**/id/microsoft-ireland-operations.en.html")
    assert_clean(opened)


@pytest.mark.browser
def test_a_network_view_page_links_nodes_to_their_pages(chromium: Any, site: Path) -> None:
    opened = visit(chromium, site, "network/dependencies.en.html")
    wait_drawn(opened)
    shown = opened.js("() => network.body.data.edges.get().filter((e) => e.label.trim() !== '').length")
    assert shown == 0  # no pile of edge labels at first sight
    box = opened.page.locator("#mynetwork").bounding_box()
    opened.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    labelled = "() => network.body.data.edges.get().some((e) => e.label.trim() !== '')"
    for _ in range(60):  # zoom in with the wheel, as a reader does, until the labels show (a large view
        opened.page.mouse.wheel(0, -400)  # starts further out)
        opened.page.wait_for_timeout(50)
        if opened.js(labelled):
            break
    opened.page.wait_for_function(labelled, timeout=5_000)
    emc2 = "https://w3id.org/sovgraph/id/emc2"
    x, y = opened.page.evaluate(
        """(id) => {
            network.focus(id, { scale: 1.5, animation: false });
            const point = network.canvasToDOM(network.getPosition(id));
            const box = document.getElementById("mynetwork").getBoundingClientRect();
            return [box.left + point.x, box.top + point.y];
        }""",
        emc2,
    )
    opened.page.mouse.click(x, y)
    opened.page.wait_for_url("**/id/emc2.en.html")
    assert_clean(opened)


@pytest.mark.browser
def test_hostile_data_stays_inert_in_the_browser(
    chromium: Any, root: Path, fixtures: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    site = hostile_site(root, fixtures, tmp_path_factory)
    for path in ("id/evil-platform.en.html", "id/evil-corp.fr.html", "id/src-javascript.en.html"):
        opened = visit(chromium, site, path)
        if path.startswith("id/evil"):
            wait_drawn(opened)
        assert opened.js("() => document.querySelectorAll('script:not([src]):not([type])').length") == 0
        hrefs = opened.js("() => [...document.querySelectorAll('a')].map((a) => a.getAttribute('href'))")
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], hrefs
        assert_clean(opened)
    opened = visit(chromium, site, "id/evil-platform.en.html")
    wait_drawn(opened)
    assert opened.page.text_content("h1") == '<img src=x onerror="window.__pwned=1;alert(1)">'
    inert = opened.page.locator("code.inert-url").all_text_contents()
    assert "javascript:window.__pwned=1;alert(1)" in inert
    links = opened.js("() => [...document.querySelectorAll('a.source-url')].map((a) => a.href)")
    assert links == ["https://example.org/report?a=%22%3E%3Cimg%20src=x%20onerror=window.__pwned=1%3E"]
    assert_clean(opened)


@pytest.mark.browser
def test_the_query_links_are_there_and_the_site_works_without_a_server(chromium: Any, site: Path) -> None:
    """No server answers at QUERY_PAGE: the links are there, and no page asks anything of it."""
    opened = visit(chromium, site, "id/emc2.en.html")
    wait_drawn(opened)
    link = opened.page.locator("a.query-entity")
    assert link.text_content() == "Query this entity"
    assert link.get_attribute("href") == QUERY_PAGE + "?entity=https%3A%2F%2Fw3id.org%2Fsovgraph%2Fid%2Femc2"
    assert opened.page.locator("header.site a.query-page").get_attribute("href") == QUERY_PAGE
    opened.page.click('a[href="../kind/verified-in-source.en.html"] >> nth=0')  # a confidence: its page
    opened.page.wait_for_url("**/kind/verified-in-source.en.html")
    assert opened.page.text_content("h1") == "verified in source"
    assert opened.page.locator("a.query-entity").count() == 1
    opened.page.click("header.site >> text=Controlled lists")
    opened.page.wait_for_url("**/concepts.en.html")
    opened.page.fill("#q", "filiale")
    opened.page.press("#q", "Enter")
    opened.page.wait_for_url("**/search.en.html?q=filiale")
    wait_drawn(opened)
    opened.page.locator("#search-results a", has_text="subsidiary").first.click()
    opened.page.wait_for_url("**/kind/subsidiary.en.html")
    assert_clean(opened)


@pytest.mark.browser
def test_a_query_link_opens_a_ready_query_on_the_served_query_page(
    chromium: Any, site: Path, request: pytest.FixtureRequest
) -> None:
    serving: Running = request.getfixturevalue("shared_server")  # skipped, or failed on CI, without Oxigraph
    url = f"http://127.0.0.1:{serving.port}/"
    href = (site / "id" / "emc2.en.html").read_text(encoding="utf-8").split('class="query-entity" href="')[1]
    href = href.split('"')[0].replace(QUERY_PAGE, url)  # the site's link, to this test's server
    page = chromium.new_page()
    blocked: list[str] = []
    errors: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith(url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(href)
    page.wait_for_selector("body[data-ready=true]")
    query = page.evaluate("() => window.sovgraphYasgui.getTab().getQuery()")
    assert "VALUES ?entity { <https://w3id.org/sovgraph/id/emc2> }" in query
    assert "PREFIX sov: <https://w3id.org/sovgraph/ontology#>" in query
    page.wait_for_selector(".yasr [data-labelled=true]", timeout=30_000)  # it ran at once
    cells = page.eval_on_selector_all("table.sovgraph-labels td", "tds => tds.map(td => td.textContent)")
    assert "EMC2, multi-centre health-data warehouse" in cells  # the entity, as subject and object
    assert "EMC2 hosted on Microsoft Azure in France by Microsoft Ireland" in cells  # what points to it
    # an address that would break out of the IRI is ignored: the page keeps its starting query
    page.goto(url + "?entity=" + "https%3A%2F%2Fx.example%2F%3E%20%7D%20DROP%20ALL%20%23")
    page.wait_for_selector("body[data-ready=true]")
    query = page.evaluate("() => window.sovgraphYasgui.getTab().getQuery()")
    assert "DROP" not in query and "?entity" not in query and "sov:Platform" in query
    assert blocked == [] and errors == [], (blocked, errors)
    page.close()


@pytest.mark.browser
def test_screenshot_of_an_entity_page(chromium: Any, site: Path, tmp_path: Path) -> None:
    """An entity page as people see it (SOVGRAPH_UPDATE_SCREENSHOT=1 saves it as docs/screenshot-site.png)."""
    opened = visit(chromium, site, "id/emc2.en.html")
    opened.page.set_viewport_size({"width": 1280, "height": 1500})
    wait_drawn(opened)
    target = SCREENSHOT if os.environ.get("SOVGRAPH_UPDATE_SCREENSHOT") else tmp_path / "site.png"
    opened.page.screenshot(path=str(target))
    assert target.stat().st_size > 20_000
    assert_clean(opened)


__all__ = ["AS_OF"]
