"""Projects split for the one-file tests: the project's ontology and rules over a synthetic graph whose
lines go into two files, ``big.nt`` and ``small.nt`` (the file the tests edit). Imported by name (``from
synthetic import split``), as ``worlds`` is."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Collection
from pathlib import Path

from sovgraph.tools import synth


def split(project: Path, seed: int, small: Callable[[list[str]], Collection[int]]) -> Path:
    """Replace the data of ``project`` (a copy) by a synthetic graph of 3,000 triples (``seed``): the lines
    whose indexes ``small`` picks in ``small.nt``, the others in ``big.nt``, in their order."""
    shutil.rmtree(project / "data")
    (project / "data").mkdir()
    whole = project / "whole.nt"
    synth.write(whole, 3000, seed=seed)
    lines = whole.read_text(encoding="utf-8").splitlines()
    whole.unlink()
    picked = set(small(lines))
    (project / "data" / "big.nt").write_text(
        "\n".join(line for i, line in enumerate(lines) if i not in picked) + "\n", encoding="utf-8"
    )
    (project / "data" / "small.nt").write_text(
        "\n".join(line for i, line in enumerate(lines) if i in picked) + "\n", encoding="utf-8"
    )
    return project


def every_twelfth(lines: list[str]) -> range:
    """One line in 12, from the first."""
    return range(0, len(lines), 12)
