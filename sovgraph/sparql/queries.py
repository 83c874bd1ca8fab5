"""Run queries: the library's (parameters checked and bound, see :mod:`sovgraph.sparql.params`), and
ad-hoc ones; evaluate, label the results.

>>> import sovgraph
>>> kg = sovgraph.load()
>>> result = kg.run("who-hosts-what", platform="sg:emc2", as_of="2024-06-01")
>>> sorted({row["law"].label for row in result.rows if row["law"]})[:1]
['CLOUD Act (Clarifying Lawful Overseas Use of Data Act)']
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sovgraph.errors import MissingInputError, QueryError, QueryTimeout
from sovgraph.sparql.bind import bind_values
from sovgraph.sparql.library import QueryFile
from sovgraph.sparql.params import Resolver, bindings
from sovgraph.sparql.results import Cell, Result, sorted_lists

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.graph import KnowledgeGraph
    from sovgraph.sparql.results import Term

T = TypeVar("T")


def run(
    kg: KnowledgeGraph,
    query: QueryFile,
    params: Mapping[str, object],
    lang: str = "en",
    resolve: Resolver | None = None,
    *,
    walk: bool = True,
) -> Result:
    """Evaluate a library query with its parameters and label the IRIs of the result in ``lang``.

    ``resolve`` turns the names given for IRI parameters into IRIs (``kg.run`` passes
    :func:`sovgraph.sparql.names.resolve`, so any name of an entity works and must name exactly one).
    The text run is the one :meth:`QueryFile.text_for` picks for the parameters bound (a bound variant, or the
    query's own text); on the embedded store, a walk the query declares for them answers instead
    (:mod:`sovgraph.sparql.walks`), unless ``walk`` is false. A query with a walk names its entities, walks
    and labels its rows in a block of lookups (:meth:`KnowledgeGraph.lookups`): a graph from the on-disk
    cache is then read there, not first copied into memory.
    """
    import contextlib

    import pyoxigraph

    walks = walk and bool(query.walks) and not kg.remote
    with kg.lookups() if walks else contextlib.nullcontext() as store:
        bound = bindings(query, params, resolve)
        text = query.text_for(bound)
        module = query.walk_for(bound) if walks else None
        if module is not None:
            assert store is not None
            return sorted_lists(walked(kg, query, module, bound, store, lang), text)
    solutions = kg.query(text, bound)
    if not isinstance(solutions, pyoxigraph.QuerySolutions):
        raise QueryError(f"query {query.name}: only SELECT queries can be run as library queries.")
    return sorted_lists(label_result(kg, solutions, lang), text)


def run_library(
    kg: KnowledgeGraph,
    name: str,
    params: Mapping[str, object],
    *,
    lang: str = "en",
    resolve: Resolver | None = None,
) -> Result:
    """Run the library query ``name`` with ``params`` (a mapping, so that a parameter may have any name,
    ``name`` and ``lang`` included), its IRIs labelled in ``lang``; what :meth:`KnowledgeGraph.run` does.

    A query that takes a ``lang`` parameter and is not given one gets ``lang``, the language asked for;
    ``resolve`` turns names given for IRI parameters into IRIs (see :func:`run`).
    """
    queries = kg.library()
    if name not in queries:
        raise QueryError(
            f"no query named {name!r}; 'sovgraph queries' lists them: {', '.join(sorted(queries))}."
        )
    query = queries[name]
    given = dict(params)
    if query.param("lang") is not None and "lang" not in given:
        given["lang"] = lang  # a query that reads the language gets the one asked for
    from sovgraph.sparql import answers

    kept_as = answers.key(kg, query, given, lang)  # an unchanged cached graph: the answer may be kept
    return answers.remember(kg, kept_as, lambda: run(kg, query, given, lang, resolve))


def run_named(
    kg: KnowledgeGraph, name: str, params: Mapping[str, object], *, as_of: object = None, lang: str = "en"
) -> Result:
    """Run the library query ``name`` (what ``sovgraph query`` does): ``as_of``, when given, must be a
    parameter of the query."""
    spec = kg.library().get(name)
    given = dict(params)
    if spec is not None and as_of is not None:
        if spec.param("as_of") is None:
            raise QueryError(f"query {name} does not take --as-of (it has no as_of parameter).")
        given["as_of"] = as_of
    return kg.run(name, given, lang=lang)


def walked(
    kg: KnowledgeGraph,
    query: QueryFile,
    module: str,
    bound: Mapping[str, Term],
    store: pyoxigraph.Store,
    lang: str = "en",
) -> Result:
    """The rows of ``query`` given by its walk ``module`` (:mod:`sovgraph.sparql.walks`) over ``store`` (the
    graph's store, or the one of a block of lookups), IRIs labelled in ``lang``."""
    import importlib

    walk = importlib.import_module(f"sovgraph.sparql.walks.{module}").walk
    columns = [c for c, _ in query.columns]
    raw = [list(row) for row in walk(store, bound)]
    for row in raw:
        if len(row) != len(columns):
            raise QueryError(
                f"query {query.name}: walk {module} gave a row of {len(row)} cells for the query's "
                f"{len(columns)} columns."
            )
    return _labelled(kg, columns, raw, lang)


def label_result(kg: KnowledgeGraph, solutions: pyoxigraph.QuerySolutions, lang: str = "en") -> Result:
    """The rows of a SELECT answer as a :class:`Result`, each IRI with its label in ``lang``."""
    columns = [v.value for v in solutions.variables]
    raw = [[solution[c] for c in columns] for solution in solutions]
    return _labelled(kg, columns, raw, lang)


def _labelled(kg: KnowledgeGraph, columns: list[str], raw: list[list[Term | None]], lang: str) -> Result:
    """Rows of terms as a :class:`Result`, each IRI with its label in ``lang``."""
    import pyoxigraph

    labels = label_terms(kg, (t for row in raw for t in row if isinstance(t, pyoxigraph.NamedNode)), lang)
    rows = [
        {
            c: (Cell(t, labels.get(t.value)) if t is not None else None)
            for c, t in zip(columns, row, strict=True)
        }
        for row in raw
    ]
    return Result(columns, rows)


MAX_QUERY_BYTES = 1 << 20
"""The largest ad-hoc query ``sovgraph sparql`` reads (1 MiB); the library's largest is under 20 KiB."""


def read_sparql(source: str | Path) -> str:
    """The text of an ad-hoc query: a file, or standard input for ``-``; it must be UTF-8 (a BOM is
    skipped), at most :data:`MAX_QUERY_BYTES`, and nest at most
    :data:`~sovgraph.sparql.bind.MAX_NESTING` deep."""
    from sovgraph.files import check_input
    from sovgraph.sparql.bind import check_nesting

    where = "standard input" if str(source) == "-" else str(source)
    try:
        if str(source) == "-":
            data = sys.stdin.buffer.read(MAX_QUERY_BYTES + 1)
        else:
            with check_input(source, "query file").open("rb") as handle:
                data = handle.read(MAX_QUERY_BYTES + 1)
    except OSError as exc:
        raise MissingInputError(where, exc.strerror or str(exc)) from None
    if len(data) > MAX_QUERY_BYTES:
        raise QueryError(
            f"{where}: the query is larger than {MAX_QUERY_BYTES // 1024} KiB, the limit for an ad-hoc "
            "query; nothing was run."
        )
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise QueryError(
            f"{where}:{line}: the query is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8 and run again. Nothing was run."
        ) from None
    check_nesting(text)
    return text


def within(seconds: float | None, work: Callable[[], T], what: str = "the query") -> T:
    """``work()``, run in a worker thread and given up on after ``seconds`` (:class:`QueryTimeout`).

    pyoxigraph cannot cancel a query, so the query runs in a daemon thread while the calling thread waits
    in short steps: Ctrl-C (``KeyboardInterrupt``) and the time limit both reach the caller at once, and
    the command line then exits, ending the thread. ``None`` runs ``work`` in the calling thread.
    """
    if seconds is None:
        return work()
    outcome: list[tuple[bool, object]] = []

    def target() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # handed to the caller below
            outcome.append((False, exc))

    worker = threading.Thread(target=target, name="sovgraph-query", daemon=True)
    deadline = time.monotonic() + seconds
    worker.start()
    while worker.is_alive():
        left = deadline - time.monotonic()
        if left <= 0:
            raise QueryTimeout(
                f"{what} was still running after {seconds:g} s, its time limit; it was stopped and nothing "
                "was written. Narrow the query (more patterns, a LIMIT), or allow more time with --timeout "
                "SECONDS."
            )
        worker.join(min(left, 0.1))
    ok, value = outcome[0]
    if not ok:
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[return-value]


def ask(kg: KnowledgeGraph, text: str, lang: str = "en") -> Result | bool | pyoxigraph.QueryTriples:
    """Run any SPARQL query: a SELECT gives a labelled :class:`Result`, an ASK a bool, a CONSTRUCT or
    DESCRIBE its triples."""
    import pyoxigraph

    answer = kg.query(text)
    if isinstance(answer, pyoxigraph.QueryBoolean):
        return bool(answer)
    if isinstance(answer, pyoxigraph.QueryTriples):
        return answer
    return label_result(kg, answer, lang)


_LABELS = """
SELECT ?iri ?label WHERE {
    ?iri rdfs:label|skos:prefLabel ?label .
    BIND(IF(LANGMATCHES(LANG(?label), ?lang), 0, IF(LANGMATCHES(LANG(?label), "en"), 1, 2)) AS ?rank)
} ORDER BY ?iri ?rank ?label
"""


def label_terms(kg: KnowledgeGraph, iris: Iterable[pyoxigraph.NamedNode], lang: str) -> dict[str, str]:
    """The best label of each IRI: in ``lang``, else English, else any; IRIs without label are left out."""
    import pyoxigraph

    wanted = sorted({i.value for i in iris})
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = [pyoxigraph.NamedNode(iri) for iri in wanted[start : start + 500]]
        text = bind_values(_LABELS, "iri", chunk)
        for row in kg.select(text, {"lang": pyoxigraph.Literal(lang)}):
            found.setdefault(row["iri"].value, row["label"].value)
    return found
