"""Bind query (and update) parameters as RDF terms in a ``VALUES`` block: never by formatting values into the
text. One binder for the library's queries, ad-hoc queries and the what-if's SPARQL Updates.

A parameter value becomes an RDF term first (a pyoxigraph ``NamedNode`` or ``Literal``); the term's
N-Triples form, escaped by pyoxigraph, is placed in a ``VALUES`` block opened at the start of the
query's ``WHERE`` group. Text that is not a term cannot reach the query, and the bound query is plain
SPARQL 1.1, so it runs the same on the embedded store and on any remote endpoint.

Binding is done once per query at the outermost level: the variable then has that value everywhere in the
``WHERE`` group, including in ``FILTER``s and nested groups (but not inside sub-``SELECT``s, which do not
see outer variables unless they project them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sovgraph.errors import QueryError, QueryTooDeep

MAX_NESTING = 200
"""How deep a query may nest groups ``{}``, parentheses ``()`` and brackets ``[]`` (outside strings, IRIs and
comments): a query nested thousands deep overflows the SPARQL parser's stack and kills the process, so
:func:`check_nesting` refuses it before any parser sees it. The library's queries nest less than 15 deep."""

# Patterns compiled when first used (re keeps them), not on every command's path. Tokens that may contain
# braces or the word WHERE without being syntax:
_SKIP = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long double-quoted string
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"  # long single-quoted string
    r'|"(?:[^"\\\n]|\\.)*"'  # double-quoted string
    r"|'(?:[^'\\\n]|\\.)*'"  # single-quoted string
    r"|<[^<>\"{}|^`\\\s]*>"  # IRI
    r"|#[^\n]*"  # comment
)
_WHERE = r"(?i)\bWHERE\b"
_FORM = r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b"
_UPDATE = r"(?i)(?<![?$\w])(DELETE|INSERT|WITH)\b"
_VARIABLE = r"^[A-Za-z_][A-Za-z0-9_]*$"


def bind(query: str, values: Mapping[str, Any]) -> str:
    """Return ``query`` with each variable of ``values`` bound to its term (a pyoxigraph term).

    Every query goes through here on its way to a backend, so the nesting limit is checked here too
    (:func:`check_nesting`), bound values or not.
    """
    check_nesting(query)
    if not values:
        return query
    for name in values:
        if not re.match(_VARIABLE, name):
            raise QueryError(f"?{name}: not a valid SPARQL variable name for a parameter.")
    position = _where_brace(query)
    names = " ".join(f"?{n}" for n in values)
    terms = " ".join(_term(n, v) for n, v in values.items())
    block = f" VALUES ({names}) {{ ({terms}) }} "
    return query[: position + 1] + block + query[position + 1 :]


def bind_values(query: str, name: str, terms: Sequence[Any]) -> str:
    """Return ``query`` with the variable ``name`` restricted to the given terms (one ``VALUES`` row each)."""
    if not re.match(_VARIABLE, name):
        raise QueryError(f"?{name}: not a valid SPARQL variable name for a parameter.")
    position = _where_brace(query)
    block = f" VALUES ?{name} {{ {' '.join(_term(name, t) for t in terms)} }} "
    return query[: position + 1] + block + query[position + 1 :]


_BRACKETS = r"[(){}\[\]]"


def check_nesting(query: str, limit: int = MAX_NESTING) -> None:
    """Refuse (:class:`QueryTooDeep`) a query that nests groups, parentheses or brackets more than ``limit``
    deep, counted outside strings, IRIs and comments.

    >>> check_nesting("SELECT * WHERE { { ?s ?p ?o } }")
    >>> try:
    ...     check_nesting("SELECT * WHERE " + "{" * 300 + "}" * 300)
    ... except QueryTooDeep as error:
    ...     print(str(error)[:74])
    the query nests groups, parentheses or brackets more than 200 deep (at lin
    """
    code = re.sub(_SKIP, lambda m: " " * len(m.group()), query)
    depth = 0
    for match in re.finditer(_BRACKETS, code):
        if match.group() in "({[":
            depth += 1
            if depth > limit:
                where = f" (at line {query.count(chr(10), 0, match.start()) + 1})"
                raise QueryTooDeep(
                    f"the query nests groups, parentheses or brackets more than {limit} deep{where}; "
                    "sovgraph refuses it before parsing, since a SPARQL parser runs out of stack on such "
                    "a query. Nothing was run; flatten the query (a VALUES block or a UNION instead of "
                    "nested groups)."
                )
        else:
            depth = max(depth - 1, 0)


def _term(name: str, value: Any) -> str:
    import pyoxigraph

    if not isinstance(value, pyoxigraph.NamedNode | pyoxigraph.Literal | pyoxigraph.BlankNode):
        raise QueryError(f"?{name}: a parameter must be bound to an RDF term, not {type(value).__name__}.")
    if isinstance(value, pyoxigraph.BlankNode):
        raise QueryError(f"?{name}: a parameter cannot be a blank node.")
    return str(value)


def _where_brace(query: str) -> int:
    """Index of the ``{`` that opens the query's main ``WHERE`` group, outside strings, IRIs, comments."""
    code = re.sub(_SKIP, lambda m: " " * len(m.group()), query)
    form = re.search(_FORM, code)
    update = re.search(_UPDATE, code)
    if update is not None and (form is None or update.start() < form.start()):  # DELETE/INSERT ... WHERE {
        where = re.compile(_WHERE).search(code, update.end())
        brace = code.find("{", where.end()) if where is not None else -1
        if brace < 0:
            raise QueryError("the update has no WHERE group: cannot bind parameters.")
        return brace
    if form is None:
        raise QueryError("the query has no SELECT, ASK, CONSTRUCT or DESCRIBE: cannot bind parameters.")
    where = re.compile(_WHERE).search(code, form.end())
    if where is not None:
        brace = code.find("{", where.end())
    elif form.group(1).upper() == "CONSTRUCT":
        raise QueryError("a CONSTRUCT query needs an explicit WHERE to take parameters.")
    else:  # SELECT ... { } and ASK { } may omit the WHERE keyword
        brace = code.find("{", form.end())
    if brace < 0:
        raise QueryError("the query has no WHERE group: cannot bind parameters.")
    return brace
