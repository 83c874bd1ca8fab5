"""What the hostile probes run against: a copy of the project, a scratch folder of awkward files, and a way
to run the command line as a subprocess. Shared by the runner and the hostile test modules.

Placeholders in a probe's argv: ``{root}`` (the copy of the project), ``{tmp}`` (the scratch folder). The
scratch folder holds, made by :func:`scratch`:

- ``fifo.ttl`` a named pipe, ``link.ttl`` a symbolic link to ``target.ttl``, ``folder.ttl`` a folder;
- ``latin1.rq`` a query saved in Latin-1, ``deep.rq`` 5,000 nested groups, ``cartesian.rq`` a cartesian
  product of the whole graph with itself three times, ``bom.rq`` a UTF-8 query opening with a BOM.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INPUTS = ("ontology", "data", "queries")


def copy_project(into: Path) -> Path:
    """A copy of the project's inputs (ontology/, data/, queries/) in ``into``."""
    for name in INPUTS:
        shutil.copytree(REPO / name, into / name)
    return into


def snapshot(root: Path) -> dict[str, str]:
    """The content hash of every file under the project's input folders (to prove nothing was written)."""
    found = {}
    for name in INPUTS:
        for path in sorted((root / name).rglob("*")):
            if path.is_symlink() or path.is_file():
                found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def scratch(folder: Path) -> Path:
    """The scratch folder of awkward files (see the module documentation)."""
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "fifo.ttl")
    (folder / "target.ttl").write_text("# the target of link.ttl\n", encoding="utf-8")
    (folder / "link.ttl").symlink_to(folder / "target.ttl")
    (folder / "folder.ttl").mkdir()
    (folder / "latin1.rq").write_bytes('SELECT * WHERE { ?s ?p "café" }'.encode("latin-1"))
    (folder / "deep.rq").write_text("SELECT * WHERE " + "{" * 5000 + "}" * 5000, encoding="utf-8")
    (folder / "cartesian.rq").write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", encoding="utf-8"
    )
    (folder / "bom.rq").write_text("\ufeffASK { ?s ?p ?o }", encoding="utf-8")
    return folder


def run_cli(
    argv: list[str], stdin: str | bytes | None, *, root: Path, tmp: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``sovgraph`` with ``argv`` (placeholders filled) in ``tmp``, the cache under ``tmp``."""
    args = [a.format(root=root, tmp=tmp) for a in argv]
    environment = {**os.environ, "SOVGRAPH_CACHE_DIR": str(tmp.parent / "cache"), **(env or {})}
    environment.pop("SOVGRAPH_ENDPOINT", None)
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "sovgraph.cli", *args],
        input=data,
        capture_output=True,
        cwd=tmp,
        env=environment,
        timeout=300,
        check=False,
    )
