"""sovgraph benchmarks: sovgraph, raw pyoxigraph and rdflib side by side on synthetic graphs (``make bench``).

    python benchmarks/run.py --quick                 # 10k triples, short caps: under 2 minutes
    python benchmarks/run.py                         # 10k, 100k and 1M triples (about an hour on 2 cores)
    python benchmarks/run.py --sizes 10k,100k --with-5m --seed 1 --cap 120 --heavy-cap 600

For each size the synthetic graph is generated once (``sovgraph synth``, cached in ``benchmarks/.cache/``)
with its derived graph. Every measurement then runs in a fresh process (so peak memory is per engine):
loading (sovgraph, ``Store.bulk_load``, rdflib), loading with the rules, SHACL validation, every library
query with representative parameters and as-of days (the same bound text in every engine, over the same
triples: the file, the ontology and the derived graph), the network projection, a 1,000-node HTML view, and
the command line's first and second start, and a one-file change through the on-disk cache
(``benchmarks/onefile.py``). Operations run over their cap are killed and reported as such;
an engine's operation that was over its cap at a smaller size, or whose time there scaled linearly would be,
is not run again (and says so). Medians over repeats; results go to ``benchmarks/results/latest.md`` and
``latest.json`` (no machine paths in them).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
DAYS = {"2016": "2016-06-01", "2024": "2024-06-01"}
ENGINES = ("sovgraph", "pyoxigraph", "rdflib")

sys.path.insert(0, str(HERE))
import report  # noqa: E402


@dataclass
class Settings:
    sizes: list[int]
    seed: int
    repeats: int
    budget: float  # seconds of repeats per operation before stopping early
    cap: float  # per query, projection and view
    heavy_cap: float  # per load, derivation, validation
    quick: bool
    rdflib: bool
    only: tuple[str, ...] | None = None  # the starts of the operations' names to run (None: all)
    out: str = "latest"  # the results files' name

    def wants(self, op: str) -> bool:
        """Whether the operation named ``op`` is part of this run."""
        return self.only is None or any(op.startswith(start) for start in self.only)


@dataclass
class Outcome:
    """One measurement: an operation on an engine at a size."""

    size: str
    op: str
    engine: str
    status: str  # ok, over cap, skipped, error
    times: list[float] = field(default_factory=list)
    rss_mb: float | None = None
    rows: int | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None


def main(argv: list[str] | None = None) -> int:
    settings = _settings(argv)
    CACHE.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    outcomes: list[Outcome] = []
    prepared: dict[str, dict[str, Any]] = {}
    started = time.time()
    if settings.wants("CLI"):
        outcomes += _measure_cli()
    text = ""
    for triples in settings.sizes:
        size = report.size_name(triples)
        print(f"== {size} triples ==", file=sys.stderr, flush=True)
        files, params = _prepare(triples, settings.seed)
        prepared[size] = params
        outcomes += _measure_size(size, triples, files, params, settings, outcomes)
        # written after each size: a run stopped during a larger size keeps what the smaller ones measured
        meta = report.meta(settings.__dict__, prepared, time.time() - started)
        text = report.write(RESULTS, meta, outcomes, settings.out)
    print(text)
    return 0


def _settings(argv: list[str] | None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k triples only, short caps (under 2 minutes)")
    parser.add_argument("--sizes", default=None, help="comma-separated sizes (default 10k,100k,1m)")
    parser.add_argument("--with-5m", action="store_true", help="add 5M triples")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeats", type=int, default=None, help="repeats per operation (default 5; quick 3)"
    )
    parser.add_argument("--cap", type=float, default=None, help="seconds per query (default 120; quick 10)")
    parser.add_argument("--heavy-cap", type=float, default=None, help="seconds per load or validation (600)")
    parser.add_argument("--no-rdflib", action="store_true", help="leave rdflib out")
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated operations to run, each the start of an operation's name (for example "
        "'query:chain,query:who-hosts-what@platform'); a partial run, which needs --out",
    )
    parser.add_argument(
        "--out", default="latest", help="name of the results files in benchmarks/results/ (default latest)"
    )
    args = parser.parse_args(argv)
    if args.only is not None and args.out == "latest":
        parser.error("--only measures part of the benchmark: name its results with --out (not latest)")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", args.out):
        parser.error(f"--out {args.out!r}: a file name made of letters, digits, '.', '_' and '-'")
    from sovgraph.cli.synth import size

    sizes = [size(s) for s in (args.sizes or ("10k" if args.quick else "10k,100k,1m")).split(",")]
    if args.with_5m:
        sizes.append(5_000_000)
    return Settings(
        sizes=sorted(set(sizes)),
        seed=args.seed,
        repeats=args.repeats or (3 if args.quick else 5),
        budget=5.0 if args.quick else 30.0,
        cap=args.cap or (10.0 if args.quick else 120.0),
        heavy_cap=args.heavy_cap or (40.0 if args.quick else 600.0),
        quick=args.quick,
        rdflib=not args.no_rdflib,
        only=tuple(o.strip() for o in args.only.split(",") if o.strip()) if args.only is not None else None,
        out=args.out,
    )


# --- preparation -------------------------------------------------------------------------------------------


def _prepare(triples: int, seed: int) -> tuple[list[Path], dict[str, Any]]:
    digest = hashlib.sha256()
    for path in [
        ROOT / "sovgraph" / "tools" / "synth.py",
        *sorted((ROOT / "ontology").glob("*.ttl")),
        *sorted((ROOT / "queries" / "rules").glob("*.rq")),
    ]:
        digest.update(path.read_bytes())
    name = f"synth-{report.size_name(triples)}-s{seed}-{digest.hexdigest()[:10]}"
    params_file = CACHE / f"{name}-params.json"
    if not params_file.exists():
        print(f"   generating {name} (cached in benchmarks/.cache/)", file=sys.stderr, flush=True)
        command = [sys.executable, str(HERE / "prepare.py"), str(triples), str(seed), str(CACHE), name]
        subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    params = json.loads(params_file.read_text(encoding="utf-8"))
    turtle = CACHE / f"{name}.ttl"
    if not turtle.exists():  # a cache written before the Turtle loads were measured
        from sovgraph.tools import synth

        synth.write(turtle, triples, seed)
    return [CACHE / f"{name}.nt", CACHE / f"{name}-derived.nq", turtle], params


def _queries(params: dict[str, Any], quick: bool) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(operation id, query name, file, parameters): every library query, as-of variants included."""
    from sovgraph.sparql.library import library

    platform, law = params["platform"], params["law"]
    late, early = DAYS["2024"], DAYS["2016"]
    variants: dict[str, list[tuple[str, dict[str, Any]]]] = {
        "who-hosts-what": [
            ("2024", {"as_of": late}),
            ("2016", {"as_of": early}),
            ("platform", {"as_of": late, "platform": platform}),
            ("law", {"as_of": late, "law": law}),
        ],
        "exposure": [
            ("2024", {"as_of": late}),
            ("2016", {"as_of": early}),
            ("law", {"as_of": late, "law": law}),
        ],
        "chain": [
            ("2024", {"entity": platform, "as_of": late}),
            ("2016", {"entity": platform, "as_of": early}),
        ],
        "decisions": [("2024", {"as_of": late}), ("entity", {"as_of": late, "entity": platform})],
        "qualifications": [("2024", {"as_of": late})],
        "actors": [("all", {}), ("2024", {"as_of": late})],
        "sources": [("platform", {"entity": platform})],
        "claims": [("all", {})],
    }
    if quick:  # the first variant of each query, and the as-of contrast of who-hosts-what
        variants = {k: v[:2] if k == "who-hosts-what" else v[:1] for k, v in variants.items()}
    found = []
    for name, spec in library(ROOT / "queries", ROOT).items():
        if name.startswith("checks/"):
            if not quick:
                given = {"as_of": late} if spec.param("as_of") else {}
                found.append((f"{name}", name, str(spec.path), given))
            continue
        for label, given in variants.get(name, [("default", {})]):
            found.append((f"{name}@{label}", name, str(spec.path), given))
    return found


