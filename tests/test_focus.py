"""The focus of a rule (:mod:`sovgraph.sparql.focus`): which variable its conclusions are about, the chain
of patterns from each pattern a change can match to that variable, where a ``VALUES`` on it can go, and which
nodes a change reaches; and the kept output of a rule, replaced for the nodes run again only
(:mod:`sovgraph.sparql.incremental`)."""

from __future__ import annotations

import pyoxigraph

from sovgraph.sparql.delta import Lookup
from sovgraph.sparql.focus import Plan, inner_offsets, plan, reached, where_offset
from sovgraph.sparql.incremental import _closed, _kept_classes, _links

SOV = "https://w3id.org/sovgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
EX = "http://example.org/f/"
RECORD = """CONSTRUCT { ?node sov:p ?d . ?record sov:about ?node ; sov:q ?d } WHERE {
    ?node a sov:Relation ; sov:start ?d .
    OPTIONAL { ?node sov:by ?org . ?org sov:founded ?f }
    FILTER NOT EXISTS { ?node sov:hidden true }
    BIND(IRI(CONCAT("urn:r:", STR(?node))) AS ?record)
}"""


def _plan(text: str) -> Plan:
    found = plan(text)
    assert found is not None
    return found


def _chains(found: Plan) -> dict[str, int | None]:
    return {a.predicate.rsplit("#")[-1]: None if a.chain is None else len(a.chain) for a in found.atoms}


def test_the_focus_is_what_every_conclusion_is_about() -> None:
    found = _plan(RECORD)
    assert found.focus == "?node" and found.links == {SOV + "about"}
    assert _chains(found) == {"type": 0, "start": 0, "by": 0, "founded": 1, "hidden": 0}
    assert Plan.from_json(found.as_json()) == found


def test_no_focus_when_a_conclusion_is_about_something_else() -> None:
    assert (
        plan("CONSTRUCT { ?a sov:p ?b . ?b sov:q ?a . ?c sov:r 1 } WHERE { ?a sov:s ?b . ?b sov:t ?c }")
        is None
    )
    # the link names other nodes too: it does not tell which focus value a triple comes from
    mixed = "CONSTRUCT { ?r sov:from ?a , ?b } WHERE { ?a sov:s ?b BIND(IRI(STR(?a)) AS ?r) }"
    assert plan(mixed) is None
    constant = "CONSTRUCT { sov:x sov:p ?a } WHERE { ?a sov:s ?b }"
    assert plan(constant) is None


def test_the_focus_must_be_bound_before_any_optional_filter_or_bind() -> None:
    late = "CONSTRUCT { ?a sov:p ?b } WHERE { ?x sov:s ?y OPTIONAL { ?x sov:t ?a } ?a sov:u ?b }"
    assert plan(late) is None or _plan(late).focus != "?a"
    early = "CONSTRUCT { ?a sov:p ?b } WHERE { ?a sov:u ?b OPTIONAL { ?a sov:t ?c } }"
    assert _plan(early).focus == "?a"


def test_what_the_analysis_does_not_follow_has_no_chain_or_no_plan() -> None:
    repeated = _plan("CONSTRUCT { ?a sov:p ?b } WHERE { ?a sov:u/sov:v* ?b }")
    assert repeated.opaque == {SOV + "v"}
    union = _plan(
        "CONSTRUCT { ?a sov:p 1 } WHERE { ?a sov:u ?b { ?c sov:v ?b } UNION { ?c sov:w ?b } ?c sov:z 1 }"
    )
    assert _chains(union)["z"] == 2  # through either branch, then to the focus
    assert plan("CONSTRUCT { ?a sov:p 1 } WHERE { ?a sov:u ?b MINUS { ?a sov:v 1 } }") is None
    sliced = "CONSTRUCT { ?a sov:p ?n } WHERE { ?a sov:u ?b { SELECT ?a ?n WHERE { ?a sov:v ?n } LIMIT 1 } }"
    assert plan(sliced) is None


def test_the_values_go_first_in_the_where_clause_past_the_template() -> None:
    text = '# WHERE { not here\nCONSTRUCT { ?a sov:p "}{" , <urn:x#y> } # } WHERE {\n WHERE {?a sov:q ?b}'
    offset = where_offset(text)
    assert offset is not None and text[offset:] == "?a sov:q ?b}"
    assert where_offset("CONSTRUCT WHERE { ?a ?b ?c }") is None


GROUPED = """CONSTRUCT { ?a sov:count ?n ; sov:note "SELECT ?a { }" } WHERE {
    ?a a sov:Relation .
    # a comment with a brace { and SELECT ?a WHERE {
    OPTIONAL { SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a sov:u ?b } GROUP BY ?a }
    OPTIONAL { SELECT ?c WHERE { ?c sov:u ?a } }
    OPTIONAL { SELECT * WHERE { ?a sov:v ?d } }
    OPTIONAL { SELECT (?e AS ?a) WHERE { ?e sov:w ?f } }
}"""


