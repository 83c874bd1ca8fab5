"""The SPARQL engine (each SHACL constraint one Oxigraph query over all focus nodes,
``sovgraph.validation.shacl``) gives the report pySHACL gives: on every shape fixture, the curated graph and a
synthetic graph; and whatever it does not cover is left to pySHACL, never skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

import sovgraph
from sovgraph.validation.validate import left_to_pyshacl, validate

SHAPE_FIXTURES = sorted(p.name for p in (Path(__file__).parent / "fixtures" / "shapes").glob("*.ttl"))
PREFIXES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    "@prefix sov: <https://w3id.org/sovgraph/ontology#> .\n"
    "@prefix sg: <https://w3id.org/sovgraph/id/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix ex: <http://example.org/> .\n"
)


def _graph(root: Path, *files: Path) -> sovgraph.KnowledgeGraph:
    return sovgraph.load(root, files=[*sorted(root.joinpath("ontology").glob("*.ttl")), *files])


@pytest.mark.parametrize("name", SHAPE_FIXTURES)
def test_each_shape_fixture_gives_the_report_pyshacl_gives(root: Path, fixtures: Path, name: str) -> None:
    shapes = fixtures / "shapes"
    kg = _graph(root, shapes / "valid.ttl", shapes / name)
    fast = validate(kg)
    assert fast == validate(kg, engine="pyshacl")
    # A fixture that breaks a shape is reported (so the equality above is not two empty reports).
    breaks = any(line.startswith("# breaks:") for line in (shapes / name).read_text().splitlines())
    assert bool(fast.findings) == breaks, fast.text()


def test_every_shape_fixture_at_once_gives_the_report_pyshacl_gives(root: Path, fixtures: Path) -> None:
    shapes = fixtures / "shapes"
    kg = _graph(root, *(shapes / name for name in SHAPE_FIXTURES))
    fast = validate(kg)
    assert fast == validate(kg, engine="pyshacl")
    assert len({f.focus for f in fast.violations}) >= 30 and fast.warnings, fast.text()


def test_the_project_shapes_are_all_evaluated_by_the_sparql_engine(root: Path, fixtures: Path) -> None:
    kg = _graph(root, fixtures / "shapes" / "valid.ttl")
    assert left_to_pyshacl(kg) == {}


def test_the_curated_graph_gives_the_report_pyshacl_gives(root: Path) -> None:
    kg = sovgraph.load(root)  # derived graph included in the store, left out of validation by both
    assert validate(kg) == validate(kg, engine="pyshacl")


def test_a_synthetic_graph_gives_the_report_pyshacl_gives(root: Path, tmp_path: Path) -> None:
    from sovgraph.tools import synth

    path = tmp_path / "synth.nt"
    synth.write(path, 10_000, 0)
    kg = _graph(root, path)
    assert len(kg) > 10_000
    assert validate(kg) == validate(kg, engine="pyshacl")


def _write(path: Path, text: str) -> Path:
    path.write_text(PREFIXES + text, encoding="utf-8")
    return path


EDGE_DATA = """
ex:a a ex:Thing ;
    ex:date "2023-02-30"^^xsd:date , "2023-02-03"^^xsd:date , "2024-01-01Z"^^xsd:date , "2024"^^xsd:date ;
    ex:year "2024"^^xsd:gYear , "20245"^^xsd:gYear , "2024-13"^^xsd:gYearMonth ;
    ex:flag "true"^^xsd:boolean , "false"^^xsd:boolean , "yes" ;
    ex:number "abc"^^xsd:decimal , "1.50"^^xsd:decimal , "1.5"^^xsd:integer , "101"^^xsd:decimal , 7 , "x" ;
    ex:text "plain" , "tagged"@en-GB , "autre"@fr , "other"@EN , 3 , ex:b ;
    ex:code "AB-12" , "ab-12" , ex:c , "AB-123" ;
    ex:kind ex:b , ex:c , "literal" .
ex:b a ex:Sub .
ex:Sub rdfs:subClassOf ex:Kind .
ex:c a ex:Other .
"""

EDGE_SHAPES = """
ex:EdgeShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property
        [ sh:path ex:date ; sh:datatype xsd:date ; sh:message "a date" ] ,
        [ sh:path ex:year ; sh:or ( [ sh:datatype xsd:gYear ] [ sh:datatype xsd:gYearMonth ] ) ;
          sh:message "a year" ] ,
        [ sh:path ex:flag ; sh:datatype xsd:boolean ; sh:maxCount 2 ; sh:message "a flag" ;
          sh:severity sh:Info ] ,
        [ sh:path ex:number ; sh:datatype xsd:decimal ; sh:minInclusive 0 ; sh:maxExclusive 100 ;
          sh:message "a number" ] ,
        [ sh:path ex:text ; sh:languageIn ( "en" "fr" ) ; sh:message "a text" ; sh:severity sh:Warning ] ,
        [ sh:path ex:text ; sh:datatype rdf:langString ; sh:minCount 5 ; sh:message "texts" ] ,
        [ sh:path ex:code ; sh:pattern "^[a-z]{2}-[0-9]{2}$" ; sh:flags "i" ; sh:message "a code" ] ,
        [ sh:path ex:kind ; sh:class ex:Kind ; sh:message "a kind" ] ,
        [ sh:path ex:kind ; sh:qualifiedValueShape [ sh:class ex:Kind ] ; sh:qualifiedMaxCount 0 ;
          sh:message "no kind" ] ,
        [ sh:path ex:missing ; sh:minCount 1 ; sh:message "missing" ] ;
    sh:not [ sh:class ex:Other ] ;
    sh:and ( [ sh:path ex:kind ; sh:minCount 1 ] [ sh:path ex:code ; sh:maxCount 1 ] ) ;
    sh:message "the node itself" .
