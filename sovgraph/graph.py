"""The knowledge graph: an embedded pyoxigraph store holding the ontology and the curated files.

>>> import sovgraph
>>> kg = sovgraph.load()
>>> rows = kg.query("SELECT ?label WHERE { sg:cnil rdfs:label ?label FILTER(lang(?label) = 'en') }")
>>> [str(r["label"].value) for r in rows]
['CNIL']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.bind import bind
from sovgraph.errors import QueryError, SovgraphError
from sovgraph.load import LoadedFile, fill_store, read_files
from sovgraph.namespaces import PREFIXES
from sovgraph.project import Project, find_project

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

    from sovgraph.library import QueryFile
    from sovgraph.queries import Result
    from sovgraph.rules import RuleRun
    from sovgraph.validate import Report


@dataclass
class KnowledgeGraph:
    """The loaded graph: one named graph per file; queries see their union by default."""

    store: pyoxigraph.Store
    files: list[LoadedFile]
    project: Project

    def query(
        self,
        sparql: str,
        substitutions: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
    ) -> Any:
        """Run a SPARQL query; the prefixes of :mod:`sovgraph.namespaces` are predeclared.

        ``substitutions`` binds variables to RDF terms (pyoxigraph terms) in a ``VALUES`` block (see
        :mod:`sovgraph.bind`), so values are never formatted into the query text. With ``union`` (the
        default) the default graph is the union of every named graph; without it, use ``GRAPH`` clauses.
        """
        text = bind(sparql, substitutions or {})
        try:
            return self.store.query(text, prefixes=PREFIXES, use_default_graph_as_union=union)
        except SyntaxError as exc:
            raise QueryError(f"the SPARQL query is not valid: {exc.msg or exc}.") from None
        except (RuntimeError, ValueError, OSError) as exc:
            raise QueryError(f"the SPARQL query failed: {exc}.") from None

    def derive(self) -> list[RuleRun]:
        """(Re)compute the derived graph from the project's rules; returns what each rule derived."""
        from sovgraph.library import rules
        from sovgraph.rules import materialise

        return materialise(self.store, rules(self.project.queries_dir / "rules", self.project.root))

    def library(self) -> dict[str, QueryFile]:
        """The documented queries of the project's ``queries/`` folder, by name (rules excluded)."""
        from sovgraph.library import library

        return library(self.project.queries_dir, self.project.root)

    def run(self, name: str, *, lang: str = "en", **params: object) -> Result:
        """Run a library query by name; parameters are checked against its header and bound as terms.

        ``kg.run("who-hosts-what", platform="sg:emc2", as_of="2024-06-01")`` returns a
        :class:`sovgraph.queries.Result` whose cells carry the term and its label in ``lang``.
        """
        from sovgraph.queries import run

        queries = self.library()
        if name not in queries:
            raise QueryError(
                f"no query named {name!r}; 'sovgraph queries' lists them: {', '.join(sorted(queries))}."
            )
        query = queries[name]
        if query.param("lang") is not None and "lang" not in params:
            params["lang"] = lang  # a query that reads the language gets the one asked for
        return run(self, query, params, lang)

    def graph_of(self, path: Path | str) -> str:
        """The named-graph IRI into which a file was loaded."""
        wanted = Path(path).resolve()
        for info in self.files:
            if info.path.resolve() == wanted:
                return info.graph
        raise SovgraphError(f"{path}: this file is not part of the loaded graph.")

    def validate(self) -> Report:
        """Check the graph against the project's SHACL shapes; see :func:`sovgraph.validate.validate`."""
        from sovgraph.validate import validate

        return validate(self)

    def to_rdflib(self) -> rdflib.Dataset:
        """A copy of the graph as an rdflib ``Dataset`` (named graphs kept), for rdflib-based tools."""
        import pyoxigraph
        import rdflib

        data = self.store.dump(format=pyoxigraph.RdfFormat.N_QUADS)
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format="nquads")
        return dataset

    def union_ntriples(self) -> bytes:
        """Every triple of every file (derived facts excluded), merged, as N-Triples."""
        import pyoxigraph

        triples = self.store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
            default_graph=[pyoxigraph.NamedNode(f.graph) for f in self.files],
        )
        assert isinstance(triples, pyoxigraph.QueryTriples)
        data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
        assert data is not None
        return data

    def __len__(self) -> int:
        return len(self.store)


def load(
    root: Path | str | None = None,
    *,
    files: Sequence[Path | str] | None = None,
    extra: Sequence[Path | str] = (),
    derive: bool = True,
) -> KnowledgeGraph:
    """Load a project's ontology and data into an embedded store.

    ``root`` is the project folder (found automatically when omitted, see :mod:`sovgraph.project`).
    ``files`` replaces the default list (the ontology files, then every file below ``data/``);
    ``extra`` adds files to it. With ``derive`` (the default) the rules of ``queries/rules/`` are applied
    (see :mod:`sovgraph.rules`). Every file is parsed before any is loaded: a bad file raises
    :class:`sovgraph.errors.ParseError` (or another :class:`sovgraph.errors.InputError`) and no graph is
    built.
    """
    import pyoxigraph

    project = find_project(root)
    paths = [Path(f) for f in files] if files is not None else project.ontology_files() + project.data_files()
    paths += [Path(f) for f in extra]
    parsed = read_files(paths, project.root)
    store = pyoxigraph.Store()
    loaded = fill_store(store, parsed)
    kg = KnowledgeGraph(store=store, files=loaded, project=project)
    if derive:
        kg.derive()
    return kg
