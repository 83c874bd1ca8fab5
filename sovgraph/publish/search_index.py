"""The search index: every entity but relation nodes, and every concept of a controlled list in use, with
its names in both languages and its pages.

Written as ``search-index.json`` for anyone, and embedded in the search pages (a page opened from the file
system may not fetch a file). ``static/search.js`` matches without case or accents.
"""

from __future__ import annotations

from typing import Any

from sovgraph.publish.addresses import concept_page, page_of
from sovgraph.publish.catalogue import Catalogue
from sovgraph.publish.words import LANGS, WORDS


def index(catalogue: Catalogue) -> dict[str, Any]:
    """The index as JSON-ready data."""
    entries = []
    for iri in catalogue.entities:
        if catalogue.is_relation(iri):
            continue
        names = {n for found in catalogue.names.get(iri, {}).values() for n in found}
        names |= {text for text, _ in catalogue.alt_labels(iri)}
        cls = catalogue.main_class(iri)
        entries.append(
            {
                "iri": iri,
                "names": sorted(names),
                "label": {lang: catalogue.label(iri, lang) for lang in LANGS},
                "cls": {lang: catalogue.label(cls, lang) if cls else "" for lang in LANGS},
                "page": {lang: page_of(iri, lang) for lang in LANGS},
            }
        )
    for iri in catalogue.concepts:
        names = {n for found in catalogue.names.get(iri, {}).values() for n in found}
        names |= {text for text, _ in catalogue.alt_labels(iri)}
        schemes = catalogue.scheme_of(iri)
        entries.append(
            {
                "iri": iri,
                "names": sorted(names),
                "label": {lang: catalogue.label(iri, lang) for lang in LANGS},
                "cls": {lang: ", ".join(catalogue.label(s.value, lang) for s in schemes) for lang in LANGS},
                "page": {lang: concept_page(iri, lang) for lang in LANGS},
            }
        )
    words = {lang: {"results": WORDS[lang]["results"], "none": WORDS[lang]["no_result"]} for lang in LANGS}
    return {"entries": entries, "words": words}