# --- measuring one size ------------------------------------------------------------------------------------


def _measure_size(
    size: str, triples: int, files: list[Path], params: dict[str, Any], s: Settings, history: list[Outcome]
) -> list[Outcome]:
    ontology = sorted(str(p) for p in (ROOT / "ontology").glob("*.ttl"))
    data, derived = [*ontology, str(files[0])], [*ontology, str(files[0]), str(files[1])]
    out: list[Outcome] = []
    loaders = [("sovgraph", "sovgraph"), ("pyoxigraph", "pyoxigraph")]
    if s.rdflib:
        loaders.append(("rdflib", "rdflib"))
    turtle = [*ontology, str(files[2])]
    for op, given in (("load", data), ("load (Turtle)", turtle)):
        for engine, family in loaders:
            if s.wants(op):
                out.append(_load(size, triples, op, engine, family, given, {}, s, history))
    extra = {"derive": "current", "rules": str(ROOT / "queries" / "rules")}
    if s.wants("load + rules"):
        out.append(_load(size, triples, "load + rules", "sovgraph", "sovgraph", data, extra, s, history))
    queries = [q for q in _queries(params, s.quick) if s.wants(f"query:{q[0]}")]
    for engine in ENGINES:
        if engine == "rdflib" and not s.rdflib:
            continue
        ops = [
            {"id": f"query:{op}", "kind": "query", "query": name, "file": path, "params": given}
            for op, name, path, given in queries
        ]
        if ops:
            out += _run_ops(size, triples, engine, derived, ops, s.cap, s, history)
    validate = [
        {"id": "validate (SHACL)", "kind": "validate"},
        {"id": "validate (SHACL, pySHACL baseline)", "kind": "validate", "engine": "pyshacl"},
    ]
    validate = [v for v in validate if s.wants(v["id"])]
    if validate:
        out += _run_ops(size, triples, "sovgraph", data, validate, s.heavy_cap, s, history)
    views = [
        {"id": "network projection", "kind": "network", "as_of": DAYS["2024"], "cap": s.heavy_cap},
        {
            "id": "HTML view, 1,000 nodes",
            "kind": "render",
            "as_of": DAYS["2024"],
            "focus": params["platform"],
            "nodes": 1000,
        },
    ]
    views = views if any(s.wants(str(v["id"])) for v in views) else []  # the view draws the projection
    if views:
        out += _run_ops(size, triples, "sovgraph", derived, views, s.cap, s, history)
    site = [v for v in _site_ops(s) if s.wants(str(v["id"]))]
    if site:
        out += _run_ops(size, triples, "sovgraph", derived, site, s.heavy_cap, s, history)
    if s.wants("one-file change"):
        out += _measure_one_file(size, files[0], s, history)
    return out


