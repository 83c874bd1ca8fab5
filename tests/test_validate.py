"""SHACL shapes: a valid example conforms; each invalid example breaks one rule and is reported readably."""

from __future__ import annotations

from pathlib import Path

import pytest

import sovgraph


def _validate(root: Path, fixtures: Path, *names: str) -> sovgraph.validation.validate.Report:
    shapes = fixtures / "shapes"
    kg = sovgraph.load(root, files=[*root.joinpath("ontology").glob("*.ttl"), *(shapes / n for n in names)])
    return kg.validate()


def test_the_valid_example_conforms(root: Path, fixtures: Path) -> None:
    report = _validate(root, fixtures, "valid.ttl")
    assert report.conforms, report.text()
    assert report.findings == ()


def test_the_ontology_and_controlled_lists_conform_alone(root: Path) -> None:
    kg = sovgraph.load(root, files=sorted(root.joinpath("ontology").glob("*.ttl")))
    report = kg.validate()
    assert report.findings == (), report.text()


# (fixture file, focus node, path, words the message must contain)
CASES = [
    ("no-source.ttl", "sg:hosting-unsourced", "dcterms:source", "names no source"),
    ("dangling.ttl", "sg:hosting-dangling", "sov:provider", "sg:ghost-provider is declared nowhere"),
    (
        "dates-reversed.ttl",
        "sg:hosting-reversed",
        "schema:endDate",
        "starts (2024-05-01) after it ends (2023)",
    ),
    ("bad-date.ttl", "sg:decision-bad-date", "dcterms:date", "must be one valid xsd:date"),
    ("no-label.ttl", "sg:nameless", "rdfs:label", "no rdfs:label in French (@fr) or English (@en)"),
    ("wrong-scheme.ttl", "sg:hosting-wrong-role", "sov:hostingRole", "kind:deliberation is not a concept of"),
    ("undeclared-property.ttl", "sg:warehouse", "sov:hostedd", "the ontology does not declare"),
    ("typo-class.ttl", "sg:typo", "rdf:type", "sov:Compny is declared nowhere"),
    ("no-confidence.ttl", "sg:control-no-confidence", "sov:confidence", "exactly one sov:confidence"),
    ("no-controller.ttl", "sg:control-no-controller", "sov:controller", "at least one sov:controller"),
    ("service-use-no-user.ttl", "sg:use-nobody", "sov:user", "a service use needs its sov:user"),
    (
        "technology-supplier-service.ttl",
        "sg:licensed-cloud",
        "sov:technologySupplier",
        "names the organisation (a sov:Organisation)",
    ),
    ("case-no-court.ttl", "sg:case-nowhere", "sov:court", "exactly one sov:court"),
    ("obligation-no-law.ttl", "sg:obligation-adrift", "sov:obligationOf", "exactly one sov:obligationOf"),
    (
        "requirement-no-text.ttl",
        "sg:requirement-adrift",
        "sov:requiredBy",
        "a requirement needs sov:requiredBy",
    ),
    ("acquisition-no-target.ttl", "sg:acquisition-of-nothing", "sov:target", "exactly one sov:target"),
    ("dossier-no-jurisdiction.ttl", "sg:dossier-nowhere", "sov:coversJurisdiction", "a case file needs"),
    ("outcome-no-closes-case.ttl", "kind:settled", "sov:closesCase", "exactly one sov:closesCase"),
    ("source-no-kind.ttl", "sg:src-kindless", "sov:sourceKind", "exactly one sov:sourceKind"),
    ("hosting-nothing.ttl", "sg:hosting-of-nothing", "sov:hosted", "a hosting needs sov:hosted"),
    ("reach-no-criterion.ttl", "sg:reach-no-criterion", "sov:reachCriterion", "needs its sov:reachCriterion"),
    (
        "qualification-no-status.ttl",
        "sg:qualification-no-status",
        "sov:qualificationStatus",
        "exactly one sov:qualificationStatus",
    ),
    ("membership-no-role.ttl", "sg:membership-no-role", "sov:role", "needs its sov:role"),
    ("post-held-by-organisation.ttl", "sg:post-of-a-company", "sov:member", "held by a sov:Person"),
    ("statement-about-nothing.ttl", "sg:statement-about-nothing", "sov:about", "what it is sov:about"),
    ("claim-no-verdict.ttl", "sg:claim-no-verdict", "sov:verdict", "exactly one sov:verdict"),
    ("data-flow-nowhere.ttl", "sg:flow-nowhere", "sov:flowTo", "a data flow needs sov:flowTo"),
    ("decision-no-kind.ttl", "sg:decision-no-kind", "sov:decisionKind", "exactly one sov:decisionKind"),
    ("scheme-version-of-nothing.ttl", "sg:version-of-nothing", "sov:versionOf", "exactly one sov:versionOf"),
    ("term-no-definition.ttl", "sov:madeUp", "rdfs:label", "without a French rdfs:label"),
    ("concept-no-definition.ttl", "kind:undefined-role", "skos:definition", "in both French and English"),
]


@pytest.mark.parametrize(("name", "focus", "path", "words"), CASES, ids=[c[0] for c in CASES])
def test_each_broken_example_gives_its_violation(
    root: Path, fixtures: Path, name: str, focus: str, path: str, words: str
) -> None:
    report = _validate(root, fixtures, "valid.ttl", name)
    assert not report.conforms
    matching = [v for v in report.violations if v.focus == focus and v.path == path]
    assert matching, report.text()
    finding = matching[0]
    assert words in finding.message, finding.message
    assert finding.files == (f"tests/fixtures/shapes/{name}",)
    line = finding.line()
    assert line.startswith(f"tests/fixtures/shapes/{name}: violation: {focus} [{path}]: ")
    assert "\n" not in line
    # Nothing else in the example is wrong: every violation is about the broken node.
    assert {v.focus for v in report.violations} == {focus}, report.text()


