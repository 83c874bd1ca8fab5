"""Progress: a bar on standard error when asked for (a terminal), nothing otherwise; the work is the same."""

from __future__ import annotations

import pytest

from sovgraph import progress


def test_no_bar_when_standard_error_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(progress.ENV, raising=False)
    assert list(progress.steps(range(3), "counting")) == [0, 1, 2]
    with progress.counter("synth", 10) as report:
        report(5)
    with progress.working("validating"):
        pass
    assert capsys.readouterr().err == ""


def test_a_bar_when_asked_for(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(progress.ENV, "1")
    assert list(progress.steps([1, 2, 3], "parsing")) == [1, 2, 3]
    with progress.counter("synth", 10, "triple") as report:
        report(10)
    err = capsys.readouterr().err
    assert "parsing" in err and "/3" in err
    assert "synth" in err and "/10" in err


def test_loading_the_graph_shows_its_files_and_rules(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root: object
) -> None:
    import sovgraph

    monkeypatch.setenv(progress.ENV, "1")
    sovgraph.load(root)  # type: ignore[arg-type]
    err = capsys.readouterr().err
    assert "loading" in err and "deriving" in err
