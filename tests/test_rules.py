"""Derivation rules: applied to a fixpoint in their own graph, traceable, never written over curated data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import sovgraph
from sovgraph.errors import QueryError
from sovgraph.sparql.library import read_query
from sovgraph.sparql.rules import DERIVED_GRAPH, materialise

if TYPE_CHECKING:
    import pyoxigraph


def _world(root: Path, fixtures: Path) -> sovgraph.KnowledgeGraph:
    return sovgraph.load(
        root, files=[*sorted((root / "ontology").glob("*.ttl")), fixtures / "queries" / "world.ttl"]
    )


def test_derived_facts_go_to_their_own_graph_and_curated_graphs_are_untouched(
    root: Path, fixtures: Path
) -> None:
    kg = sovgraph.load(
        root,
        files=[*sorted((root / "ontology").glob("*.ttl")), fixtures / "queries" / "world.ttl"],
        derive=False,
    )
    before = {(q.subject, q.predicate, q.object, q.graph_name) for q in kg.store}
    runs = kg.derive()
    after = {(q.subject, q.predicate, q.object, q.graph_name) for q in kg.store}
    added = after - before
    assert added and before <= after
    assert {str(q[3].value) for q in added} == {DERIVED_GRAPH}
    assert [r.rule for r in runs] == ["in-force", "control-path", "reach-through-control", "exposure"]
    assert all(r.triples > 0 for r in runs)


def test_deriving_twice_gives_the_same_graph(root: Path, fixtures: Path) -> None:
    kg = _world(root, fixtures)
    first = {(q.subject, q.predicate, q.object) for q in kg.store}
    kg.derive()
    assert {(q.subject, q.predicate, q.object) for q in kg.store} == first


def test_recursive_control_paths_reach_the_top_of_the_chain(root: Path, fixtures: Path) -> None:
    kg = _world(root, fixtures)
    rows = kg.query(
        "SELECT ?top ?hops WHERE { ?p a sov:ControlPath ; sov:controlled sg:cloudco ; "
        "sov:controller ?top ; sov:hops ?hops }"
    )
    assert {(r["top"].value.rsplit("/", 1)[-1], int(r["hops"].value)) for r in rows} == {
        ("oldco", 1),
        ("holdco", 1),
        ("atlanticorp", 2),
    }


def test_a_path_is_in_force_over_the_intersection_of_its_links(root: Path, fixtures: Path) -> None:
    kg = _world(root, fixtures)
    rows = list(
        kg.query(
            "SELECT ?from ?conf WHERE { ?p a sov:ControlPath ; sov:controlled sg:cloudco ; "
            "sov:controller sg:atlanticorp ; sov:inForceFrom ?from ; sov:confidence ?conf }"
        )
    )
    # Holdco controls CloudCo from 2021-07-01 (seed-stated); AtlantiCorp controls Holdco from 2019.
    assert [(r["from"].value, r["conf"].value.rsplit("/", 1)[-1]) for r in rows] == [
        ("2021-07-01", "seed-stated")
    ]


def test_a_rule_that_never_converges_is_stopped_with_its_name(tmp_path: Path, root: Path) -> None:
    import pyoxigraph

    rule = tmp_path / "99-runaway.rq"
    rule.write_text(
        "#+ summary: Mints a new node every round.\n"
        "CONSTRUCT { ?new <http://example.org/q> ?x } WHERE { ?x <http://example.org/p> ?y "
        "BIND(IRI(CONCAT('http://example.org/', STRUUID())) AS ?new) }\n",
        encoding="utf-8",
    )
    store = pyoxigraph.Store()
    ex = pyoxigraph.NamedNode("http://example.org/a")
    store.add(
        pyoxigraph.Quad(
            ex, pyoxigraph.NamedNode("http://example.org/p"), ex, pyoxigraph.NamedNode("http://g")
        )
    )
    with pytest.raises(QueryError, match=r"rule runaway still derives new facts after \d+ rounds"):
        materialise(store, [read_query(rule, "runaway")])


def test_a_rule_must_be_a_construct(tmp_path: Path) -> None:
    import pyoxigraph

    rule = tmp_path / "select.rq"
    rule.write_text("#+ summary: Not a rule.\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="must be a CONSTRUCT query"):
        materialise(pyoxigraph.Store(), [read_query(rule, "select")])


def test_validation_ignores_derived_facts(root: Path, fixtures: Path) -> None:
    kg = _world(root, fixtures)
    assert kg.validate().findings == ()
    assert DERIVED_GRAPH.encode() not in kg.union_ntriples()
    assert b"/derived/" not in kg.union_ntriples()


_CHAIN = """@prefix ex: <http://example.org/> .
ex:a ex:next ex:b . ex:b ex:next ex:c . ex:c ex:next ex:d .
"""
_TRANSITIVE = (
    "CONSTRUCT {{ ?x <http://example.org/next> ?z }} WHERE {{ "
    "?x <http://example.org/next> ?y . ?y <http://example.org/next> ?z }}\n"
)


def _chain_store() -> pyoxigraph.Store:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(_CHAIN.encode(), pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode("http://g"))
    return store


def _next_pairs(store: pyoxigraph.Store) -> set[tuple[str, str]]:
    import pyoxigraph

    graph = pyoxigraph.NamedNode(DERIVED_GRAPH)
    nxt = pyoxigraph.NamedNode("http://example.org/next")
    return {(str(q.subject)[-2], str(q.object)[-2]) for q in store.quads_for_pattern(None, nxt, None, graph)}


@pytest.mark.parametrize(
    ("header", "rounds", "pairs"),
    [
        ("", 3, {("a", "c"), ("b", "d"), ("a", "d")}),  # to a fixpoint: round 3 derives nothing new
        ("#+ recursive: true\n", 3, {("a", "c"), ("b", "d"), ("a", "d")}),
        ("#+ recursive: false\n", 1, {("a", "c"), ("b", "d")}),  # applied once: no a-d
    ],
)
def test_a_rule_is_applied_once_only_when_its_header_says_it_is_not_recursive(
    tmp_path: Path, header: str, rounds: int, pairs: set[tuple[str, str]]
) -> None:
    rule = tmp_path / "transitive.rq"
    rule.write_text("#+ summary: Next of next.\n" + header + _TRANSITIVE.format(), encoding="utf-8")
    store = _chain_store()
    [run] = materialise(store, [read_query(rule, "transitive")])
    assert _next_pairs(store) == pairs
    assert (run.rounds, run.triples) == (rounds, len(pairs))


def test_a_bad_recursive_header_names_the_file(tmp_path: Path) -> None:
    rule = tmp_path / "transitive.rq"
    rule.write_text(
        "#+ summary: Next of next.\n#+ recursive: maybe\n" + _TRANSITIVE.format(), encoding="utf-8"
    )
    with pytest.raises(QueryError, match=r"transitive\.rq: header 'recursive' must be true or false"):
        materialise(_chain_store(), [read_query(rule, "transitive")])


def test_counts_are_the_new_triples_even_when_a_rule_rederives_known_ones(tmp_path: Path) -> None:
    import pyoxigraph

    first, second = tmp_path / "10-first.rq", tmp_path / "20-again.rq"
    for path in (first, second):  # the second rule derives exactly what the first did: nothing new
        path.write_text("#+ summary: Next of next.\n" + _TRANSITIVE.format(), encoding="utf-8")
    store = _chain_store()
    runs = materialise(store, [read_query(first, "first"), read_query(second, "again")])
    assert [r.triples for r in runs] == [3, 0]
    assert [r.rounds for r in runs] == [3, 1]
    derived = list(store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(DERIVED_GRAPH)))
    described = [q for q in derived if str(q.subject).startswith("<https://w3id.org/sovgraph/rule/")]
    assert len(derived) - len(described) == 3


def test_rules_applied_once_derive_what_they_would_derive_to_a_fixpoint(root: Path, fixtures: Path) -> None:
    """The shipped `recursive: false` headers are true: iterating those rules adds nothing."""

    from sovgraph.sparql.library import rules

    shipped = rules(root / "queries" / "rules", root)
    assert any(r.extra.get("recursive") == "false" for r in shipped)
    forced = [r._replace(extra={**r.extra, "recursive": "true"}) for r in shipped]
    files = [*sorted((root / "ontology").glob("*.ttl"))]
    for extra in ([fixtures / "queries" / "world.ttl"], sorted((root / "data").glob("*.ttl"))):
        kg = sovgraph.load(root, files=[*files, *extra], derive=False)
        once = materialise(kg.store, shipped)
        graph = {(q.subject, q.predicate, q.object) for q in kg.store}
        iterated = materialise(kg.store, forced)
        assert {(q.subject, q.predicate, q.object) for q in kg.store} == graph
        assert [r.triples for r in once] == [r.triples for r in iterated]
        assert all(
            r.rounds == 2
            for r, s in zip(iterated, shipped, strict=True)
            if s.extra.get("recursive") == "false"
        )


def _in_force(kg: sovgraph.KnowledgeGraph, slug: str) -> tuple[str | None, str | None]:
    rows = list(
        kg.query(
            "SELECT ?from ?until WHERE { OPTIONAL { ?node sov:inForceFrom ?from } "
            "OPTIONAL { ?node sov:inForceUntil ?until } }",
            {"node": pyoxigraph_node(slug)},
        )
    )
    assert len(rows) == 1, rows
    row = rows[0]
    return (
        row["from"].value if row["from"] is not None else None,
        row["until"].value if row["until"] is not None else None,
    )


def pyoxigraph_node(slug: str) -> pyoxigraph.NamedNode:
    import pyoxigraph

    return pyoxigraph.NamedNode(f"https://w3id.org/sovgraph/id/{slug}")


def test_a_qualification_is_not_in_force_before_its_scheme_version_is_published(
    root: Path, fixtures: Path
) -> None:
    kg = _world(root, fixtures)
    # Trust 3 is published in 2026-02; the qualification under it has no date of its own.
    assert _in_force(kg, "qualification-sovcloud-trust") == ("2026-02-01", None)
    holders = {
        r["holder"].value.rsplit("/", 1)[-1] for r in kg.run("qualifications", as_of="2026-01-01").rows
    }
    assert "sovcloud" not in holders
    holders = {
        r["holder"].value.rsplit("/", 1)[-1] for r in kg.run("qualifications", as_of="2026-02-01").rows
    }
    assert "sovcloud" in holders


def test_a_relation_does_not_start_before_its_participants_are_founded(root: Path, fixtures: Path) -> None:
    kg = _world(root, fixtures)
    # The Agency is founded in 2025-03; its use of Nimbus is only observed (2025-06-15).
    assert _in_force(kg, "use-agency-nimbus") == ("2025-03-01", None)
    # Its use of SovCloud starts on 2025-04-01, after both the Agency and LocalCo exist.
    assert _in_force(kg, "use-agency-sovcloud") == ("2025-04-01", None)


def test_texts_start_at_entry_into_force_or_publication_and_end_when_annulled(
    root: Path, tmp_path: Path
) -> None:
    extra = tmp_path / "texts.ttl"
    extra.write_text(
        """@prefix sov: <https://w3id.org/sovgraph/ontology#> .
