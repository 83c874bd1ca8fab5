"""A hostile Wikidata endpoint: whatever it answers, the enrichment keeps only the asked-for items and
properties, in its own graph, and never says anything about a curated thing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

import pyoxigraph
import pytest

import sovgraph
from sovgraph.exchange.enrich import ENRICH_GRAPH, WD, WDT, enrich, write
from sovgraph.namespaces import ID, PREFIXES, SOV

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
RDF_TYPE = PREFIXES["rdf"] + "type"
LABEL = PREFIXES["rdfs"] + "label"


def n(iri: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(iri)


class Hostile:
    """An endpoint that answers the enrichment query with rows of its choosing."""

    name = "http://hostile.example.org/sparql"

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def select(self, _text: str) -> list[dict[str, Any]]:
        return [{"label": None, **row} for row in self.rows]


GOOD = {"item": n(WD + "Q99900001"), "property": n(WDT + "P1278"), "value": pyoxigraph.Literal("LEI-1")}
HOSTILE = [
    # a fact about a curated relation node, and a made-up provider for it
    {
        "item": n(ID + "hosting-emc2-azure"),
        "property": n(SOV + "provider"),
        "value": n(ID + "ghost-provider"),
    },
    # a type on a curated thing, through an asked-for item's row
    {"item": n(ID + "atlanticorp"), "property": n(RDF_TYPE), "value": n(SOV + "Court")},
    # an asked-for item with a property that was not asked for
    {"item": n(WD + "Q99900001"), "property": n(RDF_TYPE), "value": n(SOV + "Court")},
    {"item": n(WD + "Q99900001"), "property": n(SOV + "incorporatedIn"), "value": n(ID + "atlantis")},
    # an item nobody asked about
    {"item": n(WD + "Q1"), "property": n(WDT + "P17"), "value": n(WD + "Q2")},
    # a value in sovgraph's own namespace, and a label that would name a curated thing
    {"item": n(WD + "Q99900003"), "property": n(WDT + "P749"), "value": n(ID + "oldco")},
    # a blank node, a NUL character, an over-long literal
    {"item": n(WD + "Q99900002"), "property": n(WDT + "P1616"), "value": pyoxigraph.BlankNode()},
    {"item": n(WD + "Q99900002"), "property": n(WDT + "P1616"), "value": pyoxigraph.Literal("1\x002")},
    {"item": n(WD + "Q99900002"), "property": n(WDT + "P856"), "value": pyoxigraph.Literal("x" * (1 << 21))},
]
LABELLED = [
    # a label for an accepted value, but in a language not asked for, or for a non-Wikidata value
    {
        "item": n(WD + "Q99900003"),
        "property": n(WDT + "P749"),
        "value": n(WD + "Q99900999"),
        "label": pyoxigraph.Literal("Méga", language="de"),
    },
    {
        "item": n(WD + "Q99900001"),
        "property": n(WDT + "P856"),
        "value": n("https://atlanticorp.example.org/"),
        "label": pyoxigraph.Literal("Hacked", language="en"),
    },
]


@pytest.fixture(scope="module")
def matched(root: Path, fixtures: Path) -> sovgraph.KnowledgeGraph:
    files = [
        *sorted((root / "ontology").glob("*.ttl")),
        fixtures / "queries" / "world.ttl",
        fixtures / "wikidata" / "matches.ttl",
    ]
    return sovgraph.load(root, files=files, derive=False)


def test_only_the_asked_for_items_and_properties_are_kept(matched: sovgraph.KnowledgeGraph) -> None:
    endpoint = Hostile([GOOD, *HOSTILE, *LABELLED])
    result = enrich(matched, cast(Any, endpoint), now=NOW)
    facts = [q for q in result.quads if not q.subject.value.startswith(ENRICH_GRAPH)]
    triples = {(q.subject.value, q.predicate.value, str(q.object)) for q in facts}
    assert triples == {
        (WD + "Q99900001", WDT + "P1278", '"LEI-1"'),
        (WD + "Q99900003", WDT + "P749", f"<{WD}Q99900999>"),
        (WD + "Q99900001", WDT + "P856", "<https://atlanticorp.example.org/>"),
    }
    assert result.dropped == len(HOSTILE)
    assert {q.graph_name.value for q in result.quads} == {ENRICH_GRAPH}
    assert not any(q.subject.value.startswith(ID) for q in result.quads)


def test_a_wikidata_item_the_curated_graph_describes_is_not_restated(
    root: Path, fixtures: Path, tmp_path: Path
) -> None:
    extra = tmp_path / "described.ttl"
    extra.write_text(f'<{WD}Q99900001> <{LABEL}> "curated"@en .\n', encoding="utf-8")
    files = [
        *sorted((root / "ontology").glob("*.ttl")),
        fixtures / "queries" / "world.ttl",
        fixtures / "wikidata" / "matches.ttl",
        extra,
    ]
    kg = sovgraph.load(root, files=files, derive=False)
    result = enrich(kg, cast(Any, Hostile([GOOD])), now=NOW)
    assert not any(q.subject.value == WD + "Q99900001" for q in result.quads)


def test_the_written_enrichment_loaded_with_data_changes_no_curated_answer(
    root: Path, matched: sovgraph.KnowledgeGraph, tmp_path: Path
) -> None:
    result = enrich(matched, cast(Any, Hostile([GOOD, *HOSTILE, *LABELLED])), now=NOW)
    output = tmp_path / "wikidata.trig"
    write(matched, result, output)
    kg = sovgraph.load(root, extra=[output], derive=False)
    assert not kg.query(f"ASK {{ <{ID}hosting-emc2-azure> <{SOV}provider> <{ID}ghost-provider> }}")
    assert not kg.query(f"ASK {{ ?s a <{SOV}Court> FILTER(STRSTARTS(STR(?s), '{WD}')) }}")
    assert kg.validate(reuse=False).conforms
