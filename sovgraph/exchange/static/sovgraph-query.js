// sovgraph's query page: YASGUI set up for sovgraph's endpoint, prefixes and query library, offline.
// Results are shown with labels: the labels of the IRIs of an answer are asked from the same endpoint.
(function () {
  "use strict";
  var endpoint = window.location.origin + "/query";
  var RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label";
  var lang = (navigator.language || "en").slice(0, 2) === "fr" ? "fr" : "en";
  document.getElementById("endpoint").textContent = endpoint;

  function post(query) {
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(query)
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function iriTerm(iri) {
    // an IRI from an answer, written back into a query: refuse anything that could break out of <...>
    return /^[^<>"{}|^`\\\x00-\x20]*$/.test(iri) ? "<" + iri + ">" : null;
  }

  // ?entity=IRI in the page's address: the entity, if its IRI can be written in a query as it stands
  function aboutEntity(search) {
    var iri = new URLSearchParams(search).get("entity");
    if (!iri || !/^https?:\/\//.test(iri)) { return null; }
    var term = iriTerm(iri);
    return term ? { iri: iri, term: term } : null;
  }

  function entityQuery(term) {
    return "# What the graph says about the entity (as subject), and what points to it (as object)\n" +
      "SELECT ?subject ?property ?object WHERE {\n" +
      "  VALUES ?entity { " + term + " }\n" +
      "  { ?entity ?property ?object . BIND(?entity AS ?subject) }\n" +
      "  UNION\n" +
      "  { ?subject ?property ?entity . BIND(?entity AS ?object) }\n" +
      "}\nORDER BY ?property\nLIMIT 1000\n";
  }

  // label of each IRI: the page's language, else English, else any
  function labels(iris) {
    var chunks = [];
    for (var i = 0; i < iris.length; i += 300) { chunks.push(iris.slice(i, i + 300)); }
    var found = {};
    return Promise.all(chunks.map(function (chunk) {
      var terms = chunk.map(iriTerm).filter(Boolean).join(" ");
      var query = "SELECT ?s ?l WHERE { VALUES ?s { " + terms + " } ?s <" + RDFS_LABEL + "> ?l }";
      return post(query).then(function (doc) {
        doc.results.bindings.forEach(function (row) {
          var iri = row.s.value, label = row.l.value, tag = (row.l["xml:lang"] || "").slice(0, 2);
          var rank = tag === lang ? 0 : tag === "en" ? 1 : tag === "" ? 2 : 3;
          if (!(iri in found) || rank < found[iri].rank) { found[iri] = { label: label, rank: rank }; }
        });
      }).catch(function () { /* labels are a courtesy: the IRIs stay */ });
    })).then(function () { return found; });
  }

  function LabelsPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 20;
    this.label = "Labels";
  }
  LabelsPlugin.prototype.canHandleResults = function () {
    var results = this.yasr.results;
    return !!results && results.getType && results.getType() === "json" &&
      !!results.getVariables && results.getVariables().length > 0 && !!results.getBindings();
  };
  LabelsPlugin.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.textContent = "Aa";
    return icon;
  };
  LabelsPlugin.prototype.draw = function () {
    var el = this.yasr.resultsEl;
    var variables = this.yasr.results.getVariables();
    var bindings = this.yasr.results.getBindings() || [];
    var count = document.createElement("p");
    count.className = "sovgraph-count";
    count.textContent = bindings.length + (bindings.length === 1 ? " row" : " rows");
    var table = document.createElement("table");
    table.className = "sovgraph-labels";
    var head = table.createTHead().insertRow();
    variables.forEach(function (name) {
      var th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    });
    var body = table.createTBody();
    var iris = {};
    var cells = [];
    bindings.forEach(function (row) {
      var tr = body.insertRow();
      variables.forEach(function (name) {
        var td = tr.insertCell();
        var term = row[name];
        if (!term) { return; }
        td.textContent = term.value;
        if (term.type === "uri") {
          td.className = "iri";
          td.title = term.value;
          iris[term.value] = true;
          cells.push([td, term.value]);
        }
      });
    });
    el.appendChild(count);
    el.appendChild(table);
    var wanted = Object.keys(iris);
    if (!wanted.length) { return; }
    return labels(wanted).then(function (found) {
      cells.forEach(function (pair) {
        if (found[pair[1]]) { pair[0].textContent = found[pair[1]].label; }
      });
      el.setAttribute("data-labelled", "true");
    });
  };

  Yasgui.Yasr.registerPlugin("labels", LabelsPlugin);

  fetch("/sovgraph-config.json").then(function (r) { return r.json(); }).then(function (config) {
    var prefixLines = Object.keys(config.prefixes).map(function (p) {
      return "PREFIX " + p + ": <" + config.prefixes[p] + ">";
    }).join("\n");
    var start = prefixLines + "\n\nSELECT ?platform ?label WHERE {\n  ?platform a sov:Platform ; rdfs:label ?label .\n}\nLIMIT 20\n";
    Yasgui.Yasqe.defaults.autocompleters = ["variables"];  // the others ask prefix.cc and LOV online
    var yasgui = new Yasgui(document.getElementById("yasgui"), {
      persistenceId: null,
      copyEndpointOnNewTab: false,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
      requestConfig: { endpoint: endpoint, method: "POST" },
      yasqe: { value: start, autocompleters: ["variables"] },
      yasr: { prefixes: config.prefixes, defaultPlugin: "labels", pluginOrder: ["labels", "table", "response"] }
    });
    window.sovgraphYasgui = yasgui;
    var select = document.getElementById("examples");
    config.examples.forEach(function (example) {
      var option = document.createElement("option");
      option.value = example.name;
      option.textContent = example.name;
      option.title = example.summary;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      var example = config.examples.filter(function (e) { return e.name === select.value; })[0];
      document.getElementById("summary").textContent = example ? example.summary : "";
      if (example) { yasgui.getTab().setQuery(example.query); }
    });
    // A link from the static site (sovgraph site --query-page) names an entity: open a ready query about it
    var entity = aboutEntity(window.location.search);
    if (entity) {
      document.getElementById("summary").textContent = "Everything the graph says about " + entity.iri +
        ", and what points to it";
      yasgui.getTab().setQuery(prefixLines + "\n\n" + entityQuery(entity.term));
      yasgui.getTab().getYasqe().query();
    }
    document.body.setAttribute("data-ready", "true");
  });
})();
