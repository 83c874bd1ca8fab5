"""The examples in the package's docstrings run, and give what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["sovgraph.graph", "sovgraph.sparql.queries", "sovgraph.impact", "sovgraph.network.render"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0
