"""Tables, ratios and targets of a benchmark run; writes ``results/latest.md`` and ``results/latest.json``."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import os
import platform
import statistics
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

ENGINES = ("sovgraph", "pyoxigraph", "rdflib")
HEADERS = {"sovgraph": "sovgraph", "pyoxigraph": "pyoxigraph (raw)", "rdflib": "rdflib"}


def size_name(triples: int) -> str:
    if triples >= 1_000_000 and triples % 1_000_000 == 0:
        return f"{triples // 1_000_000}m"
    if triples >= 1000 and triples % 1000 == 0:
        return f"{triples // 1000}k"
    return str(triples)


def size_value(name: str) -> int:
    units = {"k": 1000, "m": 1_000_000}
    return int(float(name[:-1]) * units[name[-1]]) if name[-1] in units else int(name)


def seconds(value: float) -> str:
    if value < 0.01:
        return f"{value * 1000:.2f} ms"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def cell(o: Any) -> str:
    """An outcome as a table cell: median, or why there is none."""
    if o is None:
        return "-"
    if o.status == "ok":
        text = seconds(o.median)
        return text + (f" (n={len(o.times)})" if len(o.times) > 1 else "")
    if o.status == "over cap":
        return (
            f"> cap ({o.note.split('after the ')[-1].split(' cap')[0]})" if "after the" in o.note else "> cap"
        )
    if o.status == "skipped":
        return "not run"
    return "error"


def ratio(slow: Any, fast: Any) -> str:
    """How many times slower ``slow`` is than ``fast``; a bound when one of them went over its cap."""
    if slow is None or fast is None:
        return "-"
    if slow.status == "ok" and fast.status == "ok" and fast.median:
        return f"{slow.median / fast.median:.2f}x"
    if slow.status == "over cap" and fast.status == "ok" and fast.median:
        cap = _cap(slow)
        return f">= {cap / fast.median:.0f}x" if cap else "-"
    return "-"


def _cap(o: Any) -> float | None:
    try:
        return float(o.note.split("after the ")[1].split(" s cap")[0])
    except (IndexError, ValueError):
        return None


def meta(settings: dict[str, Any], prepared: dict[str, dict[str, Any]], elapsed: float) -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for name in ("pyoxigraph", "rdflib", "pyshacl", "networkx", "pyvis"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    sizes = {
        name: {k: v for k, v in p.items() if k not in ("platform", "platform_law", "law")}
        | {"platform": _short(p.get("platform")), "law": _short(p.get("law"))}
        for name, p in prepared.items()
    }
    return {
        "date": dt.date.today().isoformat(),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "versions": versions,
        "settings": {k: v for k, v in settings.items()},
        "sizes": sizes,
        "elapsed_seconds": round(elapsed, 1),
    }


def _partial(only: Any) -> str:
    """What a partial run (``run.py --only``) measured, said beside its settings; nothing for a full run."""
    if not only:
        return ""
    names = ", ".join(f"`{o}`" for o in only)
    return (
        f" **A partial run**: only the operations whose names start with {names} (the other targets are "
        "not measured here; `latest.md` holds the last full run)."
    )


def _short(iri: str | None) -> str | None:
    return iri.replace("https://w3id.org/sovgraph/id/", "sg:") if iri else None


def write(folder: Path, info: dict[str, Any], outcomes: list[Any], name: str = "latest") -> str:
    """Write ``NAME.md`` and ``NAME.json`` (``latest`` by default) in ``folder``; returns the markdown."""
    text = markdown(info, outcomes)
    (folder / f"{name}.md").write_text(text, encoding="utf-8")
    data = {
        "meta": info,
        "targets": targets(outcomes),
        "outcomes": [
            {
                "size": o.size,
                "op": o.op,
                "engine": o.engine,
                "status": o.status,
                "median_seconds": round(o.median, 6) if o.median is not None else None,
                "times": [round(t, 6) for t in o.times],
                "peak_rss_mb": o.rss_mb,
                "rows": o.rows,
                "note": o.note,
            }
            for o in outcomes
        ],
    }
    (folder / f"{name}.json").write_text(
        json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return text


def markdown(info: dict[str, Any], outcomes: list[Any]) -> str:
    lines = [
        "# sovgraph benchmarks: latest run",
        "",
        f"{info['date']}, Python {info['python']}, {info['machine']}; "
        + ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
        + f". Whole run: {info['elapsed_seconds'] / 60:.0f} min. Generated by `make bench` "
        "(`benchmarks/run.py`); see `benchmarks/README.md` for what is measured and how.",
        "",
        f"Settings: seed {info['settings']['seed']}, up to {info['settings']['repeats']} repeats per "
        f"operation (fewer when slow), cap {info['settings']['cap']:.0f} s per query or view, "
        f"{info['settings']['heavy_cap']:.0f} s per load or validation. Times are medians; each engine runs "
        "in its own fresh process; peak RSS is that process's." + _partial(info["settings"].get("only")),
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
    ]
    lines += [f"| {t['target']} | {t['measured']} | {t['verdict']} |" for t in targets(outcomes)]
    for size in _sizes(outcomes):
        lines += [
            "",
            *_size_table(size, info["sizes"].get(size, {}), [o for o in outcomes if o.size == size]),
        ]
    scale = scaling_lines(info.get("sizes", {}), outcomes)
    if scale:
        lines += ["", *scale]
    site = site_lines(outcomes)
    if site:
        lines += ["", *site]
    cli = [o for o in outcomes if o.size == "curated"]
    if cli:
        lines += ["", "## Command line on the curated graph (`sovgraph query who-hosts-what`, wall time)", ""]
        lines += ["| call | wall |", "|---|---|"]
        lines += [f"| {o.op} | {cell(o)} |" for o in cli]
    lines += ["", "## Notes", ""]
    notes = sorted(
        {f"{o.size}, {o.engine}, {o.op}: {o.note}" for o in outcomes if o.note and o.status != "ok"}
    )
    lines += [f"- {n}" for n in notes] or ["- (none)"]
    return "\n".join(lines) + "\n"


SUPERLINEAR = 1.2
"""A growth exponent above this (time grows faster than the graph) is named as not scaling linearly."""
FLAT = 0.35
"""A growth exponent below this is named flat: the cost does not follow the graph's size."""
NOISE_FLOOR = 0.05
"""Seconds: an operation faster than this at the larger size is not judged (start-up and noise dominate)."""


