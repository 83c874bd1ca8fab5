"""Who hosts what, for people: the library query ``who-hosts-what`` with each row's exposure named, and a
compact reading of it — one line per platform and law, numbered sources listed once at the end.

>>> import sovgraph
>>> kg = sovgraph.load()
>>> rows = who_hosts_what(kg, platform="EMC2", as_of="2024-06-01")
>>> print(brief(rows).splitlines()[0])  # doctest: +ELLIPSIS
EMC2, multi-centre health-data warehouse — CLOUD Act (...): ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph
    from sovgraph.sparql.results import Cell, Result

QUERY = "who-hosts-what"
SOURCE_COLUMNS = ("hosting_sources", "chain_sources", "law_sources", "decision_sources")
SEPARATOR = " ; "
"""How the library's queries join several sources in one cell."""

_EXPOSURE = """
SELECT ?platform ?law ?criterion ?through ?service ?exposure WHERE {
    ?exposure a sov:Exposure ; sov:exposed ?platform ; sov:law ?law ; sov:reachCriterion ?criterion ;
        sov:through ?through ; sov:via ?hosting .
    OPTIONAL { ?hosting sov:service ?service }
} ORDER BY ?exposure
"""


def who_hosts_what(kg: KnowledgeGraph, *, as_of: object = None, lang: str = "en", **params: object) -> Result:
    """The rows of ``who-hosts-what`` (parameters by any name, see :mod:`sovgraph.sparql.names`), each with
    an ``exposure`` column: the derived node ``sovgraph explain`` traces."""
    from sovgraph.sparql.queries import run_named

    return with_exposures(kg, run_named(kg, QUERY, params, as_of=as_of, lang=lang))


def run_query(
    kg: KnowledgeGraph, name: str, params: Mapping[str, object], *, as_of: object = None, lang: str = "en"
) -> Result:
    """Run a library query as ``sovgraph query`` does: rows that name a platform and a law also name their
    exposure (:func:`with_exposures`). On a cached graph the whole answer is kept for the next identical
    call (see :mod:`sovgraph.sparql.answers`)."""
    from sovgraph.sparql import answers
    from sovgraph.sparql.queries import run_named

    def compute() -> Result:
        return with_exposures(kg, run_named(kg, name, params, as_of=as_of, lang=lang))

    return answers.remember(kg, answer_key(kg, name, params, as_of=as_of, lang=lang), compute)


def printed_query(
    kg: KnowledgeGraph,
    name: str,
    params: Mapping[str, object],
    *,
    as_of: object = None,
    lang: str = "en",
    fmt: str = "table",
    labels: bool = False,
    timeout: float | None = None,
) -> bytes:
    """What ``sovgraph query`` prints: :func:`run_query`'s answer in ``fmt`` (see
    :func:`sovgraph.output.render`), computed within ``timeout`` seconds.

    The same call on an unchanged cached graph gives the bytes it gave last time, kept in the cache with
    the answer: neither the rows nor their formatting are computed again. The key adds to the answer's the
    format, the label columns and, for a table, the terminal's width; a spreadsheet is always made anew.
    """
    from sovgraph.sparql import answers

    found = answer_key(kg, name, params, as_of=as_of, lang=lang)
    kept_as = None
    if found is not None and fmt != "xlsx":
        kept_as = answers.rendering_key(found, fmt, labels, _table_width(fmt))
    data = answers.kept(kg, kept_as)
    if data is None:
        from sovgraph.output import render
        from sovgraph.sparql.queries import within

        result = within(timeout, lambda: run_query(kg, name, params, as_of=as_of, lang=lang), f"query {name}")
        data = render(result, fmt, labels=labels)
        answers.keep(kg, kept_as, data)
    return data


def _table_width(fmt: str) -> int | None:
    """The width a table is laid out to (:func:`sovgraph.sparql.table.terminal_width`, as
    :func:`sovgraph.sparql.results.to_table` reads it); other formats do not depend on it."""
    if fmt != "table":
        return None
    from sovgraph.sparql.table import terminal_width

    return terminal_width()


