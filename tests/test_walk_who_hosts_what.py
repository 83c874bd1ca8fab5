"""The ``who_hosts_what`` walk gives the rows of ``queries/who-hosts-what.rq`` (issue 16).

The query's text is the definition: for many platforms (every hosted platform or data asset and every body
using a service, plus an IRI the graph does not have), days, and with ``provider``, ``jurisdiction`` or
``law`` also bound, the walk must return the text's rows (as a multiset; the parts of a " ; "-joined cell
compared sorted, its datatype and language compared too) in the order of its ``ORDER BY`` (the sequence of
sort keys is the same). On the invented world, the curated graph, a 10k-triple synthetic graph, and the world
with a few additions for subtle cases (a hosting with two start dates, a control kind that conveys no
control, observed-only hostings, service uses with and without data, odd sources and dates). Speed is
measured by ``make bench``, not here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
from worlds import world_files

import sovgraph
from sovgraph.namespaces import PREFIXES
from sovgraph.sparql.walks import who_hosts_what
from sovgraph.tools import synth

XSD_DATE = pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#date")
DAYS = ("2010-01-01", "2016-06-01", "2020-01-01", "2024-06-01", "2030-01-01")
NOWHERE = pyoxigraph.NamedNode("https://w3id.org/sovgraph/id/not-in-any-graph")
SG = "https://w3id.org/sovgraph/id/"

Row = tuple[pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | None, ...]
_ORDER_BY = ("platform", "service", "law", "criterion", "through")


def _text(kg: sovgraph.KnowledgeGraph) -> str:
    return (kg.project.queries_dir / "who-hosts-what.rq").read_text(encoding="utf-8")


def _day(day: str) -> pyoxigraph.Literal:
    return pyoxigraph.Literal(day, datatype=XSD_DATE)


def _cell(term: object) -> str:
    """A cell as text: N-Triples, a " ; "-joined literal's parts sorted (with its datatype and language)."""
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.Literal) and " ; " in term.value:
        parts = " ; ".join(sorted(term.value.split(" ; ")))
        return f"{parts}^^{term.datatype.value}@{term.language or ''}"
    return str(term)


def _text_rows(
    kg: sovgraph.KnowledgeGraph, params: dict[str, pyoxigraph.Term]
) -> tuple[list[str], list[Row]]:
    answer = kg.select(_text(kg), params)
    variables = [v.value for v in answer.variables]
    return variables, [tuple(solution[v] for v in answer.variables) for solution in answer]


def _check(kg: sovgraph.KnowledgeGraph, params: dict[str, pyoxigraph.Term]) -> list[Row]:
    """The walk's rows for ``params``, asserted to be the text's rows in the text's order."""
    variables, expected = _text_rows(kg, params)
    found = who_hosts_what.walk(kg.store, params)
    shown = {name: term.value for name, term in params.items()}
    assert all(len(row) == len(variables) for row in found), shown
    assert Counter(tuple(map(_cell, row)) for row in found) == Counter(
        tuple(map(_cell, row)) for row in expected
    ), shown
    keys = [variables.index(name) for name in _ORDER_BY]
    assert [[_cell(row[i]) for i in keys] for row in found] == [
        [_cell(row[i]) for i in keys] for row in expected
    ], shown
    return found


def _platforms(kg: sovgraph.KnowledgeGraph) -> list[pyoxigraph.NamedNode]:
    """The ``platform`` column's values of the query with no platform bound, on any of the days."""
    found = {row["platform"] for day in DAYS for row in kg.select(_text(kg), {"as_of": _day(day)})}
    return sorted(found, key=lambda term: term.value)


def _compare(
    kg: sovgraph.KnowledgeGraph, platforms: list[pyoxigraph.NamedNode], days: tuple[str, ...]
) -> int:
    """Compare the walk with the text for each platform and day, then with each provider, parent
    jurisdiction and law of its rows also bound (and a provider and a law it has no row for); the number
    of rows compared."""
    compared = 0
    for platform in [*platforms, NOWHERE]:
        for day in days:
            params: dict[str, pyoxigraph.Term] = {"platform": platform, "as_of": _day(day)}
            rows = _check(kg, params)
            compared += len(rows)
            columns = {"provider": 2, "jurisdiction": 6, "law": 7}
            for name, column in columns.items():
                values = {row[column] for row in rows if row[column] is not None}
                for value in sorted(values, key=str)[:3]:
                    compared += len(_check(kg, {**params, name: value}))
            for name in ("provider", "law"):
                assert _check(kg, {**params, name: NOWHERE}) == []
    return compared


@pytest.fixture(scope="module")
def synthetic(root: Path, tmp_path_factory: pytest.TempPathFactory) -> sovgraph.KnowledgeGraph:
    path = tmp_path_factory.mktemp("walk-hosting") / "synth.nt"
    synth.write(path, 10_000, seed=7)
    return sovgraph.load(root, files=[*sorted((root / "ontology").glob("*.ttl")), path])


def test_the_walk_gives_the_rows_of_the_text_on_the_world(world: sovgraph.KnowledgeGraph) -> None:
    platforms = _platforms(world)
    assert {SG + "registry", SG + "archive", SG + "agency"} <= {p.value for p in platforms}
    assert _compare(world, platforms, (*DAYS, "2025-06-15")) > 20


