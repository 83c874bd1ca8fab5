"""The query library over a small invented world (tests/fixtures/queries/world.ttl): golden expected rows.

Each case runs one library query with parameters and compares its W3C TSV output with a reviewed golden
file in tests/golden/. To regenerate after an intended change: SOVGRAPH_REGEN_GOLDEN=1 pytest
tests/test_queries.py, then review the diff of tests/golden/ like code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sovgraph
from sovgraph.sparql.results import to_tsv

GOLDEN = Path(__file__).resolve().parent / "golden"

# (golden file, query, parameters)
CASES = [
    ("who-hosts-what-2020", "who-hosts-what", {"as_of": "2020-01-01"}),
    ("who-hosts-what-2023", "who-hosts-what", {"as_of": "2023-01-01"}),
    ("who-hosts-what-2025-data-act", "who-hosts-what", {"as_of": "2025-01-01", "law": "data-act"}),
    ("who-hosts-what-2023-atlantis", "who-hosts-what", {"as_of": "2023-01-01", "jurisdiction": "atlantis"}),
    ("who-hosts-what-2023-provider-oldco", "who-hosts-what", {"as_of": "2023-01-01", "provider": "oldco"}),
    ("chain-registry-2023", "chain", {"entity": "registry", "as_of": "2023-01-01"}),
    ("chain-cloudco-2020", "chain", {"entity": "cloudco", "as_of": "2020-01-01"}),
    ("chain-cloudco-2022", "chain", {"entity": "cloudco", "as_of": "2022-01-01"}),
    ("exposure-data-act-2025", "exposure", {"law": "data-act", "as_of": "2025-01-01"}),
    ("exposure-2023", "exposure", {"as_of": "2023-01-01"}),
    ("decisions-2023", "decisions", {"as_of": "2023-01-01"}),
    ("decisions-registry-2025", "decisions", {"entity": "registry", "as_of": "2025-01-01"}),
    ("qualifications-2025-06", "qualifications", {"as_of": "2025-06-01"}),
    ("qualifications-2026", "qualifications", {"as_of": "2026-01-01", "scheme": "trust"}),
    ("actors-all", "actors", {}),
    ("actors-2025", "actors", {"as_of": "2025-03-01", "organisation": "cloudco"}),
    ("actors-2020", "actors", {"as_of": "2020-03-01"}),
    ("sources-hosting", "sources", {"entity": "hosting-registry-nimbus"}),
    ("sources-cloudco", "sources", {"entity": "cloudco"}),
    ("claims", "claims", {}),
    ("claims-fr", "claims", {"lang": "fr", "verdict": "kind:likely-inaccurate"}),
    ("cases-2016", "cases", {"as_of": "2016-12-31"}),
    ("cases-2022-06", "cases", {"as_of": "2022-06-01"}),
    ("cases-2023-06", "cases", {"as_of": "2023-06-01"}),
    ("cases-pending-2025", "cases", {"as_of": "2025-01-01", "state": "pending"}),
    ("cases-data-act-2023", "cases", {"as_of": "2023-06-01", "challenged": "data-act"}),
    ("who-hosts-what-2025-06-15-agency", "who-hosts-what", {"as_of": "2025-06-15", "platform": "agency"}),
    ("who-hosts-what-2025-07-agency", "who-hosts-what", {"as_of": "2025-07-01", "platform": "agency"}),
    ("exposure-agency-2025-07", "exposure", {"as_of": "2025-07-01", "platform": "agency"}),
    ("chain-agency-2025-07", "chain", {"entity": "agency", "as_of": "2025-07-01"}),
    ("qualifications-2026-06", "qualifications", {"as_of": "2026-06-01", "scheme": "trust"}),
    ("ownership-atlanticorp-2023", "ownership", {"controller": "atlanticorp", "as_of": "2023-01-01"}),
    ("ownership-atlanticorp-2020", "ownership", {"controller": "atlanticorp", "as_of": "2020-01-01"}),
    ("ownership-cloudco-all", "ownership", {"controlled": "cloudco"}),
]


def canonical(tsv: str) -> str:
    """The TSV with the parts of GROUP_CONCAT cells (joined by " ; ") sorted.

    SPARQL leaves the order inside GROUP_CONCAT to the engine (it differs between stores, and between query
    plans of one store), so a golden file compares those cells as sets.
    """
    lines = []
    for line in tsv.splitlines():
        cells = []
        for cell in line.split("\t"):
            if cell.startswith('"') and " ; " in cell:
                body, _, tail = cell[1:].rpartition('"')
                cell = '"' + " ; ".join(sorted(body.split(" ; "))) + '"' + tail
            cells.append(cell)
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def test_the_world_fixture_conforms(world: sovgraph.KnowledgeGraph) -> None:
    report = world.validate()
    assert report.findings == (), report.text()


@pytest.mark.parametrize(("golden", "name", "params"), CASES, ids=[c[0] for c in CASES])
def test_query_rows_match_the_golden_file(
    world: sovgraph.KnowledgeGraph, golden: str, name: str, params: dict[str, str]
) -> None:
    assert_golden(world, golden, name, params)


def assert_golden(kg: sovgraph.KnowledgeGraph, golden: str, name: str, params: dict[str, str]) -> None:
    """The query's rows (GROUP_CONCAT cells as sets) are those of ``tests/golden/<golden>.tsv``; with
    ``SOVGRAPH_REGEN_GOLDEN`` set, the file is written first (review its diff like code)."""
    actual = canonical(to_tsv(kg.run(name, **params)))
    path = GOLDEN / f"{golden}.tsv"
    if os.environ.get("SOVGRAPH_REGEN_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with SOVGRAPH_REGEN_GOLDEN=1 and review it"
    assert actual == path.read_text(encoding="utf-8")


def test_every_library_query_has_a_golden_case(world: sovgraph.KnowledgeGraph) -> None:
    from test_landscape_queries import QUERIES as LANDSCAPE  # golden cases over world.ttl + landscape.ttl

    covered = {name for _, name, _ in CASES} | LANDSCAPE
    queries = {n for n in world.library() if not n.startswith("checks/")}
    assert queries <= covered, queries - covered
