"""Answers kept for an unchanged cached graph (sovgraph.sparql.answers): the same rows without opening the
store, never a stale answer, damage ignored, a bounded number kept."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

import sovgraph
from sovgraph.brief import run_query
from sovgraph.sparql import answers
from sovgraph.sparql.results import Cell, Result
from sovgraph.store import cache as cache_module


@pytest.fixture()
def project(project_copy: Path) -> Path:
    return project_copy


def _kept(cache: Path) -> list[Path]:
    return sorted((cache / cache_module.ANSWERS).glob("*.answer"))


def test_an_answer_asked_again_is_read_without_opening_the_store(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = sovgraph.load(project, cache=cache).run("who-hosts-what", platform="EMC2", as_of="2024-06-01")
    assert len(_kept(cache)) == 1
    again = sovgraph.load(project, cache=cache)
    assert again.run("who-hosts-what", platform="EMC2", as_of="2024-06-01") == first
    assert not again.backend.opened  # type: ignore[attr-defined]
    uncached = sovgraph.load(project).run("who-hosts-what", platform="EMC2", as_of="2024-06-01")
    assert first == uncached and len(first.rows) > 0


def test_other_parameters_language_or_day_are_other_answers(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    kg = sovgraph.load(project, cache=cache)
    kg.run("who-hosts-what", platform="EMC2", as_of="2024-06-01")
    kg.run("who-hosts-what", platform="EMC2", as_of="2019-06-01")
    french = kg.run("who-hosts-what", platform="EMC2", as_of="2024-06-01", lang="fr")
    assert len(_kept(cache)) == 3
    assert french == sovgraph.load(project).run(
        "who-hosts-what", platform="EMC2", as_of="2024-06-01", lang="fr"
    )


def test_a_changed_file_is_never_answered_from_before(project: Path, tmp_path: Path) -> None:
    """Regression guard: an answer kept for the graph as it was must not answer the changed graph."""
    cache = tmp_path / "cache"
    before = sovgraph.load(project, cache=cache).run(
        "who-hosts-what", platform="health-data-hub-platform", as_of="2020-06-01"
    )
    assert before.rows
    hosting = project / "data" / "hosting.ttl"
    hosting.write_text(hosting.read_text(encoding="utf-8").replace('"2020"^^xsd:gYear', '"2021"^^xsd:gYear'))
    after = sovgraph.load(project, cache=cache).run(
        "who-hosts-what", platform="health-data-hub-platform", as_of="2020-06-01"
    )
    assert after.rows == []


def test_a_damaged_answer_is_ignored_and_computed_again(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = sovgraph.load(project, cache=cache).run("claims")
    (kept,) = _kept(cache)
    kept.write_bytes(kept.read_bytes().replace(b"claim", b"clown"))
    again = sovgraph.load(project, cache=cache)
    assert again.run("claims") == first
    assert again.backend.opened  # type: ignore[attr-defined]


def test_the_command_lines_answer_is_kept_whole(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run_query(sovgraph.load(project, cache=cache), "who-hosts-what", {}, as_of="2024-06-01")
    assert "exposure" in first.columns
    again = sovgraph.load(project, cache=cache)
    assert run_query(again, "who-hosts-what", {}, as_of="2024-06-01") == first
    assert not again.backend.opened  # type: ignore[attr-defined]


def test_at_most_max_answers_are_kept(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "MAX_ANSWERS", 2)
    cache = tmp_path / "cache"
    kg = sovgraph.load(project, cache=cache)
    for year in (2019, 2020, 2021, 2022):
        kg.run("who-hosts-what", platform="EMC2", as_of=f"{year}-06-01")
    assert len(_kept(cache)) == 2


def test_no_answer_is_kept_without_a_cache_or_for_a_parameter_that_is_not_plain(
    project: Path, tmp_path: Path
) -> None:
    kg = sovgraph.load(project)
    query = kg.library()["who-hosts-what"]
    assert answers.key(kg, query, {"platform": "EMC2"}, "en") is None  # no cache
    cached = sovgraph.load(project, cache=tmp_path / "cache")
    assert answers.key(cached, query, {"platform": "EMC2"}, "en") is not None
    assert answers.key(cached, query, {"platform": object()}, "en") is None
    assert answers.key(cached, query, {"as_of": dt.date(2024, 6, 1)}, "en") is not None


def test_every_kind_of_term_is_written_back_exactly() -> None:
    terms = [
        pyoxigraph.NamedNode("https://w3id.org/sovgraph/id/cnil"),
        pyoxigraph.BlankNode("b0"),
        pyoxigraph.Literal("Commission nationale", language="fr"),
        pyoxigraph.Literal(
            "2023-12-21", datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#date")
        ),
        pyoxigraph.Literal("a plain string with a newline\nand « quotes »"),
    ]
    result = Result(
        ["t", "u"], [{"t": Cell(t, "label" if i % 2 else None), "u": None} for i, t in enumerate(terms)]
    )
    encoded = answers.encode(result)
    assert encoded is not None
    assert answers.decode(encoded) == result
    assert answers.decode(b'{"columns": ["t"], "rows": [[["x", "1", null, null]]]}') is None
    assert answers.decode(b"not json") is None


def _command_line(project: Path, cache: Path, *words: str, columns: int = 100) -> tuple[bytes, int]:
    """What ``sovgraph query`` prints (and how many things the cache keeps) for ``words``."""
    result = subprocess.run(
        [sys.executable, "-m", "sovgraph.cli", "--root", str(project), "--cache-dir", str(cache), *words],
        capture_output=True,
        env={**os.environ, "COLUMNS": str(columns)},
        check=True,
    )
    return result.stdout, len(_kept(cache))


def test_the_command_line_prints_its_kept_rendering_and_never_another_formats_or_widths(
    project: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    words = ("query", "who-hosts-what", "--as-of", "2024-06-01")
    table, first = _command_line(project, cache, *words)
    assert first >= 2  # the rows (with exposures), and the table printed
    assert _command_line(project, cache, *words) == (table, first)  # printed again from the cache
    narrow, kept = _command_line(project, cache, *words, columns=60)
    assert kept == first + 1 and narrow != table  # another width lays the table out again
    csv, kept = _command_line(project, cache, *words, "--format", "csv")
    assert kept == first + 2 and csv.startswith(b"platform,")
    labelled, kept = _command_line(project, cache, *words, "--format", "csv", "--labels")
    assert kept == first + 3 and labelled != csv
    fresh = tmp_path / "fresh"  # the same bytes as a call that computes everything
    for printed, extra in ((table, ()), (narrow, ()), (csv, ("--format", "csv"))):
        width = 60 if printed is narrow else 100
        assert _command_line(project, fresh, *words, *extra, columns=width)[0] == printed


def test_a_damaged_rendering_is_not_printed(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    words = ("query", "who-hosts-what", "--as-of", "2024-06-01", "--format", "tsv")
    printed, _ = _command_line(project, cache, *words)
    for kept in _kept(cache):
        kept.write_bytes(kept.read_bytes().replace(b"\t", b" "))
    assert _command_line(project, cache, *words)[0] == printed


def test_an_edited_bound_variant_is_never_answered_from_before(project: Path, tmp_path: Path) -> None:
    """Regression guard: the key covers the variants' texts, not only the query's own."""
    cache = tmp_path / "cache"
    kg = sovgraph.load(project, cache=cache)
    spec = kg.library()["decisions"]
    assert spec.variants, "decisions has a bound variant"
    entity = "https://w3id.org/sovgraph/id/cnil"
    before = answers.key(kg, spec, {"entity": entity}, "en")
    variant = spec.variants[0].query.path
    variant.write_text(variant.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    again = sovgraph.load(project, cache=cache)
    assert answers.key(again, again.library()["decisions"], {"entity": entity}, "en") != before
