"""The examples in the package's docstrings run, and give what they say: every module's, found by one finder.

No list to keep: a module gains its doctests here as soon as it has a ``>>>`` example.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sovgraph"
MODULES = sorted(
    ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    for p in PACKAGE.rglob("*.py")
    if p.name != "__main__.py"
)
# Modules whose public functions all carry a runnable example (the finder must find some in each).
EXAMPLES_REQUIRED = {
    "sovgraph.graph",
    "sovgraph.sparql.queries",
    "sovgraph.sparql.params",
    "sovgraph.impact",
    "sovgraph.network.render",
    "sovgraph.network.projection",
    "sovgraph.network.analysis",
    "sovgraph.network.focus",
    "sovgraph.network.interchange",
    "sovgraph.tools.synth",
    "sovgraph.project",
    "sovgraph.formats",
}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in finder.find(module, name) if t.examples]
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, name
    if name in EXAMPLES_REQUIRED:
        assert result.attempted > 0, f"{name} has no example"


def test_the_finder_sees_every_module() -> None:
    assert {"sovgraph.graph", "sovgraph.cli", "sovgraph.store.ingest", "sovgraph"} <= set(MODULES)
    assert set(MODULES) >= EXAMPLES_REQUIRED