def test_the_walk_gives_the_rows_of_the_text_on_the_curated_graph(kg: sovgraph.KnowledgeGraph) -> None:
    platforms = _platforms(kg)
    assert len(platforms) > 20
    assert _compare(kg, platforms, DAYS) > 200


def test_the_walk_gives_the_rows_of_the_text_at_scale(synthetic: sovgraph.KnowledgeGraph) -> None:
    platforms = _platforms(synthetic)
    assert len(platforms) > 50
    # every fourth platform on the days the synthetic graph's periods cover (the text takes 0.1 s a platform)
    assert _compare(synthetic, platforms[::4], DAYS[1:4]) > 250


# --- Subtle cases, added to the invented world --------------------------------------------------

_ADDITIONS = """
@prefix sov: <https://w3id.org/sovgraph/ontology#> .
@prefix kind: <https://w3id.org/sovgraph/kind/> .
@prefix sg: <https://w3id.org/sovgraph/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .

# Two start dates and one end: in force from the earlier start to the end (one combination suffices).
sg:ledger a sov:DataAsset ; dcterms:source sg:src-gazette .
sg:hosting-ledger-vault a sov:Hosting ; sov:hosted sg:ledger ; sov:service sg:vault ; sov:provider sg:oldco ;
    schema:startDate "2014-01-01"^^xsd:date , "2022-01-01"^^xsd:date ; schema:endDate "2019-12-31"^^xsd:date ;
    sov:confidence kind:verified-in-source , kind:seed-stated ;
    dcterms:source sg:src-atlas , sg:src-cited-by-iri , sg:src-nameless .

# A shareholding (a kind that conveys no control) over AtlantiCorp: AtlantiCorp stays the ultimate parent.
sg:bigfund a sov:Company ; sov:incorporatedIn sg:union ; dcterms:source sg:src-atlas .
sg:stake-bigfund-atlanticorp a sov:Control ; sov:controlled sg:atlanticorp ; sov:controller sg:bigfund ;
    sov:controlKind kind:shareholding ; sov:sharePercent 10.0 ; schema:startDate "2000-01-01"^^xsd:date ;
    sov:confidence kind:verified-in-source ; dcterms:source sg:src-atlas .

# Observed in a month only: "observed" on any day of that month, "observed-only" on other days.
sg:scratch a sov:Platform ; dcterms:source sg:src-atlas .
sg:hosting-scratch-nimbus a sov:Hosting ; sov:hosted sg:scratch ; sov:service sg:nimbus ;
    sov:observedOn "2024-06"^^xsd:gYearMonth ; sov:confidence kind:seed-stated ;
    dcterms:source sg:src-op-ed .
# An end that is not comparable with a day: the query's COALESCE(..., true) keeps the hosting in force.
sg:hosting-scratch-nimbus sov:inForceUntil "2019"^^xsd:gYear .

# A service use that concerns data: listed for the data (with the Agency as user), not for the Agency.
sg:agency-files a sov:DataAsset ; dcterms:source sg:src-gazette .
# Its provider (a reseller) is not the service's operator.
sg:use-agency-vault a sov:ServiceUse ; sov:user sg:agency ; sov:hosted sg:agency-files ;
    sov:service sg:vault ; sov:provider sg:holdco ; schema:startDate "2015-01-01"^^xsd:date ;
    sov:confidence kind:seed-stated ; dcterms:source sg:src-gazette .

# Sources whose text is not a plain string: a citation that is an IRI (its GROUP_CONCAT has no value) and a
# source with neither URL nor citation (its IRI).
sg:src-cited-by-iri a sov:Source ; dcterms:bibliographicCitation <https://example.org/cited> .
sg:src-nameless a sov:Source .

# A control link's source that is not a sov:Source: not among the chain's sources.
sg:not-a-source schema:url "https://example.org/not-a-source" .
sg:control-holdco-cloudco dcterms:source sg:not-a-source .
"""


def _load_added(folder: Path) -> sovgraph.KnowledgeGraph:
    path = folder / "cases.ttl"
    path.write_text(_ADDITIONS, encoding="utf-8")
    return sovgraph.load(Path(__file__).resolve().parents[1], files=world_files(path))


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory) -> sovgraph.KnowledgeGraph:
    return _load_added(tmp_path_factory.mktemp("walk-hosting-cases"))


def _rows(kg: sovgraph.KnowledgeGraph, platform: str, day: str, **bound: str) -> list[dict[str, object]]:
    """The walk's rows (checked against the text) as dicts by column name."""
    params: dict[str, pyoxigraph.Term] = {"platform": pyoxigraph.NamedNode(SG + platform), "as_of": _day(day)}
    params.update({name: pyoxigraph.NamedNode(SG + value) for name, value in bound.items()})
    variables, _ = _text_rows(kg, params)
    return [dict(zip(variables, row, strict=True)) for row in _check(kg, params)]