def test_report_text_ends_with_a_verdict(root: Path, fixtures: Path) -> None:
    text = _validate(root, fixtures, "valid.ttl", "no-source.ttl").text()
    assert text.splitlines()[-1] == "The graph does NOT conform to the shapes: 1 violation(s), 0 warning(s)."


def test_a_label_in_one_language_only_is_a_warning_not_a_violation(root: Path, tmp_path: Path) -> None:
    extra = tmp_path / "one-language.ttl"
    extra.write_text(
        "@prefix sov: <https://w3id.org/sovgraph/ontology#> .\n"
        "@prefix sg: <https://w3id.org/sovgraph/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        'sg:only-english a sov:Company ; rdfs:label "Only English"@en ; dcterms:source sg:src-example .\n',
        encoding="utf-8",
    )
    shapes = root / "tests" / "fixtures" / "shapes"
    kg = sovgraph.load(root, files=[*root.joinpath("ontology").glob("*.ttl"), shapes / "valid.ttl", extra])
    report = kg.validate()
    assert report.conforms, report.text()
    assert [(w.focus, w.message) for w in report.warnings] == [
        ("sg:only-english", "has no French rdfs:label (@fr)")
    ]


def test_every_date_property_of_the_ontology_has_a_date_shape(root: Path) -> None:
    import rdflib

    onto = rdflib.Graph().parse(root / "ontology" / "sovgraph.ttl")
    shapes = rdflib.Graph().parse(root / "ontology" / "shapes" / "dates.ttl")
    sov = rdflib.Namespace("https://w3id.org/sovgraph/ontology#")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    declared = set(onto.subjects(rdflib.RDF.type, sov.DateProperty))
    checked = set(shapes.objects(None, sh.path))
    targeted = set(shapes.objects(None, sh.targetSubjectsOf))
    assert declared, "the ontology declares no sov:DateProperty"
    assert declared <= checked, declared - checked
    assert declared <= targeted, declared - targeted


def _fixture_graph(root: Path, fixtures: Path, *names: str) -> sovgraph.KnowledgeGraph:
    shapes = fixtures / "shapes"
    return sovgraph.load(root, files=[*root.joinpath("ontology").glob("*.ttl"), *(shapes / n for n in names)])


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (Path(__file__).parent / "fixtures" / "shapes").glob("*.ttl"))
)
def test_sparql_targets_found_by_oxigraph_give_the_report_pyshacl_gives(
    root: Path, fixtures: Path, name: str
) -> None:
    from sovgraph.validation.validate import validate

    kg = _fixture_graph(root, fixtures, "valid.ttl", name)
    assert validate(kg, engine="pyshacl") == validate(kg, engine="pyshacl", oxigraph_targets=False)


def test_the_shipped_data_gives_the_same_report_either_way(root: Path) -> None:
    from sovgraph.validation.validate import validate

    kg = sovgraph.load(root)
    assert validate(kg, engine="pyshacl") == validate(kg, engine="pyshacl", oxigraph_targets=False)


def test_each_sparql_target_becomes_the_nodes_it_selects(root: Path, fixtures: Path) -> None:
    import rdflib

    from sovgraph.validation.validate import SH, resolve_sparql_targets, shapes_graph

    kg = _fixture_graph(root, fixtures, "valid.ttl", "dangling.ttl")
    shapes = resolve_sparql_targets(shapes_graph(kg.project.shape_files()), kg)
    sh = rdflib.Namespace(SH)
    targets = set(shapes.subjects(rdflib.RDF.type, sh.SPARQLTarget))
    assert targets and not [t for t in shapes.objects(None, sh.target) if t in targets]
    dangling = rdflib.URIRef("https://w3id.org/sovgraph/shapes#DanglingReferenceShape")
    nodes = set(shapes.objects(dangling, sh.targetNode))
    assert nodes and all(str(n).startswith("https://w3id.org/sovgraph/id/") for n in nodes)


@pytest.mark.parametrize(
    ("select", "why"),
    [
        ("SELECT ?node WHERE { ?node a ?t }", "selects no ?this"),
        ("SELECT ?this WHERE { ?x a ?t BIND(BNODE() AS ?this) }", "selects blank nodes"),
        ("SELECT ?this WHERE { ?this a ?t ", "not a query Oxigraph can run"),
    ],
)
def test_a_target_oxigraph_cannot_stand_for_is_left_to_pyshacl(
    root: Path, fixtures: Path, tmp_path: Path, select: str, why: str
) -> None:
    import rdflib

    from sovgraph.validation.validate import SH, resolve_sparql_targets, shapes_graph

    shape = tmp_path / "shape.ttl"
    shape.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<http://example.org/S> a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select "
        f'"""{select}""" ] .\n',
        encoding="utf-8",
    )
    kg = _fixture_graph(root, fixtures, "valid.ttl")
    shapes = resolve_sparql_targets(shapes_graph([shape]), kg)
    sh = rdflib.Namespace(SH)
    assert list(shapes.objects(rdflib.URIRef("http://example.org/S"), sh.target)), why
    assert not list(shapes.objects(rdflib.URIRef("http://example.org/S"), sh.targetNode)), why