@prefix kind: <https://w3id.org/sovgraph/kind/> .
@prefix sg: <https://w3id.org/sovgraph/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
sg:act a sov:Law ; dcterms:date "2023-12-13"^^xsd:date ; sov:publicationDate "2023-12-22"^^xsd:date ;
    sov:entryIntoForce "2024-01-11"^^xsd:date ; schema:validThrough "2030"^^xsd:gYear .
sg:published-only a sov:Decision ; sov:decisionKind kind:circular ;
    sov:publicationDate "2021-07"^^xsd:gYearMonth .
sg:obligation a sov:Obligation ; sov:obligationOf sg:act .
sg:reach a sov:Reach ; sov:law sg:act ; sov:reached sg:company ; schema:startDate "2020"^^xsd:gYear .
sg:company a sov:Company .
sg:case a sov:LegalCase ; sov:challenges sg:published-only .
sg:annulment a sov:Decision ; sov:decisionKind kind:court-ruling ; sov:inCase sg:case ;
    sov:outcome kind:annulled ; dcterms:date "2022-02-15"^^xsd:date .
""",
        encoding="utf-8",
    )
    kg = sovgraph.load(root, files=[*sorted((root / "ontology").glob("*.ttl")), extra])
    assert _in_force(kg, "act") == ("2024-01-11", "2030-12-31")
    assert _in_force(kg, "published-only") == ("2021-07-01", "2022-02-15")
    # A dated obligation and a reach do not start before their law enters into force.
    assert _in_force(kg, "obligation") == ("2024-01-11", None)
    assert _in_force(kg, "reach") == ("2024-01-11", None)


def test_a_service_use_is_exposed_through_the_control_chain_but_never_through_a_technology_supplier(
    root: Path, fixtures: Path
) -> None:
    kg = _world(root, fixtures)
    rows = kg.query(
        "SELECT ?via ?law ?through WHERE { ?e a sov:Exposure ; sov:exposed sg:agency ; sov:via ?via ; "
        "sov:law ?law ; sov:through ?through }"
    )
    found = {tuple(r[k].value.rsplit("/", 1)[-1] for k in ("via", "law", "through")) for r in rows}
    # Nimbus is run by CloudCo, controlled by AtlantiCorp: the Data Act reaches the Agency's use of it.
    assert ("use-agency-nimbus", "data-act", "cloudco") in found
    # SovCloud runs AtlantiCorp's technology under licence, with no control link: only the territorial law.
    assert {f for f in found if f[0] == "use-agency-sovcloud"} == {
        ("use-agency-sovcloud", "privacy-law", "utopia")
    }
    reached = kg.query(
        "SELECT ?reached WHERE { ?r a sov:Reach ; sov:reached ?reached "
        "FILTER(?reached IN (sg:sovcloud, sg:localco)) }"
    )
    assert list(reached) == []
