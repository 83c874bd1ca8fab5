"""Where each thing lives in the site: one layout, decided here, that a web server can negotiate.

An entity ``https://w3id.org/sovgraph/id/NAME`` lives at ``id/NAME``: its pages ``id/NAME.en.html`` and
``id/NAME.fr.html``, its data ``id/NAME.ttl`` and ``id/NAME.jsonld``. The path mirrors the IRI, so a server
with content negotiation (Apache's MultiViews, or the rules of docs/site.md) answers the IRI itself with
the page or the data the client asks for. An IRI outside ``id/`` (or with characters a file name should
not hold) gets ``x/`` and a digest of the IRI instead. A concept of a controlled list
``https://w3id.org/sovgraph/kind/NAME`` lives at ``kind/NAME`` in the same way.

>>> base_of("https://w3id.org/sovgraph/id/emc2")
'id/emc2'
>>> page_of("https://w3id.org/sovgraph/id/emc2", "fr")
'id/emc2.fr.html'
>>> base_of("https://example.org/thing?x=1")[:2]
'x/'
>>> concept_page("https://w3id.org/sovgraph/kind/verified-in-source", "en")
'kind/verified-in-source.en.html'
>>> ontology_anchor("https://w3id.org/sovgraph/kind/verified-in-source")
'kind-verified-in-source'
>>> relative("id/emc2.en.html", "index.en.html")
'../index.en.html'
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from sovgraph.namespaces import ID, KIND, SOV

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def base_of(iri: str) -> str:
    """The site path of an entity without extension (``id/emc2``)."""
    if iri.startswith(ID) and _SAFE.match(iri[len(ID) :]):
        return "id/" + iri[len(ID) :]
    return "x/" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:20]


def concept_base(iri: str) -> str:
    """The site path of a ``kind:`` concept without extension (``kind/verified-in-source``)."""
    if iri.startswith(KIND) and _SAFE.match(iri[len(KIND) :]):
        return "kind/" + iri[len(KIND) :]
    return "kind/x-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:20]


def concept_page(iri: str, lang: str) -> str:
    """The page of a ``kind:`` concept in one language."""
    return f"{concept_base(iri)}.{lang}.html"


def page_of(iri: str, lang: str) -> str:
    """The page of an entity in one language."""
    return f"{base_of(iri)}.{lang}.html"


def class_page(cls: str, lang: str) -> str:
    """The index page of a class (``class/Platform.en.html``)."""
    local = cls[len(SOV) :] if cls.startswith(SOV) else hashlib.sha256(cls.encode()).hexdigest()[:16]
    return f"class/{local}.{lang}.html"


def ontology_anchor(iri: str) -> str:
    """The fragment of a term in the ontology reference pages."""
    if iri.startswith(SOV):
        return iri[len(SOV) :]
    if iri.startswith(KIND) and _SAFE.match(iri[len(KIND) :]):
        return "kind-" + iri[len(KIND) :]
    return "t-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def relative(origin: str, target: str) -> str:
    """The link from the page at ``origin`` to the site path ``target`` (both relative to the site root)."""
    folder = posixpath.dirname(origin)
    if folder == posixpath.dirname(target):
        return posixpath.basename(target)
    return "../" * origin.count("/") + target
