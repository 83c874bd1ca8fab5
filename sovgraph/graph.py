"""The knowledge graph: its files, its project, and the backend its triples live in (embedded or remote).

>>> import sovgraph
>>> kg = sovgraph.load()
>>> rows = kg.query("SELECT ?label WHERE { sg:cnil rdfs:label ?label FILTER(lang(?label) = 'en') }")
>>> [str(r["label"].value) for r in rows]
['French data protection authority (CNIL)']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sovgraph.errors import QueryError, SovgraphError
from sovgraph.namespaces import GRAPH
from sovgraph.project import Project, find_project
from sovgraph.sparql.bind import bind
from sovgraph.store.ingest import LoadedFile, load_store

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    import pyoxigraph
    import rdflib

    from sovgraph.sparql.library import QueryFile
    from sovgraph.sparql.results import Result, Term
    from sovgraph.sparql.rules import RuleRun
    from sovgraph.store.backend import Answer, Backend
    from sovgraph.store.cache import CacheState, Derivation
    from sovgraph.validation.validate import Report


class KnowledgeGraph:
    """The graph: one named graph per file (and the derived graph); queries see their union by default.

    Its triples live in a :class:`sovgraph.store.backend.Backend`: the embedded pyoxigraph store (what
    :func:`load` builds) or a remote SPARQL endpoint (what :func:`connect` opens). Queries, library
    queries and everything built on them run unchanged on both; what needs the triples themselves
    (:meth:`derive`, :meth:`validate`, :meth:`to_rdflib`, export) needs the embedded store.
    """

    def __init__(
        self,
        store: pyoxigraph.Store | None = None,
        files: Sequence[LoadedFile] | None = None,
        project: Project | None = None,
        *,
        backend: Backend | None = None,
    ) -> None:
        from sovgraph.store.backend import EmbeddedBackend

        if backend is None:
            if store is None:
                raise SovgraphError("a knowledge graph needs a store or a backend.")
            backend = EmbeddedBackend(store)
        self.backend: Backend = backend
        self.project = project if project is not None else find_project()
        self._files = list(files) if files is not None else None
        self.cache_state: CacheState | None = None  # set when the store comes from the on-disk cache
        self._library: Mapping[str, QueryFile] | None = None

    @property
    def store(self) -> pyoxigraph.Store:
        """The embedded pyoxigraph store (a remote graph has none: this raises a clear error)."""
        store: pyoxigraph.Store = self.backend.store
        return store

    def lookups(self) -> AbstractContextManager[pyoxigraph.Store]:
        """A block of work that makes only a few index lookups (a walk, a validation again): inside it, the
        graph's queries read the store if it is open, else, for a graph from the on-disk cache, the on-disk
        store itself, read-only, instead of first copying it into memory (which costs time in proportion to
        the graph). ``with kg.lookups() as store:`` gives that store; read the answers of its queries inside
        the block (the on-disk store is released at its end). A remote graph has none (this raises the
        error :attr:`store` raises)."""
        from sovgraph.store.backend import EmbeddedBackend

        if not isinstance(self.backend, EmbeddedBackend):
            self.backend.store  # noqa: B018 (raises the remote backend's clear error)
        assert isinstance(self.backend, EmbeddedBackend)
        return self.backend.lookups()

    @property
    def files(self) -> list[LoadedFile]:
        """The files of the graph; for a remote graph, one entry per named graph except the derived one."""
        if self._files is None:
            self._files = _remote_files(self.backend.graphs(), self.project)
        return self._files

    @property
    def remote(self) -> bool:
        """Whether the graph is read from a SPARQL endpoint rather than the embedded store."""
        from sovgraph.store.backend import EmbeddedBackend

        return not isinstance(self.backend, EmbeddedBackend)

    def query(
        self,
        sparql: str,
        substitutions: Mapping[str, Term] | None = None,
        *,
        union: bool = True,
    ) -> Answer:
        """Run a SPARQL query; the prefixes of :mod:`sovgraph.namespaces` are predeclared.

        ``substitutions`` binds variables to RDF terms (pyoxigraph terms) in a ``VALUES`` block (see
        :mod:`sovgraph.sparql.bind`), so values are never formatted into the query text. With ``union`` (the
        default) the default graph is the union of every named graph; without it, use ``GRAPH`` clauses.
        The answer is a pyoxigraph ``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples`` on every backend.
        """
        return self.backend.query(bind(sparql, substitutions or {}), union=union)

    def select(
        self, sparql: str, substitutions: Mapping[str, Term] | None = None, *, union: bool = True
    ) -> pyoxigraph.QuerySolutions:
        """Run a SELECT query (see :meth:`query`) and return its solutions; another form is a QueryError."""
        import pyoxigraph

        answer = self.query(sparql, substitutions, union=union)
        if isinstance(answer, pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples):
            raise QueryError(f"this query must be a SELECT query, not a {type(answer).__name__} answer.")
        return answer

    def construct(self, *, derived: bool = True) -> pyoxigraph.QueryTriples:
        """Every triple of the graph, merged (the union of the files; ``derived=False`` leaves the derived
        graph out)."""
        import pyoxigraph

        if derived:
            answer = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        else:
            answer = self.store.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                default_graph=[pyoxigraph.NamedNode(f.graph) for f in self.files],
            )
        if not isinstance(answer, pyoxigraph.QueryTriples):  # pragma: no cover - a CONSTRUCT gives triples
            raise QueryError("a CONSTRUCT query gave no triples.")
        return answer

    def derive(self) -> list[RuleRun]:
        """(Re)compute the derived graph from the project's rules; returns what each rule derived."""
        from sovgraph.sparql.library import rules
        from sovgraph.sparql.rules import materialise

        return materialise(self.store, rules(self.project.rules_dir, self.project.root))

    def library(self) -> Mapping[str, QueryFile]:
        """The documented queries of the project's ``queries/`` folder, by name (rules excluded).

        The files are read on first use, then kept for the life of the graph.
        """
        if self._library is None:
            from sovgraph.sparql.library import library

            self._library = library(self.project.queries_dir, self.project.root)
        return self._library

    def run(
        self, name: str, params: Mapping[str, object] | None = None, /, *, lang: str = "en", **more: object
    ) -> Result:
        """Run a library query by name; parameters are checked against its header and bound as terms.

        ``kg.run("who-hosts-what", platform="sg:emc2", as_of="2024-06-01")`` returns a
        :class:`sovgraph.sparql.queries.Result` whose cells carry the term and its label in ``lang``.
        Parameters may also be given as a mapping, ``kg.run("claims", {"lang": "fr"})``: any parameter name
        works there, even ``name`` or ``lang`` (which, as a keyword, is the language of the labels). See
        :func:`sovgraph.sparql.queries.run_library`.
        """
        from sovgraph.sparql.names import resolve
        from sovgraph.sparql.queries import run_library

        return run_library(
            self,
            name,
            {**(params or {}), **more},
            lang=lang,
            resolve=lambda text, where: resolve(self, text, where, lang=lang),
        )

    def graph_of(self, path: Path | str) -> str:
        """The named-graph IRI into which a file was loaded."""
        wanted = Path(path).resolve()
        for info in self.files:
            if info.path.resolve() == wanted:
                return info.graph
        raise SovgraphError(f"{path}: this file is not part of the loaded graph.")

    def validate(self, *, reuse: bool = True, engine: str = "sparql") -> Report:
        """Check the graph against the project's SHACL shapes; see
        :func:`sovgraph.validation.validate.validate`.

        A graph opened from the on-disk cache reuses the report kept there while no file nor shape changed
        (``reuse=False`` validates again); see :func:`sovgraph.validation.validate.report`.
        ``engine="pyshacl"`` validates with pySHACL alone (the same report, much slower), never from the
        cache."""
        from sovgraph.validation.validate import report, validate

        return report(self) if reuse and engine == "sparql" else validate(self, engine=engine)

    def to_rdflib(self) -> rdflib.Dataset:
        """A copy of the graph as an rdflib ``Dataset`` (named graphs kept), for rdflib-based tools."""
        import pyoxigraph
        import rdflib

        from sovgraph.formats import serialize

        quads = self.store.quads_for_pattern(None, None, None, None)
        dataset = rdflib.Dataset()
        dataset.parse(data=serialize(quads, pyoxigraph.RdfFormat.N_QUADS), format="nquads")
        return dataset

    def union_ntriples(self) -> bytes:
        """Every triple of every file (derived facts excluded), merged, as N-Triples."""
        import pyoxigraph

        from sovgraph.formats import serialize

        return serialize(self.construct(derived=False), pyoxigraph.RdfFormat.N_TRIPLES)

    def __len__(self) -> int:
        if self.remote:
            return sum(self.backend.graphs().values())
        return len(self.store)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph on {self.backend.name}>"