ONE_FILE = {
    ("build", "build"): "one-file change: cache built from the files (first load)",
    ("date", "update"): "one-file change: cache update, derived again (a date)",
    ("date", "open"): "one-file change: store ready for queries (a date)",
    ("date", "validate"): "one-file change: re-validation (a date)",
    ("date", "total"): "one-file change: re-derivation + re-validation (a date)",
    ("date", "cli"): "one-file change: sovgraph validate, wall (a date)",
    ("comment", "update"): "one-file change: cache update, derived graph kept (a comment)",
    ("comment", "open"): "one-file change: store ready for queries (a comment)",
    ("comment", "validate"): "one-file change: re-validation (a comment)",
    ("comment", "total"): "one-file change: re-derivation + re-validation (a comment)",
    ("comment", "cli"): "one-file change: sovgraph validate, wall (a comment)",
}


def _measure_one_file(size: str, synthetic: Path, s: Settings, history: list[Outcome]) -> list[Outcome]:
    """A one-file change through the on-disk cache (``benchmarks/onefile.py``, in a process of its own): the
    cache built first (its time, and the process's peak memory with its validation); then the small file's
    hosting gets another start date (the rules read it) or another comment (they do not); the cache update
    (with the peak memory of all the edits), the store made ready, the validation, their sum (update +
    validation: the target's "re-derivation + re-validation"), and ``sovgraph validate`` in a fresh
    process."""
    repeats = 3 if s.quick else 5
    total = ONE_FILE[("date", "total")]
    reason = _skip(total, "sovgraph", report.size_value(size), s.heavy_cap / repeats, history)
    if reason:  # every repeat re-derives the whole graph: a size whose one change is over the cap is not run
        return [Outcome(size, total, "sovgraph", "skipped", note=reason)]
    command = [sys.executable, str(HERE / "onefile.py"), str(synthetic), str(repeats)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=s.heavy_cap * 4, check=True
        )
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        return [Outcome(size, ONE_FILE[("date", "total")], "sovgraph", "over cap")]
    except (subprocess.CalledProcessError, ValueError, IndexError) as exc:
        return [Outcome(size, ONE_FILE[("date", "total")], "sovgraph", "error", note=_died(exc))]
    out = []
    peaks = found.get("peak_mb", {})
    for kind, parts in found["times"].items():
        if "update" in parts:
            parts["total"] = [u + v for u, v in zip(parts["update"], parts["validate"], strict=True)]
        for part, times in parts.items():
            note = found["said"].get(kind, "") if part == "update" else ""
            # the process's peak: the build's (with its validation) on its row, the edits' on their updates'
            peak = peaks.get("build") if kind == "build" else peaks.get("edits") if part == "update" else None
            out.append(Outcome(size, ONE_FILE[(kind, part)], "sovgraph", "ok", times, peak, note=note))
    for o in out:
        print(f"   {o.engine:<10} {o.op:<42} {report.cell(o)}", file=sys.stderr, flush=True)
    return out


