"""What the site shows, read once from the graph: the curated triples by subject, labels, classes, sources.

The **curated graph** is every loaded file except the ontology's (the files of ``data/`` and any ``--data``
file); derived facts are not part of it. An **entity** is a subject of the curated graph with a label
(``rdfs:label`` or ``skos:prefLabel``). A **relation node** is an entity whose class is a subclass of
``sov:Relation`` (the ontology says which: no list of relation classes here); it is shown on the pages of
its participants, and has its own page too. Labels of every term (ontology and controlled lists included)
are kept in both languages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sovgraph.namespaces import KIND, PREFIXES, SOV

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.graph import KnowledgeGraph

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
PREF_LABEL = PREFIXES["skos"] + "prefLabel"
ALT_LABEL = PREFIXES["skos"] + "altLabel"
EXACT_MATCH = PREFIXES["skos"] + "exactMatch"
IDENTIFIER = PREFIXES["dcterms"] + "identifier"
SOURCE = PREFIXES["dcterms"] + "source"
CITATION = PREFIXES["dcterms"] + "bibliographicCitation"
URL = PREFIXES["schema"] + "url"
DEFINITION = PREFIXES["skos"] + "definition"
IN_SCHEME = PREFIXES["skos"] + "inScheme"
CONCEPT = PREFIXES["skos"] + "Concept"
COMMENT = PREFIXES["rdfs"] + "comment"
RELATION = SOV + "Relation"
SOURCE_CLASS = SOV + "Source"
CONFIDENCE = SOV + "confidence"
NOTE = SOV + "note"
SUMMARY = SOV + "summary"
IN_FORCE_FROM = SOV + "inForceFrom"
IN_FORCE_UNTIL = SOV + "inForceUntil"
DECISION = SOV + "Decision"

LABELS = (RDFS_LABEL, PREF_LABEL)
"""The properties that name a thing (the first found in a language wins)."""
SHOWN_APART = {RDF_TYPE, *LABELS, ALT_LABEL, EXACT_MATCH, IDENTIFIER, SOURCE, NOTE, SUMMARY}
"""Properties a page shows in its header or foot rather than in the table of facts."""


@dataclass(frozen=True)
class Source:
    """A cited document: its page, label, URL (as recorded: only http(s) becomes a link) and citation."""

    iri: str
    url: str | None
    citation: str | None


@dataclass
class Catalogue:
    """The curated graph as the site reads it."""

    as_of: str
    graphs: list[str]
    triples: dict[Any, list[pyoxigraph.Triple]]
    """Curated triples by subject term (IRIs and blank nodes), in a stable order."""
    entities: dict[str, list[str]]
    """Each entity's asserted classes (IRIs), entities sorted by IRI."""
    names: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Labels of every labelled IRI (curated or ontology), by language (``""`` for none)."""
    alternatives: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    superclasses: dict[str, set[str]] = field(default_factory=dict)
    in_force: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    incoming: dict[str, list[pyoxigraph.Triple]] = field(default_factory=dict)
    """Curated triples whose object is the IRI (by object IRI)."""
    concepts: dict[str, list[pyoxigraph.Triple]] = field(default_factory=dict)
    """The concepts of the controlled lists (``kind:``, typed ``skos:Concept``), each with what the ontology
    says about it (its triples in the ontology's files), sorted by IRI. Every concept has a page, so that
    every ``kind:`` IRI of a concept can be served; a page lists what uses the concept (maybe nothing)."""

    # --- reading -----------------------------------------------------------------------------------------

    def label(self, iri: str, lang: str) -> str:
        """The label in ``lang``, else the other language, else any, else the IRI's short form."""
        from sovgraph.namespaces import shorten

        found = self.names.get(iri, {})
        for code in (lang, "en" if lang == "fr" else "fr", ""):
            if found.get(code):
                return found[code][0]
        for names in found.values():
            if names:
                return names[0]
        return shorten(iri)

    def alt_labels(self, iri: str) -> list[tuple[str, str]]:
        """Every alternative label of an IRI as ``(text, language)``."""
        return [
            (text, code) for code, texts in sorted(self.alternatives.get(iri, {}).items()) for text in texts
        ]

    def closure(self, iri: str) -> set[str]:
        """Every class of an entity, superclasses included."""
        own = set(self.entities.get(iri, []))
        return own.union(*(self.superclasses.get(c, set()) for c in own))

    def main_class(self, iri: str) -> str:
        """The entity's most specific class, preferring the vocabulary's own; ties by IRI."""
        own = self.entities.get(iri, [])
        if not own:
            return ""
        return min(own, key=lambda c: (not c.startswith(SOV), -len(self.superclasses.get(c, ())), c))

    def is_relation(self, iri: str) -> bool:
        return RELATION in self.closure(iri)

    def is_source(self, iri: str) -> bool:
        return SOURCE_CLASS in self.closure(iri)

    def scheme_of(self, iri: str) -> list[Any]:
        """The lists (``skos:inScheme``) of a concept that has a page."""
        return [t.object for t in self.concepts.get(iri, []) if t.predicate.value == IN_SCHEME]

    def of(self, iri: str) -> list[pyoxigraph.Triple]:
        """The curated triples of an IRI subject."""
        import pyoxigraph

        return self.triples.get(pyoxigraph.NamedNode(iri), [])

    def values(self, iri: str, prop: str) -> list[Any]:
        """The objects of ``prop`` for the IRI (terms)."""
        return [t.object for t in self.of(iri) if t.predicate.value == prop]

    def status(self, iri: str) -> str:
        """``in_force``, ``past`` or ``future`` on the as-of day, from the derived in-force dates.

        A node without derived dates falls back on ``schema:startDate`` / ``schema:endDate`` read widely.
        """
        start, end = self.in_force.get(iri, (None, None))
        if start is None and end is None:
            start = _first(self.values(iri, PREFIXES["schema"] + "startDate"))
            end = _first(self.values(iri, PREFIXES["schema"] + "endDate"))
            start = _widen(start, early=True)
            end = _widen(end, early=False)
        if end is not None and end < self.as_of:
            return "past"
        if start is not None and start > self.as_of:
            return "future"
        return "in_force"


def _first(terms: list[Any]) -> str | None:
    return str(terms[0].value) if terms else None


def _widen(value: str | None, *, early: bool) -> str | None:
    """A partial date (``2024``, ``2024-09``) as its first or last day, for comparing with a day."""
    if value is None:
        return None
    parts = value[:10].split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return f"{year:04d}-01-01" if early else f"{year:04d}-12-31"
        month = int(parts[1])
        if len(parts) == 2:
            if early:
                return f"{year:04d}-{month:02d}-01"
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return (following - dt.timedelta(days=1)).isoformat()
    except ValueError:
        return value
    return value[:10]


# --- building it -------------------------------------------------------------------------------------------

_TRIPLES = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
_NAMES = """
SELECT ?s ?p ?label WHERE {
    ?s ?p ?label . FILTER(?p IN (rdfs:label, skos:prefLabel, skos:altLabel) && isIRI(?s) && isLITERAL(?label))
}"""
_SUPERCLASSES = "SELECT ?c ?super WHERE { ?c rdfs:subClassOf+ ?super . FILTER(isIRI(?c) && isIRI(?super)) }"
_IN_FORCE = """
SELECT ?node ?from ?until WHERE {
    { ?node sov:inForceFrom ?from OPTIONAL { ?node sov:inForceUntil ?until } }
    UNION
    { ?node sov:inForceUntil ?until FILTER NOT EXISTS { ?node sov:inForceFrom ?any } }
}"""


def read(kg: KnowledgeGraph, as_of: str) -> Catalogue:
    """Read what the site needs from ``kg`` (a few queries, then dictionaries)."""
    import pyoxigraph

    ontology = {p.resolve() for p in kg.project.ontology_files()}
    graphs = [f.graph for f in kg.files if f.path.resolve() not in ontology]
    triples: dict[Any, list[pyoxigraph.Triple]] = defaultdict(list)
    incoming: dict[str, list[pyoxigraph.Triple]] = defaultdict(list)
    seen: set[pyoxigraph.Triple] = set()
    for graph in graphs:
        for row in kg.select(_TRIPLES, {"g": pyoxigraph.NamedNode(graph)}, union=False):
            triple = pyoxigraph.Triple(row["s"], row["p"], row["o"])
            if triple in seen:
                continue
            seen.add(triple)
            triples[row["s"]].append(triple)
            if isinstance(row["o"], pyoxigraph.NamedNode):
                incoming[row["o"].value].append(triple)
    for subject in triples:
        triples[subject].sort(key=_order)
    names: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    alternatives: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in kg.select(_NAMES):
        table = alternatives if row["p"].value == ALT_LABEL else names
        table[row["s"].value][row["label"].language or ""].append(str(row["label"].value))
    for table in (names, alternatives):
        for by_lang in table.values():
            for code in by_lang:
                by_lang[code] = sorted(set(by_lang[code]))
    entities: dict[str, list[str]] = {}
    for subject, found in sorted(triples.items(), key=lambda item: str(item[0].value)):
        if not isinstance(subject, pyoxigraph.NamedNode):
            continue
        if any(t.predicate.value in LABELS for t in found):
            entities[subject.value] = sorted(
                t.object.value
                for t in found
                if t.predicate.value == RDF_TYPE and isinstance(t.object, pyoxigraph.NamedNode)
            )
    superclasses: dict[str, set[str]] = defaultdict(set)
    for row in kg.select(_SUPERCLASSES):
        superclasses[row["c"].value].add(row["super"].value)
    in_force = {
        row["node"].value: (
            None if row["from"] is None else str(row["from"].value),
            None if row["until"] is None else str(row["until"].value),
        )
        for row in kg.select(_IN_FORCE)
    }
    concepts = _concepts(kg, [f.graph for f in kg.files if f.path.resolve() in ontology])
    catalogue = Catalogue(
        as_of=as_of,
        graphs=graphs,
        triples=dict(triples),
        entities=entities,
        names={k: dict(v) for k, v in names.items()},
        alternatives={k: dict(v) for k, v in alternatives.items()},
        superclasses=dict(superclasses),
        in_force=in_force,
        incoming=dict(incoming),
        concepts=concepts,
    )
    catalogue.sources = {
        iri: Source(iri, _first(catalogue.values(iri, URL)), _first(catalogue.values(iri, CITATION)))
        for iri in entities
        if catalogue.is_source(iri)
    }
    return catalogue


def _concepts(kg: KnowledgeGraph, graphs: list[str]) -> dict[str, list[pyoxigraph.Triple]]:
    """The ``kind:`` concepts, with their triples in the ontology's files."""
    import pyoxigraph

    found: dict[str, list[pyoxigraph.Triple]] = defaultdict(list)
    for graph in graphs:
        for row in kg.select(_TRIPLES, {"g": pyoxigraph.NamedNode(graph)}, union=False):
            subject = row["s"]
            if isinstance(subject, pyoxigraph.NamedNode) and subject.value.startswith(KIND):
                found[subject.value].append(pyoxigraph.Triple(subject, row["p"], row["o"]))
    return {
        iri: sorted(set(triples), key=_order)
        for iri, triples in sorted(found.items())
        if any(t.predicate.value == RDF_TYPE and str(t.object) == f"<{CONCEPT}>" for t in triples)
    }


def _order(triple: pyoxigraph.Triple) -> tuple[str, str, str]:
    """Triples of a subject: type first, then by predicate and object."""
    first = "0" if triple.predicate.value == RDF_TYPE else "1"
    return first + triple.predicate.value, type(triple.object).__name__, str(triple.object)


def is_web_url(text: str | None) -> bool:
    """Whether a recorded URL may become a link: only ``http://`` and ``https://`` (never ``javascript:``).

    >>> is_web_url("https://www.legifrance.gouv.fr/x"), is_web_url("javascript:alert(1)"), is_web_url(None)
    (True, False, False)
    """
    if not text:
        return False
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and text == text.strip()


def iris(terms: Iterable[Any]) -> list[str]:
    """The IRIs among terms."""
    import pyoxigraph

    return [t.value for t in terms if isinstance(t, pyoxigraph.NamedNode)]
