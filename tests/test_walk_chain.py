"""The chain walk gives the rows of ``queries/chain.rq`` (issue 16).

``sovgraph.sparql.walks.chain`` answers the chain of one entity by index lookups instead of running the
query's text. The text stays the definition: here both run for many entities and days, on the invented
world, the curated graph, a 10k-triple synthetic graph and a small graph of subtle cases, and must give the
same rows (GROUP_CONCAT cells compared as sets of items) in an order that respects the query's ORDER BY.
Speed is measured by the benchmark, not here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest

import sovgraph
from sovgraph.namespaces import PREFIXES
from sovgraph.sparql.walks import chain
from sovgraph.tools import synth

XSD_DATE = pyoxigraph.NamedNode(PREFIXES["xsd"] + "date")
DAYS = ("2010-01-01", "2016-06-01", "2020-01-01", "2024-06-01", "2030-01-01")
ABSENT = pyoxigraph.NamedNode("urn:sovgraph:test:not-in-the-graph")
SG = PREFIXES["sg"]

# Entities the chain starts from: hosted platforms and data, bodies using a service, providers, services,
# organisations with a control link.
_ENTITIES = """
SELECT DISTINCT ?e WHERE {
    { ?h sov:hosted|sov:user|sov:provider ?e } UNION { ?c sov:controlled|sov:controller ?e }
    UNION { ?s sov:operatedBy ?x BIND(?s AS ?e) }
} ORDER BY ?e
"""
# Nodes of the graph with no hop: a source, a place of incorporation.
_HOPLESS = "SELECT ?e WHERE { { ?x dcterms:source ?e } UNION { ?x sov:incorporatedIn ?e } } ORDER BY ?e"
# The query's ?order, by relation (rows of one ?depth are ordered by it before ?from and ?to).
_ORDER = {"hosted by": 0, "uses a service of": 0, "controlled by": 1, "incorporated in": 2, "reached by": 3}


def _params(entity: pyoxigraph.NamedNode, day: str) -> dict[str, pyoxigraph.Term]:
    return {"entity": entity, "as_of": pyoxigraph.Literal(day, datatype=XSD_DATE)}


def _cells(row: tuple[pyoxigraph.Term | None, ...]) -> tuple[str, ...]:
    """A row as ``rows.multiset`` writes it: N-Triples cells, the items of a " ; "-joined literal sorted."""
    cells = []
    for term in row:
        if isinstance(term, pyoxigraph.Literal) and " ; " in term.value:
            cells.append(" ; ".join(sorted(term.value.split(" ; "))))
        else:
            cells.append("" if term is None else str(term))
    return tuple(cells)


def _order_keys(rows: list[tuple[pyoxigraph.Term | None, ...]]) -> list[tuple[str, int, str, str]]:
    """Each row's ORDER BY keys (?depth ?order ?from ?to), blank nodes tied as Oxigraph ties them."""

    def cell(term: pyoxigraph.Term | None) -> str:
        return "_:" if isinstance(term, pyoxigraph.BlankNode) else "" if term is None else str(term)

    keys = []
    for depth, start, relation, to, *_ in rows:
        assert isinstance(relation, pyoxigraph.Literal)
        keys.append((cell(depth), _ORDER[relation.value], cell(start), cell(to)))
    return keys


def _walk(kg: sovgraph.KnowledgeGraph, entity: pyoxigraph.NamedNode, day: str) -> list[tuple[object, ...]]:
    return list(chain.walk(kg.store, _params(entity, day)))


def _compare(kg: sovgraph.KnowledgeGraph, entities: list[pyoxigraph.NamedNode], days: tuple[str, ...]) -> int:
    """The walk's rows and the text's, for every entity and day: the same multiset, in the same order of
    ORDER BY keys. Returns the number of rows compared."""
    text = (kg.project.queries_dir / "chain.rq").read_text(encoding="utf-8")
    compared = 0
    for entity in entities:
        for day in days:
            params = _params(entity, day)
            answer = kg.select(text, params)
            expected = [tuple(s[v] for v in answer.variables) for s in answer]
            rows = chain.walk(kg.store, params)
            assert Counter(map(_cells, rows)) == Counter(map(_cells, expected)), (entity.value, day)
            assert _order_keys(rows) == _order_keys(expected), (entity.value, day)
            compared += len(rows)
    return compared