def growth(small: float, large: float, small_triples: int, large_triples: int) -> float:
    """The exponent k in time ∝ triples^k between two sizes (1 = linear, 0 = flat, 2 = quadratic)."""
    return math.log(large / small) / math.log(large_triples / small_triples)


def scaling_lines(prepared: dict[str, Any], outcomes: list[Any]) -> list[str]:
    """Each sovgraph operation's growth between consecutive sizes, and which do not scale linearly: the
    exponent k of time ∝ triples^k (file triples; the derived graph grows with them), judged only where
    both sizes were measured and the larger one took at least :data:`NOISE_FLOOR`."""
    sizes = [s for s in _sizes(outcomes) if prepared.get(s, {}).get("triples")]
    if len(sizes) < 2:
        return []
    pairs = list(itertools.pairwise(sizes))
    ops = list(dict.fromkeys(o.op for o in outcomes if o.engine == "sovgraph" and o.size in sizes))
    lines = [
        "## How each operation grows with the graph",
        "",
        "The exponent k in time ∝ triples^k between consecutive sizes (1 linear, 0 flat, 2 quadratic); "
        f"**superlinear** above {SUPERLINEAR}, *flat* below {FLAT}; not judged when the larger size took "
        f"under {NOISE_FLOOR * 1000:.0f} ms. In brackets, the same exponent for the rows (or triples, nodes) "
        "the operation returns: an answer that grows faster than the graph costs more than linear time. "
        "`benchmarks/README.md` explains the superlinear ones.",
        "",
        "| operation | " + " | ".join(f"{a} → {b}" for a, b in pairs) + " |",
        "|---|" + "---|" * len(pairs),
    ]
    for op in ops:
        cells = []
        for a, b in pairs:
            small, large = _find(outcomes, a, op, "sovgraph"), _find(outcomes, b, op, "sovgraph")
            if not (_ok(small, large) and small.median > 0):
                cells.append("-")
                continue
            k = growth(small.median, large.median, prepared[a]["triples"], prepared[b]["triples"])
            text = f"{k:.2f}"
            if large.median >= NOISE_FLOOR and k > SUPERLINEAR:
                text = f"**{text} superlinear**"
            elif large.median >= NOISE_FLOOR and k < FLAT:
                text = f"*{text} flat*"
            if small.rows and large.rows and small.rows != large.rows:  # the answer's own growth beside it
                answer = growth(small.rows, large.rows, prepared[a]["triples"], prepared[b]["triples"])
                text += f" (rows {answer:.2f})"
            cells.append(text)
        if any(c != "-" for c in cells):
            lines.append(f"| {op.removeprefix('query:')} | " + " | ".join(cells) + " |")
    return lines


