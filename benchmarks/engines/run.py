"""Run the minimal engine cases on pyoxigraph, rdflib and Apache Jena ARQ; compare with the spec's answer.

Each case is ``NAME.rq`` (query), its data (``NAME.ttl``, or the data named in ``CASES``) and
``NAME.expected.tsv`` (the answer SPARQL 1.1 requires, in SPARQL TSV: a header of ``?vars``, terms in
N-Triples syntax, an empty cell for an unbound variable). Rows are compared as multisets (no ORDER BY)::

    .venv/bin/python benchmarks/engines/run.py            # every case, every engine found
    .venv/bin/python benchmarks/engines/run.py --no-jena  # the two Python engines only
    .venv/bin/python benchmarks/engines/run.py --virtuoso # also a private Virtuoso 7 (tests/servers.py)
    .venv/bin/python benchmarks/engines/run.py --endpoint URL --graph-store URL [--user U]  # any server

Jena ARQ is run as a command given by ``$JENA_ARQ`` (for example ``java -cp 'LIB/*' arq.sparql`` where LIB
holds ``org.apache.jena:jena-cmds`` and its dependencies, from ``mvn dependency:copy-dependencies``), else
``sparql`` from a Jena distribution on the PATH, else Debian's ``libapache-jena-java`` package (see
``benchmarks/README.md``). rdflib is run as is; the ``--patched`` column adds the benchmark worker's
GROUP_CONCAT patch (``benchmarks/worker.py``), to show what the benchmark's rdflib numbers come from.

A SPARQL server (``--endpoint``, with ``SOVGRAPH_PASSWORD`` for ``--user``; or ``--virtuoso``) gets each
case's data as a named graph (Graph Store ``PUT``, removed afterwards) and the query with that graph as
its dataset (``default-graph-uri`` and ``named-graph-uri``), through sovgraph's own client.

Exit status: 0 when pyoxigraph gives the expected answer on every case (the engine sovgraph ships).
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = {  # case -> data file
    "optional-filter-values": "optional-filter-values.ttl",
    "optional-filter-bind": "optional-filter-values.ttl",
    "group-concat-unbound": "group-concat-unbound.ttl",
    "exists-after-bind": "exists-after-bind.ttl",
    "type-subclass-path": "type-subclass-path.ttl",
    "union-optionals": "union-optionals.ttl",
}
Row = tuple[str, ...]


def read_tsv(text: str) -> tuple[list[str], collections.Counter[Row]]:
    lines = [line for line in text.splitlines() if line.strip() != ""] or [""]
    header = [v.lstrip("?") for v in lines[0].split("\t")]
    rows = collections.Counter(tuple(line.split("\t")) for line in lines[1:])
    return header, rows


XSD = "http://www.w3.org/2001/XMLSchema#"
_ABBREVIATED = [  # Turtle's abbreviated literals, which ARQ's TSV output uses, in N-Triples form
    (re.compile(r"[+-]?[0-9]+"), "integer"),
    (re.compile(r"[+-]?[0-9]*\.[0-9]+"), "decimal"),
    (re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+"), "double"),
    (re.compile(r"true|false"), "boolean"),
]


def full_term(cell: str) -> str:
    for pattern, datatype in _ABBREVIATED:
        if pattern.fullmatch(cell):
            return f'"{cell}"^^<{XSD}{datatype}>'
    return cell


def expected(case: str) -> tuple[list[str], collections.Counter[Row]]:
    return read_tsv((HERE / f"{case}.expected.tsv").read_text(encoding="utf-8"))


# --- engines -----------------------------------------------------------------------------------------------


def run_pyoxigraph(case: str) -> collections.Counter[Row]:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(path=HERE / CASES[case], format=pyoxigraph.RdfFormat.TURTLE)
    solutions = store.query((HERE / f"{case}.rq").read_text(encoding="utf-8"))
    return collections.Counter(tuple("" if t is None else str(t) for t in s) for s in solutions)


def run_rdflib(case: str, patched: bool = False) -> collections.Counter[Row]:
    import rdflib
    from rdflib.plugins.sparql import aggregates

    original = aggregates.Accumulator.use_row
    if patched:
        sys.path.insert(0, str(HERE.parent))
        import worker

        worker._patch_rdflib()
    try:
        graph = rdflib.Graph().parse(HERE / CASES[case], format="turtle")
        result = graph.query((HERE / f"{case}.rq").read_text(encoding="utf-8"))
        names = list(result.vars or [])
        return collections.Counter(
            tuple("" if row[v] is None else row[v].n3() for v in names)  # type: ignore[index]
            for row in result
        )
    finally:
        aggregates.Accumulator.use_row = original  # type: ignore[method-assign]


def jena_command() -> list[str] | None:
    """The command that runs ARQ's ``sparql``, or None when Jena is not installed."""
    if os.environ.get("JENA_ARQ"):
        return shlex.split(os.environ["JENA_ARQ"])
    if shutil.which("sparql"):
        return [shutil.which("sparql") or "sparql"]
    debian = Path("/usr/share/java")
    if (debian / "jena-cmds.jar").exists() and shutil.which("java"):
        return ["java", "-cp", _debian_classpath(debian), "arq.sparql"]
    return None


