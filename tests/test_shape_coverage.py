"""Every SHACL NodeShape of ``ontology/shapes/`` has a fixture that makes it fail (a shape never seen to fail
proves nothing).

A failing fixture in ``tests/fixtures/shapes/`` opens with comment lines, one of which names the shapes it
breaks: ``# breaks: sovsh:SomeShape`` (one or more, space-separated; ``sovsh:`` is the shapes namespace).
Loaded with ``valid.ttl``, the fixture must give at least one result whose source shape is that NodeShape,
one of its property shapes, or a shape that uses it through ``sh:node``. Adding a shape means adding such a
fixture; no list is kept here.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import rdflib

import sovgraph

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "tests" / "fixtures" / "shapes"
SOVSH = "https://w3id.org/sovgraph/shapes#"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
BREAKS = re.compile(r"^#\s*breaks:\s*(?P<names>.+)$")


def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ROOT / "ontology" / "shapes").glob("*.ttl")):
        graph.parse(path)
    return graph


def node_shapes() -> list[str]:
    """Every sh:NodeShape with an IRI in the shapes files."""
    graph = shapes_graph()
    return sorted(
        str(s) for s in graph.subjects(rdflib.RDF.type, SH.NodeShape) if isinstance(s, rdflib.URIRef)
    )


def breaks(path: Path) -> list[str]:
    """The shapes a fixture says it breaks (its ``# breaks:`` line among the opening comments)."""
    found: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = BREAKS.match(line)
        if match:
            found += [n.replace("sovsh:", SOVSH, 1) for n in match.group("names").split()]
    return found


FIXTURES = sorted(p for p in SHAPES.glob("*.ttl") if breaks(p))


@cache
def broken_by(name: str) -> frozenset[str]:
    """The NodeShapes that validating ``valid.ttl`` with the fixture reports a result for."""
    import pyshacl

    kg = sovgraph.load(
        ROOT, files=[*sorted((ROOT / "ontology").glob("*.ttl")), SHAPES / "valid.ttl", SHAPES / name]
    )
    data = rdflib.Graph().parse(data=kg.union_ntriples(), format="nt")
    shapes = shapes_graph()
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert isinstance(results, rdflib.Graph)
    found: set[str] = set()
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        source = results.value(result, SH.sourceShape)
        if source is None:
            continue
        owners = {source, *shapes.subjects(SH.property, source)}
        owners |= {o for owner in list(owners) for o in shapes.objects(owner, SH.node)}
        owners |= {o for o in shapes.objects(source, SH.node)}
        found |= {str(o) for o in owners if isinstance(o, rdflib.URIRef)}
    return frozenset(found)


def test_every_node_shape_is_named_by_a_failing_fixture() -> None:
    shapes = node_shapes()
    assert len(shapes) >= 20, shapes
    named = {shape for path in FIXTURES for shape in breaks(path)}
    missing = [s.replace(SOVSH, "sovsh:") for s in shapes if s not in named]
    assert not missing, f"NodeShapes without a '# breaks:' fixture in tests/fixtures/shapes/: {missing}"


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_each_fixture_breaks_the_shapes_it_names(path: Path) -> None:
    known = set(node_shapes())
    named = breaks(path)
    unknown = [n for n in named if n not in known]
    assert not unknown, f"{path.name} names shapes that do not exist: {unknown}"
    found = broken_by(path.name)
    assert set(named) <= found, (
        f"{path.name}: not reported for {set(named) - found}; reported: {sorted(found)}"
    )


def test_the_valid_example_breaks_nothing() -> None:
    assert broken_by("valid.ttl") == frozenset()