def _site_ops(s: Settings) -> list[dict[str, Any]]:
    """The static site (``sovgraph site``), without and with the network drawings, as of the views' day."""
    return [
        {"id": f"site{name}", "kind": "site", "as_of": DAYS["2024"], "networks": networks, "cap": s.heavy_cap}
        for name, networks in ((" (no networks)", False), (" (with networks)", True))
    ]


def _skip(op: str, engine: str, triples: int, cap: float, history: list[Outcome]) -> str | None:
    """Why not to run: over its cap at a smaller size, or a smaller size's time scaled up is over the cap.

    The largest smaller size measured decides (its time is the best guide to this size's)."""
    earlier = [
        p
        for p in history
        if p.op == op and p.engine == engine and p.size != "curated" and report.size_value(p.size) < triples
    ]
    for past in sorted(earlier, key=lambda p: report.size_value(p.size), reverse=True)[:1]:
        smaller = report.size_value(past.size)
        if past.status in ("over cap", "skipped"):
            return f"not run: {past.status} at {past.size}"
        if past.median is not None and past.median * triples / smaller > cap:
            return f"not run: {past.median:.1f} s at {past.size}, so over the {cap:.0f} s cap at this size"
    return None


def _load(
    size: str,
    triples: int,
    op: str,
    engine: str,
    family: str,
    files: list[str],
    extra: dict[str, Any],
    s: Settings,
    history: list[Outcome],
) -> Outcome:
    """Load in fresh processes (one per repeat): time and peak memory of loading alone."""
    reason = _skip(op, engine, triples, s.heavy_cap, history)
    if reason:
        return Outcome(size, op, engine, "skipped", note=reason)
    times: list[float] = []
    rss: list[float] = []
    info: dict[str, Any] = {}
    spent = 0.0
    for _ in range(s.repeats):
        spec = {
            "engine": family if engine != "sovgraph-load-store" else engine,
            "root": str(ROOT),
            "files": files,
            **extra,
        }
        loaded, _ = _worker(spec, [], s.heavy_cap, s.heavy_cap)
        if loaded.get("status") != "ok":
            return Outcome(
                size, op, engine, loaded["status"], rss_mb=loaded.get("rss_mb"), note=loaded.get("note", "")
            )
        seconds = loaded["seconds"]
        times.append(seconds)
        rss.append(loaded["rss_mb"])
        info = {k: loaded[k] for k in ("triples", "load_seconds", "rules_seconds", "derived") if k in loaded}
        spent += seconds
        if spent > s.budget:
            break
    note = ""
    if "rules_seconds" in info:
        note = f"of which rules {info['rules_seconds']:.2f} s ({info['derived']:,} triples derived)"
    return Outcome(size, op, engine, "ok", times, max(rss), info.get("triples"), note, info)