SITE_OPS = ("site (no networks)", "site (with networks)")
"""The static site's operations (``benchmarks/run.py``), compared with the network projection."""


def site_lines(outcomes: list[Any]) -> list[str]:
    """The static site per size: its time, pages per second, and its time over the network projection's
    (the view pipeline's own step, measured in the same run)."""
    sizes = [
        size for size in _sizes(outcomes) if any(_find(outcomes, size, op, "sovgraph") for op in SITE_OPS)
    ]
    if not sizes:
        return []
    lines = [
        "## Static site (`sovgraph site`) against the view pipeline",
        "",
        "| size | site, no networks | pages/s | ÷ projection | site, with networks | pages/s | ÷ projection "
        "| network projection |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in sizes:
        projection = _find(outcomes, size, "network projection", "sovgraph")
        cells = []
        for op in SITE_OPS:
            built = _find(outcomes, size, op, "sovgraph")
            rate = f"{built.rows / built.median:,.0f}" if _ok(built) and built.rows else "-"
            cells += [cell(built), rate, ratio(built, projection)]
        lines.append(f"| {size} | {' | '.join(cells)} | {cell(projection)} |")
    return lines


def _sizes(outcomes: Iterable[Any]) -> list[str]:
    return sorted({o.size for o in outcomes if o.size != "curated"}, key=size_value)


def _size_table(size: str, prepared: dict[str, Any], outcomes: list[Any]) -> list[str]:
    triples = prepared.get("triples")
    head = f"## {size} triples"
    if triples:
        head += (
            f" ({triples:,} in the file, {prepared.get('bytes', 0) / 1e6:.0f} MB of N-Triples; "
            f"{prepared.get('derived_triples', 0):,} derived)"
        )
    lines = [
        head,
        "",
        "| operation | sovgraph | pyoxigraph (raw) | rdflib | sovgraph / raw | rdflib / sovgraph "
        "| rows (triples) | peak RSS MB (sovgraph / raw / rdflib) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    by_op: dict[str, dict[str, Any]] = {}
    for o in outcomes:
        engine = "sovgraph" if o.engine.startswith("sovgraph") else o.engine
        by_op.setdefault(o.op, {})[engine] = o
    for op, row in by_op.items():
        sov, raw, rdf = (row.get(e) for e in ENGINES)
        rows = sorted({o.rows for o in row.values() if o.rows is not None and o.status == "ok"})
        shown = ", ".join(f"{r:,}" for r in rows)
        if len(rows) > 1:
            shown += " (engines disagree)"
        rss = " / ".join(f"{o.rss_mb:.0f}" if o is not None and o.rss_mb else "-" for o in (sov, raw, rdf))
        name = op.removeprefix("query:")
        note = next((o.note for o in row.values() if o.note and o.status == "ok"), "")
        if note:
            name += f" — {note}"
        lines.append(
            f"| {name} | {cell(sov)} | {cell(raw)} | {cell(rdf)} | {ratio(sov, raw)} | {ratio(rdf, sov)} "
            f"| {shown} | {rss} |"
        )
    return lines


def _find(outcomes: list[Any], size: str, op: str, engine: str) -> Any:
    return next((o for o in outcomes if o.size == size and o.op == op and o.engine == engine), None)


def targets(outcomes: list[Any]) -> list[dict[str, str]]:
    """The issue's targets, checked on the largest size measured (1M when it ran)."""
    sizes = _sizes(outcomes)
    if not sizes:
        return []
    size = "1m" if "1m" in sizes else sizes[-1]
    found: list[dict[str, str]] = []

    def add(target: str, measured: str, ok: bool | None, why: str = "") -> None:
        verdict = "met" if ok else ("missed" if ok is False else "not measured")
        found.append(
            {"target": target, "measured": measured, "verdict": verdict + (f" ({why})" if why else "")}
        )

    for op, syntax in (("load", "N-Triples"), ("load (Turtle)", "Turtle")):
        sov_, raw, rdf_ = (_find(outcomes, size, op, e) for e in ENGINES)
        if _ok(sov_, raw):
            r = sov_.median / raw.median
            measured = f"{r:.2f}x ({seconds(sov_.median)} vs {seconds(raw.median)})"
            add(f"load {size} ({syntax}) <= 1.5x raw bulk_load", measured, r <= 1.5)
        else:
            add(f"load {size} ({syntax}) <= 1.5x raw bulk_load", "-", None)
        if _ok(sov_, rdf_):
            r = rdf_.median / sov_.median
            measured = f"{r:.1f}x ({seconds(rdf_.median)} vs {seconds(sov_.median)})"
            ceiling = rdf_.median / raw.median if _ok(raw) else None
            why = f"raw pyoxigraph itself is {ceiling:.1f}x" if ceiling and r < 15 else ""
            add(f"load {size} ({syntax}) >= 15x faster than rdflib", measured, r >= 15, why)
        else:
            add(f"load {size} ({syntax}) >= 15x faster than rdflib", ratio(rdf_, sov_), None)
    sov, rdf = _find(outcomes, size, "load", "sovgraph"), _find(outcomes, size, "load", "rdflib")
    for label in ("who-hosts-what@2024",):
        op = f"query:{label}"
        s, p, r_ = (_find(outcomes, size, op, e) for e in ENGINES)
        what = "shipped query" if "proposed" not in label else "proposed rewrite"
        if _ok(s) and _ok(r_):
            r = r_.median / s.median
            add(f"who-hosts-what {size} >= 20x faster than rdflib ({what})", f"{r:.1f}x", r >= 20)
        elif _ok(s) and r_ is not None and r_.status == "over cap":
            cap = _cap(r_)
            add(
                f"who-hosts-what {size} >= 20x faster than rdflib ({what})",
                ratio(r_, s),
                True if cap and cap / s.median >= 20 else None,
                "rdflib over its cap: a lower bound",
            )
        elif _ok(s) and (bound := _extrapolated(outcomes, r_, size)) is not None:
            past, at_least = bound
            r = at_least / s.median
            add(
                f"who-hosts-what {size} >= 20x faster than rdflib ({what})",
                f">= {r:.0f}x (rdflib >= {seconds(at_least)} vs {seconds(s.median)})",
                True if r >= 20 else None,
                f"extrapolated lower bound: rdflib took {cell(past)} at {past.size}, so it was not run at "
                f"{size}; its time is taken to grow at least in proportion to the triples",
            )
        else:
            add(
                f"who-hosts-what {size} >= 20x faster than rdflib ({what})",
                f"sovgraph {cell(s)}, rdflib {cell(r_)}",
                None,
            )
        if _ok(s, p):
            r = s.median / p.median
            add(
                f"who-hosts-what {size} within 1.3x of raw pyoxigraph ({what})",
                f"{r:.2f}x ({seconds(s.median)} vs {seconds(p.median)})",
                r <= 1.3,
            )
        else:
            add(
                f"who-hosts-what {size} within 1.3x of raw pyoxigraph ({what})",
                f"sovgraph {cell(s)}, raw {cell(p)}",
                None,
            )
    for op, what in (
        ("query:chain@2024", "one entity's chain"),
        ("query:who-hosts-what@platform", "who-hosts-what one platform"),
    ):
        _scoped(add, outcomes, size, op, what)
    fast = _find(outcomes, size, "validate (SHACL)", "sovgraph")
    slow = _find(outcomes, size, "validate (SHACL, pySHACL baseline)", "sovgraph")
    if _ok(fast):
        why = f"pySHACL {cell(slow)}, {ratio(slow, fast)} slower" if slow is not None else ""
        add(f"validate {size} <= 15 s", seconds(fast.median), fast.median <= 15, why)
    else:
        add(f"validate {size} <= 15 s", cell(fast), None)
    warm = _find(outcomes, "curated", "CLI second call (warm)", "sovgraph")
    if _ok(warm):
        add(
            "CLI second call <= 0.3 s (curated graph)",
            seconds(warm.median),
            warm.median <= 0.3,
            "with the on-disk store of sovgraph.store.cache: unchanged files are not parsed again",
        )
    later = _find(outcomes, "curated", "CLI later calls (median of 4)", "sovgraph")
    floor = _find(outcomes, "curated", 'python -c "import pyoxigraph" (floor)', "python")
    if _ok(later) and _ok(floor) and floor.median:
        r = later.median / floor.median
        add(
            'warm CLI (who-hosts-what, curated) <= 3x python -c "import pyoxigraph"',
            f"{r:.1f}x ({seconds(later.median)} vs {seconds(floor.median)})",
            r <= 3,
            "an unchanged graph: files not read (their status is unchanged), the answer read from the cache",
        )
    _one_file(add, outcomes)
    if sov is not None and rdf is not None and sov.rss_mb and rdf.rss_mb:
        r = sov.rss_mb / rdf.rss_mb
        add(
            f"peak memory at {size} <= 0.5x rdflib (load)",
            f"{r:.2f}x ({sov.rss_mb:.0f} vs {rdf.rss_mb:.0f} MB)",
            r <= 0.5,
        )
    return found


ONE_FILE_TOTAL = "one-file change: re-derivation + re-validation (a date)"


def _one_file(add: Any, outcomes: list[Any]) -> None:
    """Issue 16: a one-file change at 100k triples, re-validation + re-derivation within 1 s (the cache
    update and ``kg.validate()`` after the small file's date changed, which the rules read)."""
    total = _find(outcomes, "100k", ONE_FILE_TOTAL, "sovgraph")
    target = "a one-file change at 100k: re-validation + re-derivation <= 1 s"
    if not _ok(total):
        add(target, cell(total), None)
        return
    update = _find(outcomes, "100k", "one-file change: cache update, derived again (a date)", "sovgraph")
    check = _find(outcomes, "100k", "one-file change: re-validation (a date)", "sovgraph")
    kept = _find(outcomes, "100k", "one-file change: re-derivation + re-validation (a comment)", "sovgraph")
    why = f"update {cell(update)}, validation {cell(check)}"
    if _ok(kept):
        why += f"; a change no rule reads: {cell(kept)}"
    add(target, seconds(total.median), total.median <= 1.0, why)


def _scoped(add: Any, outcomes: list[Any], size: str, op: str, what: str) -> None:
    """A question about one entity: at most 20 ms at ``size``, and within 3x of its time at 10k (its cost does
    not grow with the graph)."""
    big, small = _find(outcomes, size, op, "sovgraph"), _find(outcomes, "10k", op, "sovgraph")
    if _ok(big):
        add(f"{what} at {size} <= 20 ms", seconds(big.median), big.median <= 0.020)
    else:
        add(f"{what} at {size} <= 20 ms", cell(big), None)
    if size == "10k":
        return
    if _ok(big, small):
        r = big.median / small.median
        measured = f"{r:.2f}x ({seconds(big.median)} vs {seconds(small.median)})"
        add(f"{what} at {size} within 3x of 10k", measured, r <= 3)
    else:
        add(f"{what} at {size} within 3x of 10k", f"{cell(big)} vs {cell(small)}", None)


def _extrapolated(outcomes: list[Any], skipped: Any, size: str) -> tuple[Any, float] | None:
    """For an operation not run at ``size`` because of its time at a smaller size: the largest smaller size's
    outcome (finished, or over its cap) and its time (or cap) scaled up to ``size``: a lower bound if the
    time grows at least linearly with the triples."""
    if skipped is None or skipped.status != "skipped":
        return None
    smaller = [
        o
        for o in outcomes
        if o.op == skipped.op
        and o.engine == skipped.engine
        and o.size != "curated"
        and size_value(o.size) < size_value(size)
        and ((o.status == "ok" and o.median) or (o.status == "over cap" and _cap(o)))
    ]
    if not smaller:
        return None
    past = max(smaller, key=lambda o: size_value(o.size))
    base = past.median if past.status == "ok" else _cap(past)
    return (past, base * size_value(size) / size_value(past.size)) if base else None


def _ok(*outcomes: Any) -> bool:
    return all(o is not None and o.status == "ok" and o.median for o in outcomes)


def median(values: list[float]) -> float:
    return statistics.median(values)


def rerender(path: Path) -> str:
    """Rewrite ``latest.md`` and the targets of ``latest.json`` from the outcomes recorded in ``path``."""
    from types import SimpleNamespace

    data = json.loads(path.read_text(encoding="utf-8"))
    outcomes = [
        SimpleNamespace(
            size=o["size"],
            op=o["op"],
            engine=o["engine"],
            status=o["status"],
            times=o["times"],
            median=o["median_seconds"],
            rss_mb=o["peak_rss_mb"],
            rows=o["rows"],
            note=o["note"],
        )
        for o in data["outcomes"]
    ]
    return write(path.parent, data["meta"], outcomes)


if __name__ == "__main__":  # python benchmarks/report.py benchmarks/results/latest.json
    import sys

    default = Path(__file__).parent / "results" / "latest.json"
    print(rerender(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