def _remote_files(graphs: Mapping[str, int], project: Project) -> list[LoadedFile]:
    from urllib.parse import unquote

    from sovgraph.sparql.rules import DERIVED_GRAPH

    files = []
    for graph, triples in graphs.items():
        if graph == DERIVED_GRAPH or not graph.startswith(GRAPH):
            continue
        label = unquote(graph[len(GRAPH) :])
        files.append(LoadedFile(project.root / label, label, graph, triples))
    return files


def load(
    root: Path | str | None = None,
    *,
    files: Sequence[Path | str] | None = None,
    extra: Sequence[Path | str] = (),
    derive: bool = True,
    cache: bool | Path | str = False,
) -> KnowledgeGraph:
    """Load a project's ontology and data into an embedded store.

    ``root`` is the project folder (found automatically when omitted, see :mod:`sovgraph.project`).
    ``files`` replaces the default list (the ontology files, then every file below ``data/``);
    ``extra`` adds files to it. With ``derive`` (the default) the rules of ``queries/rules/`` are applied
    (see :mod:`sovgraph.sparql.rules`). Every file is parsed before any is loaded: a bad file raises
    :class:`sovgraph.errors.ParseError` (or another :class:`sovgraph.errors.InputError`) and no graph is
    built. Only the files of ``ontology/`` (or, when ``files`` is given, those files) may describe
    ``sov:`` and ``kind:`` terms; data files and ``extra`` files may not (see :mod:`sovgraph.store.ingest`).

    ``cache`` keeps the store on disk between calls (``True``: the project's default cache folder, or a
    folder): unchanged files are neither parsed nor derived again (see :mod:`sovgraph.store.cache`). If the
    cache is busy with another process, the graph is loaded in memory and ``kg.cache_state`` is ``None``.
    """

    project = find_project(root)
    model = [Path(f) for f in files] if files is not None else project.ontology_files()
    paths = [*model] if files is not None else model + project.data_files()
    paths += [Path(f) for f in extra]
    derivation = _derivation(project) if derive else None
    if cache:
        kg = _from_cache(project, paths, cache, derivation, model)
        if kg is not None:
            return kg
    # One pass; the store is handed over only if all load.
    store, loaded = load_store(paths, project.root, model=model)
    if derivation is not None:
        derivation.apply(store)
    return KnowledgeGraph(store=store, files=loaded, project=project)