def _run_ops(
    size: str,
    triples: int,
    engine: str,
    files: list[str],
    ops: list[dict[str, Any]],
    cap: float,
    s: Settings,
    history: list[Outcome],
) -> list[Outcome]:
    out: list[Outcome] = []
    todo = []
    for op in ops:
        reason = _skip(op["id"], engine, triples, op.get("cap", cap), history)
        if reason:
            out.append(Outcome(size, op["id"], engine, "skipped", note=reason))
        else:
            todo.append({**op, "repeats": s.repeats, "budget": s.budget})
    spec = {"engine": engine, "root": str(ROOT), "files": files}
    while todo:
        loaded, results = _worker(spec, todo, s.heavy_cap, cap)
        if loaded.get("status") != "ok":
            out += [
                Outcome(size, op["id"], engine, "error", note=f"load: {loaded.get('note')}") for op in todo
            ]
            break
        done_ids = set()
        for op in todo:
            result = results.get(op["id"])
            if result is None:
                continue
            done_ids.add(op["id"])
            out.append(_outcome(size, op["id"], engine, result))
        todo = [op for op in todo if op["id"] not in done_ids]
    for o in out:
        print(f"   {engine:<10} {o.op:<42} {report.cell(o)}", file=sys.stderr, flush=True)
    return out


def _outcome(size: str, op: str, engine: str, result: dict[str, Any]) -> Outcome:
    if result["status"] != "ok":
        return Outcome(
            size, op, engine, result["status"], rss_mb=result.get("rss_mb"), note=result.get("note", "")
        )
    rows = result.get("rows", result.get("nodes"))
    extra = {
        k: v
        for k, v in result.items()
        if k in ("violations", "warnings", "nodes", "edges", "bytes", "skipped", "pages", "entities", "files")
    }
    note = ""
    if "pages" in extra:
        note = f"{extra['pages']:,} pages, {extra['entities']:,} entities, {extra['files']:,} files"
    elif "violations" in extra:
        note = f"{extra['violations']} violation(s), {extra['warnings']} warning(s)"
    elif "edges" in extra:
        note = f"{extra['nodes']:,} nodes, {extra['edges']:,} edges" + (
            f", {extra['bytes']:,} bytes" if "bytes" in extra else ""
        )
    return Outcome(size, op, engine, "ok", result["times"], result.get("rss_mb"), rows, note, extra)


# --- worker processes --------------------------------------------------------------------------------------


