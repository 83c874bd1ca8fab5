"""The landscape queries (who hosts what by country, non-EU dependence, requirements): golden rows over the
invented world of tests/fixtures/queries/world.ttl with its landscape (landscape.ttl), and questions on the
shipped graph.

Regenerate the golden files like those of tests/test_queries.py: SOVGRAPH_REGEN_GOLDEN=1 (``make golden``),
then review the diff of tests/golden/ like code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_queries import assert_golden

import sovgraph
from sovgraph.namespaces import ID, KIND

# (golden file, query, parameters) over world.ttl + landscape.ttl. The invented world's union is sg:union.
CASES = [
    ("who-hosts-what-by-country-2022", "who-hosts-what-by-country", {"as_of": "2022-01-01"}),
    (
        "who-hosts-what-by-country-2024-arcadia",
        "who-hosts-what-by-country",
        {"as_of": "2024-06-01", "within": "arcadia"},
    ),
    ("non-eu-dependence-2020", "non-eu-dependence", {"as_of": "2020-01-01", "union": "union"}),
    ("non-eu-dependence-2023", "non-eu-dependence", {"as_of": "2023-06-01", "union": "union"}),
    (
        "non-eu-dependence-2024-utopia",
        "non-eu-dependence",
        {"as_of": "2024-06-01", "union": "union", "within": "utopia"},
    ),
    ("requirements-2026", "requirements", {"as_of": "2026-01-01"}),
    (
        "requirements-2022-granted",
        "requirements",
        {"as_of": "2022-06-01", "by": "privacy-law", "held_status": "kind:granted", "lang": "fr"},
    ),
    ("coverage", "coverage", {}),
]
QUERIES = {name for _, name, _ in CASES}


@pytest.fixture(scope="module")
def landscape(root: Path, fixtures: Path) -> sovgraph.KnowledgeGraph:
    return sovgraph.load(
        root,
        files=[
            *sorted((root / "ontology").glob("*.ttl")),
            fixtures / "queries" / "world.ttl",
            fixtures / "queries" / "landscape.ttl",
        ],
    )


def test_the_landscape_fixture_conforms(landscape: sovgraph.KnowledgeGraph) -> None:
    report = landscape.validate()
    assert report.findings == (), report.text()


@pytest.mark.parametrize(("golden", "name", "params"), CASES, ids=[c[0] for c in CASES])
def test_landscape_rows_match_the_golden_file(
    landscape: sovgraph.KnowledgeGraph, golden: str, name: str, params: dict[str, str]
) -> None:
    assert_golden(landscape, golden, name, params)


def slug(term: object) -> str:
    return str(getattr(term, "value", "")).rsplit("/", 1)[-1]


# --- the shipped graph -------------------------------------------------------------------------------


def test_french_public_bodies_depend_on_a_us_parented_provider(kg: sovgraph.KnowledgeGraph) -> None:
    rows = kg.run("non-eu-dependence", as_of="2025-01-01", within="france").rows
    found = {
        (slug(r["body"]), slug(r["what"]), slug(r["ultimate_parent"]), slug(r["parent_jurisdiction"]))
        for r in rows
    }
    assert ("health-data-hub", "emc2", "microsoft-corporation", "united-states") in found
    assert ("health-data-hub", "health-data-hub-platform", "microsoft-corporation", "united-states") in found
    assert {slug(r["country"]) for r in rows} == {"france"}


def test_no_non_eu_dependence_before_the_hdh_moved_to_azure(kg: sovgraph.KnowledgeGraph) -> None:
    # The seed's first hosting starts in 2020: on 2019-06-01 no public body of the seed depends on it.
    rows = kg.run("non-eu-dependence", as_of="2019-06-01", within="france").rows
    assert not [r for r in rows if slug(r["body"]) == "health-data-hub"]


def test_who_hosts_what_by_country_gives_the_bodys_country(kg: sovgraph.KnowledgeGraph) -> None:
    rows = kg.run("who-hosts-what-by-country", as_of="2025-01-01").rows
    emc2 = [r for r in rows if slug(r["what"]) == "emc2"]
    assert [(slug(r["country"]), slug(r["body"]), r["dependency"].value) for r in emc2] == [
        ("france", "health-data-hub", "hosting")
    ]


def test_what_sren_article_31_requires_and_who_holds_it(kg: sovgraph.KnowledgeGraph) -> None:
    rows = kg.run("requirements", by="loi-sren", held_status="kind:granted", as_of="2026-01-01").rows
    assert {slug(r["text"]) for r in rows} == {"loi-sren-art-31"}
    assert {slug(r["scheme"]) for r in rows} == {"secnumcloud"}
    verified = {slug(r["holder"]) for r in rows if r["confidence"].value == KIND + "verified-in-source"}
    assert {"outscale-iaas", "s3ns-premi3ns"} <= verified
    assert "docaposte" not in verified and "microsoft-corporation" not in verified


def test_no_sren_requirement_before_the_act(kg: sovgraph.KnowledgeGraph) -> None:
    rows = kg.run("requirements", by="loi-sren", as_of="2024-01-01").rows
    assert rows == []
    # The 2021 circular and the national cloud strategy's "cloud de confiance" label (facts-fr FR029)
    # already required SecNumCloud.
    earlier = kg.run("requirements", as_of="2022-01-01").rows
    assert {r["text"].value for r in earlier if r["scheme"].value == ID + "secnumcloud"} == {
        ID + "circular-6282-sg",
        ID + "national-cloud-strategy-2021",
    }


def test_the_shipped_map_meets_its_coverage_targets(kg: sovgraph.KnowledgeGraph) -> None:
    # issue 12: at least 30 cases across at least 8 countries and the EU, 30 hosting or service-use
    # relations and 60 decisions (the shipped data validates: tests/test_data.py)
    rows = kg.run("coverage").rows
    where = {r["jurisdiction"].value.rsplit("/", 1)[-1] for r in rows}
    assert "european-union" in where and len(where - {"european-union", "united-states"}) >= 8, where
    cases = kg.query("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a sov:Dossier }")
    dependencies = kg.query(
        "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a ?c FILTER(?c IN (sov:Hosting, sov:ServiceUse)) }"
    )
    decisions = kg.query("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a sov:Decision }")
    assert int(next(iter(cases))["n"].value) >= 30
    assert int(next(iter(dependencies))["n"].value) >= 30
    assert int(next(iter(decisions))["n"].value) >= 60


def test_stats_opens_with_the_map_coverage(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sovgraph.cli import main

    monkeypatch.setenv("COLUMNS", "120")  # a table, not records, whatever terminal the tests run in
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The map covers ")
    assert re.search(r"^France\s+\|\s+\d+", out, re.MULTILINE), out[:600]
    assert main(["stats", "--format", "csv"]) == 0
    assert "\ncases,https://w3id.org/sovgraph/id/france,France," in capsys.readouterr().out
