"""The README's sample output stays true: each block that opens with ``$ sovgraph ...`` is run again and its
output compared, line for line, with what the README shows (blocks whose output is an error are compared on
standard error)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```\n\$ (sovgraph [^\n]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
# A sample about a file the reader writes (--data notes.ttl) is not in the repository: not run.
SAMPLES = [s for s in BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8")) if "--data" not in s[0]]


def test_the_readme_has_samples_to_check() -> None:
    assert any("who-hosts-what" in command for command, _ in SAMPLES)


@pytest.mark.parametrize(("command", "shown"), SAMPLES, ids=[c for c, _ in SAMPLES])
def test_a_readme_sample_is_what_the_command_prints(command: str, shown: str) -> None:
    args = shlex.split(command)[1:]
    # the width tables are laid out for: the renderer's default when it is not a terminal
    env = {**os.environ, "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-m", "sovgraph.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    printed = done.stdout if done.returncode == 0 else done.stderr
    assert printed.rstrip("\n") == shown.rstrip("\n")
