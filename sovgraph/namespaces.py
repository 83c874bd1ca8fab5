"""The one prefix table of sovgraph: the vocabulary, the curated things, and the vocabularies reused."""

from __future__ import annotations

BASE = "https://w3id.org/sovgraph/"
SOV = BASE + "ontology#"  # classes and properties
KIND = BASE + "kind/"  # SKOS concepts of the controlled lists
ID = BASE + "id/"  # curated things (organisations, people, decisions, relation nodes, sources...)
GRAPH = BASE + "graph/"  # named graphs: one per file, plus derived graphs

PREFIXES: dict[str, str] = {
    "sov": SOV,
    "kind": KIND,
    "sg": ID,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
}


def sparql_prologue() -> str:
    """``PREFIX`` lines for every prefix of the table, to prepend to a query."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def shorten(iri: str) -> str:
    """An IRI as ``prefix:local`` when a prefix of the table covers it, else the IRI unchanged."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def shorten_text(text: str) -> str:
    """Every IRI of the prefix table in a text (bare or in angle brackets) written as ``prefix:local``."""
    import re

    def short(match: re.Match[str]) -> str:
        iri = match.group(1) or match.group(2)
        return shorten(iri)

    return re.sub(r"<(https?://[^<>\s]+)>|(https?://[^\s,;)]*[^\s,;).])", short, text)