def _entities(kg: sovgraph.KnowledgeGraph, every: int) -> list[pyoxigraph.NamedNode]:
    """Every ``every``-th entity a chain starts from, two nodes with no hop, and a node not in the graph."""
    found = [r["e"] for i, r in enumerate(kg.select(_ENTITIES)) if i % every == 0]
    hopless = [r["e"] for r in kg.select(_HOPLESS)]
    return [*found, hopless[0], hopless[-1], ABSENT]


def test_the_walk_gives_the_rows_of_chain_on_the_world(world: sovgraph.KnowledgeGraph) -> None:
    entities = _entities(world, 1)
    assert len(entities) > 12
    assert _compare(world, entities, (*DAYS, "2025-07-01")) > 100


def test_the_walk_gives_the_rows_of_chain_on_the_curated_graph(kg: sovgraph.KnowledgeGraph) -> None:
    entities = _entities(kg, 2)
    assert len(entities) > 60
    assert _compare(kg, entities, DAYS) > 200


@pytest.fixture(scope="module")
def synthetic(root: Path, tmp_path_factory: pytest.TempPathFactory) -> sovgraph.KnowledgeGraph:
    path = tmp_path_factory.mktemp("walk-chain") / "synth.nt"
    synth.write(path, 10_000, seed=7)
    return sovgraph.load(root, files=[*sorted((root / "ontology").glob("*.ttl")), path])


def test_the_walk_gives_the_rows_of_chain_at_scale(synthetic: sovgraph.KnowledgeGraph) -> None:
    entities = _entities(synthetic, 9)
    assert len(entities) > 20
    assert _compare(synthetic, entities, ("2016-06-01", "2020-01-01", "2024-06-01")) > 200


