"""Enrich the graph from Wikidata: what Wikidata says about the curated entities matched to it.

For every curated entity with ``skos:exactMatch`` to a Wikidata item, a Wikidata-compatible endpoint is
asked for the item's parent organisation (P749), country (P17), headquarters (P159), official website
(P856), SIREN (P1616) and LEI (P1278), with the English and French labels of the values. The items are
bound with ``VALUES`` (:func:`sovgraph.sparql.bind.bind_values`), never formatted into the text.

What comes back is written, as Wikidata states it (``wd:Q… wdt:P… value``), into its own named graph
:data:`ENRICH_GRAPH`, in a file chosen by the user — never into ``data/`` or ``ontology/``. The endpoint is
not trusted: only the asked-for items and properties are kept (:func:`keep`) — a row about another subject,
with another property, with a value in sovgraph's own namespace, a blank node, a NUL character or an
over-long literal is dropped, labels are kept only for Wikidata items and only in English or French, and
no triple is kept whose subject the curated graph describes. So the triples' subjects are Wikidata items,
and no curated fact is ever overwritten or restated (no triple about a curated relation node, no type on a
curated thing). The graph carries its provenance in
PROV-O (the endpoint, when, the query text). Where Wikidata disagrees with a curated fact — a country that
is not the Wikidata match of the jurisdiction the entity is incorporated in, a parent organisation that is
not the match of any curated controller — the disagreement is reported, and nothing is changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.errors import OutputError
from sovgraph.namespaces import BASE, GRAPH, PREFIXES, shorten

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.graph import KnowledgeGraph
    from sovgraph.store.remote import Endpoint

WIKIDATA = "https://query.wikidata.org/sparql"
ENRICH_GRAPH = GRAPH + "enrich/wikidata"
WD = PREFIXES["wd"]
WDT = "http://www.wikidata.org/prop/direct/"
PROPERTIES = {
    "P749": "parent organisation",
    "P17": "country",
    "P159": "headquarters",
    "P856": "official website",
    "P1616": "SIREN",
    "P1278": "LEI",
}
CHUNK = 200

QUERY = """PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?item ?property ?value ?label WHERE {
    VALUES ?property { wdt:P749 wdt:P17 wdt:P159 wdt:P856 wdt:P1616 wdt:P1278 }
    ?item ?property ?value .
    OPTIONAL { ?value rdfs:label ?label FILTER(LANG(?label) = "en" || LANG(?label) = "fr") }
}
"""

_MATCHES = """
SELECT DISTINCT ?entity ?item WHERE {
    ?entity skos:exactMatch ?item FILTER(STRSTARTS(STR(?item), STR(wd:)))
} ORDER BY ?entity ?item
"""

_CURATED = """
SELECT ?entity ?kind ?other ?match WHERE {
    { ?entity sov:incorporatedIn ?other BIND("country" AS ?kind) }
    UNION
    { ?control a sov:Control ; sov:controlled ?entity ; sov:controller ?other BIND("parent" AS ?kind) }
    OPTIONAL { ?other skos:exactMatch ?match FILTER(STRSTARTS(STR(?match), STR(wd:))) }
}
"""


_DESCRIBED = f"""
SELECT DISTINCT ?s WHERE {{
    GRAPH ?g {{ ?s ?p ?o }}
    FILTER NOT EXISTS {{ GRAPH ?g {{ <{ENRICH_GRAPH}> ?q ?r }} }}
}}
"""


@dataclass(frozen=True)
class Conflict:
    """Wikidata and a curated fact disagree about an entity."""

    entity: str
    item: str
    what: str  # "country" or "parent"
    curated: tuple[tuple[str, tuple[str, ...]], ...]  # (jurisdiction or controller, its Wikidata matches)
    wikidata: tuple[str, ...]

    def line(self) -> str:
        curated = ", ".join(
            shorten(c) + (f" ({', '.join(shorten(m) for m in matched)})" if matched else "")
            for c, matched in self.curated
        )
        wikidata = ", ".join(shorten(w) for w in self.wikidata)
        said = "incorporated in" if self.what == "country" else "controlled by"
        prop = "P17 country" if self.what == "country" else "P749 parent organisation"
        return (
            f"{shorten(self.entity)} ({shorten(self.item)}): sovgraph says {said} {curated}; "
            f"Wikidata's {prop} is {wikidata}"
        )


@dataclass(frozen=True)
class Enrichment:
    """What an enrichment found: the quads of its graph, the items asked about, the conflicts."""

    quads: list[Any]
    items: dict[str, str]  # Wikidata item -> curated entity
    statements: int
    conflicts: list[Conflict]
    dropped: int = 0  # rows of the endpoint's answer that were not kept (see :func:`keep`)


def matches(kg: KnowledgeGraph) -> dict[str, str]:
    """Wikidata item -> curated entity, for every ``skos:exactMatch`` to Wikidata."""
    return {row["item"].value: row["entity"].value for row in kg.select(_MATCHES)}


def fetch(endpoint: Endpoint, items: Sequence[str]) -> list[tuple[Any, Any, Any, Any]]:
    """(item, property, value, label or None) rows from the endpoint, the items bound with VALUES."""
    import pyoxigraph

    from sovgraph.sparql.bind import bind_values

    rows = []
    for start in range(0, len(items), CHUNK):
        chunk = [pyoxigraph.NamedNode(i) for i in items[start : start + CHUNK]]
        for row in endpoint.select(bind_values(QUERY, "item", chunk)):
            rows.append((row["item"], row["property"], row["value"], row["label"]))
    return rows


def enrich(kg: KnowledgeGraph, endpoint: Endpoint, now: dt.datetime | None = None) -> Enrichment:
    """Ask the endpoint about the matched entities; build the enrichment graph and find the conflicts."""
    import pyoxigraph

    started = now or dt.datetime.now(dt.UTC)
    items = matches(kg)
    answered = fetch(endpoint, sorted(items)) if items else []
    rows = keep(kg, items, answered)
    ended = now or dt.datetime.now(dt.UTC)
    graph = pyoxigraph.NamedNode(ENRICH_GRAPH)
    label = pyoxigraph.NamedNode(PREFIXES["rdfs"] + "label")
    quads = {pyoxigraph.Quad(item, prop, value, graph) for item, prop, value, _ in rows}
    quads |= {pyoxigraph.Quad(value, label, text, graph) for _, _, value, text in rows if text is not None}
    statements = len({(i, p, v) for i, p, v, _ in rows})
    curated = {str(q.subject) for q in quads} & {f"<{e}>" for e in items.values()}
    assert not curated, curated  # the subjects are Wikidata items: a curated fact is never restated
    ordered = sorted(quads, key=str) + provenance(graph, endpoint.name, started, ended)
    return Enrichment(ordered, items, statements, conflicts(kg, items, rows), len(answered) - len(rows))


def keep(
    kg: KnowledgeGraph, items: dict[str, str], rows: Sequence[tuple[Any, Any, Any, Any]]
) -> list[tuple[Any, Any, Any, Any]]:
    """The rows of the endpoint's answer that say what was asked: an asked-for item, one of
    :data:`PROPERTIES`, a value that is an IRI outside sovgraph's namespace or a sound literal; a label
    only for a Wikidata item, in English or French. Rows about a subject the curated graph describes are
    dropped too (see the module documentation)."""
    import pyoxigraph

    from sovgraph.sparql.bind import bind_values

    asked = {WDT + p for p in PROPERTIES}
    kept = []
    for item, prop, value, label in rows:
        if not (isinstance(item, pyoxigraph.NamedNode) and item.value in items):
            continue
        if not (isinstance(prop, pyoxigraph.NamedNode) and prop.value in asked):
            continue
        if isinstance(value, pyoxigraph.NamedNode):
            if value.value.startswith(BASE):
                continue
        elif not (isinstance(value, pyoxigraph.Literal) and _sound(value)):
            continue
        if label is not None and not (
            isinstance(value, pyoxigraph.NamedNode)
            and value.value.startswith(WD)
            and isinstance(label, pyoxigraph.Literal)
            and label.language in ("en", "fr")
            and _sound(label)
        ):
            label = None
        kept.append((item, prop, value, label))
    subjects = {i for i, *_ in kept} | {v for _, _, v, lab in kept if lab is not None}
    files = [pyoxigraph.NamedNode(f.graph) for f in kg.files]
    if subjects and files:  # what the files say (an earlier enrichment given with --data aside)
        text = bind_values(_DESCRIBED, "s", sorted(subjects, key=str))
        curated = {row["s"] for row in kg.select(bind_values(text, "g", files), union=False)}
        kept = [(i, p, v, None if v in curated else lab) for i, p, v, lab in kept if i not in curated]
    return kept


def _sound(literal: pyoxigraph.Literal) -> bool:
    from sovgraph.store.ingest import MAX_LITERAL

    return "\x00" not in literal.value and len(literal.value) <= MAX_LITERAL


def conflicts(
    kg: KnowledgeGraph, items: dict[str, str], rows: Sequence[tuple[Any, Any, Any, Any]]
) -> list[Conflict]:
    """Where Wikidata's country or parent is not what the curated facts say, through their matches."""
    import pyoxigraph

    from sovgraph.sparql.bind import bind_values

    said: dict[tuple[str, str], set[str]] = {}
    for item, prop, value, _ in rows:
        what = {WDT + "P17": "country", WDT + "P749": "parent"}.get(prop.value)
        if what is not None and isinstance(value, pyoxigraph.NamedNode):
            said.setdefault((item.value, what), set()).add(value.value)
    entities = sorted(set(items.values()))
    known: dict[tuple[str, str], dict[str, set[str]]] = {}
    if entities:
        text = bind_values(_CURATED, "entity", [pyoxigraph.NamedNode(e) for e in entities])
        for row in kg.select(text):
            per = known.setdefault((row["entity"].value, row["kind"].value), {})
            per.setdefault(row["other"].value, set())
            if row["match"] is not None:
                per[row["other"].value].add(row["match"].value)
    found = []
    for item, entity in sorted(items.items()):
        for what in ("country", "parent"):
            wikidata = said.get((item, what), set())
            curated = known.get((entity, what), {})
            matched = set().union(*curated.values()) if curated else set()
            if wikidata and matched and not wikidata & matched:
                shown = tuple(sorted((c, tuple(sorted(m))) for c, m in curated.items()))
                found.append(Conflict(entity, item, what, shown, tuple(sorted(wikidata))))
    return found


