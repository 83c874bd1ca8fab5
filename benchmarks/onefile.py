"""A one-file change through the on-disk cache, measured in a process of its own (``benchmarks/run.py``).

    python benchmarks/onefile.py SYNTHETIC.nt [REPEATS]

A project in a temporary folder: the ontology and rules of this checkout, the synthetic graph as
``data/synth.nt`` less the statements about one hosting, and those statements as ``data/small.nt`` (the
"one small file"). After a first load through the cache (built), a validation and one edit of each kind
(not measured), the small file is edited ``REPEATS`` times in two ways, each followed by what a command
does with it:

- ``date``: the hosting's start date moved by a year (the rules read it: derived again);
- ``comment``: a comment on the hosting changed (no rule reads it: the derived graph is kept).

For each edit, in this order: ``update`` (``sovgraph.load(cache=...)``: the changed file reloaded, derived
again or not), ``validate`` (``kg.validate()``, which reads the on-disk store when the store was not opened
yet, as ``sovgraph validate`` does), ``open`` (the store then made ready for queries: handed over by the
update, the kept output it left out loaded into it, or copied into memory from the files), and once per
kind ``cli`` (``sovgraph validate`` in a fresh process, wall time). Prints one JSON object: the times
(seconds) per edit and part (and ``build``: the first load, the cache built from the files), what the cache
said, and the process's peak resident memory (MB, Linux) during the build and its validation, and during the
edits.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTING = "<https://w3id.org/sovgraph/ontology#Hosting>"
COMMENT = "<http://www.w3.org/2000/01/rdf-schema#comment>"
START = "<https://schema.org/startDate>"


def main(source: Path, repeats: int) -> dict[str, object]:
    import sovgraph

    times: dict[str, dict[str, list[float]]] = {"date": {}, "comment": {}}
    peaks: dict[str, float | None] = {}
    said: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="sovgraph-bench-onefile-") as tmp:
        project = Path(tmp) / "project"
        for folder in ("ontology", "queries"):
            shutil.copytree(ROOT / folder, project / folder)
        small, hosting = _split(source, project / "data")
        cache = Path(tmp) / "cache"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        _reset_peak()  # (the split above holds the synthetic file's lines: more than a gigabyte at 5M)
        started = time.perf_counter()
        kg = sovgraph.load(project, cache=cache)
        times["build"] = {"build": [time.perf_counter() - started]}
        kg.validate()
        del kg  # one graph at a time, as in a command: a graph holds its store in memory
        peaks["build"] = _peak_mb()
        _reset_peak()
        exe = Path(sys.executable).parent / "sovgraph"
        cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "sovgraph.cli"]
        for n in range(-1, repeats + 1):  # -1: a first edit of each kind, not measured (warm-up)
            for kind in ("date", "comment"):
                text = small.read_text(encoding="utf-8")
                if kind == "date":
                    step = 1 if n % 2 == 0 else -1
                    year = re.search(START + r' "(\d{4})', text)
                    assert year is not None, "the hosting has no start date"
                    text = text.replace(f'{START} "{year.group(1)}', f'{START} "{int(year.group(1)) + step}')
                else:
                    text = re.sub(f"^{re.escape(hosting)} {COMMENT} .*\n", "", text, flags=re.M)
                    text += f'{hosting} {COMMENT} "edit {n}" .\n'
                small.write_text(text, encoding="utf-8")
                if n == repeats:  # the last edit of each kind: the command line, in a fresh process
                    started = time.perf_counter()
                    subprocess.run(
                        [*cli, "validate", "--root", str(project), "--cache-dir", str(cache)],
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        check=False,
                    )
                    times[kind].setdefault("cli", []).append(time.perf_counter() - started)
                    continue
                if n < 0:
                    sovgraph.load(project, cache=cache).validate()
                    continue
                started = time.perf_counter()
                kg = sovgraph.load(project, cache=cache)
                update = time.perf_counter()
                kg.validate()  # as `sovgraph validate` does: before anything reads the store
                validated = time.perf_counter()
                kg.store  # noqa: B018 (the store made ready for queries)
                done = time.perf_counter()
                part = times[kind]
                part.setdefault("update", []).append(update - started)
                part.setdefault("validate", []).append(validated - update)
                part.setdefault("open", []).append(done - validated)
                assert kg.cache_state is not None
                said[kind] = kg.cache_state.summary().split(": ", 1)[1]
                del kg  # let go before the next edit loads
        peaks["edits"] = _peak_mb()
    return {"times": times, "said": said, "peak_mb": peaks}


def _peak_mb() -> float | None:
    """The process's peak resident memory since it started or since :func:`_reset_peak` (Linux), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> None:
    """Start the peak resident memory again from the current size (Linux: ``/proc/self/clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass


def _split(source: Path, data: Path) -> tuple[Path, str]:
    """Write ``source`` into ``data`` as ``synth.nt`` less the statements about its first hosting, and those
    as ``small.nt``; return that file and the hosting (N-Triples). The lines are let go on return: at 5M
    triples they take more than a gigabyte."""
    data.mkdir()
    lines = source.read_text(encoding="utf-8").splitlines()
    hosting = next(line.split(" ", 1)[0] for line in lines if line.endswith(f"{HOSTING} ."))
    mine = [line for line in lines if line.startswith(hosting + " ")]
    (data / "synth.nt").write_text(
        "\n".join(line for line in lines if not line.startswith(hosting + " ")) + "\n", encoding="utf-8"
    )
    small = data / "small.nt"
    small.write_text("\n".join(mine) + "\n", encoding="utf-8")
    return small, hosting


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3)))
