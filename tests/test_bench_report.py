"""The benchmark report's reading of growth (benchmarks/report.py): which operations it names as not
scaling linearly, from the recorded times alone."""

from __future__ import annotations

import importlib.util
import math
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

REPORT = Path(__file__).resolve().parent.parent / "benchmarks" / "report.py"


@pytest.fixture(scope="module")
def report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_report", REPORT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _outcome(
    size: str, op: str, seconds: float, status: str = "ok", rows: int | None = None
) -> SimpleNamespace:
    return SimpleNamespace(
        size=size, op=op, engine="sovgraph", status=status, median=seconds, times=[seconds], rows=rows
    )


def test_growth_is_the_exponent_of_time_against_triples(report: ModuleType) -> None:
    assert report.growth(1.0, 10.0, 1_000, 10_000) == pytest.approx(1.0)
    assert report.growth(1.0, 100.0, 1_000, 10_000) == pytest.approx(2.0)
    assert report.growth(0.02, 0.02, 10_000, 1_000_000) == pytest.approx(0.0)
    assert report.growth(1.0, 5.0**1.5, 1_000_000, 5_000_000) == pytest.approx(1.5)
    assert math.isclose(report.growth(2.0, 1.0, 1, 2), -1.0)


def test_superlinear_and_flat_operations_are_named_and_fast_ones_not_judged(report: ModuleType) -> None:
    prepared = {"10k": {"triples": 10_000}, "100k": {"triples": 100_000}, "1m": {"triples": 1_000_000}}
    outcomes = [
        *(_outcome(s, "query:linear", t) for s, t in (("10k", 0.1), ("100k", 1.0), ("1m", 10.0))),
        *(_outcome(s, "query:quadratic", t) for s, t in (("10k", 0.01), ("100k", 1.0), ("1m", 100.0))),
        *(_outcome(s, "query:scoped", t) for s, t in (("10k", 0.06), ("100k", 0.06), ("1m", 0.07))),
        *(_outcome(s, "query:tiny", t) for s, t in (("10k", 0.00001), ("100k", 0.001), ("1m", 0.04))),
        _outcome("10k", "query:answer", 0.1, rows=100),
        _outcome("100k", "query:answer", 10.0, rows=10_000),
        _outcome("10k", "query:capped", 1.0),
        _outcome("100k", "query:capped", 60.0, status="cap"),
    ]
    lines = report.scaling_lines(prepared, outcomes)
    table = {line.split(" | ")[0].strip("| "): line for line in lines if line.startswith("| ")}
    assert "| 10k → 100k | 100k → 1m |" in lines[4]
    assert "superlinear" not in table["linear"] and "1.00" in table["linear"]
    assert table["quadratic"].count("**2.00 superlinear**") == 2
    assert table["scoped"] == "| scoped | *0.00 flat* | *0.07 flat* |"
    assert "superlinear" not in table["tiny"] and "2.00" in table["tiny"]  # under the noise floor
    assert "capped" not in table  # no pair measured at both sizes
    assert "**2.00 superlinear** (rows 2.00)" in table["answer"]  # its answer grows as fast
    assert report.scaling_lines({"10k": {"triples": 10_000}}, outcomes[:1]) == []


@pytest.fixture(scope="module")
def runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", REPORT.parent / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_partial_run_measures_the_operations_named_and_writes_its_own_results(runner: ModuleType) -> None:
    settings = runner._settings(["--only", "query:chain, query:who-hosts-what@platform", "--out", "walks"])
    assert settings.only == ("query:chain", "query:who-hosts-what@platform") and settings.out == "walks"
    assert settings.wants("query:chain@2024") and settings.wants("query:who-hosts-what@platform")
    assert not settings.wants("query:who-hosts-what@2024") and not settings.wants("load")
    everything = runner._settings([])
    assert everything.out == "latest" and everything.wants("load") and everything.wants("validate (SHACL)")


@pytest.mark.parametrize(
    "argv", [["--only", "query:chain"], ["--only", "query:chain", "--out", "../latest"], ["--out", ""]]
)
def test_a_partial_run_never_overwrites_the_full_results(runner: ModuleType, argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        runner._settings(argv)


def test_the_report_of_a_partial_run_says_so(report: ModuleType) -> None:
    info = {
        "date": "2026-11-30",
        "python": "3.11",
        "machine": "Linux x86_64, 2 cores",
        "versions": {},
        "settings": {"seed": 0, "repeats": 5, "cap": 60.0, "heavy_cap": 300.0, "only": ["query:chain"]},
        "sizes": {},
        "elapsed_seconds": 60.0,
    }
    assert "**A partial run**: only the operations whose names start with `query:chain`" in report.markdown(
        info, []
    )
    info["settings"]["only"] = None
    assert "partial run" not in report.markdown(info, [])


def test_a_one_file_run_that_died_is_told_without_this_machines_paths(runner: ModuleType) -> None:
    # The 5M one-file change was killed by the out-of-memory killer; the (published) report quoted the
    # command, with the interpreter's and the checkout's paths. It now names the signal, and strips the paths
    # from a last error line.
    killed = subprocess.CalledProcessError(-signal.SIGKILL, [sys.executable, str(runner.ROOT / "x.py")])
    assert runner._died(killed) == (
        "benchmarks/onefile.py was killed by SIGKILL (what the system's out-of-memory killer sends)"
    )
    where = runner.ROOT / "benchmarks" / "onefile.py"
    failed = subprocess.CalledProcessError(
        1, ["x"], stderr=f'  File "{where}", line 3\nValueError: no hosting\n\n'
    )
    assert runner._died(failed) == "ValueError: no hosting"
    failed = subprocess.CalledProcessError(1, ["x"], stderr=f"no such file: {where}\n")
    assert runner._died(failed) == "no such file: benchmarks/onefile.py"


def test_the_one_file_change_reports_the_build_and_the_peak_memory(
    runner: ModuleType, tmp_path: Path
) -> None:
    """benchmarks/onefile.py, run as the benchmark runs it on a small synthetic graph: the first load (the
    cache built) is a row of its own, and the process's peak memory is given for the build and for the edits
    (the 5M run was killed for want of memory, with no figure to read before)."""
    from sovgraph.tools import synth

    source = tmp_path / "synth.nt"
    synth.write(source, 3000, seed=5)
    found = runner._measure_one_file("3k", source, runner._settings(["--quick"]), [])
    rows = {o.op: o for o in found}
    assert all(o.status == "ok" for o in found), [(o.op, o.status, o.note) for o in found]
    build = rows[runner.ONE_FILE[("build", "build")]]
    assert len(build.times) == 1 and build.times[0] > 0 and build.rss_mb and build.rss_mb > 20
    for kind in ("date", "comment"):
        update = rows[runner.ONE_FILE[(kind, "update")]]
        assert len(update.times) == 3 and update.rss_mb and update.rss_mb > 20
        assert rows[runner.ONE_FILE[(kind, "validate")]].rss_mb is None
    assert "derived graph recomputed" in rows[runner.ONE_FILE[("date", "update")]].note
    assert "derived graph kept" in rows[runner.ONE_FILE[("comment", "update")]].note
