"""Walks (:mod:`sovgraph.sparql.walks`): a library query's walk answers on the embedded store when its
parameters are bound, its text everywhere else; every walk a query declares exists and has a test that holds
it to the text's rows (``tests/test_walk_<module>.py``)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

import sovgraph
from sovgraph.sparql.queries import run

TESTS = Path(__file__).resolve().parent


def test_every_declared_walk_has_its_module_and_a_test_of_its_rows(kg: sovgraph.KnowledgeGraph) -> None:
    declared = [(name, w) for name, q in kg.library().items() for w in q.walks]
    assert {"chain", "who_hosts_what"} <= {w.module for _, w in declared}
    for name, walk in declared:
        module = importlib.import_module(f"sovgraph.sparql.walks.{walk.module}")
        assert callable(module.walk), f"{name}: walk {walk.module} has no walk()"
        assert (TESTS / f"test_walk_{walk.module}.py").is_file(), f"walk {walk.module}: no test of its rows"


def _counting(monkeypatch: pytest.MonkeyPatch, module: str) -> list[dict[str, Any]]:
    """Calls of the walk ``module`` from now on (each with its parameters)."""
    loaded = importlib.import_module(f"sovgraph.sparql.walks.{module}")
    calls: list[dict[str, Any]] = []
    real = loaded.walk

    def counted(store: Any, params: Any) -> Any:
        calls.append(dict(params))
        return real(store, params)

    monkeypatch.setattr(loaded, "walk", counted)
    return calls


@pytest.mark.parametrize(
    ("name", "param", "module"),
    [("chain", "entity", "chain"), ("who-hosts-what", "platform", "who_hosts_what")],
)
def test_the_walk_answers_on_the_embedded_store_and_the_text_elsewhere(
    kg: sovgraph.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch, name: str, param: str, module: str
) -> None:
    query = kg.library()[name]
    assert query.walk_for({param, "as_of"}) == module
    calls = _counting(monkeypatch, module)
    given = {param: "sg:emc2", "as_of": "2024-06-01"}
    walked = run(kg, query, given)
    assert len(calls) == 1 and calls[0][param].value.endswith("/emc2")
    text = run(kg, query, given, walk=False)
    assert len(calls) == 1, "walk=False runs the text"
    assert walked.columns == text.columns and len(walked.rows) > 2, "EMC2 has several rows"
    assert sorted(map(repr, walked.rows)) == sorted(map(repr, text.rows))  # (ties: in any order)
    monkeypatch.setattr(sovgraph.KnowledgeGraph, "remote", property(lambda self: True))
    assert sorted(map(repr, run(kg, query, given).rows)) == sorted(map(repr, text.rows))
    assert len(calls) == 1, "a remote endpoint runs the text"
    monkeypatch.undo()
    spec = query.param(param)
    if spec is not None and not spec.required:
        calls = _counting(monkeypatch, module)
        run(kg, query, {"as_of": "2024-06-01"})
        assert calls == [], "without its parameter, the text answers"


def test_a_walk_that_breaks_its_contract_is_refused_naming_it(
    kg: sovgraph.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sovgraph.errors import QueryError

    module = importlib.import_module("sovgraph.sparql.walks.chain")
    monkeypatch.setattr(module, "walk", lambda store, params: [(None,)])
    with pytest.raises(QueryError, match=r"query chain: walk chain gave a row of 1 cells for the query's 11"):
        run(kg, kg.library()["chain"], {"entity": "sg:emc2"})
