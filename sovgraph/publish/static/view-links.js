// Added to the full-page network views of the site: a click on a node opens its entity page, and edge
// labels show on hover, on the selected nodes' edges, and everywhere once zoomed in (not piled up at once).
(function () {
  "use strict";
  const links = JSON.parse(document.getElementById("sg-links").textContent);
  const ZOOMED = 1.4;
  const text = new Map(edges.get({ fields: ["id", "label"] }).map((e) => [e.id, e.label]));
  let shown = new Set(text.keys());
  function labels(ids) {
    const wanted = new Set(ids);
    const changes = [];
    for (const [id, label] of text) {
      const on = wanted.has(id);
      if (on !== shown.has(id)) changes.push({ id, label: on ? label : " " });
    }
    shown = wanted;
    if (changes.length) edges.update(changes);
  }
  function refresh(extra) {
    if (network.getScale() >= ZOOMED) { labels([...text.keys()]); return; }
    const ids = new Set(extra || []);
    for (const node of network.getSelectedNodes()) network.getConnectedEdges(node).forEach((e) => ids.add(e));
    labels([...ids]);
  }
  refresh();
  network.on("hoverEdge", (event) => refresh([event.edge]));
  network.on("blurEdge", () => refresh());
  network.on("hoverNode", (event) => refresh(network.getConnectedEdges(event.node)));
  network.on("blurNode", () => refresh());
  network.on("zoom", () => refresh());
  network.on("select", () => refresh());
  network.on("click", (event) => {
    if (event.nodes.length !== 1) return;
    const url = links[event.nodes[0]];
    if (url) window.location.href = url;
  });
})();
