"""The floor plan holds: no import cycle in the package, and a command line without logic of its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sovgraph"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[str]:
    """Every module an AST imports when it runs: module level and inside functions alike.

    Imports under ``if TYPE_CHECKING:`` are left out: they never run. ``from a.b import c`` counts as an
    import of ``a.b.c`` when that is a module of the package, else of ``a.b``.
    """
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.append(submodule if submodule in MODULES else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> nx.DiGraph:
    """The package's modules and which imports which (only modules of the package)."""
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        graph.add_node(name)
        for target in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if target in MODULES and target != name:
                graph.add_edge(name, target)
    return graph


def test_the_import_graph_is_built_from_every_module() -> None:
    graph = import_graph()
    assert {"sovgraph.graph", "sovgraph.cli", "sovgraph.store.ingest", "sovgraph.sparql.queries"} <= set(
        graph
    )
    assert graph.has_edge("sovgraph.graph", "sovgraph.store.ingest")
    assert graph.has_edge("sovgraph.cli.__main__", "sovgraph.cli")  # a package counts as its __init__


def test_the_package_has_no_import_cycle() -> None:
    cycles = sorted(nx.simple_cycles(import_graph()), key=len)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join([*c, c[0]]) for c in cycles[:10])


# What each layer may not import (lower layers never reach up).
FORBIDDEN = {
    "sovgraph.store": ("sovgraph.sparql", "sovgraph.network", "sovgraph.exchange", "sovgraph.cli"),
    "sovgraph.sparql": ("sovgraph.network", "sovgraph.exchange", "sovgraph.cli", "sovgraph.tools"),
    "sovgraph.network": ("sovgraph.exchange", "sovgraph.cli"),
}


def test_lower_layers_do_not_import_higher_ones() -> None:
    graph = import_graph()
    wrong = [
        (module, target)
        for layer, above in FORBIDDEN.items()
        for module, target in graph.edges
        if (module == layer or module.startswith(layer + ".")) and target.startswith(above)
    ]
    assert not wrong, wrong


def test_the_store_receives_the_derivation_and_does_not_import_the_rules() -> None:
    graph = import_graph()
    store = [m for m in graph if m.startswith("sovgraph.store")]
    assert not [m for m in store if "sovgraph.sparql.rules" in nx.descendants(graph, m)]


def test_every_exception_lives_in_errors_py() -> None:
    elsewhere = [
        f"{name}.{node.name}"
        for name, path in MODULES.items()
        if name != "sovgraph.errors"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(re.search(r"(Error|Exception|Busy)$", ast.unparse(base)) for base in node.bases)
    ]
    assert not elsewhere, elsewhere


def test_every_error_has_a_documented_exit_code() -> None:
    import inspect

    from sovgraph import errors

    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, errors.SovgraphError)
    ]
    assert len(classes) >= 20
    assert {c.exit_code for c in classes} <= set(errors.EXIT_CODES)
    assert (
        errors.ShapesError("x").exit_code == 2
    )  # unusable shapes are a bad input, not a non-conforming graph


CLI = sorted((PACKAGE / "cli").glob("*.py"))
SPARQL_TEXT = re.compile(
    r"SELECT\s+(\?|\*|DISTINCT|REDUCED|\()|WHERE\s*\{|CONSTRUCT\s*\{|ASK\s*\{|PREFIX\s+\w*:|"
    r"INSERT\s+(DATA|\{)|DELETE\s+(DATA|WHERE|\{)|GRAPH\s+[?<]"
)
FILE_IO = re.compile(
    r"\bopen\(|\.read_text\(|\.read_bytes\(|\.write_text\(|\.write_bytes\(|\.unlink\(|\.r?glob\(|"
    r"\.mkdir\(|\bshutil\b|\bos\.(remove|rename|replace)\("
)
CACHE = re.compile(r"sovgraph\.store\.cache|\bdigest\(|\breport_key\b|\bcache_state\b|\bopen_cached\b")


def test_the_command_line_has_modules_to_scan() -> None:
    assert {p.name for p in CLI} >= {"__init__.py", "common.py", "graph.py", "query.py", "network.py"}


@pytest.mark.parametrize("path", CLI, ids=[p.name for p in CLI])
def test_no_cli_module_holds_sparql_file_io_or_cache_logic(path: Path) -> None:
    """A handler parses, makes one library call and prints: queries, reading files and the cache live in
    the library (writing the output goes through sovgraph.files.write_atomic)."""
    text = path.read_text(encoding="utf-8")
    assert not SPARQL_TEXT.search(text), SPARQL_TEXT.search(text)
    assert not FILE_IO.search(text), FILE_IO.search(text)
    assert not CACHE.search(text), CACHE.search(text)


def test_the_scanner_would_see_what_it_forbids() -> None:
    assert SPARQL_TEXT.search('kg.query("SELECT ?x WHERE { ?x a sov:Hosting }")')
    assert FILE_IO.search("Path(args.file).read_text(encoding='utf-8')")
    assert CACHE.search("from sovgraph.store.cache import digest, report_key")
