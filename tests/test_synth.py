"""The synthetic generator: deterministic, on size, conforming to the shapes, and meaningful to the queries.

Also: the two ways of loading (``load_store`` and ``read_files`` + ``fill_store``) give the same store.
No timing here: the benchmarks (``make bench``) measure speed.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest

import sovgraph
from sovgraph import cli
from sovgraph.cli import synth as cli_synth
from sovgraph.errors import OutputError, ParseError, UnsupportedFormatError
from sovgraph.sparql.results import Cell, Result
from sovgraph.store.ingest import fill_store, load_store, read_files
from sovgraph.tools import synth

SYNTH = synth.SYNTH
LATE, EARLY = "2024-06-01", "2012-06-01"


def _ontology(root: Path) -> list[Path]:
    return sorted((root / "ontology").glob("*.ttl"))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "small.nt"
    synth.write(path, 10_000, seed=7)
    return path


@pytest.fixture(scope="module")
def kg(root: Path, small: Path) -> sovgraph.KnowledgeGraph:
    return sovgraph.load(root, files=[*_ontology(root), small])


@pytest.fixture(scope="module")
def late(kg: sovgraph.KnowledgeGraph) -> Result:
    return kg.run("who-hosts-what", as_of=LATE)


@pytest.fixture(scope="module")
def early(kg: sovgraph.KnowledgeGraph) -> Result:
    return kg.run("who-hosts-what", as_of=EARLY)


def test_the_same_size_and_seed_give_the_same_bytes(tmp_path: Path) -> None:
    for name in ("a.nt", "b.nt", "c.ttl", "d.ttl"):
        synth.write(tmp_path / name, 3000, seed=11)
    assert (tmp_path / "a.nt").read_bytes() == (tmp_path / "b.nt").read_bytes()
    assert (tmp_path / "c.ttl").read_bytes() == (tmp_path / "d.ttl").read_bytes()
    other = io.StringIO()
    synth.generate(other, 3000, seed=12)
    assert other.getvalue().encode() != (tmp_path / "a.nt").read_bytes()


@pytest.mark.parametrize("triples", [2_000, 10_000, 50_000])
def test_the_size_lands_within_one_percent_of_the_target(triples: int) -> None:
    out = io.StringIO()
    written = synth.generate(out, triples, seed=3)
    assert triples <= written <= triples * 1.01, written
    assert out.getvalue().count(" .\n") == written


def test_turtle_and_n_triples_hold_the_same_graph(root: Path, tmp_path: Path) -> None:
    nt, ttl = tmp_path / "g.nt", tmp_path / "g.ttl"
    assert synth.write(nt, 4000, seed=5) == synth.write(ttl, 4000, seed=5)
    store_nt, files_nt = load_store([nt], tmp_path)
    store_ttl, files_ttl = load_store([ttl], tmp_path)
    assert files_nt[0].triples == files_ttl[0].triples == len(store_nt) == len(store_ttl)
    assert {str(t)[: -len(str(t.graph_name))] for t in store_nt} == {
        str(t)[: -len(str(t.graph_name))] for t in store_ttl
    }


def test_every_iri_is_in_the_synthetic_namespace(small: Path) -> None:
    curated = "https://w3id.org/sovgraph/id/"
    text = small.read_text(encoding="utf-8")
    subjects = {line.split(" ", 1)[0] for line in text.splitlines()}
    assert all(s.startswith(f"<{SYNTH}") for s in subjects)
    assert f"<{curated}synth/" in text
    assert not [w for w in text.split() if w.startswith(f"<{curated}") and not w.startswith(f"<{SYNTH}")]


def test_a_10k_graph_passes_the_shapes(root: Path, small: Path) -> None:
    kg = sovgraph.load(root, files=[*_ontology(root), small], derive=False)
    report = kg.validate()
    assert report.conforms, report.text()
    assert not report.warnings, report.text()


def test_the_graph_holds_the_whole_model(kg: sovgraph.KnowledgeGraph) -> None:
    rows = kg.query("SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class")
    counts = {r["class"].value.rsplit("#", 1)[-1]: int(r["n"].value) for r in rows}
    for name in (
        "Jurisdiction", "Law", "LawArticle", "Reach", "Company", "Control", "CloudService", "Site",
        "PublicBody", "Authority", "Court", "Platform", "DataAsset", "DataSource", "Hosting", "Decision",
        "Qualification", "Person", "Post", "Membership", "DataFlow", "Statement", "Claim", "Source",
        "CertificationScheme",
    ):  # fmt: skip
        assert counts.get(name, 0) > 0, name
    union = kg.query(
        "ASK { ?state sov:partOfJurisdiction ?union . ?region sov:partOfJurisdiction ?state . "
        "?law sov:lawJurisdiction ?union ; sov:reachCriterion kind:territory }"
    )
    assert bool(union)
    assert bool(kg.query("ASK { ?law sov:extraterritorial true ; sov:reachCriterion kind:control }"))
    assert bool(kg.query("ASK { ?c a sov:Control ; schema:endDate ?end }"))  # ended links: as-of matters
    assert bool(kg.query("ASK { ?h a sov:Hosting ; sov:authorisedBy/sov:validityDuration ?d }"))
    unlabelled = kg.query(
        "SELECT ?x WHERE { ?x a ?c FILTER(STRSTARTS(STR(?x), ?synth)) "
        "FILTER(NOT EXISTS { ?x rdfs:label ?fr FILTER(LANG(?fr) = 'fr') } "
        "|| NOT EXISTS { ?x rdfs:label ?en FILTER(LANG(?en) = 'en') }) }",
        {"synth": pyoxigraph.Literal(SYNTH)},
    )
    assert not list(unlabelled)
    relations = kg.query(
        "SELECT ?r WHERE { ?r a/rdfs:subClassOf* sov:Relation FILTER NOT EXISTS { ?r a sov:Derived } "
        "FILTER NOT EXISTS { ?r sov:confidence ?c } }"
    )
    assert not list(relations)


def test_parent_chains_run_from_no_parent_to_six_links(kg: sovgraph.KnowledgeGraph) -> None:
    rows = kg.query("SELECT (MAX(?hops) AS ?deepest) WHERE { ?p a sov:ControlPath ; sov:hops ?hops }")
    assert int(next(iter(rows))["deepest"].value) == 6
    alone = kg.query(
        "ASK { ?h a sov:Hosting ; sov:provider ?p . FILTER NOT EXISTS { ?link sov:controlled ?p } }"
    )
    assert bool(alone)


def test_every_library_query_runs_and_finds_rows(kg: sovgraph.KnowledgeGraph, late: Result) -> None:
    assert late.rows
    platform = _deep_platform(kg)
    params = {"chain": {"entity": platform}, "sources": {"entity": platform}}
    for name, spec in kg.library().items():
        if name.startswith("checks/") or name == "who-hosts-what":  # (who-hosts-what: its own tests below)
            continue
        given: dict[str, Any] = dict(params.get(name, {}))
        if spec.param("as_of") is not None:
            given["as_of"] = LATE
        assert kg.run(name, **given).rows, name


def test_exposures_reach_platforms_through_parent_chains_longer_than_one_link(
    kg: sovgraph.KnowledgeGraph,
) -> None:
    platform = _deep_platform(kg)
    rows = kg.run("who-hosts-what", platform=platform, as_of=LATE).rows
    through_parents = [r for r in rows if _v(r, "through") not in (None, _v(r, "provider"))]
    assert through_parents, [(_v(r, "provider"), _v(r, "through")) for r in rows]
    assert any(_v(r, "ultimate_parent") == _v(r, "through") for r in through_parents)


def test_the_day_asked_changes_the_answer(late: Result, early: Result) -> None:
    assert {_key(r) for r in late.rows} != {_key(r) for r in early.rows}
    # and for one platform hosted on both days: a change of hands or of host moves its parent or its laws
    both = {_v(r, "platform") for r in late.rows} & {_v(r, "platform") for r in early.rows}
    moved = [p for p in both if _by_platform(late, p) != _by_platform(early, p)]
    assert moved


def test_both_loaders_build_the_same_store(root: Path, small: Path) -> None:
    files = [*_ontology(root), small]
    store, loaded = load_store(files, root)
    for bulk in (False, True):
        other = pyoxigraph.Store()
        filled = fill_store(other, read_files(files, root), bulk_from=0 if bulk else None)
        assert len(store) == len(other)
        assert [(f.label, f.graph, f.triples) for f in loaded] == [
            (f.label, f.graph, f.triples) for f in filled
        ]
    assert loaded[-1].triples == sum(1 for _ in small.open(encoding="utf-8"))


def test_a_bad_file_stops_loading_with_the_same_message_either_way(root: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.nt"
    synth.write(good, 1000, seed=1)
    bad = tmp_path / "bad.nt"
    bad.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    with pytest.raises(ParseError) as first:
        load_store([good, bad], root)
    with pytest.raises(ParseError) as second:
        read_files([good, bad], root)
    assert str(first.value) == str(second.value)
    assert str(first.value).startswith("external/bad.nt:1:")


def test_writing_is_atomic_and_checks_the_extension(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError):
        synth.write(tmp_path / "x.csv", 100)
    with pytest.raises(OutputError):
        synth.write(tmp_path / "missing" / "x.nt", 100)
    target = tmp_path / "x.nt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(ValueError):
        synth.write(target, 0)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.nt"]


def test_the_command_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="sovgraph")
    cli_synth.register(parser.add_subparsers(), cli._command)
    args = parser.parse_args(["synth", "--triples", "2k", "--seed", "4", "-o", str(tmp_path / "s.ttl")])
    assert args.handler(args) == 0
    assert "wrote" in capsys.readouterr().err
    assert (tmp_path / "s.ttl").read_text(encoding="utf-8").startswith("@prefix")
    assert cli_synth.size("1.5m") == 1_500_000
    assert cli_synth.size("10_000") == 10_000
    with pytest.raises(argparse.ArgumentTypeError):
        cli_synth.size("ten")


def _deep_platform(kg: sovgraph.KnowledgeGraph) -> str:
    """A platform exposed, on the late day, through a parent more than one control link above its provider."""
    rows = kg.query(
        """SELECT ?platform (COUNT(*) AS ?n) WHERE {
            ?e a sov:Exposure ; sov:exposed ?platform ; sov:through ?top ; sov:via ?h .
            ?h sov:provider ?provider .
            ?p a sov:ControlPath ; sov:controlled ?provider ; sov:controller ?top ; sov:hops ?hops .
            FILTER(?hops > 1)
            FILTER NOT EXISTS { ?p sov:inForceUntil ?until FILTER(?until < "2024-06-01"^^xsd:date) }
            FILTER NOT EXISTS { ?h sov:inForceUntil ?end FILTER(?end < "2024-06-01"^^xsd:date) }
        } GROUP BY ?platform ORDER BY DESC(?n) ?platform LIMIT 1"""
    )
    found = list(rows)
    assert found, "no platform exposed through a chain of more than one link"
    return str(found[0]["platform"].value)


def _v(row: Mapping[str, Cell | None], column: str) -> str | None:
    cell = row[column]
    return cell.value if cell is not None else None


def _key(row: Mapping[str, Cell | None]) -> tuple[str | None, ...]:
    return tuple(_v(row, c) for c in ("platform", "provider", "ultimate_parent", "law"))


def _by_platform(result: Result, platform: str | None) -> set[tuple[str | None, ...]]:
    return {_key(r) for r in result.rows if _v(r, "platform") == platform}
