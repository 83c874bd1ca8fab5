"""Options shared by the commands: --root and the graph options before or after the command, only where a
graph is loaded; --version names the code and the graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovgraph.cli import main


def test_root_works_before_and_after_the_command(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(root), "stats"]) == 0
    before = capsys.readouterr().out
    assert main(["stats", "--root", str(root)]) == 0
    assert capsys.readouterr().out == before
    assert "triples in" in before


def test_graph_options_before_the_command_are_used(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    assert main(["--no-cache", "--data", str(extra), "stats", "--root", str(root)]) == 0
    assert "external/extra.ttl" in capsys.readouterr().out


def test_an_option_after_the_command_does_not_reset_one_given_before(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    assert main(["--data", str(extra), "--cache-dir", str(tmp_path / "c"), "stats", "--no-cache"]) == 0
    assert "external/extra.ttl" in capsys.readouterr().out


@pytest.mark.parametrize("option", [["--data", "missing.ttl"], ["--no-cache"], ["--cache-dir", "x"]])
def test_a_graph_option_is_refused_by_a_command_that_loads_no_graph(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main([*option, "queries"])
    assert stop.value.code == 2
    assert "loads no graph" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["queries", *option])


def test_version_names_the_code_and_the_graph(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--root", str(root), "--version"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("sovgraph 0.")
    assert "graph: ontology 0." in out and str(root) in out


def test_version_says_when_no_graph_is_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--root", str(tmp_path), "--version"])
    assert "graph: none found" in capsys.readouterr().out
