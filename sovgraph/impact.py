"""What-if: which exposures platforms and data gain or lose if an entity is removed or a host replaced.

The curated graphs are copied into a fresh pyoxigraph store; the change is applied there as SPARQL Updates
(the entity and the relation nodes that name it are deleted, or the hostings that use a service or provider
are rewritten to another one); the project's rules are applied again
(:func:`sovgraph.sparql.rules.materialise`); and the exposures in force on the given day (library query
``exposure``) are compared before and after. The loaded graph is never modified.

Entities are bound into the updates as RDF terms in a ``VALUES`` block, as :mod:`sovgraph.sparql.bind` does
for queries: never by formatting text into them.

>>> import sovgraph
>>> result = impact(sovgraph.load(), "microsoft-azure", replace_with="s3ns-premi3ns",
...                 platform="health-data-hub-platform", as_of="2026-11-29")
>>> sorted({e.law_label for e in result.lost})
['CLOUD Act (Clarifying Lawful Overseas Use of Data Act)', 'FISA Section 702']
>>> result.gained
()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sovgraph.errors import QueryError
from sovgraph.namespaces import PREFIXES, shorten
from sovgraph.sparql.bind import bind

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.graph import KnowledgeGraph

__all__ = ["Exposure", "Impact", "impact"]


@dataclass(frozen=True, order=True)
class Exposure:
    """One exposure in force: a platform or data asset, a law, the criterion, and what it passes through."""

    platform: str
    law: str
    criterion: str
    through: str
    platform_label: str = ""
    law_label: str = ""
    criterion_label: str = ""
    through_label: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.platform, self.law, self.criterion, self.through)

    def text(self) -> str:
        labels = (self.platform_label, self.law_label, self.criterion_label, f"through {self.through_label}")
        return " — ".join(labels)


@dataclass(frozen=True)
class Impact:
    """What a change does to the exposures in force on ``as_of``."""

    entity: str
    replacement: str | None
    platform: str | None
    as_of: str
    changes: tuple[str, ...]
    lost: tuple[Exposure, ...]
    gained: tuple[Exposure, ...]
    kept: tuple[Exposure, ...]


def impact(
    kg: KnowledgeGraph,
    entity: str,
    *,
    replace_with: str | None = None,
    platform: str | None = None,
    as_of: object = None,
    lang: str = "en",
) -> Impact:
    """Compare the exposures in force on ``as_of`` before and after removing ``entity`` or replacing it.

    Without ``replace_with``, the entity (a provider, parent, service, law, decision...) is removed with
    every relation node that names it (its hostings, control links, reaches...). With ``replace_with``, every
    hosting whose service or provider is ``entity`` (only those of ``platform`` when given) uses the other
    one instead: a cloud service becomes the hosting's service and its operator the provider; an
    organisation becomes the provider (and the old service is dropped). ``platform`` also restricts the
    exposures compared.
    """
    from sovgraph.graph import KnowledgeGraph
    from sovgraph.sparql.library import rules
    from sovgraph.sparql.names import resolve
    from sovgraph.sparql.params import day
    from sovgraph.sparql.rules import materialise

    when = day(as_of)
    target = resolve(kg, entity, "impact: the entity", lang=lang)
    other = None if replace_with is None else resolve(kg, replace_with, "impact: --replace-with", lang=lang)
    only = None if platform is None else resolve(kg, platform, "impact: --platform", lang=lang)
    store = _copy(kg)
    if other is None:
        changes = _remove(kg, store, target, lang)
    else:
        changes = _replace(kg, store, target, other, only, lang)
    materialise(store, rules(kg.project.queries_dir / "rules", kg.project.root))
    after_kg = KnowledgeGraph(store=store, files=kg.files, project=kg.project)
    before, after = _exposures(kg, when, only, lang), _exposures(after_kg, when, only, lang)
    return Impact(
        entity=target,
        replacement=other,
        platform=only,
        as_of=when,
        changes=tuple(changes),
        lost=tuple(sorted(e for k, e in before.items() if k not in after)),
        gained=tuple(sorted(e for k, e in after.items() if k not in before)),
        kept=tuple(sorted(e for k, e in after.items() if k in before)),
    )


# --- the change -------------------------------------------------------------------------------------------

# Every curated triple lives in a named graph (one per file), so the updates match with GRAPH clauses.
_GRAPH_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?graph { ?s ?p ?o } }"
_RELATIONS_NAMING = """
SELECT DISTINCT ?relation WHERE {
    GRAPH ?g1 { ?relation ?property ?entity }
    GRAPH ?g2 { ?relation a ?cls }
    GRAPH ?g3 { ?cls rdfs:subClassOf* sov:Relation }
} ORDER BY ?relation"""
_DELETE_SUBJECT = "DELETE { GRAPH ?g { ?node ?p ?o } } WHERE { GRAPH ?g { ?node ?p ?o } }"
_DELETE_OBJECT = "DELETE { GRAPH ?g { ?s ?p ?node } } WHERE { GRAPH ?g { ?s ?p ?node } }"
_HOSTINGS_USING = """
SELECT DISTINCT ?hosting WHERE {
    GRAPH ?g1 { ?hosting a sov:Hosting ; ?role ?entity . FILTER(?role IN (sov:service, sov:provider)) }
    GRAPH ?g2 { ?hosting sov:hosted ?hosted }
    FILTER(!BOUND(?platform) || ?hosted = ?platform)
} ORDER BY ?hosting"""
_DROP_HOST = """
DELETE { GRAPH ?g { ?hosting ?role ?old } }
WHERE { GRAPH ?g { ?hosting ?role ?old . FILTER(?role IN (sov:service, sov:provider)) } }"""
_NEW_HOST = """
INSERT { GRAPH ?g { ?hosting sov:service ?service ; sov:provider ?provider } }
WHERE {
    GRAPH ?g { ?hosting a sov:Hosting }
    OPTIONAL { GRAPH ?g1 { ?other a sov:CloudService } BIND(?other AS ?service) }
    OPTIONAL { GRAPH ?g2 { ?other sov:operatedBy ?operator } }
    BIND(IF(BOUND(?service), ?operator, ?other) AS ?provider)
}"""
_HOST_NOW = """
SELECT ?role ?x WHERE { GRAPH ?g { ?hosting ?role ?x . FILTER(?role IN (sov:service, sov:provider)) } }"""


def _copy(kg: KnowledgeGraph) -> pyoxigraph.Store:
    """A fresh store holding the curated named graphs (one per file), without the derived graph.

    The graphs are read with queries, so the copy works from the embedded store and from an endpoint alike.
    """
    import pyoxigraph

    store = pyoxigraph.Store()
    for info in kg.files:
        graph = pyoxigraph.NamedNode(info.graph)
        triples = kg.query(_GRAPH_TRIPLES, {"graph": graph}, union=False)
        assert isinstance(triples, pyoxigraph.QueryTriples)
        store.extend([pyoxigraph.Quad(t.subject, t.predicate, t.object, graph) for t in triples])
    return store


def _remove(kg: KnowledgeGraph, store: pyoxigraph.Store, entity: str, lang: str) -> list[str]:
    """Delete the entity and every relation node that names it; say what went."""
    import pyoxigraph

    node = pyoxigraph.NamedNode(entity)
    relations = [row["relation"] for row in _select(store, _RELATIONS_NAMING, {"entity": node})]
    size = len(store)
    for doomed in [*relations, node]:
        _update(store, _DELETE_SUBJECT, {"node": doomed})
        _update(store, _DELETE_OBJECT, {"node": doomed})
    labels = _labels(kg, [entity, *(r.value for r in relations)], lang)
    changes = [f"removed {labels[entity]} ({size - len(store)} triples in all)"]
    changes += [f"removed the relation {labels[r.value]}" for r in relations]
    return changes


def _replace(
    kg: KnowledgeGraph, store: pyoxigraph.Store, entity: str, other: str, platform: str | None, lang: str
) -> list[str]:
    """Rewrite the hostings that use ``entity`` as service or provider to use ``other``; say which."""
    import pyoxigraph

    values: dict[str, Any] = {"entity": pyoxigraph.NamedNode(entity)}
    if platform is not None:
        values["platform"] = pyoxigraph.NamedNode(platform)
    hostings = [row["hosting"] for row in _select(store, _HOSTINGS_USING, values)]
    if not hostings:
        scope = "" if platform is None else f" of {shorten(platform)}"
        raise QueryError(
            f"{shorten(entity)}: no hosting{scope} uses it as service or provider, so there is nothing to "
            "replace; 'sovgraph query who-hosts-what' lists the hostings."
        )
    changes = []
    for hosting in hostings:
        _update(store, _DROP_HOST, {"hosting": hosting})
        _update(store, _NEW_HOST, {"hosting": hosting, "other": pyoxigraph.NamedNode(other)})
        now = {row["role"].value: row["x"].value for row in _select(store, _HOST_NOW, {"hosting": hosting})}
        labels = _labels(kg, [entity, other, hosting.value, *now.values()], lang)
        uses = "; ".join(
            f"{role.rsplit('#', 1)[-1]}: {labels[x]}" for role, x in sorted(now.items(), reverse=True)
        )
        where = labels[hosting.value]
        changes.append(f"replaced {labels[entity]} by {labels[other]} in the hosting {where} (now {uses})")
    return changes


def _update(store: pyoxigraph.Store, text: str, values: Mapping[str, Any]) -> None:
    try:
        store.update(bind(text, values), prefixes=PREFIXES)
    except (SyntaxError, RuntimeError, ValueError, OSError) as exc:
        raise QueryError(f"the what-if update failed: {exc}.") from None


def _select(store: pyoxigraph.Store, text: str, values: Mapping[str, Any]) -> list[Any]:
    import pyoxigraph

    solutions = store.query(bind(text, values), prefixes=PREFIXES)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    return list(solutions)


# --- the comparison ---------------------------------------------------------------------------------------


def _exposures(
    kg: KnowledgeGraph, as_of: str, platform: str | None, lang: str
) -> dict[tuple[str, str, str, str], Exposure]:
    params: dict[str, object] = {"as_of": as_of}
    if platform is not None:
        params["platform"] = platform
    found = {}
    for row in kg.run("exposure", lang=lang, **params).rows:
        cells = [row[c] for c in ("platform", "law", "criterion", "through")]
        if any(cell is None for cell in cells):
            continue
        exposure = Exposure(*(c.value for c in cells if c), *(c.text() for c in cells if c))
        found[exposure.key] = exposure
    return found


def _labels(kg: KnowledgeGraph, iris: Sequence[str], lang: str) -> dict[str, str]:
    """Labels of IRIs in ``lang`` (the short IRI where none), for the description of a change."""
    import pyoxigraph

    from sovgraph.sparql.queries import label_terms

    found = label_terms(kg, (pyoxigraph.NamedNode(i) for i in iris), lang)
    return {iri: found.get(iri, shorten(iri)) for iri in iris}