def _derivation(project: Project) -> Derivation:
    """The project's rules, as the derivation the store applies (the store does not import the rules); the
    rule files are read only when the derivation is applied."""
    from sovgraph.namespaces import GRAPH
    from sovgraph.sparql.library import rule_files
    from sovgraph.store.cache import Derivation

    def apply(store: pyoxigraph.Store) -> object:
        from sovgraph.sparql.library import rules
        from sovgraph.sparql.rules import materialise

        return materialise(store, rules(project.rules_dir, project.root))

    def prepare(folder: Path) -> object:
        from sovgraph.sparql.delta import rule_reads
        from sovgraph.sparql.library import rules

        return rule_reads(rules(project.rules_dir, project.root), folder)

    def affects(store: pyoxigraph.Store, changed: list[pyoxigraph.Triple], folder: Path) -> str | None:
        from sovgraph.sparql.delta import affecting, rule_reads
        from sovgraph.sparql.library import rules

        return affecting(rule_reads(rules(project.rules_dir, project.root), folder), changed, store)

    def update(
        store: pyoxigraph.Store,
        changed: list[pyoxigraph.Triple] | None,
        kept: bytes | None,
        folder: Path | None,
    ) -> tuple[bytes, tuple[set[bytes], set[bytes]] | None, list[bytes]]:
        from sovgraph.sparql.delta import rule_reads
        from sovgraph.sparql.incremental import rederive
        from sovgraph.sparql.library import rules

        shipped = rules(project.rules_dir, project.root)
        later: list[bytes] = []  # loaded by the cache when the store is first read
        _, text, difference = rederive(
            store, shipped, lambda: rule_reads(shipped, folder), changed, kept, later
        )
        return text, difference, later

    return Derivation(
        inputs=rule_files(project.rules_dir),
        apply=apply,
        graph=GRAPH + "derived",
        affects=affects,
        update=update,
        prepare=prepare,
    )


