"""The command line's one guard: any unexpected exception is one paragraph naming the command and its input
with a hint (exit 4); Ctrl-C is one line (exit 130); a traceback only with --debug; a full disk on standard
output is an error, not a traceback."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_setup import REPO

import sovgraph.cli as cli
from sovgraph.errors import EXIT_CODES


def _raising(exc: BaseException) -> None:
    def handler(_args: argparse.Namespace) -> int:
        raise exc

    return handler  # type: ignore[return-value]


@pytest.fixture
def broken_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    """``sovgraph queries`` made to fail with an exception no code path expects."""
    import sovgraph.cli.query as family

    monkeypatch.setattr(family, "_queries", _raising(RuntimeError("boom\nsecond line")))


def test_unexpected_error_is_one_paragraph_with_command_input_and_hint(
    broken_queries: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["--root", str(REPO), "queries"])
    err = capsys.readouterr().err
    assert code == 4 and 4 in EXIT_CODES
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("sovgraph: error: 'sovgraph --root")
    assert "queries" in err and "RuntimeError: boom second line" in err and "--debug" in err


def test_debug_shows_the_traceback(broken_queries: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(REPO), "queries", "--debug"]) == 4
    assert "Traceback" in capsys.readouterr().err


def test_interrupt_is_one_line_and_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sovgraph.cli.query as family

    monkeypatch.setattr(family, "_queries", _raising(KeyboardInterrupt()))
    assert cli.main(["--root", str(REPO), "queries"]) == 130
    assert capsys.readouterr().err == "sovgraph: error: interrupted.\n"


def test_memory_error_is_an_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sovgraph.cli.query as family

    monkeypatch.setattr(family, "_queries", _raising(MemoryError()))
    assert cli.main(["--root", str(REPO), "queries"]) == 2
    assert "ran out of memory" in capsys.readouterr().err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("command", [["export", "--format", "nt"], ["queries"], ["stats", "--format", "csv"]])
def test_a_full_disk_on_standard_output_is_one_paragraph(command: list[str], tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "sovgraph.cli", "--root", str(REPO), *command, "--no-cache"]
            if command[0] != "queries"
            else [sys.executable, "-m", "sovgraph.cli", "--root", str(REPO), *command],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            check=False,
        )
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stderr
    assert "No space left on device" in done.stderr and done.stderr.count("\n") == 1
