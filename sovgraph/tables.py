"""Every command's answer as rows: what ``--format csv|tsv|json|xlsx`` writes (see :mod:`sovgraph.output`).

Each function takes what the library returns (chains, an impact, shares, ranks, check outcomes, counts, a
validation report, an explanation, search matches) and gives a :class:`~sovgraph.sparql.results.Result`:
IRIs stay IRIs (with their label, for ``--labels``), numbers stay numbers. The columns of each are listed in
``docs/formats.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sovgraph.sparql.results import Cell, Result

if TYPE_CHECKING:
    import networkx as nx

    from sovgraph.explain import Entry
    from sovgraph.impact import Impact
    from sovgraph.network.analysis import Chain, Concentration, Rank
    from sovgraph.sparql.checks import Outcome
    from sovgraph.stats import Stats
    from sovgraph.validation.validate import Finding

Value = Cell | str | int | float | bool | None


def iri(value: str | None, label: str | None = None) -> Cell | None:
    """An IRI cell (with its label), or ``None``."""
    import pyoxigraph

    return None if not value else Cell(pyoxigraph.NamedNode(value), label)


def table(columns: Sequence[str], rows: Iterable[Sequence[Value]]) -> Result:
    """A result from plain rows: cells as they are, Python values as typed literals."""
    import pyoxigraph

    xsd = "http://www.w3.org/2001/XMLSchema#"

    def cell(value: Value) -> Cell | None:
        if value is None or isinstance(value, Cell):
            return value
        if isinstance(value, bool):
            return Cell(
                pyoxigraph.Literal(str(value).lower(), datatype=pyoxigraph.NamedNode(xsd + "boolean"))
            )
        if isinstance(value, int):
            return Cell(pyoxigraph.Literal(str(value), datatype=pyoxigraph.NamedNode(xsd + "integer")))
        if isinstance(value, float):
            return Cell(pyoxigraph.Literal(repr(value), datatype=pyoxigraph.NamedNode(xsd + "double")))
        return Cell(pyoxigraph.Literal(value))

    return Result(list(columns), [dict(zip(columns, map(cell, row), strict=True)) for row in rows])


def chains_table(graph: nx.MultiDiGraph, chains: Sequence[Chain]) -> Result:
    """One row per hop: ``chain`` (its number), ``hop``, ``source``, ``target``, ``relation``, ``qualifier``,
    ``start``, ``end``, ``sources`` (`` ; ``-joined)."""
    rows = []
    for number, chain in enumerate(chains, start=1):
        for step, hop in enumerate(chain.hops, start=1):
            edges = hop.edges
            rows.append(
                (
                    number,
                    step,
                    iri(hop.source, _node_label(graph, hop.source)),
                    iri(hop.target, _node_label(graph, hop.target)),
                    ", ".join(dict.fromkeys(str(e.get("label") or e.get("kind")) for e in edges)),
                    ", ".join(hop.qualifiers()) or None,
                    min((str(e["start"]) for e in edges if e.get("start")), default=None),
                    max((str(e["end"]) for e in edges if e.get("end")), default=None),
                    " ; ".join(hop.sources()) or None,
                )
            )
    columns = ("chain", "hop", "source", "target", "relation", "qualifier", "start", "end", "sources")
    return table(columns, rows)


def impact_table(result: Impact) -> Result:
    """One row per exposure: ``change`` (lost, gained, kept), ``platform``, ``law``, ``criterion``,
    ``through``, ``as_of``."""
    rows = [
        (
            change,
            iri(e.platform, e.platform_label),
            iri(e.law, e.law_label),
            iri(e.criterion, e.criterion_label),
            iri(e.through, e.through_label),
            result.as_of,
        )
        for change, exposures in (("lost", result.lost), ("gained", result.gained), ("kept", result.kept))
        for e in exposures
    ]
    return table(("change", "platform", "law", "criterion", "through", "as_of"), rows)


def concentration_table(result: Concentration) -> Result:
    """One row per provider, parent or jurisdiction: ``<by>``, ``hosted``, ``share`` (0 to 1),
    ``platforms`` (labels, `` ; ``-joined), ``as_of``."""
    rows = [
        (iri(s.key, s.label) or s.label, len(s.hosted), s.share, " ; ".join(s.hosted), result.as_of)
        for s in result.shares
    ]
    return table((result.by, "hosted", "share", "platforms", "as_of"), rows)


def centrality_table(graph: nx.MultiDiGraph, ranks: Sequence[Rank]) -> Result:
    """One row per actor: ``rank``, ``actor``, ``class``, ``dependants`` (a count), ``betweenness``,
    ``platforms`` (labels, `` ; ``-joined)."""
    rows = [
        (
            number,
            iri(r.node, r.label),
            r.cls_label,
            len(r.dependants),
            r.betweenness,
            " ; ".join(_node_label(graph, d) for d in r.dependants),
        )
        for number, r in enumerate(ranks, start=1)
    ]
    return table(("rank", "actor", "class", "dependants", "betweenness", "platforms"), rows)


def checks_table(outcomes: Sequence[Outcome]) -> Result:
    """One row per check: ``check``, ``findings`` (a count), ``summary``."""
    return table(
        ("check", "findings", "summary"), [(o.name, len(o.result.rows), o.summary) for o in outcomes]
    )


def stats_table(result: Stats) -> Result:
    """One row per measure of the map's coverage, per class and per file: ``kind`` (cases, dependencies,
    decisions or court cases of a jurisdiction; class; file), ``item`` (the jurisdiction or class IRI, or the
    file), ``label``, ``count`` (case files, entities or triples), ``subjects`` (files only)."""
    rows: list[tuple[Value, ...]] = []
    if result.coverage is not None:
        for row in result.coverage.rows:
            where = row["jurisdiction"]
            name = where.label if where is not None and where.label else None
            for column in ("cases", "dependencies", "decisions", "court_cases"):
                count = row[column]
                rows.append(
                    (
                        column.replace("_", " "),
                        where.value if where else None,
                        name,
                        int(count.value) if count else 0,
                        None,
                    )
                )
    rows += [("class", iri(c.iri, c.label), c.label, c.entities, None) for c in result.by_class]
    rows += [("file", f.file, f.file, f.triples, f.subjects) for f in result.by_file]
    return table(("kind", "item", "label", "count", "subjects"), rows)


def coverage_text(coverage: Result) -> str:
    """The map's coverage by jurisdiction, under a heading that says how to read it."""
    from sovgraph.sparql.results import to_table

    heading = (
        f"The map covers {len(coverage.rows)} jurisdiction(s) (a case file about two counts for both; "
        "the totals by class follow):"
    )
    return heading + "\n\n" + to_table(coverage)


def findings_table(findings: Iterable[Finding]) -> Result:
    """One row per finding: ``severity``, ``files``, ``focus``, ``path``, ``value``, ``message``."""
    rows = [
        (f.severity, " ; ".join(f.files) or None, _maybe_iri(f.focus), _maybe_iri(f.path), f.value, f.message)
        for f in findings
    ]
    return table(("severity", "files", "focus", "path", "value", "message"), rows)


def explain_table(entries: Sequence[Entry]) -> Result:
    """One row per line of the explanation: ``depth``, ``node``, ``field``, ``value``."""
    return table(
        ("depth", "node", "field", "value"), [(e.depth, iri(e.node), e.key, e.value) for e in entries]
    )


def _maybe_iri(text: str | None) -> Value:
    if text and text.startswith(("http://", "https://", "urn:")):
        return iri(text)
    return text


def _node_label(graph: nx.MultiDiGraph, node: str) -> str:
    return str(graph.nodes[node].get("label", node)) if node in graph else node
