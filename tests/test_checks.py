"""Data-quality checks (queries/checks/*-violation.rq): each fires on a known-bad fixture, and only there."""

from __future__ import annotations

from pathlib import Path

import pytest

import sovgraph

CHECKS_WITHOUT_FIXTURE = {"checks/expired-authorisation-violation"}  # fires on the world itself, see below


def _world(root: Path, fixtures: Path, *extra: Path) -> sovgraph.KnowledgeGraph:
    files = [*sorted((root / "ontology").glob("*.ttl")), fixtures / "queries" / "world.ttl", *extra]
    return sovgraph.load(root, files=files)


def test_every_check_has_a_known_bad_fixture(root: Path, fixtures: Path) -> None:
    names = {n for n in sovgraph.load(root).library() if n.startswith("checks/")}
    with_fixture = {f"checks/{p.stem}" for p in (fixtures / "checks").glob("*.ttl")}
    assert names == with_fixture | CHECKS_WITHOUT_FIXTURE


def test_the_world_passes_every_check_before_its_authorisation_expires(root: Path, fixtures: Path) -> None:
    kg = _world(root, fixtures)
    for name, query in kg.library().items():
        if name.startswith("checks/"):
            params = {"as_of": "2023-01-01"} if query.param("as_of") else {}
            assert kg.run(name, **params).rows == [], name


@pytest.mark.parametrize(
    "fixture", sorted(p.stem for p in (Path(__file__).parent / "fixtures" / "checks").glob("*.ttl"))
)
def test_each_check_fires_on_its_fixture_and_no_other_does(root: Path, fixtures: Path, fixture: str) -> None:
    kg = _world(root, fixtures, fixtures / "checks" / f"{fixture}.ttl")
    fired = {
        name
        for name, query in kg.library().items()
        if name.startswith("checks/")
        and kg.run(name, **({"as_of": "2023-01-01"} if query.param("as_of") else {})).rows
    }
    assert fired == {f"checks/{fixture}"}


def test_an_expired_authorisation_still_marked_current_is_reported(root: Path, fixtures: Path) -> None:
    kg = _world(root, fixtures)
    rows = kg.run("checks/expired-authorisation-violation", as_of="2025-01-01").rows
    assert [(r["hosting"].value.rsplit("/", 1)[-1], r["valid_until"].value) for r in rows] == [
        ("hosting-registry-nimbus", "2024-04-15")
    ]


def test_sovgraph_check_exits_1_on_findings_and_0_on_sound_data(fixtures: Path) -> None:
    from sovgraph.cli import main

    assert main(["check", "--as-of", "2026-11-29"]) == 0
    bad = fixtures / "checks" / "unsourced-relation-violation.ttl"
    world = fixtures / "queries" / "world.ttl"
    assert main(["check", "--as-of", "2023-01-01", "--data", str(world), "--data", str(bad)]) == 1
