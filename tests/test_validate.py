"""SHACL shapes: a valid example conforms; each invalid example breaks one rule and is reported readably."""

from __future__ import annotations

from pathlib import Path

import pytest

import sovgraph


def _validate(root: Path, fixtures: Path, *names: str) -> sovgraph.validate.Report:
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
