"""The ontology's reference pages: every class, property and controlled list of the model, in one language.

Read from the ontology as loaded (any class or property added to ``ontology/`` appears with no change
here): terms of the ``sov:`` namespace typed as OWL classes or properties, then the SKOS concept schemes of
``kind:`` with their concepts. Each term has an anchor (:func:`sovgraph.publish.addresses.ontology_anchor`)
that entity pages link to.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sovgraph.namespaces import KIND, PREFIXES, SOV, shorten
from sovgraph.publish.addresses import ontology_anchor
from sovgraph.publish.words import WORDS

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph
    from sovgraph.publish.pages import Site

_TERMS = """
SELECT ?term ?kind ?p ?o WHERE {
    ?term a ?kind .
    FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty,
                     skos:ConceptScheme, skos:Concept))
    OPTIONAL { ?term ?p ?o FILTER(?p IN (rdfs:subClassOf, rdfs:domain, rdfs:range, sov:valuesFrom,
                                          skos:inScheme, skos:definition, rdfs:comment, rdfs:subPropertyOf)) }
}"""

GROUPS = (
    ("classes", (PREFIXES["owl"] + "Class",)),
    (
        "properties",
        (
            PREFIXES["owl"] + "ObjectProperty",
            PREFIXES["owl"] + "DatatypeProperty",
            PREFIXES["owl"] + "AnnotationProperty",
        ),
    ),
    ("concept_schemes", (PREFIXES["skos"] + "ConceptScheme", PREFIXES["skos"] + "Concept")),
)
FACTS = {
    PREFIXES["rdfs"] + "subClassOf": "subclass_of",
    PREFIXES["rdfs"] + "subPropertyOf": "subclass_of",
    PREFIXES["rdfs"] + "domain": "domain",
    PREFIXES["rdfs"] + "range": "range",
    SOV + "valuesFrom": "range",
    PREFIXES["skos"] + "inScheme": "concept_schemes",
}
DEFINITIONS = (PREFIXES["skos"] + "definition", PREFIXES["rdfs"] + "comment")


def reference(kg: KnowledgeGraph, site: Site, lang: str, path: str) -> dict[str, Any]:
    """The context of the ontology page in ``lang``: its groups of terms with definitions and links."""
    kinds: dict[str, set[str]] = defaultdict(set)
    facts: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for row in kg.select(_TERMS):
        term = row["term"].value
        if not (term.startswith(SOV) or term.startswith(KIND)):
            continue
        kinds[term].add(row["kind"].value)
        if row["p"] is not None:
            facts[term][row["p"].value].append(row["o"])
    words = WORDS[lang]
    groups = []
    for key, types in GROUPS:
        terms = []
        for term in sorted(t for t, found in kinds.items() if found & set(types)):
            shown = []
            for prop, name in FACTS.items():
                values = [site.value(path, o, lang) for o in facts[term].get(prop, [])]
                if values:
                    shown.append((words[name] if name != "concept_schemes" else "skos:inScheme", values))
            definitions = [
                str(o.value)
                for prop in DEFINITIONS
                for o in facts[term].get(prop, [])
                if getattr(o, "language", None) in (lang, None)
            ]
            terms.append(
                {
                    "anchor": ontology_anchor(term),
                    "label": site.catalogue.label(term, lang),
                    "short": shorten(term),
                    "definition": definitions[0] if definitions else "",
                    "facts": shown,
                    "page": site.href(path, term, lang) if term in site.catalogue.concepts else None,
                }
            )
        groups.append({"title": words[key], "terms": terms})
    return {"groups": groups, "namespace": SOV}
