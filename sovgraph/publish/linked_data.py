"""Linked data beside the pages: one Turtle and one JSON-LD file per subject, the context, the dumps and
the dataset description.

The **partition**: every curated triple goes to the file of its subject (``id/NAME.ttl``, see
:mod:`sovgraph.publish.addresses`); a blank node's triples go with the subject that names it. So each
file says what the graph says about one thing, relation nodes included, and the union of the files is the
curated graph exactly (a test checks it). The JSON-LD files carry the site's one context
(``context.jsonld``: the prefixes of :mod:`sovgraph.namespaces`) inline, so they parse offline.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sovgraph.namespaces import BASE, ID, PREFIXES, SOV
from sovgraph.publish.addresses import base_of
from sovgraph.publish.catalogue import RDF_TYPE, Catalogue

if TYPE_CHECKING:
    import pyoxigraph

XSD_STRING = PREFIXES["xsd"] + "string"
DATASET = BASE + "dataset"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
DUMPS = (("trig", "application/trig"), ("nq", "application/n-quads"), ("jsonld", "application/ld+json"))


def context() -> dict[str, Any]:
    """The JSON-LD context of the site: the prefix table (``sov:``, ``sg:``, ``kind:``...)."""
    return {"@context": dict(PREFIXES)}


def partition(catalogue: Catalogue) -> dict[str, list[pyoxigraph.Triple]]:
    """The curated triples by file base (``id/emc2``): each with its subject, blank nodes with their owner."""
    import pyoxigraph

    files: dict[str, list[pyoxigraph.Triple]] = defaultdict(list)
    owner: dict[Any, str] = {}
    pending: list[Any] = [s for s in catalogue.triples if isinstance(s, pyoxigraph.NamedNode)]
    for subject in pending:
        owner[subject] = base_of(subject.value)
    queue = list(pending)
    while queue:  # blank nodes reachable from an IRI subject belong to its file
        subject = queue.pop()
        for triple in catalogue.triples.get(subject, []):
            if isinstance(triple.object, pyoxigraph.BlankNode) and triple.object not in owner:
                owner[triple.object] = owner[subject]
                queue.append(triple.object)
    for subject, triples in catalogue.triples.items():
        base = owner.get(subject, "x/orphan-blank-nodes")
        files[base].extend(triples)
    return dict(files)


def turtle(triples: list[pyoxigraph.Triple]) -> bytes:
    import pyoxigraph

    from sovgraph.formats import serialize

    return serialize(triples, pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES)


def jsonld(triples: list[pyoxigraph.Triple]) -> bytes:
    """The triples as JSON-LD: one node object per subject, compact IRIs under the site's context."""
    import pyoxigraph

    nodes: dict[str, dict[str, Any]] = {}
    for triple in triples:
        node = nodes.setdefault(_id(triple.subject), {"@id": _id(triple.subject)})
        if triple.predicate.value == RDF_TYPE and isinstance(triple.object, pyoxigraph.NamedNode):
            node.setdefault("@type", []).append(compact(triple.object.value))
            continue
        node.setdefault(compact(triple.predicate.value), []).append(_value(triple.object))
    document = {**context(), "@graph": list(nodes.values())}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def compact(iri: str) -> str:
    """``prefix:local`` when a prefix covers the IRI and the result cannot be read as another IRI."""
    for prefix, ns in PREFIXES.items():
        local = iri[len(ns) :]
        if iri.startswith(ns) and local and not local.startswith("//"):
            return f"{prefix}:{local}"
    return iri


def _id(term: Any) -> str:
    import pyoxigraph

    return f"_:{term.value}" if isinstance(term, pyoxigraph.BlankNode) else compact(term.value)


