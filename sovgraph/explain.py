"""Trace a derived fact to the rule that derived it and to its premises, down to their sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sovgraph.errors import QueryError
from sovgraph.namespaces import shorten

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph

_DESCRIBE = """
SELECT ?label ?class ?rule ?rule_label ?premise ?from ?until ?confidence ?source ?url ?citation WHERE {
    { ?node ?anyp ?anyo } UNION { ?anys ?anyp2 ?node }
    OPTIONAL { ?node rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), ?lang)) }
    OPTIONAL { ?node a ?class FILTER(STRSTARTS(STR(?class), STR(sov:))) }
    OPTIONAL { ?node sov:derivedBy ?rule OPTIONAL { ?rule rdfs:label ?rule_label } }
    OPTIONAL { ?node prov:wasDerivedFrom ?premise }
    OPTIONAL { ?node sov:inForceFrom ?from }
    OPTIONAL { ?node sov:inForceUntil ?until }
    OPTIONAL { ?node sov:confidence/skos:prefLabel ?confidence FILTER(LANGMATCHES(LANG(?confidence), ?lang)) }
    OPTIONAL {
        ?node dcterms:source ?source
        OPTIONAL { ?source schema:url ?url }
        OPTIONAL { ?source dcterms:bibliographicCitation ?citation }
    }
}
"""

_RECORDS = "SELECT ?record WHERE { ?record a sov:Derivation ; rdf:subject ?node } ORDER BY ?record"

_FIELDS = """
SELECT ?p ?o WHERE {
    ?node ?p ?o .
    FILTER(?p IN (sov:exposed, sov:law, sov:reached, sov:controlled, sov:controller, sov:reachCriterion,
                  sov:through, sov:hops))
} ORDER BY ?p ?o
"""


def explain(kg: KnowledgeGraph, node: str, lang: str = "en", max_depth: int = 8) -> str:
    """A readable tree: the node, its rule, and each premise with its sources, recursively."""
    import pyoxigraph

    from sovgraph.sparql.params import parse_iri

    term = pyoxigraph.NamedNode(parse_iri(node, "sovgraph explain"))
    if not bool(kg.query("ASK { { ?node ?p ?o } UNION { ?s ?p ?node } }", {"node": term})):
        raise QueryError(f"{node}: no such node in the graph.")
    lines: list[str] = []
    records = [r["record"] for r in kg.select(_RECORDS, {"node": term})]
    _node(kg, term, lang, lines, depth=0, max_depth=max_depth, seen=set())
    for record in records:
        lines.append("  derived facts about it:")
        _node(kg, record, lang, lines, depth=2, max_depth=max_depth, seen=set())
    return "\n".join(lines)


def _node(
    kg: KnowledgeGraph, term: object, lang: str, lines: list[str], depth: int, max_depth: int, seen: set[str]
) -> None:
    import pyoxigraph

    assert isinstance(term, pyoxigraph.NamedNode)
    pad = "  " * depth
    rows = list(kg.select(_DESCRIBE, {"node": term, "lang": pyoxigraph.Literal(lang)}))
    first = rows[0] if rows else None
    label = next((r["label"].value for r in rows if r["label"] is not None), None)
    classes = sorted({shorten(r["class"].value) for r in rows if r["class"] is not None})
    lines.append(
        f"{pad}{shorten(term.value)}"
        + (f" — {label}" if label else "")
        + (f" [{', '.join(classes)}]" if classes else "")
    )
    if term.value in seen:
        lines.append(f"{pad}  (already shown above)")
        return
    seen.add(term.value)
    fields = list(kg.select(_FIELDS, {"node": term}))
    for f in fields:
        value = f["o"]
        shown = shorten(value.value) if isinstance(value, pyoxigraph.NamedNode) else value.value
        lines.append(f"{pad}  {shorten(f['p'].value)}: {shown}")
    if first is not None and (first["from"] is not None or first["until"] is not None):
        start = first["from"].value if first["from"] is not None else "…"
        end = first["until"].value if first["until"] is not None else "…"
        lines.append(f"{pad}  in force: {start} → {end}")
    confidence = next((r["confidence"].value for r in rows if r["confidence"] is not None), None)
    if confidence:
        lines.append(f"{pad}  confidence: {confidence}")
    sources = sorted({_source(r) for r in rows if r["source"] is not None})
    for source in sources:
        lines.append(f"{pad}  source: {source}")
    rule = next((r for r in rows if r["rule"] is not None), None)
    if rule is None:
        if not sources:
            lines.append(f"{pad}  (a curated node with no source of its own)")
        return
    rule_name = rule["rule"].value.rsplit("/", 1)[-1]
    rule_label = rule["rule_label"].value if rule["rule_label"] is not None else ""
    lines.append(f"{pad}  derived by rule {rule_name}: {rule_label}")
    premises = sorted({r["premise"].value for r in rows if r["premise"] is not None})
    if depth >= max_depth:
        lines.append(f"{pad}  … {len(premises)} premise(s) not shown (depth limit)")
        return
    for premise in premises:
        lines.append(f"{pad}  premise:")
        _node(kg, pyoxigraph.NamedNode(premise), lang, lines, depth + 2, max_depth, seen)


def _source(row: object) -> str:
    r = row  # a pyoxigraph QuerySolution
    for key in ("url", "citation", "source"):
        value = r[key]  # type: ignore[index]
        if value is not None:
            return str(value.value)
    return ""
