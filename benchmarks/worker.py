"""One engine in one fresh process: load the files, then time each operation; report as JSON lines.

Run by ``benchmarks/run.py`` (never by hand, never by pytest)::

    python benchmarks/worker.py SPEC.json

The spec names the engine, the files and the operations. Events go to standard output, one JSON object per
line: ``loaded`` (seconds, peak RSS), then for each operation ``start`` and ``done`` (times of every repeat,
rows, peak RSS) or ``error``; a ``site`` operation builds the static site (``sovgraph.publish.build_site``)
into a temporary folder. The parent enforces the time caps: it kills this process when an operation runs
over its cap, and starts a new one for the operations left.

Engines: ``sovgraph`` (``sovgraph.load``, then ``kg.run``: binding, evaluation and labels, what a user gets),
``sovgraph-load-store`` (the single-pass loader :func:`sovgraph.store.ingest.load_store`), ``pyoxigraph``
(``Store.bulk_load`` of each file, then ``Store.query`` of the same bound text, rows materialised) and
``rdflib`` (a ``Dataset`` with the union as default graph, its own SPARQL engine, rows materialised).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DERIVED = "https://w3id.org/sovgraph/graph/derived"


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    engine = Engine(spec)
    started = time.perf_counter()
    info = engine.load()
    emit(event="loaded", seconds=time.perf_counter() - started, **info)
    for op in spec.get("ops", []):
        if op["kind"] == "render" and getattr(engine, "graph", None) is None:
            emit(event="setup", id=op["id"])  # the projection the view is cut from: not timed
            engine.graph = project_network(engine.kg, op["as_of"])
        emit(event="start", id=op["id"])
        try:
            times, detail = repeat(lambda op=op: engine.run(op), op.get("repeats", 1), op.get("budget", 30.0))
        except Exception as exc:  # reported, not raised: the other operations still run
            emit(event="error", id=op["id"], error=f"{type(exc).__name__}: {str(exc)[:300]}")
            continue
        emit(event="done", id=op["id"], times=times, **detail)


def emit(**fields: Any) -> None:
    fields["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(fields), flush=True)


def repeat(
    call: Callable[[], dict[str, Any]], times: int, budget: float
) -> tuple[list[float], dict[str, Any]]:
    """Run ``call`` up to ``times`` times, but stop once ``budget`` seconds are spent (at least once)."""
    spent, found, detail = 0.0, [], {}
    for _ in range(max(1, times)):
        started = time.perf_counter()
        detail = call()
        found.append(time.perf_counter() - started)
        spent += found[-1]
        if spent > budget:
            break
    return found, detail


class Engine:
    """The engine named by the spec, loaded once; :meth:`run` performs one operation."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.name: str = spec["engine"]
        self.root = Path(spec["root"])
        self.files = [Path(f) for f in spec["files"]]
        self.kg: Any = None
        self.graph: Any = None
        self.store: Any = None
        self.dataset: Any = None
        if self.name == "rdflib":
            import rdflib  # noqa: F401  (imported before the clock starts, as pyoxigraph is)

            _patch_rdflib()
        else:
            import pyoxigraph  # noqa: F401

    # --- loading -------------------------------------------------------------------------------------------

    def load(self) -> dict[str, Any]:
        if self.name == "sovgraph":
            return self._load_sovgraph()
        if self.name == "sovgraph-load-store":
            from sovgraph.store.ingest import load_store

            self.store, _files = load_store(self.files, self.root)
            return {"triples": len(self.store)}
        if self.name == "pyoxigraph":
            import pyoxigraph

            from sovgraph.store.ingest import rdf_format

            self.store = pyoxigraph.Store()
            for path in self.files:
                self.store.bulk_load(path=path, format=rdf_format(path))
            return {"triples": len(self.store)}
        if self.name == "rdflib":
            import rdflib

            self.dataset = rdflib.Dataset(default_union=True)
            for path in self.files:
                if path.suffix == ".nq":
                    self.dataset.parse(path, format="nquads")
                else:
                    graph = self.dataset.graph(rdflib.URIRef(f"urn:file:{path.name}"))
                    graph.parse(path, format="turtle" if path.suffix == ".ttl" else "nt")
            return {"triples": len(self.dataset)}
        raise ValueError(f"unknown engine {self.name}")

    def _load_sovgraph(self) -> dict[str, Any]:
        import sovgraph

        derive = self.spec.get("derive", "none")
        # The derived graph prepared with the synthetic file goes into the store as it is (its quads in the
        # derived graph, as the cache holds them), not as a file of its own: sovgraph's queries and checks
        # tell the derived graph by its name.
        derived = [p for p in self.files if p.name.endswith("-derived.nq")]
        started = time.perf_counter()
        self.kg = sovgraph.load(self.root, files=[p for p in self.files if p not in derived], derive=False)
        for path in derived:
            from sovgraph.store.ingest import rdf_format

            self.kg.store.bulk_load(path=path, format=rdf_format(path))
        loaded = time.perf_counter() - started
        info: dict[str, Any] = {"load_seconds": loaded}
        if derive != "none":
            from sovgraph.sparql.library import rules
            from sovgraph.sparql.rules import materialise

            folder = Path(self.spec["rules"]) if derive == "proposed" else self.root / "queries" / "rules"
            started = time.perf_counter()
            runs = materialise(self.kg.store, rules(folder, self.root))
            info["rules_seconds"] = time.perf_counter() - started
            info["derived"] = sum(r.triples for r in runs)
        info["triples"] = len(self.kg.store)
        return info

    # --- operations ----------------------------------------------------------------------------------------

    def run(self, op: dict[str, Any]) -> dict[str, Any]:
        kind = op["kind"]
        if kind == "query":
            return self._query(op)
        if kind == "validate":
            report = self.kg.validate(engine=op.get("engine", "sparql"))
            return {"violations": len(report.violations), "warnings": len(report.warnings)}
        if kind == "network":
            return self._network(op)
        if kind == "render":
            return self._render(op)
        if kind == "site":
            return self._site(op)
        raise ValueError(f"unknown operation {kind}")

    def _query(self, op: dict[str, Any]) -> dict[str, Any]:
        from sovgraph.sparql.library import read_query

        path = Path(op["file"])
        query = read_query(path, op["query"])
        if self.name == "sovgraph":
            from sovgraph.sparql.queries import run

            result = run(self.kg, query, op["params"])
            return {"rows": len(result.rows)}
        text = bound_text(query, op["params"])
        if self.name == "rdflib":
            from sovgraph.namespaces import PREFIXES

            rows = list(self.dataset.query(text, initNs=PREFIXES))
            return {"rows": len(rows)}
        from sovgraph.namespaces import PREFIXES

        solutions = self.store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        rows = [tuple(solution) for solution in solutions]
        return {"rows": len(rows)}

    def _network(self, op: dict[str, Any]) -> dict[str, Any]:
        self.graph = project_network(self.kg, op["as_of"])
        return {"nodes": self.graph.number_of_nodes(), "edges": self.graph.number_of_edges()}

    def _render(self, op: dict[str, Any]) -> dict[str, Any]:
        try:
            from sovgraph.network import render
        except ImportError:
            return {"skipped": "no sovgraph.network.render"}
        sub = neighbourhood(self.graph, op["focus"], op["nodes"])
        page = render.html(sub)
        return {"nodes": sub.number_of_nodes(), "edges": sub.number_of_edges(), "bytes": len(page)}

    def _site(self, op: dict[str, Any]) -> dict[str, Any]:
        """``sovgraph site`` into a temporary folder (removed after): pages, entities, files written."""
        import shutil
        import tempfile

        from sovgraph.publish import build_site

        folder = Path(tempfile.mkdtemp(prefix="sovgraph-bench-site-"))
        try:
            built = build_site(self.kg, folder / "site", as_of=op["as_of"], networks=op["networks"])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return {"rows": built.pages, "pages": built.pages, "entities": built.entities, "files": built.files}