def jena_classpath() -> str | None:
    """A Java class path holding Jena ARQ, for running Java code over it (the tests' ARQ server), or None
    when Jena or a JDK (``java`` able to compile a source file) is missing: ``$JENA_LIB`` (a folder of
    Jena's jars and their dependencies), else Debian's ``libapache-jena-java``."""
    if not shutil.which("java") or not shutil.which("javac"):
        return None
    if os.environ.get("JENA_LIB"):
        return os.pathsep.join(str(j) for j in sorted(Path(os.environ["JENA_LIB"]).glob("*.jar")))
    debian = Path("/usr/share/java")
    if (debian / "jena-arq.jar").exists():
        return _debian_classpath(debian)
    return None


def _debian_classpath(java: Path) -> str:
    """Debian's libapache-jena-java (4.5.0): its jars, plus the shaded Xerces' message files where they are
    looked for (the package renames the shaded ``org.apache.jena.ext.xerces`` classes to ``xerces`` but
    leaves their ``.properties`` behind, and the XSD datatypes then fail to initialise with "internal
    error")."""
    extra = Path(tempfile.gettempdir()) / "sovgraph-jena-xerces-messages"
    if not (extra / "xerces").exists():
        with zipfile.ZipFile(java / "jena-core.jar") as jar:
            for name in jar.namelist():
                if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                    target = extra / name.removeprefix("org/apache/jena/ext/")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    jars = [
        "jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-iri", "jena-dboe-base", "jena-dboe-index",
        "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-tdb", "jena-tdb2",
        "jena-rdfconnection", "jena-shacl", "jena-shex", "commons-cli", "commons-codec", "commons-compress",
        "commons-csv", "commons-io", "commons-lang3", "dexx.collection", "gson", "guava", "httpclient",
        "httpcore", "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java", "protobuf",
        "thrift", "titanium-json-ld", "jakarta.json-api", "slf4j-api", "slf4j-nop",
    ]  # fmt: skip
    return os.pathsep.join(
        [str(extra), *(str(java / f"{j}.jar") for j in jars if (java / f"{j}.jar").exists())]
    )


def jena_version(command: list[str]) -> str:
    out = subprocess.run([*command, "--version"], capture_output=True, text=True, check=False).stdout
    return next((line.split(":", 2)[-1].strip() for line in out.splitlines() if "VERSION" in line), "?")