# Subtle cases, in a small graph of their own (nothing here is a real fact):
# - the Platform is hosted by Sub with two start dates given (one row per date in force), is only observed
#   (on 2019-03-01), and names a provider as well as a service whose operator is another (the provider wins);
# - Sub is controlled by Parent (a subsidiary) and by Minority through a mere shareholding (no control);
# - the Law reaches Parent by incorporation, hence Sub through control: a derived reach whose premises
#   (the reach and the control link) name the sources;
# - the Platform 2 is hosted with start and end dates that cannot all be compared with a day (a string, a
#   date-time, a date with a time zone), and is observed in 2024 (a year: observed on any day of it);
# - the Platform 3 is hosted by a sourced relation that is derived (not a basis: no period);
# - C0 is controlled by C1, C1 by C2... up to C11 (depths 0 to 10, ordered as numbers).
# - the Body uses a service of Parent (named by the service only), cited by a source with no URL or
#   citation (a blank node: STR() of it is an error, which leaves the sources empty).
EDGE = (
    """
@prefix sov: <https://w3id.org/sovgraph/ontology#> .
@prefix kind: <https://w3id.org/sovgraph/kind/> .
@prefix sg: <https://w3id.org/sovgraph/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .

sg:t-src-url a sov:Source ; schema:url "https://example.org/t-url"^^xsd:anyURI .
sg:t-src-cite a sov:Source ; dcterms:bibliographicCitation "T. Citation" .
sg:t-land a sov:Jurisdiction .
sg:t-law a sov:Law ; sov:reachCriterion kind:control , kind:incorporation ;
    dcterms:date "2000-01-01"^^xsd:date ; dcterms:source sg:t-src-url .
sg:t-parent a sov:Company ; sov:incorporatedIn sg:t-land .
sg:t-sub a sov:Company ; sov:incorporatedIn sg:t-land .
sg:t-minority a sov:Company .
sg:t-control a sov:Control ; sov:controlled sg:t-sub ; sov:controller sg:t-parent ;
    sov:controlKind kind:subsidiary ; sov:confidence kind:verified-in-source ;
    schema:startDate "2001-01-01"^^xsd:date ; dcterms:source sg:t-src-cite .
sg:t-shares a sov:Control ; sov:controlled sg:t-sub ; sov:controller sg:t-minority ;
    sov:controlKind kind:shareholding ; sov:confidence kind:verified-in-source ;
    dcterms:source sg:t-src-cite .
sg:t-reach a sov:Reach ; sov:law sg:t-law ; sov:reached sg:t-parent ; sov:reachCriterion kind:incorporation ;
    sov:confidence kind:verified-in-source ; schema:startDate "2002-01-01"^^xsd:date ;
    dcterms:source sg:t-src-url .
sg:t-service a sov:CloudService ; sov:operatedBy sg:t-parent .
sg:t-platform a sov:Platform .
sg:t-hosting a sov:Hosting ; sov:hosted sg:t-platform ; sov:provider sg:t-sub ; sov:service sg:t-service ;
    sov:inForceFrom "2015-01-01"^^xsd:date , "2019-01-01"^^xsd:date ; sov:observedOn "2019-03-01"^^xsd:date ;
    sov:confidence kind:verified-in-source ; dcterms:source sg:t-src-url .
sg:t-platform-2 a sov:Platform .
sg:t-hosting-2 a sov:Hosting ; sov:hosted sg:t-platform-2 ; sov:provider sg:t-sub ;
    sov:inForceFrom "sometime" , "2030-06-01"^^xsd:date ;
    sov:inForceUntil "someday" , "2016-06-01T00:00:00"^^xsd:dateTime , "2020-01-01Z"^^xsd:date ;
    sov:observedOn "2024"^^xsd:gYear ; dcterms:source sg:t-src-cite .
sg:t-platform-3 a sov:Platform .
sg:t-hosting-3 a sov:Hosting , sov:Derived ; sov:hosted sg:t-platform-3 ; sov:provider sg:t-sub ;
    dcterms:source sg:t-src-url .
sg:t-body a sov:PublicBody .
sg:t-c0 a sov:Company .
"""
    + "".join(
        f"sg:t-c{i + 1} a sov:Company . sg:t-link-{i} a sov:Control ; sov:controlled sg:t-c{i} ;"
        f" sov:controller sg:t-c{i + 1} ; sov:controlKind kind:subsidiary ;"
        f" sov:confidence kind:verified-in-source .\n"
        for i in range(11)
    )
    + """
sg:t-use a sov:ServiceUse ; sov:user sg:t-body ; sov:service sg:t-service ; dcterms:source [ a sov:Source ] .
"""
)
EDGE_DAYS = (*DAYS, "2019-03-01")


@pytest.fixture(scope="module")
def edge(root: Path, tmp_path_factory: pytest.TempPathFactory) -> sovgraph.KnowledgeGraph:
    path = tmp_path_factory.mktemp("walk-chain-edge") / "edge.ttl"
    path.write_text(EDGE, encoding="utf-8")
    return sovgraph.load(root, files=[*sorted((root / "ontology").glob("*.ttl")), path])


