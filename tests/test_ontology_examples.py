"""Every term's example in the ontology (skos:example) is Turtle in the style of data/, and the classes of the
European map each have one (they are printed in the generated reference, ontology/README.md)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

import sovgraph

PREFIXES = """
@prefix sov: <https://w3id.org/sovgraph/ontology#> .
@prefix kind: <https://w3id.org/sovgraph/kind/> .
@prefix sg: <https://w3id.org/sovgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
"""
SOV = "https://w3id.org/sovgraph/ontology#"
EXAMPLES = "SELECT ?term ?example WHERE { ?term skos:example ?example }"


@pytest.fixture(scope="module")
def examples(root: Path) -> list[tuple[str, str]]:
    kg = sovgraph.load(root, files=sorted((root / "ontology").glob("*.ttl")))
    return [(r["term"].value, r["example"].value) for r in kg.select(EXAMPLES)]


def test_every_example_parses_and_uses_its_term(examples: list[tuple[str, str]]) -> None:
    assert examples
    for term, example in examples:
        triples = list(pyoxigraph.parse(PREFIXES + example, pyoxigraph.RdfFormat.TURTLE))
        used = {t.predicate.value for t in triples} | {t.object.value for t in triples}
        assert term in used, term


@pytest.mark.parametrize(
    "name",
    ["Dossier", "ServiceUse", "LegalCase", "Obligation", "Requirement", "Acquisition", "PoliticalParty"],
)
def test_the_european_maps_classes_have_an_example(examples: list[tuple[str, str]], name: str) -> None:
    assert SOV + name in {term for term, _ in examples}
