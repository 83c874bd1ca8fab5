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
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sovgraph.errors import MissingInputError, QueryError
from sovgraph.sparql.bind import bind_values
from sovgraph.sparql.library import QueryFile
from sovgraph.sparql.params import Resolver, bindings
from sovgraph.sparql.results import Cell, Result, sorted_lists

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.graph import KnowledgeGraph


def run(
    kg: KnowledgeGraph,
    query: QueryFile,
    params: Mapping[str, object],
    lang: str = "en",
    resolve: Resolver | None = None,
) -> Result:
    """Evaluate a library query with its parameters and label the IRIs of the result in ``lang``.

    ``resolve`` turns the names given for IRI parameters into IRIs (``kg.run`` passes
    :func:`sovgraph.sparql.names.resolve`, so any name of an entity works and must name exactly one).
    """
    import pyoxigraph

    solutions = kg.query(query.text, bindings(query, params, resolve))
    if not isinstance(solutions, pyoxigraph.QuerySolutions):
        raise QueryError(f"query {query.name}: only SELECT queries can be run as library queries.")
    return sorted_lists(label_result(kg, solutions, lang), query.text)


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
    return kg.run(name, lang=lang, **given)


def label_result(kg: KnowledgeGraph, solutions: pyoxigraph.QuerySolutions, lang: str = "en") -> Result:
    """The rows of a SELECT answer as a :class:`Result`, each IRI with its label in ``lang``."""
    import pyoxigraph

    columns = [v.value for v in solutions.variables]
    raw = [[solution[c] for c in columns] for solution in solutions]
    labels = label_terms(kg, (t for row in raw for t in row if isinstance(t, pyoxigraph.NamedNode)), lang)
    rows = [
        {
            c: (Cell(t, labels.get(t.value)) if t is not None else None)
            for c, t in zip(columns, row, strict=True)
        }
        for row in raw
    ]
    return Result(columns, rows)


def read_sparql(source: str | Path) -> str:
    """The text of an ad-hoc query: a file, or standard input for ``-``."""
    if str(source) == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise MissingInputError(str(source), exc.strerror or str(exc)) from None


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
