"""Entity-scoped queries give the same rows as their earlier, plainer writings (issue 16).

``chain`` and ``sources`` were rewritten so that Oxigraph follows one entity's hops by index lookups instead
of evaluating parts of the query over the whole graph, and ``explain`` describes a node starting from the
node alone. The earlier text of each query is kept in ``tests/fixtures/scoped/``; here both run over the
invented world and over a 10k-triple synthetic graph, for many entities (and days), and must return the
same rows (GROUP_CONCAT cells compared as sets, since SPARQL leaves their order to the engine). Speed is
measured by ``make bench``, not here.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rows import multiset

import sovgraph
from sovgraph.tools import synth

BEFORE = Path(__file__).resolve().parent / "fixtures" / "scoped"
XSD_DATE = pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#date")
DAYS = ("2016-06-01", "2024-06-01")

# Entities the chain starts from: hosted platforms and data, bodies using a service, providers, services,
# organisations with a control link.
_ENTITIES = """
SELECT DISTINCT ?e WHERE {
    { ?h sov:hosted|sov:user|sov:provider ?e } UNION { ?c sov:controlled|sov:controller ?e }
    UNION { ?s sov:operatedBy ?x BIND(?s AS ?e) }
} ORDER BY ?e
"""


@pytest.fixture(scope="module")
def synthetic(root: Path, tmp_path_factory: pytest.TempPathFactory) -> sovgraph.KnowledgeGraph:
    path = tmp_path_factory.mktemp("scoped") / "synth.nt"
    synth.write(path, 10_000, seed=7)
    return sovgraph.load(root, files=[*sorted((root / "ontology").glob("*.ttl")), path])


def _sample(kg: sovgraph.KnowledgeGraph, query: str, every: int) -> list[pyoxigraph.NamedNode]:
    return [r["e"] for i, r in enumerate(kg.select(query)) if i % every == 0]


def _compare(
    kg: sovgraph.KnowledgeGraph,
    name: str,
    param: str,
    entities: list[pyoxigraph.NamedNode],
    days: tuple[str, ...],
) -> int:
    before = (BEFORE / f"{name}-before.rq").read_text(encoding="utf-8")
    now = (kg.project.queries_dir / f"{name}.rq").read_text(encoding="utf-8")
    compared = 0
    for entity in entities:
        for day in days or (None,):
            params: dict[str, pyoxigraph.Term] = {param: entity}
            if day is not None:
                params["as_of"] = pyoxigraph.Literal(day, datatype=XSD_DATE)
            expected = multiset(kg, before, params)
            assert multiset(kg, now, params) == expected, (name, entity.value, day)
            compared += len(expected)
    return compared


def test_chain_gives_the_rows_of_its_earlier_writing_on_the_world(world: sovgraph.KnowledgeGraph) -> None:
    entities = _sample(world, _ENTITIES, 1)
    assert len(entities) > 10
    assert _compare(world, "chain", "entity", entities, (*DAYS, "2020-01-01", "2025-07-01")) > 50


def test_chain_gives_the_rows_of_its_earlier_writing_at_scale(synthetic: sovgraph.KnowledgeGraph) -> None:
    entities = _sample(synthetic, _ENTITIES, 9)
    assert len(entities) > 20
    assert _compare(synthetic, "chain", "entity", entities, DAYS) > 200


def test_sources_gives_the_rows_of_its_earlier_writing(
    world: sovgraph.KnowledgeGraph, synthetic: sovgraph.KnowledgeGraph
) -> None:
    everything = "SELECT DISTINCT ?e WHERE { ?e ?p ?o FILTER(isIRI(?e)) } ORDER BY ?e"
    assert _compare(world, "sources", "entity", _sample(world, everything, 1), ()) > 20
    assert _compare(synthetic, "sources", "entity", _sample(synthetic, everything, 40), ()) > 50


def test_explain_gives_the_text_of_its_earlier_description_query(
    synthetic: sovgraph.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sovgraph import explain

    nodes = [
        r["e"].value for r in synthetic.select("SELECT ?e WHERE { ?e a sov:Exposure } ORDER BY ?e LIMIT 25")
    ]
    assert len(nodes) == 25
    now = [explain.explain(synthetic, n) for n in nodes]
    earlier = explain._DESCRIBE.replace(
        "?node <urn:sovgraph:none>? ?self .", "{ ?node ?anyp ?anyo } UNION { ?anys ?anyp2 ?node }"
    )
    assert earlier != explain._DESCRIBE
    monkeypatch.setattr(explain, "_DESCRIBE", earlier)
    assert [explain.explain(synthetic, n) for n in nodes] == now
    assert all("derived by rule" in text for text in now)


# The values each bound variant is checked for, by (query, parameter): every entity of the parameter's class
# (and, for decisions, everything a decision points to). A variant added to the library needs its line here.
_VARIANT_VALUES = {
    ("decisions", "entity"): """
        SELECT DISTINCT ?e WHERE {
            { ?d a ?class VALUES ?class { sov:Decision sov:Law } BIND(?d AS ?e) }
            UNION { ?d sov:concerns|sov:authorises|sov:decidedBy|sov:applicant|sov:challenges ?e }
            UNION { ?h sov:authorisedBy ?d ; sov:hosted|sov:provider ?e }
        } ORDER BY ?e""",
}


def _variants(kg: sovgraph.KnowledgeGraph) -> list[tuple[str, str]]:
    return [(name, p) for name, q in kg.library().items() for v in q.variants for p in sorted(v.when)]


def test_every_bound_variant_has_the_values_it_is_checked_for(world: sovgraph.KnowledgeGraph) -> None:
    found = _variants(world)
    assert set(found) == set(_VARIANT_VALUES), found


def _compare_variant(
    kg: sovgraph.KnowledgeGraph, name: str, param: str, every: int, days: tuple[str, ...]
) -> int:
    """Rows of the query's own text and of its variant for ``param``, for many values: the same multiset."""
    query = kg.library()[name]
    variant = next(v.query for v in query.variants if param in v.when)
    entities = _sample(kg, _VARIANT_VALUES[(name, param)], every)
    assert len(entities) > 5, (name, param)
    compared = 0
    for entity in entities:
        for day in days:
            params: dict[str, pyoxigraph.Term] = {
                param: entity,
                "as_of": pyoxigraph.Literal(day, datatype=XSD_DATE),
            }
            expected = multiset(kg, query.text, params)
            assert multiset(kg, variant.text, params) == expected, (name, param, entity.value, day)
            compared += len(expected)
    return compared


@pytest.mark.parametrize(("name", "param"), sorted(_VARIANT_VALUES))
def test_a_bound_variant_gives_the_rows_of_its_query_on_the_world(
    world: sovgraph.KnowledgeGraph, name: str, param: str
) -> None:
    assert _compare_variant(world, name, param, 1, (*DAYS, "2026-01-01")) > 20


@pytest.mark.parametrize(("name", "param"), sorted(_VARIANT_VALUES))
def test_a_bound_variant_gives_the_rows_of_its_query_at_scale(
    synthetic: sovgraph.KnowledgeGraph, name: str, param: str
) -> None:
    assert _compare_variant(synthetic, name, param, 7, DAYS) > 20
