"""Render a graph as one self-contained, interactive, offline HTML page (the only module that imports pyvis).

The input is a :class:`networkx.MultiDiGraph` (a plain ``DiGraph`` also works) in this shape; every text in
it is untrusted and is only ever shown as text:

- graph attributes: ``title`` (page title and heading), optional ``note`` (a line shown under the heading,
  e.g. ``"aggregated: 5,000 nodes over budget"``), optional ``lang`` (``"fr"`` or ``"en"``, the default);
- node id: the entity IRI (``str``); node attributes: ``label``, ``cls`` (short class name such as
  ``"sov:Company"``), ``cls_label`` (human class label), optional ``details`` (a list of ``(key, value)``
  string pairs for the tooltip: dates, sources...), optional ``highlight`` (``True`` on the focused
  dependency chain) and ``focus`` (``True`` on the focused entity);
- edge ``(u, v, key)``: attributes ``label``, ``kind`` (short predicate), optional ``start`` and ``end``
  (dates as strings), optional ``details`` (``(key, value)`` pairs for the tooltip, as for nodes), optional
  ``sources`` (a list of URLs or titles) and ``highlight``.

The page shows a legend of the classes present (colour and shape; the tick boxes filter by class), a search
box over node labels, tooltips with class, dates and sources, and emphasises the highlighted chain. Graphs
over ``physics_budget`` nodes get a cheap spiral layout instead of a force simulation. For tests the page
exposes ``window.network`` (the vis-network object) and sets ``document.body.dataset.ready = "1"`` once drawn.

Example::

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph(title="Who hosts what")
    >>> g.add_node("https://ex.org/a", label="Acme", cls="sov:Company", cls_label="Company")
    >>> g.add_node("https://ex.org/s", label="Site", cls="sov:Site", cls_label="Site")
    >>> _ = g.add_edge("https://ex.org/a", "https://ex.org/s", label="hosted at", kind="hostedAt")
    >>> page = html(g)
    >>> "<h1 id=\\"sg-title\\">Who hosts what</h1>" in page and "cdn.jsdelivr" not in page
    True
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyvis.network import Network

from sovgraph.errors import OutputError
from sovgraph.files import write_atomic

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "DEFAULT_PHYSICS_BUDGET",
    "HIGHLIGHT_COLOUR",
    "PALETTE",
    "InlinePage",
    "html",
    "inline",
    "write_html",
]

DEFAULT_PHYSICS_BUDGET = 3000
"""Above this many nodes the page skips the force simulation and uses a precomputed spiral layout."""

HIGHLIGHT_COLOUR = "#d62728"
"""Border of highlighted nodes and colour of highlighted edges (no class uses it)."""

# Class -> (colour, vis-network shape). Shapes all draw their label below, so sizes stay comparable.
PALETTE: dict[str, tuple[str, str]] = {
    "sov:Person": ("#9467bd", "dot"),
    "sov:Organisation": ("#7f7f7f", "dot"),
    "sov:Company": ("#ff7f0e", "dot"),
    "sov:Association": ("#bcbd22", "dot"),
    "sov:Collaboration": ("#dbdb8d", "hexagon"),
    "sov:PublicBody": ("#1f77b4", "square"),
    "sov:Authority": ("#17becf", "square"),
    "sov:Court": ("#393b79", "square"),
    "sov:ParliamentaryBody": ("#6b6ecf", "square"),
    "sov:Jurisdiction": ("#2ca02c", "triangle"),
    "sov:Site": ("#8c564b", "triangleDown"),
    "sov:Law": ("#e377c2", "diamond"),
    "sov:LawArticle": ("#f7b6d2", "diamond"),
    "sov:Decision": ("#c49c94", "diamond"),
    "sov:CertificationScheme": ("#98df8a", "star"),
    "sov:SchemeVersion": ("#5f9e54", "star"),
    "sov:Platform": ("#aec7e8", "hexagon"),
    "sov:CloudService": ("#9edae5", "hexagon"),
    "sov:DataAsset": ("#ffbb78", "square"),
    "sov:DataSource": ("#c5b0d5", "triangle"),
    "sov:Source": ("#c7c7c7", "dot"),
}
_FALLBACK_COLOURS = ("#8dd3c7", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#bc80bd")

_UI: dict[str, dict[str, str]] = {
    "en": {
        "search": "Search an entity by name",
        "matches": "match(es)",
        "none": "No match",
        "layout": "Laying out the graph…",
        "legend": "Classes (untick to hide)",
        "other": "Other",
        "class": "Class",
        "sources": "Sources",
    },
    "fr": {
        "search": "Rechercher une entité par son nom",
        "matches": "résultat(s)",
        "none": "Aucun résultat",
        "layout": "Mise en place du graphe…",
        "legend": "Classes (décocher pour masquer)",
        "other": "Autre",
        "class": "Classe",
        "sources": "Sources",
    },
}

_NODE_SIZE, _FOCUS_SIZE, _SPIRAL_SPACING = 16, 28, 45.0


def html(graph: nx.MultiDiGraph, *, physics_budget: int = DEFAULT_PHYSICS_BUDGET) -> str:
    """The interactive page for ``graph`` (see the module docstring for its shape), as one HTML string.

    Raises :class:`~sovgraph.errors.OutputError` if the page would load anything from the network.
    """
    ui = _UI.get(str(graph.graph.get("lang", "en")), _UI["en"])
    physics = 0 < graph.number_of_nodes() <= physics_budget
    net = Network(height="100%", width="100%", directed=True, heading="", cdn_resources="in_line")
    net.node_ids = _NodeIds()
    net.options = _options(graph.number_of_nodes(), physics)
    positions = None if physics else _spiral(graph)
    for node, attrs in graph.nodes(data=True):
        net.add_node(str(node), **_node(str(node), attrs, ui, positions))
    for index, (source, target, attrs, offset) in enumerate(_edges(graph)):
        net.add_edge(str(source), str(target), **_edge(f"e{index}", attrs, offset, ui))
    page = _assemble(net.generate_html(), graph, ui, physics)
    _check_self_contained(page)
    return page


def write_html(
    graph: nx.MultiDiGraph, path: Path | str, *, physics_budget: int = DEFAULT_PHYSICS_BUDGET
) -> None:
    """Write :func:`html` of ``graph`` to ``path`` atomically (a temporary file, then a rename)."""
    page = html(graph, physics_budget=physics_budget)
    write_atomic(Path(path), page.encode("utf-8"))


# --- nodes and edges -------------------------------------------------------------------------------------


class _NodeIds(list[object]):
    """pyvis' list of node ids, with a set beside it for membership.

    pyvis looks a node up in that list when a node is added, and both ends of each edge when an edge is: on a
    view of 10,000 nodes and 20,000 edges, hundreds of millions of comparisons. pyvis only appends to the
    list and tests membership in it; the set answers the second in constant time.
    """

    def __init__(self) -> None:
        super().__init__()
        self._members: set[object] = set()

    def append(self, item: object) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _text(value: object, default: str = "") -> str:
    """An attribute as text; ``None`` becomes ``default``."""
    return default if value is None else str(value)


def _style(cls: str) -> tuple[str, str]:
    """Colour and shape of a class; unknown classes get a stable colour from a spare list and a dot."""
    if cls in PALETTE:
        return PALETTE[cls]
    digest = hashlib.sha256(cls.encode("utf-8")).digest()
    return _FALLBACK_COLOURS[digest[0] % len(_FALLBACK_COLOURS)], "dot"


def _node(
    iri: str, attrs: dict[str, Any], ui: dict[str, str], positions: dict[str, tuple[float, float]] | None
) -> dict[str, Any]:
    """The vis-network options of one node: style, emphasis, tooltip text (``tip``) and class (``cls``)."""
    cls = _text(attrs.get("cls"))
    colour, shape = _style(cls)
    label = _text(attrs.get("label"), iri)
    emphasis = bool(attrs.get("highlight")) or bool(attrs.get("focus"))
    border = HIGHLIGHT_COLOUR if emphasis else "#4d4d4d"
    active = {"background": colour, "border": HIGHLIGHT_COLOUR if emphasis else "#000000"}
    options: dict[str, Any] = {
        "label": label,
        "shape": shape,
        "color": {"background": colour, "border": border, "highlight": active, "hover": active},
        "borderWidth": 4 if emphasis else 1,
        "borderWidthSelected": 6 if emphasis else 3,
        "size": _FOCUS_SIZE if attrs.get("focus") else _NODE_SIZE,
        "cls": cls,
        "tip": _node_tip(iri, label, attrs, ui),
    }
    if positions is not None:
        options["x"], options["y"] = positions[iri]
    return options


def _node_tip(iri: str, label: str, attrs: dict[str, Any], ui: dict[str, str]) -> str:
    """Tooltip of a node as plain text lines: label, class, IRI, then the detail pairs."""
    cls = _text(attrs.get("cls"))
    cls_label = _text(attrs.get("cls_label"), cls or ui["other"])
    lines = [label, f"{ui['class']}: {cls_label}" + (f" ({cls})" if cls and cls != cls_label else ""), iri]
    return "\n".join(lines + _detail_lines(attrs))


def _detail_lines(attrs: dict[str, Any]) -> list[str]:
    """The ``details`` of a node or edge as ``key: value`` lines."""
    lines = []
    for pair in attrs.get("details") or ():
        if isinstance(pair, (list, tuple)) and len(pair) == 2:
            lines.append(f"{_text(pair[0])}: {_text(pair[1])}")
        else:
            lines.append(_text(pair))
    return lines


def _edges(graph: nx.MultiDiGraph) -> list[tuple[Any, Any, dict[str, Any], int]]:
    """Every edge with its rank among the edges joining the same two nodes (to curve parallel edges)."""
    triples = graph.edges(data=True)
    seen: dict[frozenset[str], int] = {}
    ranked = []
    for source, target, attrs in triples:
        pair = frozenset((str(source), str(target)))
        seen[pair] = seen.get(pair, -1) + 1
        ranked.append((source, target, attrs, seen[pair]))
    return ranked


def _edge(edge_id: str, attrs: dict[str, Any], rank: int, ui: dict[str, str]) -> dict[str, Any]:
    """The vis-network options of one edge: label, emphasis, curvature and tooltip text (``tip``)."""
    emphasis = bool(attrs.get("highlight"))
    colour = HIGHLIGHT_COLOUR if emphasis else "#8a8a8a"
    options: dict[str, Any] = {
        "id": edge_id,
        "label": _text(attrs.get("label"), _text(attrs.get("kind"))),
        "width": 4 if emphasis else 1,
        "color": {"color": colour, "highlight": colour if emphasis else "#000000", "hover": colour},
        "tip": _edge_tip(attrs, ui),
    }
    if rank > 0:
        side = "curvedCW" if rank % 2 else "curvedCCW"
        options["smooth"] = {"enabled": True, "type": side, "roundness": 0.25 * ((rank + 1) // 2)}
    return options


def _edge_tip(attrs: dict[str, Any], ui: dict[str, str]) -> str:
    """Tooltip of an edge as plain text lines: label and predicate, dates, details, one line per source."""
    label, kind = _text(attrs.get("label")), _text(attrs.get("kind"))
    lines = [f"{label} ({kind})" if kind and kind != label else label or kind]
    start, end = _text(attrs.get("start")), _text(attrs.get("end"))
    if start or end:
        lines.append(f"{start or '…'} → {end or '…'}")
    lines += _detail_lines(attrs)
    sources = [_text(source) for source in attrs.get("sources") or ()]
    if sources:
        lines.append(f"{ui['sources']}:")
        lines.extend(f"• {source}" for source in sources)
    return "\n".join(lines)


def _spiral(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """A cheap layout for big graphs: a sunflower spiral with the best connected nodes in the middle."""
    order = sorted(graph.nodes, key=lambda node: (-graph.degree(node), str(node)))
    turn = math.pi * (3 - math.sqrt(5))
    return {
        str(node): (
            round(_SPIRAL_SPACING * math.sqrt(i) * math.cos(i * turn), 1),
            round(_SPIRAL_SPACING * math.sqrt(i) * math.sin(i * turn), 1),
        )
        for i, node in enumerate(order)
    }


def _options(n_nodes: int, physics: bool) -> dict[str, Any]:
    """vis-network options: a bounded forceAtlas2 stabilisation, or no physics at all for big graphs."""
    iterations = max(100, min(1000, 200_000 // max(n_nodes, 1)))
    big = n_nodes > 500
    font = {"face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}
    return {
        "nodes": {"font": {**font, "size": 14}},
        "edges": {
            "font": {**font, "size": 11, "color": "#444444", "align": "middle"},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "smooth": {"enabled": physics, "type": "continuous", "roundness": 0.2},
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "multiselect": True, "hideEdgesOnDrag": big},
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 150},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "centralGravity": 0.01,
                "springLength": 120,
                "springConstant": 0.08,
                "damping": 0.6,
                "avoidOverlap": 0.2,
                "theta": 0.9,
            },
            "maxVelocity": 50,
            "minVelocity": 1,
            "timestep": 0.5,
            "adaptiveTimestep": True,
            "stabilization": {"enabled": physics, "iterations": iterations, "updateInterval": 25},
        },
    }


# --- the page ---------------------------------------------------------------------------------------------

_BOOTSTRAP_TAGS = (
    re.compile(r'<link\s[^>]*href="https://cdn\.jsdelivr\.net/npm/bootstrap@[^"]*"[^>]*>'),
    re.compile(r'<script\s[^>]*src="https://cdn\.jsdelivr\.net/npm/bootstrap@[^"]*"[^>]*>\s*</script>'),
)
_JUNK = (
    re.compile(r"<center>\s*<h1></h1>\s*</center>"),  # pyvis' own heading, twice; ours is escaped
    re.compile(r"<!-- <link rel=\"stylesheet\" href=\"\.\./node_modules.*?-->", re.DOTALL),
)
_DRAW_CALL = re.compile(r"drawGraph\(\);\s*</script>")
_SCRIPT = re.compile(r"<script(?:\s[^>]*)?>(.*?)</script>", re.DOTALL)


def _assemble(page: str, graph: nx.MultiDiGraph, ui: dict[str, str], physics: bool) -> str:
    """Turn pyvis' page into ours: no remote tags, our head and header, the init call, a strict CSP."""
    for pattern in _BOOTSTRAP_TAGS:
        page = _replace_once(pattern, "", page)
    for pattern in _JUNK:
        page = pattern.sub("", page)
    lang = "fr" if ui is _UI["fr"] else "en"
    title = html_lib.escape(_text(graph.graph.get("title"), "sovgraph"))
    head = f'<meta charset="utf-8">\n<title>{title}</title>\n<style>{_CSS}</style>'
    page = "<!DOCTYPE html>\n" + _replace_once(re.compile(r"^<html>"), f'<html lang="{lang}">', page)
    page = _replace_once(re.compile(r'<meta charset="utf-8">'), head, page)
    body = "<body>\n" + _header(graph, ui) + _data_script(graph, ui, physics) + f"<script>{_JS}</script>\n"
    page = _replace_once(re.compile(r"<body>"), body, page)
    page = _replace_once(_DRAW_CALL, "drawGraph();\n sovgraphInit(network, nodes, edges);\n</script>", page)
    return _add_csp(page)