def _node(name: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(SG + name)


def _hops(rows: list[tuple[object, ...]], start: str, relation: str) -> list[tuple[object, ...]]:
    return [r for r in rows if r[1] == _node(start) and r[2] == pyoxigraph.Literal(relation)]


def test_the_walk_gives_the_rows_of_chain_in_subtle_cases(edge: sovgraph.KnowledgeGraph) -> None:
    names = ("t-platform", "t-platform-2", "t-platform-3", "t-body", "t-sub", "t-parent", "t-land", "t-c0")
    assert _compare(edge, [*map(_node, names), ABSENT], EDGE_DAYS) > 100
    assert pyoxigraph.Literal(10) in [r[0] for r in _walk(edge, _node("t-c0"), "2024-06-01")]


def test_a_hop_with_two_start_dates_in_force_gives_two_rows(edge: sovgraph.KnowledgeGraph) -> None:
    def starts(day: str) -> list[str]:
        hosted = _hops(_walk(edge, _node("t-platform"), day), "t-platform", "hosted by")
        assert {r[3] for r in hosted} <= {_node("t-sub")}  # the provider, not the service's operator
        return sorted(str(r[6]) for r in hosted)

    assert starts("2024-06-01") == [f'"2015-01-01"^^<{XSD_DATE.value}>', f'"2019-01-01"^^<{XSD_DATE.value}>']
    assert starts("2016-06-01") == [f'"2015-01-01"^^<{XSD_DATE.value}>']
    assert starts("2010-01-01") == []


def test_a_control_kind_that_conveys_no_control_is_not_followed(edge: sovgraph.KnowledgeGraph) -> None:
    controllers = {r[3] for r in _hops(_walk(edge, _node("t-sub"), "2024-06-01"), "t-sub", "controlled by")}
    assert controllers == {_node("t-parent")}


def test_a_derived_reach_has_the_sources_and_period_of_its_premises(edge: sovgraph.KnowledgeGraph) -> None:
    rows = _hops(_walk(edge, _node("t-sub"), "2024-06-01"), "t-sub", "reached by")
    (derived,) = [r for r in rows if r[4] == pyoxigraph.NamedNode(PREFIXES["kind"] + "control")]
    assert isinstance(derived[5], pyoxigraph.NamedNode) and "/derived/reach-" in derived[5].value
    assert isinstance(derived[9], pyoxigraph.Literal)
    assert sorted(derived[9].value.split(" ; ")) == ["T. Citation", "https://example.org/t-url"]
    assert derived[10] == pyoxigraph.Literal("known")


def test_a_premise_observed_on_another_day_is_observed_only(edge: sovgraph.KnowledgeGraph) -> None:
    def periods(day: str) -> set[object]:
        return {r[10] for r in _hops(_walk(edge, _node("t-platform"), day), "t-platform", "hosted by")}

    assert periods("2024-06-01") == {pyoxigraph.Literal("observed-only")}
    assert periods("2019-03-01") == {pyoxigraph.Literal("observed")}


def test_a_premise_observed_in_a_year_is_observed_on_its_days(edge: sovgraph.KnowledgeGraph) -> None:
    def periods(day: str) -> set[object]:
        return {r[10] for r in _hops(_walk(edge, _node("t-platform-2"), day), "t-platform-2", "hosted by")}

    assert periods("2024-06-01") == {pyoxigraph.Literal("observed")}
    assert periods("2020-01-01") == {pyoxigraph.Literal("observed-only")}


def test_a_hop_with_no_sourced_relation_behind_it_has_no_period(edge: sovgraph.KnowledgeGraph) -> None:
    (hosted,) = _hops(_walk(edge, _node("t-platform-3"), "2024-06-01"), "t-platform-3", "hosted by")
    assert hosted[9] == pyoxigraph.Literal("https://example.org/t-url")
    assert hosted[10] is None  # the query's 1 / 0: a derived node is not a basis


def test_dates_that_cannot_be_compared_keep_a_hop_in_force(edge: sovgraph.KnowledgeGraph) -> None:
    def dates(day: str, column: int) -> set[str]:
        rows = _hops(_walk(edge, _node("t-platform-2"), day), "t-platform-2", "hosted by")
        return {r[column].value for r in rows if isinstance(r[column], pyoxigraph.Literal)}

    # A string and a date-time are never comparable with a day; a date with a time zone is, except within
    # 14 hours of it.
    assert dates("2024-06-01", 6) == {"sometime"}
    assert dates("2024-06-01", 7) == {"someday", "2016-06-01T00:00:00"}
    assert dates("2020-01-01", 7) == {"someday", "2016-06-01T00:00:00", "2020-01-01Z"}


def test_a_source_with_no_text_leaves_the_sources_empty(edge: sovgraph.KnowledgeGraph) -> None:
    (use,) = _hops(_walk(edge, _node("t-body"), "2024-06-01"), "t-body", "uses a service of")
    assert use[3] == _node("t-parent")  # the operator of the service, the use naming no provider
    assert use[9] is None
    assert use[10] == pyoxigraph.Literal("unknown")
