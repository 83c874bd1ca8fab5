"""The command line prints sovgraph's own warnings as one plain line (not Python's file:line: Category: …)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovgraph.cli import main


def test_a_cache_that_cannot_be_written_is_one_warning_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", encoding="utf-8")
    assert main(["stats", "--cache-dir", str(blocked / "cache"), "--format", "csv"]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "warning" in line.lower()]
    assert warnings and warnings[0].startswith("sovgraph: warning: "), err
    assert "CacheWarning" not in err