def _replace_once(pattern: re.Pattern[str], replacement: str, page: str) -> str:
    """Replace the one expected match of ``pattern``; anything else means pyvis' template has changed."""
    new, count = pattern.subn(lambda _: replacement, page, count=2)
    if count != 1:
        raise OutputError(
            f"pyvis page: expected one match of {pattern.pattern!r}, found {count}; the pyvis template has "
            f"changed and sovgraph.network.render must be updated before it can write a safe offline page."
        )
    return new


def _header(graph: nx.MultiDiGraph, ui: dict[str, str]) -> str:
    """Title, note, search box and legend container; every data-derived text is HTML-escaped."""
    esc = html_lib.escape
    note = _text(graph.graph.get("note"))
    prompt = esc(ui["search"])
    parts = [
        '<header id="sg-header">',
        f'<h1 id="sg-title">{esc(_text(graph.graph.get("title"), "sovgraph"))}</h1>',
        f'<p id="sg-note">{esc(note)}</p>' if note else "",
        '<div id="sg-tools">',
        f'<input id="sg-search" type="search" placeholder="{prompt}" aria-label="{prompt}">',
        '<span id="sg-status" role="status"></span></div>',
        '<ul id="sg-results"></ul>',
        f'<div id="sg-legend" role="group" aria-label="{esc(ui["legend"])}"></div>',
        "</header>\n",
    ]
    return "\n".join(part for part in parts if part)


