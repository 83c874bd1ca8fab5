"""On a large synthetic graph, the cached graph answers as the graph loaded without the cache.

The rows and every cell are the same. Two orders are left to the engine by SPARQL, and compared as sorted
lists: the rows that ``ORDER BY`` leaves tied, and the values inside a ``GROUP_CONCAT`` cell
(``*_sources``, ``technology_supplier``). The engine meets the solutions in the order of the store's
internal term identifiers, and a store copied from the cache numbers its terms in another order than one
loaded from the files: that, not the cache's content, was the difference the issue saw at 200k triples.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sovgraph
from sovgraph.tools import synth

TRIPLES = 30_000


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "synth.nt"
    synth.write(path, TRIPLES, seed=3)
    return path


SEPARATOR = " ; "


def _text(cell: object) -> str | None:
    term = getattr(cell, "term", None)
    if term is None:
        return None
    text = str(term.value)
    return SEPARATOR.join(sorted(text.split(SEPARATOR))) if SEPARATOR in text else text


def _rows(kg: sovgraph.KnowledgeGraph, name: str) -> list[tuple[tuple[str, str | None], ...]]:
    result = kg.run(name)
    return [tuple((column, _text(cell)) for column, cell in row.items()) for row in result.rows]


def test_cached_and_uncached_answers_are_identical(root: Path, large: Path, tmp_path: Path) -> None:
    memory = sovgraph.load(root, extra=[large])
    cache = tmp_path / "cache"
    built = sovgraph.load(root, extra=[large], cache=cache)
    reused = sovgraph.load(root, extra=[large], cache=cache)
    assert reused.cache_state is not None and not reused.cache_state.reloaded
    assert len(memory) == len(built) == len(reused) > TRIPLES
    for name in ("who-hosts-what", "exposure"):
        expected = _rows(memory, name)
        assert len(expected) > 100
        assert sorted(_rows(built, name)) == sorted(expected)
        assert sorted(_rows(reused, name)) == sorted(expected)
