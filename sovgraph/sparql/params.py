"""What people type, made into RDF terms: the one parser of days (``as_of``), IRIs and typed parameters.

Every command and function that takes a day goes through :func:`day` (one default: ``None`` or ``"today"``
is today); every library parameter through :func:`coerce`, checked against the query's header by
:func:`bindings`.

>>> day("2024-06-01")
'2024-06-01'
>>> parse_iri("emc2")
'https://w3id.org/sovgraph/id/emc2'
>>> parse_iri("sov:Hosting")
'https://w3id.org/sovgraph/ontology#Hosting'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from sovgraph.errors import QueryError
from sovgraph.namespaces import ID, PREFIXES

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.sparql.library import Param, QueryFile
    from sovgraph.sparql.results import Term

XSD = PREFIXES["xsd"]
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")
_CURIE = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9_-]*):(?P<local>[A-Za-z0-9_][A-Za-z0-9_.-]*)$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _parse_day(value: object) -> dt.date | None:
    """A day from a date, an ISO string, or ``None`` / ``"today"``; ``None`` when it is not a date."""
    if value is None or (isinstance(value, str) and value.strip() == "today"):
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def day(value: object = None) -> str:
    """An as-of day as ``YYYY-MM-DD``: a date, an ISO string, or ``None`` / ``"today"`` for today."""
    found = _parse_day(value)
    if found is None:
        raise QueryError(f"as of {value!r}: not a date; write YYYY-MM-DD (or 'today').")
    return found.isoformat()


Resolver = Callable[[str, str], str]
"""Turns a name given for an IRI parameter into the IRI it names (``(text, where) -> IRI``), or raises:
:func:`sovgraph.sparql.names.resolve` over a graph."""


def coerce(
    query: QueryFile, param: Param, raw: object, resolve: Resolver | None = None
) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    """Turn a value given by a user into the RDF term of the parameter's type, or say what is wrong.

    An IRI parameter goes through ``resolve`` when given (a name, slug or label becomes the one entity it
    names), else it is only parsed (:func:`parse_iri`).
    """
    import pyoxigraph

    where = f"query {query.name}, parameter {param.name} ({param.type})"
    text = raw.isoformat() if isinstance(raw, dt.date) else str(raw).strip()
    if param.type == "iri":
        return pyoxigraph.NamedNode(resolve(text, where) if resolve else parse_iri(text, where))
    if param.type == "date":
        found = _parse_day(text)
        if found is None:
            raise QueryError(f"{where}: {text!r} is not a date; write YYYY-MM-DD.")
        return pyoxigraph.Literal(found.isoformat(), datatype=pyoxigraph.NamedNode(XSD + "date"))
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise QueryError(f"{where}: {text!r} is not an integer.")
        return pyoxigraph.Literal(str(int(text)), datatype=pyoxigraph.NamedNode(XSD + "integer"))
    if param.type == "boolean":
        if text.lower() not in ("true", "false"):
            raise QueryError(f"{where}: {text!r} is not true or false.")
        return pyoxigraph.Literal(text.lower(), datatype=pyoxigraph.NamedNode(XSD + "boolean"))
    return pyoxigraph.Literal(text)


def try_parse_iri(text: str) -> str | None:
    """The IRI ``text`` spells (as :func:`parse_iri` reads it), or ``None`` when it spells none."""
    try:
        return parse_iri(text.strip())
    except QueryError:
        return None


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


def bindings(
    query: QueryFile, params: Mapping[str, object], resolve: Resolver | None = None
) -> dict[str, Term]:
    """Check the parameters against the query's header and return their terms (defaults filled in);
    ``resolve`` turns the names given for IRI parameters into IRIs (see :func:`coerce`)."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(known))
    if unknown:
        takes = ", ".join(p.signature() for p in query.params) or "no parameter"
        raise QueryError(f"query {query.name}: unknown parameter {', '.join(unknown)}; it takes {takes}.")
    terms: dict[str, Term] = {}
    for param in query.params:
        raw = params.get(param.name)
        if raw is None:
            raw = param.default
        if raw is None:
            if param.required:
                raise QueryError(f"query {query.name}: parameter {param.name} ({param.type}) is required.")
            continue
        terms[param.name] = coerce(query, param, raw, resolve if raw is not param.default else None)
    return terms
