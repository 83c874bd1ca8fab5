"""The minimal cases of benchmarks/engines/: pyoxigraph gives SPARQL 1.1's answer; rdflib's known divergences.

The 65-vs-135 rows of who-hosts-what@2016 at 10k triples (benchmarks/README.md, "Engines disagree") come
down to ``optional-filter-values``: a variable bound by an inline VALUES block, read by an OPTIONAL's
FILTER. Jena ARQ's answers are recorded by ``benchmarks/engines/run.py``, not here (it needs Java).
"""

from __future__ import annotations

import collections
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from rdflib.plugins.sparql.sparql import NotBoundError

ENGINES = Path(__file__).resolve().parent.parent / "benchmarks" / "engines"


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("engines_run", ENGINES / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run = _runner()


@pytest.mark.parametrize("case", sorted(run.CASES))
def test_pyoxigraph_gives_the_answer_sparql_requires(case: str) -> None:
    _header, want = run.expected(case)
    assert want, "an expected answer with no rows would not show the bug"
    assert run.run_pyoxigraph(case) == want


def test_the_minimal_case_keeps_the_hosting_with_the_path_unbound() -> None:
    _header, want = run.expected("optional-filter-values")
    assert want == collections.Counter([("<http://example.org/h>", "<http://example.org/c>", "")])


def test_rdflib_drops_the_solution_when_values_binds_the_filtered_variable() -> None:
    """Known rdflib 7.6 bug (benchmarks/README.md): if this fails, rdflib has changed: update the README."""
    assert run.run_rdflib("optional-filter-values") == collections.Counter()
    _header, want = run.expected("optional-filter-bind")
    assert run.run_rdflib("optional-filter-bind") == want  # the same query with BIND: right


def test_rdflib_group_concat_over_an_unbound_variable() -> None:
    """rdflib 7.6 raises where SPARQL 1.1 gives an unbound aggregate; the benchmark's patch gives "" or
    the bound values instead (neither is the spec's answer, which pyoxigraph and Jena give)."""
    with pytest.raises(NotBoundError):
        run.run_rdflib("group-concat-unbound")
    patched = run.run_rdflib("group-concat-unbound", patched=True)
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    assert patched == collections.Counter(
        [('"mixed"', '"s1"', f'"1"^^{integer}'), ('"none"', '""', f'"0"^^{integer}')]
    )
    with pytest.raises(NotBoundError):  # the patch is undone after the run
        run.run_rdflib("group-concat-unbound")
