"""What a validation constraint reads (sovgraph.validation.reads): its predicates and classes, whether it is
local to $this, and which focus nodes a change can reach."""

from __future__ import annotations

import pyoxigraph
import pytest

from sovgraph.store.ingest import parse_file
from sovgraph.validation import shacl
from sovgraph.validation.reads import RDF_TYPE, SUBCLASS, Reads, constants_reads, query_reads, reaching

EX = "http://ex/"
PREFIXES = {"ex": EX}
DANGLING = "SELECT $this ?path ?value WHERE { $this ?path ?value . FILTER NOT EXISTS { ?value a ?t } }"


def _node(name: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(EX + name)


def _triple(s: str, p: str, o: str) -> pyoxigraph.Triple:
    predicate = pyoxigraph.NamedNode(RDF_TYPE) if p == "a" else _node(p)
    return pyoxigraph.Triple(_node(s), predicate, _node(o))


def test_constant_predicates_and_classes_are_read():
    reads = query_reads("SELECT $this WHERE { $this ex:p ?v . ?v a ex:C }", PREFIXES)
    assert reads.predicates == {EX + "p", RDF_TYPE}
    assert reads.classes == {EX + "C"}
    assert not reads.anything and not reads.any_type and reads.local
    assert reads.touches(EX + "p", "x")
    assert reads.touches(RDF_TYPE, EX + "C")
    assert not reads.touches(RDF_TYPE, EX + "D")
    assert not reads.touches(EX + "q", "x")
    assert reads.touches(SUBCLASS, EX + "D")  # every subclass statement counts


def test_a_variable_predicate_or_class_reads_more():
    reads = query_reads(DANGLING, PREFIXES)
    assert reads.anything and reads.any_type and reads.local
    assert reads.touches(EX + "anything", "x")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT $this WHERE { $this ex:p ?v . { SELECT (COUNT(?x) AS ?n) WHERE { ?x a ex:C } } }",
        "SELECT $this WHERE { $this ex:p ?v . VALUES ?v { 1 } }",
        "SELECT $this WHERE { GRAPH ?g { $this ex:p ?v } }",
        "SELECT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { ?x a ex:C } }",  # not joined to $this
        "SELECT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { ex:x a ex:C } }",  # no variable at all
        "SELECT $this WHERE { $this ex:p ?v . BIND(?v AS ?w) ?w ex:q ?z }",  # joined by BIND only
    ],
)
def test_what_is_not_local_is_said(text):
    assert not query_reads(text, PREFIXES).local


def test_a_property_path_reads_anything_and_is_not_local():
    reads = query_reads("SELECT $this WHERE { $this ex:p/ex:q ?v }", PREFIXES)
    assert reads.anything and not reads.local


def test_constants_of_a_core_constraint_are_read_as_predicates_and_classes():
    reads = constants_reads([_node("p"), _node("C"), pyoxigraph.Literal("fr")])
    assert reads.predicates == {EX + "p", EX + "C", RDF_TYPE}
    assert reads.classes == {EX + "p", EX + "C"}
    assert not reads.local


def _store(*triples: pyoxigraph.Triple) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    for t in triples:
        store.add(pyoxigraph.Quad(t.subject, t.predicate, t.object))
    return store


def _match(store: pyoxigraph.Store):
    return lambda s, p, o: (q.triple for q in store.quads_for_pattern(s, p, o))


def test_a_change_reaches_the_focus_nodes_that_point_to_it():
    store = _store(
        _triple("a", "p", "x"), _triple("b", "q", "x"), _triple("c", "p", "y"), _triple("x", "a", "T")
    )
    reads = query_reads(DANGLING, PREFIXES)
    # x typed (or untyped): whoever refers to x, and x itself (it may refer to others)
    assert reaching(reads, [_triple("x", "a", "T")], _match(store)) == {_node("a"), _node("b"), _node("x")}
    # a new statement of c: c alone
    assert reaching(reads, [_triple("c", "r", "z")], _match(store)) == {_node("c")}


def test_a_change_no_pattern_matches_reaches_nothing():
    store = _store(_triple("a", "p", "x"))
    reads = query_reads("SELECT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { ?v a ex:C } }", PREFIXES)
    assert reaching(reads, [_triple("a", "q", "x"), _triple("x", "a", "D")], _match(store)) == set()
    assert reaching(reads, [_triple("x", "a", "C")], _match(store)) == {_node("a")}


def test_reaching_gives_up_past_its_limit_on_blank_nodes_and_on_queries_not_local():
    store = _store(*(_triple(f"s{i}", "p", "x") for i in range(20)))
    reads = query_reads(DANGLING, PREFIXES)
    assert reaching(reads, [_triple("x", "a", "T")], _match(store), limit=5) is None
    blank = pyoxigraph.Triple(pyoxigraph.BlankNode(), _node("p"), _node("x"))
    assert reaching(reads, [blank], _match(store)) is None
    global_ = query_reads("SELECT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { ?x a ex:C } }", PREFIXES)
    assert reaching(global_, [_triple("a", "p", "x")], _match(store)) is None


def test_every_sparql_query_of_the_project_shapes_is_read():
    from sovgraph.project import find_project

    project = find_project()
    shapes = shacl.Shapes(q for p in project.shape_files() for q in parse_file(p))
    seen = 0
    for node, about in shapes.about.items():
        for select in about.get(shacl.SH + "select", []):
            reads = query_reads(select.value, shacl._prefixes(shapes, node))
            assert reads.anything or reads.predicates, select.value
            assert reads.local, select.value  # each is joined to $this: a change reaches few focus nodes
            seen += 1
    assert seen >= 8