"""


def test_edge_values_give_the_report_pyshacl_gives(root: Path, tmp_path: Path) -> None:
    data = _write(tmp_path / "edge.ttl", EDGE_DATA)
    shapes = _write(
        tmp_path / "shapes.ttl",
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n" + EDGE_SHAPES,
    )
    kg = sovgraph.load(root, files=[data], derive=False)
    assert left_to_pyshacl(kg, [shapes]) == {}
    fast = validate(kg, [shapes])
    assert fast == validate(kg, [shapes], engine="pyshacl")
    messages = {f.message for f in fast.findings}
    assert {
        "a date",
        "a flag",
        "a number",
        "a text",
        "texts",
        "a code",
        "a kind",
        "no kind",
        "missing",
    } <= messages
    assert "the node itself" in messages  # sh:and over the node: it has more than one ex:code
    assert {f.severity for f in fast.findings} == {"Violation", "Warning", "Info"}


UNSUPPORTED = """
ex:InverseShape a sh:NodeShape ;
    sh:targetClass ex:Sub ;
    sh:property [ sh:path [ sh:inversePath ex:kind ] ; sh:maxCount 0 ; sh:message "used as a kind" ] .
ex:KindShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:kind ; sh:class ex:Kind ; sh:message "a kind" ] .
"""


def test_a_shape_the_translation_does_not_cover_is_left_to_pyshacl(root: Path, tmp_path: Path) -> None:
    data = _write(tmp_path / "edge.ttl", EDGE_DATA)
    shapes = _write(tmp_path / "shapes.ttl", UNSUPPORTED)
    kg = sovgraph.load(root, files=[data], derive=False)
    left = left_to_pyshacl(kg, [shapes])
    assert list(left) == ["http://example.org/InverseShape"]
    assert "sh:path that is not one IRI" in left["http://example.org/InverseShape"]
    report = validate(kg, [shapes])
    assert report == validate(kg, [shapes], engine="pyshacl")
    # pySHACL's finding for the shape left to it, and the evaluator's for the other: neither is skipped.
    assert {(f.focus, f.message) for f in report.findings} >= {
        ("http://example.org/b", "used as a kind"),
        ("http://example.org/a", "a kind"),
    }


def test_a_shapes_graph_with_rules_is_left_to_pyshacl_whole(root: Path, tmp_path: Path) -> None:
    data = _write(tmp_path / "edge.ttl", EDGE_DATA)
    rule = (
        "ex:KindShape sh:rule [ a sh:TripleRule ; sh:subject sh:this ; sh:predicate ex:seen ; "
        "sh:object true ] .\n"
    )
    shapes = _write(tmp_path / "shapes.ttl", UNSUPPORTED + rule)
    kg = sovgraph.load(root, files=[data], derive=False)
    left = left_to_pyshacl(kg, [shapes])
    assert set(left) == {"http://example.org/InverseShape", "http://example.org/KindShape"}
    assert all("sh:rule" in why or "TripleRule" in why for why in left.values()), left


ONE_QUERY = """
ex:NoLinkShape a sh:NodeShape ;
    sh:targetClass ex:Thing , ex:Kind ;
    sh:sparql [
        a sh:SPARQLConstraint ;
        sh:message "{$this} has no ex:kind, only {?n} other values" ;
        sh:select \"\"\"
            SELECT $this (COUNT(?o) AS ?n) WHERE { $this ?p ?o FILTER NOT EXISTS { $this ex:kind ?k } }
            GROUP BY $this
        \"\"\" ;
        sh:prefixes [ sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] ] ;
    ] .
"""


def test_a_sparql_constraint_is_one_query_for_all_focus_nodes(root: Path, tmp_path: Path) -> None:
    from sovgraph.store.ingest import parse_file
    from sovgraph.validation import shacl

    extra = "ex:d a ex:Thing ; ex:note 1 , 2 .\nex:e a ex:Sub ; ex:kind ex:b .\n"
    data = _write(tmp_path / "edge.ttl", EDGE_DATA + extra)
    shapes = _write(tmp_path / "shapes.ttl", ONE_QUERY)
    kg = sovgraph.load(root, files=[data], derive=False)
    outcome = shacl.evaluate(kg.store, shacl.Shapes(parse_file(shapes)))
    # Focus: ex:a, ex:d (things), ex:b, ex:e (a subclass of ex:Kind): one query finds them, one checks them.
    assert outcome.queries == 2
    assert {r.focus.value for r in outcome.results} == {"http://example.org/b", "http://example.org/d"}
    report = validate(kg, [shapes])
    assert report == validate(kg, [shapes], engine="pyshacl")
    assert "http://example.org/d has no ex:kind, only 3 other values" in {f.message for f in report.findings}


def test_an_unknown_engine_is_refused(root: Path, fixtures: Path) -> None:
    kg = _graph(root, fixtures / "shapes" / "valid.ttl")
    with pytest.raises(ValueError, match="unknown validation engine"):
        validate(kg, engine="jena")
