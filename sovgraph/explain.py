"""Trace a derived fact to the rule that derived it and to its premises, down to their sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sovgraph.errors import QueryError
from sovgraph.namespaces import shorten

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph

# One row per combination of the node's optional values, started from the node alone (the zero-length path
# binds nothing else): a pattern over the triples that mention it would repeat every row once per triple,
# thousands of times for a reach that many derived facts rest on.
_DESCRIBE = """
SELECT ?label ?class ?rule ?rule_label ?premise ?from ?until ?confidence ?source ?url ?citation WHERE {
    ?node <urn:sovgraph:none>? ?self .
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


@dataclass(frozen=True)
class Entry:
    """One line of an explanation: the node it is about, at which depth, a field and its value (``node``:
    the node's own heading; ``""``: a note)."""

    depth: int
    node: str
    key: str
    value: str

    def line(self) -> str:
        pad = "  " * self.depth
        if self.key == "node":
            return pad + self.value
        if not self.key:
            return f"{pad}  {self.value}"
        return f"{pad}  {self.key}: {self.value}".rstrip() if self.value else f"{pad}  {self.key}:"


def explain(kg: KnowledgeGraph, node: str, lang: str = "en", max_depth: int = 8) -> str:
    """A readable tree: the node, its rule, and each premise with its sources, recursively.

    ``node`` is any name of the node (see :func:`sovgraph.sparql.names.resolve`).
    """
    return lines(explain_entries(kg, node, lang, max_depth))


def lines(entries: list[Entry]) -> str:
    """An explanation's entries as the readable tree."""
    return "\n".join(e.line() for e in entries)


def explain_nodes(
    kg: KnowledgeGraph,
    node: str | None = None,
    *,
    platform: str | None = None,
    law: str | None = None,
    lang: str = "en",
) -> list[Entry]:
    """The entries explaining ``node``, or every exposure of ``platform`` to ``law`` (one after the other):
    what ``sovgraph explain`` shows. Give a node, or a platform and a law."""
    if (node is None) == (platform is None and law is None) or (node is None and not (platform and law)):
        raise QueryError("explain: give a node, or a platform and a law (--platform and --law), not both.")
    if node is not None:
        return explain_entries(kg, node, lang)
    assert platform is not None and law is not None
    return [
        e for exposure in exposures_of(kg, platform, law, lang) for e in explain_entries(kg, exposure, lang)
    ]


def explain_entries(kg: KnowledgeGraph, node: str, lang: str = "en", max_depth: int = 8) -> list[Entry]:
    """The lines of :func:`explain` as entries (for tables)."""
    import pyoxigraph

    from sovgraph.sparql.names import resolve

    term = pyoxigraph.NamedNode(resolve(kg, node, "explain", lang=lang))
    entries: list[Entry] = []
    records = [r["record"] for r in kg.select(_RECORDS, {"node": term})]
    _node(kg, term, lang, entries, depth=0, max_depth=max_depth, seen=set())
    for record in records:
        entries.append(Entry(0, term.value, "derived facts about it", ""))
        _node(kg, record, lang, entries, depth=2, max_depth=max_depth, seen=set())
    return entries


_EXPOSURES = """
SELECT DISTINCT ?exposure WHERE {
    ?exposure a sov:Exposure ; sov:exposed ?platform ; sov:law ?law .
} ORDER BY ?exposure
"""


def exposures_of(kg: KnowledgeGraph, platform: str, law: str, lang: str = "en") -> list[str]:
    """The exposures (derived nodes) of a platform or data asset to a law, both given by any name; an
    error when there is none."""
    import pyoxigraph

    from sovgraph.sparql.names import resolve

    terms = {
        "platform": pyoxigraph.NamedNode(resolve(kg, platform, "explain --platform", lang=lang)),
        "law": pyoxigraph.NamedNode(resolve(kg, law, "explain --law", lang=lang)),
    }
    found = [row["exposure"].value for row in kg.select(_EXPOSURES, terms)]
    if not found:
        raise QueryError(
            f"explain: {shorten(terms['platform'].value)} has no exposure to {shorten(terms['law'].value)} "
            "in the graph; 'sovgraph query who-hosts-what' lists the exposures."
        )
    return found


def _node(
    kg: KnowledgeGraph, term: object, lang: str, out: list[Entry], depth: int, max_depth: int, seen: set[str]
) -> None:
    import pyoxigraph

    assert isinstance(term, pyoxigraph.NamedNode)

    def add(key: str, value: str) -> None:
        out.append(Entry(depth, term.value, key, value))

    rows = list(kg.select(_DESCRIBE, {"node": term, "lang": pyoxigraph.Literal(lang)}))
    first = rows[0] if rows else None
    label = next((r["label"].value for r in rows if r["label"] is not None), None)
    classes = sorted({shorten(r["class"].value) for r in rows if r["class"] is not None})
    add(
        "node",
        shorten(term.value)
        + (f" — {label}" if label else "")
        + (f" [{', '.join(classes)}]" if classes else ""),
    )
    if term.value in seen:
        add("", "(already shown above)")
        return
    seen.add(term.value)
    for f in kg.select(_FIELDS, {"node": term}):
        value = f["o"]
        add(
            shorten(f["p"].value),
            shorten(value.value) if isinstance(value, pyoxigraph.NamedNode) else value.value,
        )
    if first is not None and (first["from"] is not None or first["until"] is not None):
        start = first["from"].value if first["from"] is not None else "…"
        end = first["until"].value if first["until"] is not None else "…"
        add("in force", f"{start} → {end}")
    confidence = next((r["confidence"].value for r in rows if r["confidence"] is not None), None)
    if confidence:
        add("confidence", confidence)
    sources = sorted({_source(r) for r in rows if r["source"] is not None})
    for source in sources:
        add("source", source)
    rule = next((r for r in rows if r["rule"] is not None), None)
    if rule is None:
        if not sources:
            add("", "(a curated node with no source of its own)")
        return
    rule_name = rule["rule"].value.rsplit("/", 1)[-1]
    add(f"derived by rule {rule_name}", rule["rule_label"].value if rule["rule_label"] is not None else "")
    premises = sorted({r["premise"].value for r in rows if r["premise"] is not None})
    if depth >= max_depth:
        add("", f"… {len(premises)} premise(s) not shown (depth limit)")
        return
    for premise in premises:
        add("premise", "")
        _node(kg, pyoxigraph.NamedNode(premise), lang, out, depth + 2, max_depth, seen)


def _source(row: object) -> str:
    r = row  # a pyoxigraph QuerySolution
    for key in ("url", "citation", "source"):
        value = r[key]  # type: ignore[index]
        if value is not None:
            return str(value.value)
    return ""