def provenance(
    graph: pyoxigraph.NamedNode, endpoint: str, started: dt.datetime, ended: dt.datetime
) -> list[pyoxigraph.Quad]:
    """PROV-O about the enrichment graph: generated by a retrieval that used the endpoint and the query."""
    import pyoxigraph

    def iri(name: str) -> pyoxigraph.NamedNode:
        prefix, local = name.split(":", 1)
        return pyoxigraph.NamedNode(PREFIXES[prefix] + local)

    def when(moment: dt.datetime) -> pyoxigraph.Literal:
        text = moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        return pyoxigraph.Literal(text, datatype=iri("xsd:dateTime"))

    activity = pyoxigraph.NamedNode(graph.value + "#retrieval")
    query = pyoxigraph.NamedNode(graph.value + "#query")
    source = pyoxigraph.NamedNode(endpoint)
    triples: list[
        tuple[pyoxigraph.NamedNode, pyoxigraph.NamedNode, pyoxigraph.NamedNode | pyoxigraph.Literal]
    ]
    triples = [
        (graph, iri("rdf:type"), iri("prov:Entity")),
        (graph, iri("rdfs:label"), pyoxigraph.Literal("Wikidata enrichment", language="en")),
        (graph, iri("rdfs:label"), pyoxigraph.Literal("Enrichissement depuis Wikidata", language="fr")),
        (graph, iri("prov:wasGeneratedBy"), activity),
        (graph, iri("prov:wasDerivedFrom"), source),
        (graph, iri("dcterms:created"), when(ended)),
        (activity, iri("rdf:type"), iri("prov:Activity")),
        (activity, iri("prov:used"), source),
        (activity, iri("prov:used"), query),
        (activity, iri("prov:startedAtTime"), when(started)),
        (activity, iri("prov:endedAtTime"), when(ended)),
        (activity, iri("prov:wasAssociatedWith"), pyoxigraph.NamedNode(BASE)),
        (query, iri("rdf:type"), iri("prov:Plan")),
        (query, iri("rdf:value"), pyoxigraph.Literal(QUERY)),
        (query, iri("rdfs:comment"), pyoxigraph.Literal("?item is bound with VALUES to the matched items.")),
    ]
    return [pyoxigraph.Quad(s, p, o, graph) for s, p, o in triples]


def write(kg: KnowledgeGraph, enrichment: Enrichment, output: Path) -> bytes:
    """Write the enrichment graph to ``output`` (format by extension; TriG, N-Quads keep the graph name)."""
    from sovgraph.files import write_atomic
    from sovgraph.formats import by_extension, serialize

    target = output.resolve()
    for folder in (kg.project.data_dir, kg.project.ontology_dir):
        if folder.resolve() == target.parent or folder.resolve() in target.parents:
            raise OutputError(
                f"{output}: this is inside {folder.name}/, which holds curated files; write the enrichment "
                "elsewhere (for example -o data-enriched/wikidata.trig)."
            )
    data = serialize(enrichment.quads, by_extension(output), prefixes={**PREFIXES, "wdt": WDT})
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, data)
    return data