def _worker(
    spec: dict[str, Any], ops: list[dict[str, Any]], load_cap: float, cap: float
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Run one worker; returns its load event and the results of the operations it got through.

    An operation over ``cap`` is killed and recorded as ``over cap`` (with the peak memory the kernel saw);
    the operations after it are left out of the results, for the caller to run in a new worker.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump({**spec, "ops": ops}, handle)
    errors = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (a file, not a pipe: never fills)
    process = subprocess.Popen(
        [sys.executable, str(HERE / "worker.py"), handle.name],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(process, lines), daemon=True).start()
    results: dict[str, dict[str, Any]] = {}
    try:
        event = _next(lines, load_cap)
        if event is None or event.get("event") != "loaded":
            status = "over cap" if event is None else "error"
            peak = _peak(process)
            return {"status": status, "rss_mb": peak, "note": _failure(process, errors, status, load_cap)}, {}
        loaded = {**event, "status": "ok"}
        for op in ops:
            limit = op.get("cap", cap)
            event = _next(lines, limit)  # start (or setup, then start)
            setup = event is not None and event.get("event") == "setup"
            if setup:
                event = _next(lines, limit)
            if event is not None and event.get("event") == "start":
                setup = False
                event = _next(lines, limit)
            if event is None or event.get("event") == "eof":
                status = "over cap" if event is None else "error"
                peak = _peak(process)
                note = _failure(process, errors, status, limit)
                if setup and status == "over cap":
                    note = f"its setup (the network projection) was killed after the {limit:.0f} s cap"
                results[op["id"]] = {"status": status, "rss_mb": peak, "note": note}
                break
            if event.get("event") == "error":
                results[op["id"]] = {"status": "error", "note": event["error"], "rss_mb": event.get("rss_mb")}
            else:
                results[op["id"]] = {**event, "status": "ok"}
        return loaded, results
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the worker's own process group, started above
        process.wait()
        errors.close()
        Path(handle.name).unlink(missing_ok=True)


def _pump(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)
    lines.put(None)


def _next(lines: queue.Queue[str | None], timeout: float) -> dict[str, Any] | None:
    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        return None
    if line is None:  # the worker ended
        return {"event": "eof"}
    try:
        event: dict[str, Any] = json.loads(line)
    except json.JSONDecodeError:
        return {"event": "error", "error": line.strip()[:300]}
    return event


def _peak(process: subprocess.Popen[str]) -> float | None:
    """Peak resident memory of a running process (VmHWM), in MB."""
    try:
        status = Path(f"/proc/{process.pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def _died(exc: Exception) -> str:
    """Why ``onefile.py`` gave no times, in words without this machine's paths (the report is published)."""
    code = getattr(exc, "returncode", None)
    if isinstance(code, int) and code < 0:
        name = signal.Signals(-code).name
        why = " (what the system's out-of-memory killer sends)" if name == "SIGKILL" else ""
        return f"benchmarks/onefile.py was killed by {name}{why}"
    lines = [line for line in (getattr(exc, "stderr", "") or str(exc)).splitlines() if line.strip()]
    last = lines[-1].strip() if lines else f"exit code {code}"
    return last.replace(str(ROOT) + os.sep, "").replace(sys.executable, "python")[:300]


def _failure(process: subprocess.Popen[str], errors: Any, status: str, cap: float) -> str:
    if status == "over cap":
        return f"killed after the {cap:.0f} s cap"
    process.wait()
    errors.seek(0)
    last = [line for line in errors.read().strip().splitlines() if line.strip()][-1:]
    return (last or [f"exit code {process.returncode}"])[0][:300]


# --- the command line --------------------------------------------------------------------------------------


def _measure_cli() -> list[Outcome]:
    """``sovgraph query who-hosts-what`` on the curated graph, with a cache folder of its own: the first
    call (the cache is built), the second and later calls (the graph is unchanged: the answer is read
    from the cache), a call with another parameter (its answer is not kept yet: the store is opened), and
    the floor, ``python -c "import pyoxigraph"``, in the same run. As a user runs them: bytecode is
    written and read (``PYTHONDONTWRITEBYTECODE`` is left out of their environment)."""
    exe = Path(sys.executable).parent / "sovgraph"
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "sovgraph.cli"]
    command = [*base, "query", "who-hosts-what"]
    other = [*base, "query", "who-hosts-what", "--param", "platform=EMC2"]
    floor = [sys.executable, "-c", "import pyoxigraph"]
    with tempfile.TemporaryDirectory(prefix="sovgraph-bench-cli-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["SOVGRAPH_CACHE_DIR"] = folder

        def wall(argv: list[str]) -> float:
            started = time.perf_counter()
            subprocess.run(
                argv, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            return time.perf_counter() - started

        walls = [wall(command) for _ in range(6)]
        fresh = [wall(other)]
        floors = [wall(floor) for _ in range(5)]
    first = Outcome("curated", "CLI first call (cold)", "sovgraph", "ok", walls[:1])
    second = Outcome("curated", "CLI second call (warm)", "sovgraph", "ok", walls[1:2])
    later = Outcome("curated", "CLI later calls (median of 4)", "sovgraph", "ok", walls[2:])
    new = Outcome("curated", "CLI warm, another parameter (store opened)", "sovgraph", "ok", fresh)
    base_line = Outcome("curated", 'python -c "import pyoxigraph" (floor)', "python", "ok", floors)
    for o in (first, second, later, new, base_line):
        print(f"   {o.engine:<10} {o.op:<42} {report.cell(o)}", file=sys.stderr, flush=True)
    return [first, second, later, new, base_line]


if __name__ == "__main__":
    sys.exit(main())