def _from_cache(
    project: Project,
    paths: Sequence[Path],
    cache: Path | str | bool,
    derivation: Derivation | None,
    model: Sequence[Path],
) -> KnowledgeGraph | None:
    """The graph from the on-disk store, or ``None`` (with a one-line warning) when the cache cannot be
    used: another process holds it, its folder cannot be written (or there is no home folder), or it is
    damaged beyond a rebuild. A folder that is not a cache is an error (:class:`CacheRefused`)."""
    import contextlib
    import weakref
    from collections.abc import Callable, Iterator

    from sovgraph.errors import CacheBusy, CacheUnusable
    from sovgraph.store.backend import EmbeddedBackend
    from sovgraph.store.cache import default_folder, open_cached

    try:
        folder = default_folder(project) if isinstance(cache, bool) else Path(cache)
    except (RuntimeError, KeyError, OSError) as exc:  # Path.home() without a home
        _cache_warning(f"no folder for the cache ({exc})")
        return None
    try:
        opener, loaded, state = open_cached(project, paths, folder, derive=derivation, model=model)
    except (CacheBusy, CacheUnusable) as unusable:
        _cache_warning(str(unusable).removesuffix(" Loading in memory instead.").rstrip("."))
        return None

    # The graph holds these two functions: they hold it weakly, so that a graph let go frees its store at
    # once (a cycle would keep a store of gigabytes, and the cache's lock, until a garbage collection).
    owner: Callable[[], KnowledgeGraph | None] = lambda: None  # noqa: E731 (set once the graph exists)

    def open_store() -> pyoxigraph.Store:
        """The store, opened when first needed: copied into memory when small enough (the on-disk one is
        then no longer used); if it changed or fails to open, loaded from the files (and no answer kept)."""
        graph = owner()
        try:
            store, lock = opener()
        except CacheUnusable as unusable:
            _cache_warning(str(unusable).rstrip("."))
            if graph is not None and graph.cache_state is not None:
                graph.cache_state = graph.cache_state.without_answers()
            store, _ = load_store(paths, project.root, model=model)
            if derivation is not None:
                derivation.apply(store)
            return store
        if lock is None:  # in memory: the store the update computed, or a copy (see open_cached)
            return store
        if graph is not None and graph.cache_state is not None:
            graph.cache_state = graph.cache_state.holding(lock)
        return store

    @contextlib.contextmanager
    def on_disk() -> Iterator[pyoxigraph.Store]:
        """The on-disk store, read-only, for a block of lookups (see :meth:`KnowledgeGraph.lookups`); the
        store in memory when the update computed one; and as :attr:`KnowledgeGraph.store` when the cache
        cannot be read (loaded from the files, with a warning)."""
        graph = owner()
        assert graph is not None, "a graph's lookups are asked of the graph"
        try:
            store, lock = opener(copy=False)
        except CacheUnusable:
            yield graph.store
            return
        if lock is None:  # the store the update computed: it becomes the graph's store
            yield graph.store
            return
        try:
            yield store
        finally:
            lock.close()

    kg = KnowledgeGraph(files=loaded, project=project, backend=EmbeddedBackend(open_store, lookups=on_disk))
    kg.cache_state = state
    owner = weakref.ref(kg)
    return kg


def _cache_warning(reason: str) -> None:
    """Say, on one line, that the graph is loaded in memory because the cache cannot be used."""
    import warnings

    from sovgraph.errors import CacheWarning

    text = f"{reason}; the graph is loaded in memory instead (--no-cache says this on purpose)."
    warnings.warn_explicit(text, CacheWarning, filename="sovgraph", lineno=0, module="sovgraph.graph")


def connect(
    endpoint: str,
    root: Path | str | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 30.0,
    graphs: Sequence[str] | None = None,
) -> KnowledgeGraph:
    """Open the graph held by a SPARQL 1.1 endpoint (e.g. after ``sovgraph push``); nothing is loaded.

    The library queries still come from the project at ``root``. The dataset of every query is named
    explicitly (see :mod:`sovgraph.store.backend`); ``graphs`` fixes it instead of listing the endpoint's
    graphs.
    """
    from sovgraph.store.backend import RemoteBackend
    from sovgraph.store.remote import Endpoint

    target = Endpoint(endpoint, user=user, password=password, timeout=timeout)
    return KnowledgeGraph(project=find_project(root), backend=RemoteBackend(target, graphs))