def answer_key(
    kg: KnowledgeGraph, name: str, params: Mapping[str, object], *, as_of: object = None, lang: str = "en"
) -> str | None:
    """The key under which :func:`run_query` keeps its answer (see :mod:`sovgraph.sparql.answers`), or
    ``None`` when it is not kept (no cache, or a call that is an error: :func:`run_query` says which)."""
    from sovgraph.sparql import answers

    spec = kg.library().get(name)
    if spec is None or (as_of is not None and spec.param("as_of") is None):
        return None
    given = {**params, **({"as_of": as_of} if as_of is not None else {})}
    return answers.key(kg, spec, given, lang, form="with exposures")


def with_exposures(kg: KnowledgeGraph, result: Result) -> Result:
    """``result`` with an ``exposure`` column after ``through`` when its rows name a platform and a law: the
    exposure of that platform to that law by that criterion through that entity (by that service when
    the row names one). Rows without a law, or results without those columns, are returned as they are."""
    import pyoxigraph

    from sovgraph.sparql.results import Cell, Result

    needed = ("platform", "law", "criterion", "through")
    if not set(needed) <= set(result.columns) or "exposure" in result.columns:
        return result
    found: dict[tuple[str, ...], str] = {}
    for row in kg.select(_EXPOSURE):
        key = tuple(row[c].value for c in needed)
        service = row["service"].value if row["service"] is not None else ""
        found.setdefault((*key, service), row["exposure"].value)
        found.setdefault(key, row["exposure"].value)
    at = result.columns.index("through") + 1
    columns = [*result.columns[:at], "exposure", *result.columns[at:]]
    rows = []
    for row in result.rows:
        values = [row.get(c) for c in needed]
        exposure = None
        if all(values):
            key = tuple(v.value for v in values if v is not None)
            service = row.get("service")
            iri = found.get((*key, service.value)) if service is not None else None
            iri = iri or found.get(key)
            exposure = Cell(pyoxigraph.NamedNode(iri)) if iri else None
        rows.append({c: (exposure if c == "exposure" else row.get(c)) for c in columns})
    return Result(columns, rows)


def brief(result: Result) -> str:
    """One line per platform and law (``platform — law (criterion through entity, ...): hosted on service
    by provider [sources]``, or ``uses service from provider`` for a body's service use), then the numbered
    sources, each listed once."""
    lines: list[str] = []
    numbers: dict[str, int] = {}
    groups: dict[tuple[str, str], list[Mapping[str, Cell | None]]] = {}
    for row in result.rows:
        groups.setdefault((_text(row, "platform"), _text(row, "law") or "no known exposure"), []).append(row)
    for (platform, law), rows in groups.items():
        reaches = list(
            dict.fromkeys(
                f"{_text(r, 'criterion')} through {_text(r, 'through')}"
                for r in rows
                if _text(r, "criterion")
            )
        )
        hosts = list(
            dict.fromkeys(
                (
                    f"uses {_text(r, 'service')} from "
                    if _text(r, "user")
                    else f"hosted on {_text(r, 'service')} by "
                )
                + _text(r, "provider")
                for r in rows
            )
        )
        cited = []
        for r in rows:
            for column in SOURCE_COLUMNS:
                for source in _text(r, column).split(SEPARATOR):
                    if source.strip():
                        cited.append(numbers.setdefault(source.strip(), len(numbers) + 1))
        refs = ", ".join(str(n) for n in sorted(set(cited)))
        how = f" ({'; '.join(reaches)})" if reaches else ""
        lines.append(f"{platform} — {law}{how}: {'; '.join(hosts)}" + (f" [{refs}]" if refs else ""))
    if not lines:
        return "No hosting in force matches."
    lines.append("")
    lines.append("Sources:")
    lines.extend(f"[{n}] {source}" for source, n in numbers.items())
    return "\n".join(lines)


def _text(row: Mapping[str, Cell | None], column: str) -> str:
    cell = row.get(column)
    return cell.text() if cell is not None else ""