def run_jena(case: str, command: list[str]) -> collections.Counter[Row]:
    done = subprocess.run(
        [*command, "--results=tsv", "--data", str(HERE / CASES[case]), "--query", str(HERE / f"{case}.rq")],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = read_tsv(done.stdout)[1]
    return collections.Counter({tuple(full_term(c) for c in row): n for row, n in rows.items()})


def run_endpoint(case: str, endpoint: object) -> collections.Counter[Row]:
    """The case on a SPARQL server, its data in a graph of its own (removed afterwards)."""
    graph = f"http://example.org/sovgraph-engines/{case}"
    endpoint.put_graph(graph, (HERE / CASES[case]).read_bytes())  # type: ignore[attr-defined]
    try:
        # whole-line comments out: SPARQLWrapper, which builds the request, takes keywords in comments
        # for the query's form (a comment saying "drops" makes a query an update)
        text = "\n".join(
            line for line in (HERE / f"{case}.rq").read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("#")
        )  # fmt: skip
        solutions = endpoint.query(text, default_graphs=[graph], named_graphs=[graph])  # type: ignore[attr-defined]
        return collections.Counter(tuple("" if t is None else str(t) for t in s) for s in solutions)
    finally:
        endpoint.delete_graph(graph)  # type: ignore[attr-defined]


def start_virtuoso() -> tuple[object, list]:
    """A private Virtuoso instance, as the tests start it (``tests/servers.py``), and its clean-ups."""
    sys.path.insert(0, str(HERE.parent.parent / "tests"))
    import servers

    cleanups: list = []

    class Config:
        def add_cleanup(self, function: object) -> None:
            cleanups.append(function)

    server = servers.virtuoso(Config())  # type: ignore[arg-type]
    from sovgraph.store.remote import Endpoint

    endpoint = Endpoint(
        server.query_url, graph_store_url=server.graph_store_url, user=server.user, password=server.password
    )
    return endpoint, cleanups


# --- report ------------------------------------------------------------------------------------------------


def show(rows: collections.Counter[Row] | str) -> str:
    if isinstance(rows, str):
        return rows
    if not rows:
        return "(no rows)"
    return " | ".join("(" + ", ".join(c or "UNBOUND" for c in row) + ")" for row in sorted(rows.elements()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-jena", action="store_true", help="skip Apache Jena ARQ")
    parser.add_argument("--virtuoso", action="store_true", help="also run a private Virtuoso 7 (virtuoso-t)")
    parser.add_argument("--endpoint", help="also run on this SPARQL query endpoint")
    parser.add_argument("--graph-store", help="its Graph Store URL (to upload each case's data)")
    parser.add_argument("--user", help="user for the Graph Store (password in SOVGRAPH_PASSWORD)")
    args = parser.parse_args(argv)
    import pyoxigraph
    import rdflib

    engines: list[tuple[str, object]] = [
        (f"pyoxigraph {pyoxigraph.__version__}", run_pyoxigraph),
        (f"rdflib {rdflib.__version__}", run_rdflib),
    ]
    command = None if args.no_jena else jena_command()
    if command:
        engines.append((f"Jena ARQ {jena_version(command)}", lambda c: run_jena(c, command)))
    elif not args.no_jena:
        print("Jena ARQ: not found (set JENA_ARQ; see benchmarks/README.md)", file=sys.stderr)
    cleanups: list = []
    if args.virtuoso:
        virtuoso, cleanups = start_virtuoso()
        engines.append(("Virtuoso 7", lambda c: run_endpoint(c, virtuoso)))
    if args.endpoint:
        from sovgraph.store.remote import Endpoint

        server = Endpoint(
            args.endpoint,
            graph_store_url=args.graph_store,
            user=args.user,
            password=os.environ.get("SOVGRAPH_PASSWORD"),
        )
        engines.append((args.endpoint, lambda c: run_endpoint(c, server)))
    try:
        return _report(engines)
    finally:
        for cleanup in cleanups:
            cleanup()


def _report(engines: list[tuple[str, object]]) -> int:
    import rdflib

    shipped_ok = True
    for case in CASES:
        header, want = expected(case)
        print(f"\n== {case}  ({', '.join('?' + h for h in header)})")
        print(f"   {'SPARQL 1.1 (expected)':<28} {show(want)}")
        runs = list(engines)
        if case.startswith("group-concat"):
            runs.insert(2, (f"rdflib {rdflib.__version__} + worker patch", lambda c: run_rdflib(c, True)))
        for name, run in runs:
            try:
                got: collections.Counter[Row] | str = run(case)  # type: ignore[operator]
            except Exception as exc:  # an engine's error is its answer here
                got = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:100]}"
            verdict = "as the spec" if got == want else "DIFFERS"
            print(f"   {name:<28} {show(got)}   [{verdict}]")
            if name.startswith("pyoxigraph") and got != want:
                shipped_ok = False
    return 0 if shipped_ok else 1


if __name__ == "__main__":
    sys.exit(main())