def test_a_subquery_that_projects_the_focus_gets_the_values_too() -> None:
    found = _plan(GROUPED)
    assert found.focus == "?a"
    # only the first subquery names ?a in its projection; the others do not project it by name
    assert [GROUPED[i - 7 : i] for i in found.inner] == ["WHERE {"]
    assert GROUPED[found.inner[0] :].startswith(" ?a sov:u ?b } GROUP BY ?a }")
    assert Plan.from_json(found.as_json()) == found
    text = found.text(GROUPED, ["<urn:x>"])
    assert text.count("VALUES ?a { <urn:x> }") == 2
    # a subquery with a slice, or one inside another subquery, is left as it is
    sliced = (
        "{ ?a sov:p ?b { SELECT ?a WHERE { ?a sov:q ?c } LIMIT 3 } "
        "{ SELECT ?b WHERE { SELECT ?a WHERE {?a ?p ?o} } } }"
    )
    assert inner_offsets(sliced, 1, "?a") == ()
    offset = "{ { SELECT ?a WHERE { ?a sov:q ?c } ORDER BY ?a OFFSET 1 } { SELECT $a { ?a sov:r 1 } } }"
    assert [offset[i - 1 : i + 13] for i in inner_offsets(offset, 1, "?a")] == ["{ ?a sov:r 1 }"]


def test_the_values_in_a_subquery_give_the_rows_of_the_values_at_the_top_alone() -> None:
    store = pyoxigraph.Store()
    data = "".join(
        f"<{EX}{n}> <{RDF_TYPE}> <{SOV}Relation> .\n"
        + "".join(f"<{EX}{n}> <{SOV}u> <{EX}{n}-{k}> .\n" for k in range(n))
        for n in range(4)
    )
    store.load(data.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    found = _plan(GROUPED)
    prefixes = {"sov": SOV}
    for values in ([f"<{EX}0>"], [f"<{EX}2>"], [f"<{EX}1>", f"<{EX}3>"], [f"<{EX}9>"]):
        block = f" VALUES ?a {{ {' '.join(values)} }} "
        top_only = GROUPED[: found.where] + block + GROUPED[found.where :]
        inner = set(store.query(found.text(GROUPED, values), prefixes=prefixes))  # type: ignore[arg-type]
        assert inner == set(store.query(top_only, prefixes=prefixes)), values  # type: ignore[arg-type]
        assert (len(values) == 1 and values[0].endswith("9>")) or inner


def test_the_nodes_a_change_reaches_through_a_chain_before_or_after_it() -> None:
    found = _plan(RECORD)
    store = pyoxigraph.Store()
    graph = pyoxigraph.NamedNode(EX + "g")
    by, founded = pyoxigraph.NamedNode(SOV + "by"), pyoxigraph.NamedNode(SOV + "founded")
    rdf_type = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    org, day = pyoxigraph.NamedNode(EX + "org"), pyoxigraph.Literal("2001")
    for name in ("n1", "n2", "n3"):
        node = pyoxigraph.NamedNode(EX + name)
        store.add(pyoxigraph.Quad(node, rdf_type, pyoxigraph.NamedNode(SOV + "Relation"), graph))
        if name != "n3":
            store.add(pyoxigraph.Quad(node, by, org, graph))
    change = [pyoxigraph.Triple(org, founded, day)]  # removed: not in the store any more
    assert reached(found, change, Lookup(store, change), store) == {f"<{EX}n1>", f"<{EX}n2>"}
    assert not list(store.quads_for_pattern(None, founded, None)), "the removed triples are taken out again"
    own = [pyoxigraph.Triple(pyoxigraph.NamedNode(EX + "n3"), pyoxigraph.NamedNode(SOV + "start"), day)]
    assert reached(found, own, Lookup(store, own), store) == {f"<{EX}n3>"}
    elsewhere = [pyoxigraph.Triple(org, pyoxigraph.NamedNode(SOV + "start"), day)]  # org is no Relation
    assert reached(found, elsewhere, Lookup(store, elsewhere), store) == set()
    subclass = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    hierarchy = [pyoxigraph.Triple(org, subclass, pyoxigraph.NamedNode(SOV + "Relation"))]
    assert reached(found, hierarchy, Lookup(store, hierarchy), store) is None


def test_a_node_minted_for_several_focus_values_runs_them_all_again() -> None:
    text = b"# rule r\n<m> <urn:about> <a> .\n<m> <urn:about> <b> .\n<m> <urn:q> 1 .\n<n> <urn:about> <c> .\n"
    section = set(text.splitlines()[1:])
    links = _links(text, section, ["urn:about"])
    assert links == {b"<m>": {b"<a>", b"<b>"}, b"<n>": {b"<c>"}}
    linked = {b"<a>": {b"<m>"}, b"<b>": {b"<m>"}, b"<c>": {b"<n>"}}
    assert _closed({b"<a>"}, links, linked) == {b"<a>", b"<b>", b"<m>"}
    assert _closed({b"<c>"}, links, linked) == {b"<c>", b"<n>"}


def test_the_kept_classes_of_a_node_are_all_found_even_on_adjacent_lines() -> None:
    """Regression: the classes were found by a pattern that took the newline ending one type line, so the
    next line, when it stated another class of the same node, was not seen."""
    kept = (
        f"# rule r\n<{EX}x> <{RDF_TYPE}> <{SOV}A> .\n<{EX}x> <{RDF_TYPE}> <{SOV}B> .\n"
        f"<{EX}y> <{RDF_TYPE}> <{SOV}C> .\n<{EX}x> <{SOV}p> <{SOV}D> .\n<{EX}x> <{RDF_TYPE}> <{SOV}E> .\n"
        f'<{EX}z> <{RDF_TYPE}> "not a class" .\n'
    ).encode()
    classes = _kept_classes(kept)
    found = classes(pyoxigraph.NamedNode(f"{EX}x"))
    assert found is not None and {c.value for c in found} == {SOV + "A", SOV + "B", SOV + "E"}
    assert classes(pyoxigraph.NamedNode(f"{EX}nothing")) == []
    assert classes(pyoxigraph.NamedNode(f"{EX}z")) == []  # a literal with a space is no type line
