"""The public API is declared (``sovgraph.__all__``), cheap to import, and documented in docs/api.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sovgraph


def test_every_name_of_all_resolves() -> None:
    for name in sovgraph.__all__:
        assert getattr(sovgraph, name) is not None, name
    assert {"load", "connect", "KnowledgeGraph", "SovgraphError", "QueryError"} <= set(sovgraph.__all__)
    assert {"analysis", "focus", "network", "render", "impact", "explain", "plot"} <= set(sovgraph.__all__)


def test_the_notebook_verbs_import_from_the_package() -> None:
    from sovgraph import analysis, focus, network, plot, render

    assert callable(network.project_view) and callable(analysis.chains) and callable(focus.focus_view)
    assert callable(render.inline) and callable(plot.timeline)


def test_importing_sovgraph_and_its_command_line_stays_cheap() -> None:
    heavy = "('pyoxigraph', 'rdflib', 'pyshacl', 'networkx', 'pyvis', 'SPARQLWrapper', 'matplotlib')"
    code = f"import sys, sovgraph, sovgraph.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_the_api_reference_is_generated_from_the_docstrings(root: Path) -> None:
    from sovgraph.tools.docs import api_markdown

    actual = (root / "docs" / "api.md").read_text(encoding="utf-8")
    assert actual == api_markdown(), "docs/api.md is stale: run 'make docs'"