def test_a_limit_or_offset_is_not_local():
    assert not query_reads("SELECT $this WHERE { $this ex:p ?v } LIMIT 3", PREFIXES).local
    assert not query_reads("SELECT $this WHERE { $this ex:p ?v } OFFSET 1", PREFIXES).local


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("SELECT DISTINCT ?this WHERE { ?this ex:p ?v . FILTER NOT EXISTS { ?v a ex:C } }", True),
        ("SELECT ?this WHERE { { ?this ex:p ?v } UNION { ?this ex:q ?v } BIND(1 AS ?x) }", True),
        ("SELECT ?this WHERE { ?x ex:p ?v OPTIONAL { ?this ex:q ?x } }", False),  # unbound in some
        ("SELECT ?this WHERE { { ?this ex:p ?v } UNION { ?w ex:q ?v } ?w ex:r ?this }", True),
        ("SELECT ?this WHERE { { ?this ex:p ?v } UNION { ?v ex:q ?w } }", False),
        ("SELECT ?this WHERE { ?v ex:p ?w MINUS { ?this ex:q ?v } }", False),
    ],
)
def test_whether_this_is_bound_in_every_solution_is_said(text, bound):
    assert query_reads(text, PREFIXES).bound == bound


def test_a_read_set_reads_back_from_its_data():
    reads = query_reads(DANGLING, PREFIXES)
    assert Reads.from_data(reads.to_data()) == reads
    with pytest.raises(ValueError, match="malformed"):
        Reads.from_data({**reads.to_data(), "local": "yes"})
    with pytest.raises(ValueError, match="malformed"):
        Reads.from_data({"predicates": []})


def test_a_core_constraint_on_rdf_type_reads_every_type_triple():
    reads = constants_reads([pyoxigraph.NamedNode(RDF_TYPE)])
    assert reads.any_type and reads.touches(RDF_TYPE, EX + "AnyClass")


def test_a_chain_through_a_literal_does_not_look_it_up_as_a_subject():
    store = _store(_triple("a", "p", "x"))
    reads = query_reads("SELECT $this WHERE { $this ex:p ?v . ?w ex:q ?v . ?v ex:r ?z }", PREFIXES)
    changed = pyoxigraph.Triple(_node("w"), _node("q"), pyoxigraph.Literal("text"))
    assert reaching(reads, [changed], _match(store)) == set()


def test_a_chain_whose_middle_step_matches_nothing_reaches_nothing():
    store = _store(_triple("a", "p", "x"), _triple("x", "inScheme", "S"))
    reads = query_reads(
        "SELECT $this WHERE { $this ?path ?value . ?path ex:valuesFrom ?scheme ."
        " FILTER NOT EXISTS { ?value ex:inScheme ?scheme } }",
        PREFIXES,
    )
    # y, which nothing refers to, left the scheme S, which no property takes its values from: y alone
    assert reaching(reads, [_triple("y", "inScheme", "S")], _match(store)) == {_node("y")}


def test_every_core_check_and_focus_of_the_project_shapes_is_local():
    """What :mod:`sovgraph.validation.revalidate` reads of the project's shapes: each core check (its
    constants written in) and each shape's focus is joined to $this, so a change reaches few focus nodes."""
    from sovgraph.graph import load
    from sovgraph.project import find_project
    from sovgraph.validation.revalidate import focus_reads

    project = find_project()
    shapes = shacl.Shapes(q for p in project.shape_files() for q in parse_file(p))
    shapes.data = (load(project.root, derive=False).store, None)
    checks = 0
    for shape in shapes.top_level():
        plan = shacl.plan(shapes, shape)
        if plan.patterns:  # as revalidate reads them, and as a query does
            written = {
                "type": "{{ ?this a <{}> }}",
                "targetSubjectsOf": "{{ ?this <{}> ?object }}",
                "targetObjectsOf": "{{ ?subject <{}> ?this }}",
            }
            branches = " UNION ".join(written[kind].format(t.value) for kind, t in plan.patterns)
            assert focus_reads(plan.patterns) == query_reads(f"SELECT ?this WHERE {{ {branches} }}", PREFIXES)
        for check in plan.checks:
            text = shacl.check_text(check)
            assert query_reads(text, shacl.ANALYSIS_PREFIXES).local, text
            checks += 1
        for target in plan.targets:
            assert query_reads(target.select, target.prefixes).bound, target.select
    assert checks >= 100


def test_the_units_of_an_evaluation_hold_its_results():
    from sovgraph.graph import load
    from sovgraph.project import find_project

    project = find_project()
    shapes = shacl.Shapes(q for p in project.shape_files() for q in parse_file(p))
    outcome = shacl.evaluate(load(project.root, derive=False).store, shapes)
    assert list(outcome.units) == shapes.top_level()
    assert [r for units in outcome.units.values() for unit in units for r in unit] == list(outcome.results)
    for shape, units in outcome.units.items():
        plan = shacl.plan(shapes, shape)
        assert len(units) == len(plan.checks) + len(plan.sparql)
        assert plan.signature() == shacl.plan(shapes, shape).signature()
