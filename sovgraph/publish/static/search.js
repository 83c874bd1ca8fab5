// The search page: filters the index embedded in the page (labels and alternative labels, French and
// English) without case nor accents. Results are built with textContent and links from the index only.
(function () {
  "use strict";
  const MARKS = /[\u0300-\u036f]/g;
  const fold = (text) => String(text || "").normalize("NFD").replace(MARKS, "").toLowerCase().trim();
  const index = JSON.parse(document.getElementById("sg-index").textContent);
  const lang = document.documentElement.lang;
  const input = document.getElementById("q");
  const list = document.getElementById("search-results");
  const status = document.getElementById("search-status");
  const entries = index.entries.map((entry) => ({ entry, keys: entry.names.map(fold) }));

  function run() {
    const query = fold(input.value);
    list.replaceChildren();
    if (query === "") { status.textContent = ""; return; }
    const hits = [];
    for (const item of entries) {
      let rank = -1;
      item.keys.forEach((key) => {
        if (key === query) rank = Math.max(rank, 3);
        else if (key.startsWith(query)) rank = Math.max(rank, 2);
        else if (key.includes(query)) rank = Math.max(rank, 1);
      });
      if (rank >= 0) hits.push([rank, item.entry]);
    }
    hits.sort((a, b) => b[0] - a[0] || a[1].label[lang].localeCompare(b[1].label[lang]));
    status.textContent = hits.length ? `${hits.length} ${index.words[lang].results}` : index.words[lang].none;
    for (const [, entry] of hits.slice(0, 200)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = entry.page[lang];
      link.textContent = entry.label[lang];
      const cls = document.createElement("span");
      cls.className = "extra";
      cls.textContent = ` — ${entry.cls[lang]}`;
      item.append(link, cls);
      list.appendChild(item);
    }
  }

  const given = new URLSearchParams(window.location.search).get("q");
  if (given) input.value = given;
  input.addEventListener("input", run);
  input.form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  run();
  document.body.dataset.ready = "1";
})();
