// The small network of an entity page, drawn by vis-network from the JSON block of the page. Labels and
// tooltips are plain strings (vis-network shows them as text); a click on a node opens its page; edge
// labels show on hover, on the selected node's edges, and everywhere once zoomed in.
(function () {
  "use strict";
  const box = document.getElementById("sg-network");
  const data = JSON.parse(document.getElementById("sg-network-data").textContent);
  const nodes = new vis.DataSet(data.nodes.map((n) => ({
    id: n.id, label: n.label, title: n.tip, shape: n.shape, url: n.url,
    color: { background: n.colour, border: n.focus ? "#d62728" : "#4d4d4d" },
    borderWidth: n.focus || n.highlight ? 3 : 1, size: n.focus ? 24 : 14,
  })));
  const edges = new vis.DataSet(data.edges.map((e, i) => ({
    id: `e${i}`, from: e.from, to: e.to, title: e.tip, text: e.label, label: undefined,
    color: { color: e.highlight ? "#d62728" : "#8a8a8a" }, width: e.highlight ? 3 : 1,
  })));
  const network = new vis.Network(box, { nodes, edges }, {
    nodes: { font: { size: 13, strokeWidth: 3, strokeColor: "#ffffff" } },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } }, font: { size: 11, align: "middle" },
      smooth: { enabled: true, type: "continuous" } },
    interaction: { hover: true, tooltipDelay: 120, keyboard: { enabled: true, bindToWindow: false } },
    physics: { solver: "forceAtlas2Based", stabilization: { iterations: 300 } },
    layout: { randomSeed: 7 },
  });
  const ZOOMED = 1.4;
  let shown = new Set();
  function labels(ids) {
    const wanted = new Set(ids);
    const changes = [];
    edges.forEach((edge) => {
      const on = wanted.has(edge.id);
      if (on !== shown.has(edge.id)) changes.push({ id: edge.id, label: on ? edge.text : " " });
    });
    shown = wanted;
    if (changes.length) edges.update(changes);
  }
  function refresh(extra) {
    if (network.getScale() >= ZOOMED) { labels(edges.getIds()); return; }
    const ids = new Set(extra || []);
    for (const node of network.getSelectedNodes()) network.getConnectedEdges(node).forEach((e) => ids.add(e));
    labels([...ids]);
  }
  network.on("hoverEdge", (event) => refresh([event.edge]));
  network.on("blurEdge", () => refresh());
  network.on("hoverNode", (event) => refresh(network.getConnectedEdges(event.node)));
  network.on("blurNode", () => refresh());
  network.on("zoom", () => refresh());
  network.on("select", () => refresh());
  network.on("click", (event) => {
    if (event.nodes.length !== 1) return;
    const node = nodes.get(event.nodes[0]);
    if (node && node.url && node.id !== data.focus) window.location.href = node.url;
  });
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({ physics: { enabled: false } });
    network.fit();
    document.body.dataset.ready = "1";
  });
  window.sovgraphNetwork = network;
})();