def bound_text(query: Any, params: dict[str, Any]) -> str:
    """The text sovgraph sends for a library query and parameters: the text it picks for the parameters bound
    (a bound variant, or the query's own), with a ``VALUES`` block bound in."""
    from sovgraph.sparql.bind import bind
    from sovgraph.sparql.params import bindings

    bound = bindings(query, params)
    return bind(query.text_for(bound), bound)


def project_network(kg: Any, as_of: str) -> Any:
    """The dependency network through ``sovgraph.network.projection`` if it exists, else a plain one."""
    try:
        from sovgraph.network.projection import project_view
    except ImportError:
        return _plain_projection(kg)
    return project_view(kg, "dependencies", as_of=as_of)


def _plain_projection(kg: Any) -> Any:
    """Fallback: every object-property triple between two IRIs as an edge (no view, no as-of, no labels)."""
    import networkx as nx
    import pyoxigraph

    graph = nx.MultiDiGraph(views="plain projection (no sovgraph.network.projection)")
    rows = kg.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o . ?p a owl:ObjectProperty FILTER(isIRI(?o)) }")
    for row in rows:
        if isinstance(row["s"], pyoxigraph.NamedNode):
            graph.add_edge(row["s"].value, row["o"].value, key=row["p"].value)
    return graph


def neighbourhood(graph: Any, focus: str, size: int) -> Any:
    """The first ``size`` nodes met breadth-first from ``focus`` (then from others), as a subgraph."""
    from collections import deque

    undirected = graph.to_undirected(as_view=True)
    seen: dict[str, None] = {}
    starts = [focus] if focus in graph else []
    starts += [n for n in sorted(graph.nodes) if n != focus]
    for start in starts:
        if len(seen) >= size:
            break
        if start in seen:
            continue
        queue = deque([start])
        seen[start] = None
        while queue and len(seen) < size:
            for nxt in sorted(undirected.neighbors(queue.popleft())):
                if nxt not in seen and len(seen) < size:
                    seen[nxt] = None
                    queue.append(nxt)
    sub = graph.subgraph(seen).copy()
    sub.graph.update(title=f"Benchmark: {len(seen)} nodes around a platform", lang="en")
    return sub


def _patch_rdflib() -> None:
    """rdflib 7.6 raises NotBoundError for GROUP_CONCAT(DISTINCT ?x) when ?x is unbound in some row.

    SPARQL 1.1 skips such rows (an error in an aggregate's argument); without this one-line fix rdflib cannot
    run who-hosts-what at all. The patch only catches the error in ``Accumulator.use_row``.
    """
    from rdflib.plugins.sparql import aggregates
    from rdflib.plugins.sparql.sparql import NotBoundError

    def use_row(self: Any, row: Any) -> bool:
        try:
            return aggregates._eval(self.expr, row) not in self.seen  # type: ignore[no-any-return]
        except NotBoundError:
            return False

    aggregates.Accumulator.use_row = use_row  # type: ignore[method-assign]


if __name__ == "__main__":
    main(sys.argv[1])