def _value(term: Any) -> dict[str, Any]:
    import pyoxigraph

    if isinstance(term, (pyoxigraph.NamedNode, pyoxigraph.BlankNode)):
        return {"@id": _id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return {"@value": term.value}
    return {"@value": term.value, "@type": compact(term.datatype.value)}


def description(
    catalogue: Catalogue, version: str, built: str, base_url: str, triples: int
) -> list[pyoxigraph.Triple]:
    """The VoID/DCAT description of the dataset: licence, version, counts by class, dumps, sources."""
    import pyoxigraph

    def iri(text: str) -> pyoxigraph.NamedNode:
        return pyoxigraph.NamedNode(text)

    def ns(prefix: str, local: str) -> pyoxigraph.NamedNode:
        return iri(NAMESPACES[prefix] + local)

    def lit(value: object, datatype: str | None = None, lang: str | None = None) -> pyoxigraph.Literal:
        if lang:
            return pyoxigraph.Literal(str(value), language=lang)
        return pyoxigraph.Literal(str(value), datatype=iri(PREFIXES["xsd"] + datatype) if datatype else None)

    me = iri(DATASET)
    out = [
        pyoxigraph.Triple(me, ns("rdf", "type"), ns("void", "Dataset")),
        pyoxigraph.Triple(me, ns("rdf", "type"), ns("dcat", "Dataset")),
        pyoxigraph.Triple(
            me, ns("dcterms", "title"), lit("sovgraph: who hosts what, under which law", lang="en")
        ),
        pyoxigraph.Triple(
            me, ns("dcterms", "title"), lit("sovgraph : qui héberge quoi, sous quel droit", lang="fr")
        ),
        pyoxigraph.Triple(me, ns("dcterms", "license"), iri(LICENCE)),
        pyoxigraph.Triple(me, ns("dcterms", "creator"), lit("sovgraph contributors")),
        pyoxigraph.Triple(me, ns("dcat", "version"), lit(version)),
        pyoxigraph.Triple(me, ns("owl", "versionInfo"), lit(version)),
        pyoxigraph.Triple(me, ns("dcterms", "modified"), lit(built, "date")),
        pyoxigraph.Triple(me, ns("void", "triples"), lit(triples, "integer")),
        pyoxigraph.Triple(me, ns("void", "entities"), lit(len(catalogue.entities), "integer")),
        pyoxigraph.Triple(me, ns("void", "distinctSubjects"), lit(len(catalogue.triples), "integer")),
        pyoxigraph.Triple(me, ns("void", "uriSpace"), lit(ID)),
        pyoxigraph.Triple(me, ns("void", "vocabulary"), iri(SOV.rstrip("#"))),
        pyoxigraph.Triple(me, ns("void", "dataDump"), iri(base_url + "dumps/sovgraph.nq")),
        pyoxigraph.Triple(me, ns("dcat", "landingPage"), iri(base_url)),
    ]
    counts: dict[str, int] = defaultdict(int)
    for entity in catalogue.entities:
        for cls in catalogue.entities[entity]:
            counts[cls] += 1
    for cls, count in sorted(counts.items()):
        part = iri(f"{DATASET}#class-{cls.rsplit('#', 1)[-1].rsplit('/', 1)[-1]}")
        out += [
            pyoxigraph.Triple(me, ns("void", "classPartition"), part),
            pyoxigraph.Triple(part, ns("void", "class"), iri(cls)),
            pyoxigraph.Triple(part, ns("void", "entities"), lit(count, "integer")),
        ]
    for extension, media in DUMPS:
        dump = iri(f"{DATASET}#dump-{extension}")
        out += [
            pyoxigraph.Triple(me, ns("dcat", "distribution"), dump),
            pyoxigraph.Triple(dump, ns("rdf", "type"), ns("dcat", "Distribution")),
            pyoxigraph.Triple(dump, ns("dcat", "downloadURL"), iri(f"{base_url}dumps/sovgraph.{extension}")),
            pyoxigraph.Triple(dump, ns("dcat", "mediaType"), lit(media)),
            pyoxigraph.Triple(dump, ns("dcterms", "license"), iri(LICENCE)),
        ]
    out += [pyoxigraph.Triple(me, ns("dcterms", "source"), iri(s)) for s in sorted(catalogue.sources)]
    return out


NAMESPACES = {
    **PREFIXES,
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}
"""The prefix table plus VoID and DCAT, for the dataset description."""
