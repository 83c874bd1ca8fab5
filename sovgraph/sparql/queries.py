"""Run the library's queries: check and bind parameters, evaluate, label the results.

>>> import sovgraph
>>> kg = sovgraph.load()
>>> result = kg.run("who-hosts-what", platform="sg:emc2", as_of="2024-06-01")
>>> sorted({row["law"].label for row in result.rows if row["law"]})[:1]
['CLOUD Act (Clarifying Lawful Overseas Use of Data Act)']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sovgraph.errors import QueryError
from sovgraph.namespaces import ID, PREFIXES
from sovgraph.sparql.bind import bind_values
from sovgraph.sparql.library import Param, QueryFile
from sovgraph.sparql.results import Cell, Result

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.graph import KnowledgeGraph

XSD = PREFIXES["xsd"]
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")
_CURIE = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9_-]*):(?P<local>[A-Za-z0-9_][A-Za-z0-9_.-]*)$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def coerce(query: QueryFile, param: Param, raw: object) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    """Turn a value given by a user into the RDF term of the parameter's type, or say what is wrong."""
    import pyoxigraph

    where = f"query {query.name}, parameter {param.name} ({param.type})"
    text = raw.isoformat() if isinstance(raw, dt.date) else str(raw).strip()
    if param.type == "iri":
        return pyoxigraph.NamedNode(parse_iri(text, where))
    if param.type == "date":
        if text == "today":
            text = dt.date.today().isoformat()
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise QueryError(f"{where}: {text!r} is not a date; write YYYY-MM-DD.") from None
        return pyoxigraph.Literal(day.isoformat(), datatype=pyoxigraph.NamedNode(XSD + "date"))
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise QueryError(f"{where}: {text!r} is not an integer.")
        return pyoxigraph.Literal(str(int(text)), datatype=pyoxigraph.NamedNode(XSD + "integer"))
    if param.type == "boolean":
        if text.lower() not in ("true", "false"):
            raise QueryError(f"{where}: {text!r} is not true or false.")
        return pyoxigraph.Literal(text.lower(), datatype=pyoxigraph.NamedNode(XSD + "boolean"))
    return pyoxigraph.Literal(text)


def parse_iri(text: str, where: str = "IRI") -> str:
    """An IRI from what a person types: ``<…>`` or a full IRI, ``prefix:local``, or a bare ``sg:`` slug."""
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    curie = _CURIE.match(text)
    if curie and curie.group("prefix") in PREFIXES:
        return PREFIXES[curie.group("prefix")] + curie.group("local")
    if _SLUG.match(text):
        return ID + text
    if _IRI.match(text) and ("://" in text or text.startswith("urn:")):
        return text
    raise QueryError(
        f"{where}: {text!r} is not an IRI; give a full IRI, a prefixed name such as sg:emc2 "
        f"(prefixes: {', '.join(sorted(PREFIXES))}) or a bare identifier such as emc2."
    )


def bindings(query: QueryFile, params: Mapping[str, object]) -> dict[str, Any]:
    """Check the parameters against the query's header and return their terms (defaults filled in)."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(known))
    if unknown:
        takes = ", ".join(p.signature() for p in query.params) or "no parameter"
        raise QueryError(f"query {query.name}: unknown parameter {', '.join(unknown)}; it takes {takes}.")
    terms: dict[str, Any] = {}
    for param in query.params:
        raw = params.get(param.name)
        if raw is None:
            raw = param.default
        if raw is None:
            if param.required:
                raise QueryError(f"query {query.name}: parameter {param.name} ({param.type}) is required.")
            continue
        terms[param.name] = coerce(query, param, raw)
    return terms


def run(kg: KnowledgeGraph, query: QueryFile, params: Mapping[str, object], lang: str = "en") -> Result:
    """Evaluate a library query with its parameters and label the IRIs of the result in ``lang``."""
    import pyoxigraph

    solutions = kg.query(query.text, bindings(query, params))
    if not isinstance(solutions, pyoxigraph.QuerySolutions):
        raise QueryError(f"query {query.name}: only SELECT queries can be run as library queries.")
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
