"""``cases`` gives the rows of its earlier writing (``tests/fixtures/rewritten/cases-before.rq``).

The shipped text was rewritten so that Oxigraph evaluates each ``EXISTS`` from the case it is asked about
(see ``benchmarks/README.md``, "Query shapes that do not scale"); the answer must not change. Both texts run
on the invented world, the curated graph and a synthetic graph with appeals added, for days across the
cases' history and every status, and give the same rows (GROUP_CONCAT cells compared as sets).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rows import multiset

import sovgraph
from sovgraph.namespaces import PREFIXES
from sovgraph.tools import synth

BEFORE = Path(__file__).resolve().parent / "fixtures" / "rewritten" / "cases-before.rq"
XSD_DATE = pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#date")
DAYS = (
    "2016-06-01",
    "2020-10-14",
    "2021-09-20",
    "2022-06-01",
    "2023-06-01",
    "2024-06-01",
    "2025-06-01",
    "2026-11-30",
)
STATES = (None, "pending", "decided", "appealed", "unknown")

# Appeals for the synthetic graph, which has none: three cases in four are appealed, half of those as a case
# and half through the first decision given in them; a third of the appeals are filed (2022-03), a third are
# only decided in (2023-01-10), a third neither (never appealed on any day). Added to the store by the test.
_APPEALS = """
SELECT ?appeal ?court ?target ?filed ?ruling ?ruled
WHERE {
    { SELECT ?case (SAMPLE(?c) AS ?court) (MIN(STR(?d)) AS ?first)
      WHERE { ?case a sov:LegalCase ; sov:court ?c OPTIONAL { ?d sov:inCase ?case } } GROUP BY ?case }
    BIND(MD5(STR(?case)) AS ?hash)
    FILTER(!REGEX(?hash, "^[c-f]"))
    BIND(IRI(CONCAT(STR(?case), "-appeal")) AS ?appeal)
    BIND(IF(REGEX(?hash, "[0-7]$") && BOUND(?first), IRI(?first), ?case) AS ?target)
    BIND(IF(REGEX(?hash, "^[0-3]"), "2022-03"^^xsd:gYearMonth, ?none) AS ?filed)
    BIND(IF(REGEX(?hash, "^[4-7]"), IRI(CONCAT(STR(?case), "-appeal-ruling")), ?none) AS ?ruling)
    BIND(IF(BOUND(?ruling), "2023-01-10"^^xsd:date, ?none) AS ?ruled)
}
"""


def _add_appeals(kg: sovgraph.KnowledgeGraph) -> None:
    graph = pyoxigraph.NamedNode("urn:test:appeals")
    sov, dcterms = PREFIXES["sov"], PREFIXES["dcterms"]
    rdf_type = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for row in list(kg.select(_APPEALS)):
        appeal = row["appeal"]
        kg.store.add(pyoxigraph.Quad(appeal, rdf_type, pyoxigraph.NamedNode(sov + "LegalCase"), graph))
        kg.store.add(pyoxigraph.Quad(appeal, pyoxigraph.NamedNode(sov + "court"), row["court"], graph))
        kg.store.add(pyoxigraph.Quad(appeal, pyoxigraph.NamedNode(sov + "appealOf"), row["target"], graph))
        if row["filed"] is not None:
            kg.store.add(pyoxigraph.Quad(appeal, pyoxigraph.NamedNode(sov + "filedOn"), row["filed"], graph))
        if row["ruling"] is not None:
            kg.store.add(pyoxigraph.Quad(row["ruling"], pyoxigraph.NamedNode(sov + "inCase"), appeal, graph))
            kg.store.add(
                pyoxigraph.Quad(row["ruling"], pyoxigraph.NamedNode(dcterms + "date"), row["ruled"], graph)
            )


def _compare(kg: sovgraph.KnowledgeGraph) -> tuple[int, set[str]]:
    before = BEFORE.read_text(encoding="utf-8")
    now = (kg.project.queries_dir / "cases.rq").read_text(encoding="utf-8")
    rows, statuses = 0, set()
    for day in DAYS:
        for state in STATES:
            params: dict[str, pyoxigraph.Term] = {"as_of": pyoxigraph.Literal(day, datatype=XSD_DATE)}
            if state is not None:
                params["state"] = pyoxigraph.Literal(state)
            expected = multiset(kg, before, params)
            assert multiset(kg, now, params) == expected, (day, state)
            rows += sum(expected.values())
            if state is None:
                statuses |= {row[7] for row in expected}
    return rows, statuses


def test_cases_gives_the_rows_of_its_earlier_writing_on_the_world(world: sovgraph.KnowledgeGraph) -> None:
    rows, statuses = _compare(world)
    assert rows > 0 and {'"pending"', '"decided"'} <= statuses


def test_cases_gives_the_rows_of_its_earlier_writing_on_the_curated_graph(
    kg: sovgraph.KnowledgeGraph,
) -> None:
    rows, statuses = _compare(kg)
    assert rows > 0 and {'"pending"', '"decided"', '"appealed"'} <= statuses


def test_cases_gives_the_rows_of_its_earlier_writing_at_scale(
    root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("cases") / "synth.nt"
    synth.write(path, 10_000, seed=11)
    synthetic = sovgraph.load(root, files=[*sorted((root / "ontology").glob("*.ttl")), path])
    _add_appeals(synthetic)
    rows, statuses = _compare(synthetic)
    assert rows > 0 and {'"decided"', '"appealed"'} <= statuses
