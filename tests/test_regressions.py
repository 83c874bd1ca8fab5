"""One regression test per bug found: each names what went wrong and proves it no longer does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import sovgraph
from sovgraph.errors import InputError

EX = "http://example.org/"


def _same_name_twice(tmp_path: Path) -> tuple[Path, Path]:
    """Two different files outside the project, both called x.ttl."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "x.ttl", tmp_path / "b" / "x.ttl"
    a.write_text(f"<{EX}s> <{EX}p> <{EX}from-a> .\n", encoding="utf-8")
    b.write_text(f"<{EX}s> <{EX}p> <{EX}from-b> .\n", encoding="utf-8")
    return a, b


@pytest.mark.parametrize("cache", [False, True], ids=["in-memory", "cached"])
def test_two_external_files_with_one_name_are_refused_not_merged(
    root: Path, tmp_path: Path, cache: bool
) -> None:
    """``--data a/x.ttl --data b/x.ttl`` went into one graph ``external/x.ttl``: b silently replaced a."""
    a, b = _same_name_twice(tmp_path)
    ontology = sorted((root / "ontology").glob("*.ttl"))
    with pytest.raises(InputError) as error:
        sovgraph.load(
            root, files=ontology, extra=[a, b], derive=False, cache=tmp_path / "c" if cache else False
        )
    message = str(error.value)
    assert str(a) in message and str(b) in message and "external/x.ttl" in message, message
    assert "\n" not in message


def test_the_same_file_twice_is_still_one_graph(root: Path, tmp_path: Path) -> None:
    a, _ = _same_name_twice(tmp_path)
    kg = sovgraph.load(root, files=[a, a], derive=False)
    rows = kg.query(f"SELECT ?o WHERE {{ <{EX}s> <{EX}p> ?o }}")
    assert [r["o"].value for r in rows] == [f"{EX}from-a"]


def test_the_command_refuses_two_data_files_with_one_name(tmp_path: Path) -> None:
    a, b = _same_name_twice(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "sovgraph.cli", "stats", "--no-cache", "--data", str(a), "--data", str(b)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("sovgraph: error: ") and "external/x.ttl" in done.stderr
    assert done.stdout == ""


def test_a_command_that_loads_no_graph_has_no_data_option() -> None:
    """``sovgraph queries --data /nonexistent.ttl`` exited 0: every command took --data, some ignored it."""
    for argv in (
        ["queries", "--data", "/nonexistent.ttl"],
        ["synth", "-n", "10", "-o", "x.nt", "--no-cache"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "sovgraph.cli", *argv], capture_output=True, text=True, check=False
        )
        assert done.returncode == 2, (argv, done.stderr)
        assert "unrecognized arguments" in done.stderr, done.stderr


def test_check_refuses_a_day_that_is_not_a_date() -> None:
    """``check --as-of`` was passed on only to the checks that take it; a wrong day is now refused always."""
    done = subprocess.run(
        [sys.executable, "-m", "sovgraph.cli", "check", "--no-cache", "--as-of", "2024-13-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "2024-13-01" in done.stderr and "not a date" in done.stderr