def test_a_hosting_with_two_start_dates_is_in_force_from_the_earlier(added: sovgraph.KnowledgeGraph) -> None:
    assert _rows(added, "ledger", "2010-01-01") == []
    rows = _rows(added, "ledger", "2016-06-01")
    # No exposure, two confidences: a row for each.
    assert {row["law"] for row in rows} == {None}
    assert {getattr(row["confidence"], "value", "") for row in rows} == {
        "https://w3id.org/sovgraph/kind/seed-stated",
        "https://w3id.org/sovgraph/kind/verified-in-source",
    }
    assert _rows(added, "ledger", "2024-06-01") == []


def test_sources_that_are_not_plain_strings(added: sovgraph.KnowledgeGraph) -> None:
    row = _rows(added, "ledger", "2016-06-01")[0]
    assert row["hosting_sources"] is None  # a citation that is an IRI: GROUP_CONCAT gives no value
    assert row["law_sources"] is None and row["decision_sources"] is None  # nothing to concatenate


def test_a_control_kind_that_conveys_no_control_is_not_above(added: sovgraph.KnowledgeGraph) -> None:
    rows = _rows(added, "registry", "2024-06-01")
    assert {str(row["ultimate_parent"]) for row in rows} == {f"<{SG}atlanticorp>"}
    assert _rows(added, "registry", "2024-06-01", jurisdiction="union") == []
    assert len(_rows(added, "registry", "2024-06-01", jurisdiction="atlantis")) == len(rows)


def test_sources_left_out_of_the_chain_and_the_law(added: sovgraph.KnowledgeGraph) -> None:
    rows = _rows(added, "registry", "2024-06-01")
    chain = {getattr(row["chain_sources"], "value", "") for row in rows}
    assert chain and not any("not-a-source" in text for text in chain)


def test_a_derived_reach_gives_no_law_source(tmp_path: Path) -> None:
    kg = _load_added(tmp_path)  # changed below: a graph of its own
    derived_reaches = [
        row["p"]
        for row in kg.select(
            "SELECT DISTINCT ?p WHERE { ?e a sov:Exposure ; sov:via ?h ; prov:wasDerivedFrom+ ?p ."
            " ?p a sov:Reach , sov:Derived }",
            {"h": pyoxigraph.NamedNode(SG + "hosting-registry-nimbus")},
        )
    ]
    assert derived_reaches
    for reach in derived_reaches:
        source = pyoxigraph.NamedNode(PREFIXES["dcterms"] + "source")
        graph = pyoxigraph.NamedNode("urn:test:extra")
        kg.store.add(pyoxigraph.Quad(reach, source, pyoxigraph.NamedNode(SG + "src-op-ed"), graph))
    rows = _rows(kg, "registry", "2024-06-01")
    laws = {getattr(row["law_sources"], "value", "") for row in rows if row["law"] is not None}
    assert laws and not any("Writer" in text for text in laws)


def test_a_hosting_with_no_provider_is_provided_by_the_service_operator(
    added: sovgraph.KnowledgeGraph,
) -> None:
    rows = _rows(added, "registry", "2024-06-01")
    assert rows and {str(row["provider"]) for row in rows} == {f"<{SG}cloudco>"}
    assert _rows(added, "registry", "2024-06-01", provider="cloudco") == rows
    assert _rows(added, "registry", "2024-06-01", provider="oldco") == []


def test_an_observed_only_hosting(added: sovgraph.KnowledgeGraph, world: sovgraph.KnowledgeGraph) -> None:
    def periods(kg: sovgraph.KnowledgeGraph, platform: str, day: str) -> set[str]:
        return {getattr(row["period"], "value", "") for row in _rows(kg, platform, day)}

    assert periods(added, "scratch", "2024-06-17") == {"observed"}
    assert periods(added, "scratch", "2020-01-01") == {"observed-only"}
    assert periods(added, "scratch", "2030-01-01") == {"observed-only"}  # its end is not comparable
    assert "observed" in periods(world, "agency", "2025-06-15")
    assert "observed-only" in periods(world, "agency", "2025-07-01")


def test_service_uses_with_and_without_data(added: sovgraph.KnowledgeGraph) -> None:
    by_the_agency = _rows(added, "agency", "2025-06-15")
    assert by_the_agency and all(str(row["user"]) == f"<{SG}agency>" for row in by_the_agency)
    assert f"<{SG}vault>" not in {str(row["service"]) for row in by_the_agency}
    for_the_files = _rows(added, "agency-files", "2025-06-15")
    assert for_the_files and {str(row["user"]) for row in for_the_files} == {f"<{SG}agency>"}
    assert {str(row["platform"]) for row in for_the_files} == {f"<{SG}agency-files>"}
    assert {str(row["provider"]) for row in for_the_files} == {f"<{SG}holdco>"}
    assert {str(row["operator"]) for row in for_the_files} == {f"<{SG}oldco>"}


def test_the_subtle_cases_on_every_day(added: sovgraph.KnowledgeGraph) -> None:
    platforms = [pyoxigraph.NamedNode(SG + name) for name in ("ledger", "scratch", "agency-files", "agency")]
    assert _compare(added, [*platforms, *_platforms(added)], (*DAYS, "2024-06-17")) > 20