def _data_script(graph: nx.MultiDiGraph, ui: dict[str, str], physics: bool) -> str:
    """What the page script needs (legend, focus, strings) as inert JSON that cannot close its tag."""
    focus = next((str(node) for node, flag in graph.nodes(data="focus") if flag), None)
    data = {"legend": _legend(graph, ui), "focus": focus, "physics": physics, "ui": ui}
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="sg-data">{text}</script>\n'


def _legend(graph: nx.MultiDiGraph, ui: dict[str, str]) -> list[dict[str, Any]]:
    """One entry per class present: class, label, colour, shape and node count, sorted by label."""
    entries: dict[str, dict[str, Any]] = {}
    for _, attrs in graph.nodes(data=True):
        cls = _text(attrs.get("cls"))
        if cls not in entries:
            colour, shape = _style(cls)
            label = _text(attrs.get("cls_label"), cls or ui["other"])
            entries[cls] = {"cls": cls, "label": label, "colour": colour, "shape": shape, "count": 0}
        entries[cls]["count"] += 1
    return sorted(entries.values(), key=lambda entry: (entry["label"].casefold(), entry["cls"]))


def _add_csp(page: str) -> str:
    """Add a Content-Security-Policy that allows exactly the page's own scripts and no request at all."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in _SCRIPT.findall(page)
    )
    policy = (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return page.replace('<meta charset="utf-8">', f'<meta charset="utf-8">\n{meta}', 1)


class _ResourceFinder(HTMLParser):
    """Collects the ``src``/``href`` attributes of every tag (script and style bodies are not parsed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls.extend(value for name, value in attrs if name in ("src", "href") and value)


def _check_self_contained(page: str) -> None:
    """Refuse a page whose tags would fetch anything remote, or whose tooltips would run HTML."""
    finder = _ResourceFinder()
    finder.feed(page)
    finder.close()
    remote = [url for url in finder.urls if re.match(r"\s*(https?:)?//", url, re.IGNORECASE)]
    if remote or "popup.innerHTML" in page:
        raise OutputError(
            f"pyvis page: it would load {remote or 'tooltips as HTML'}; sovgraph writes only self-contained, "
            f"offline pages, so the pyvis template has changed and sovgraph.network.render must be updated."
        )


_CSS = """
html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, "DejaVu Sans", sans-serif; color: #222; }
body { display: flex; flex-direction: column; }
#sg-header { padding: 8px 12px 6px; border-bottom: 1px solid #ddd; }
#sg-title { font-size: 20px; margin: 0 0 2px; overflow-wrap: anywhere; }
#sg-note { margin: 0 0 4px; color: #8a4b00; overflow-wrap: anywhere; }
#sg-tools { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
#sg-search { width: 24em; max-width: 100%; padding: 4px 6px; font: inherit; }
#sg-status { color: #555; }
#sg-results { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px;
  max-height: 4.6em; overflow: auto; }
#sg-results:empty { display: none; }
#sg-results button { font: inherit; font-size: 12px; cursor: pointer; }
#sg-legend { display: flex; flex-wrap: wrap; gap: 2px 14px; margin-top: 6px; font-size: 13px; }
.sg-chip { display: inline-flex; align-items: center; gap: 4px; cursor: pointer; }
.card { flex: 1; min-height: 0; position: relative; }
#mynetwork { float: none !important; border: 0 !important; }
#loadingBar { display: none !important; }
div.vis-tooltip { white-space: pre-wrap !important; max-width: 42em; overflow-wrap: anywhere;
  font: 12px/1.4 system-ui, "DejaVu Sans", sans-serif !important; }
"""

_JS = """
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const POINTS = {
    square: "1,1 13,1 13,13 1,13", diamond: "7,0 14,7 7,14 0,7", triangle: "7,1 13.5,13 0.5,13",
    triangleDown: "0.5,1 13.5,1 7,13", hexagon: "7,0 13,3.5 13,10.5 7,14 1,10.5 1,3.5",
    star: "7,0 8.8,4.6 13.7,4.8 9.9,7.9 11.2,12.7 7,10 2.8,12.7 4.1,7.9 0.3,4.8 5.2,4.6",
  };
  const MARKS = /[\\u0300-\\u036f]/g;
  const fold = (value) => String(value ?? "").normalize("NFD").replace(MARKS, "").toLowerCase();

  function textElement(tag, text) {
    const element = document.createElement(tag);
    element.textContent = text;
    return element;
  }

  function swatch(shape, colour) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 14 14");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    const mark = document.createElementNS(SVG, shape in POINTS ? "polygon" : "circle");
    if (shape in POINTS) mark.setAttribute("points", POINTS[shape]);
    else { mark.setAttribute("cx", "7"); mark.setAttribute("cy", "7"); mark.setAttribute("r", "6"); }
    mark.setAttribute("fill", colour);
    mark.setAttribute("stroke", "#4d4d4d");
    svg.appendChild(mark);
    return svg;
  }

  function legend(data, nodes) {
    const box = document.getElementById("sg-legend");
    for (const entry of data.legend) {
      const chip = document.createElement("label");
      chip.className = "sg-chip";
      chip.title = entry.cls;
      const tick = document.createElement("input");
      tick.type = "checkbox";
      tick.checked = true;
      tick.value = entry.cls;
      tick.addEventListener("change", () => {
        const ids = nodes.get({ filter: (node) => node.cls === entry.cls, fields: ["id"] });
        nodes.update(ids.map((node) => ({ id: node.id, hidden: !tick.checked })));
      });
      const name = textElement("span", `${entry.label} (${entry.count})`);
      chip.append(tick, swatch(entry.shape, entry.colour), name);
      box.appendChild(chip);
    }
  }

  function show(network, ids) {
    network.selectNodes(ids);
    network.focus(ids[0], { scale: Math.max(network.getScale(), 1), animation: { duration: 300 } });
  }

  function search(data, network, nodes, status) {
    const input = document.getElementById("sg-search");
    const list = document.getElementById("sg-results");
    input.addEventListener("input", () => {
      const query = fold(input.value.trim());
      list.replaceChildren();
      if (query === "") { status.textContent = ""; network.unselectAll(); return; }
      const hits = nodes.get({ filter: (node) => !node.hidden && fold(node.label).includes(query) });
      status.textContent = hits.length ? `${hits.length} ${data.ui.matches}` : data.ui.none;
      for (const hit of hits.slice(0, 30)) {
        const button = textElement("button", hit.label);
        button.type = "button";
        button.addEventListener("click", () => show(network, [hit.id]));
        const item = document.createElement("li");
        item.appendChild(button);
        list.appendChild(item);
      }
      if (hits.length) show(network, hits.map((node) => node.id));
    });
  }

  function settle(data, network, nodes, status) {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (data.physics) network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      if (data.focus !== null && nodes.get(data.focus) !== null) {
        network.selectNodes([data.focus]);
        // Centre on the focus only when the whole graph is too small to read; otherwise keep it all in view.
        if (network.getScale() < 0.7) network.focus(data.focus, { scale: 1, animation: false });
      }
      status.textContent = "";
      network.once("afterDrawing", () => { document.body.dataset.ready = "1"; });
      network.redraw();
    };
    if (!data.physics) { finish(); return; }
    status.textContent = data.ui.layout;
    network.on("stabilizationProgress", (p) => {
      status.textContent = `${data.ui.layout} ${Math.round((100 * p.iterations) / p.total)} %`;
    });
    network.once("stabilizationIterationsDone", finish);
  }

  // Tooltips are plain strings, which vis-network renders with innerText; they are set here rather than
  // given to pyvis as `title`, so pyvis never switches to its innerHTML popup.
  window.sovgraphInit = function (network, nodes, edges) {
    const data = JSON.parse(document.getElementById("sg-data").textContent);
    const status = document.getElementById("sg-status");
    nodes.update(nodes.get({ fields: ["id", "tip"] }).map((node) => ({ id: node.id, title: node.tip })));
    edges.update(edges.get({ fields: ["id", "tip"] }).map((edge) => ({ id: edge.id, title: edge.tip })));
    legend(data, nodes);
    search(data, network, nodes, status);
    settle(data, network, nodes, status);
  };
})();
"""


@dataclass(frozen=True)
class InlinePage:
    """A rendered page shown inline in a notebook: a sandboxed ``<iframe srcdoc>``, offline."""

    page: str
    height: int = 640

    def _repr_html_(self) -> str:
        from html import escape

        return (
            f'<iframe srcdoc="{escape(self.page, quote=True)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd"></iframe>'
        )


def inline(graph: nx.MultiDiGraph, *, height: int = 640) -> InlinePage:
    """The page of ``graph`` for inline display in a notebook (the cell's output holds the whole page)."""
    return InlinePage(html(graph), height)
