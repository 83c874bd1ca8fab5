"""sovgraph: an open knowledge graph of digital sovereignty — who hosts what, under which law.

The public API::

    import sovgraph
    kg = sovgraph.load()                 # ontology + curated data in an embedded store
    kg.query("SELECT ...")               # SPARQL over the union of all files
    report = kg.validate()               # SHACL report; report.conforms, report.text()
    dataset = kg.to_rdflib()             # an rdflib Dataset copy, for interop

The verbs the notebooks use are sub-modules, imported on first use: ``sovgraph.network`` (``project_view``),
``sovgraph.analysis``, ``sovgraph.focus``, ``sovgraph.render``, ``sovgraph.impact``, ``sovgraph.explain``,
``sovgraph.plot``. Importing the package is cheap: heavy libraries load on first use.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from sovgraph._version import __version__
from sovgraph.errors import (
    InputError,
    MissingInputError,
    OutputError,
    ParseError,
    QueryError,
    SovgraphError,
    UnsupportedFormatError,
    ValidationError,
)
from sovgraph.graph import KnowledgeGraph, connect, load

# The verbs of the notebooks: name -> the module that holds them (imported when first asked for).
_VERBS = {
    "analysis": "sovgraph.network.analysis",
    "explain": "sovgraph.explain",
    "focus": "sovgraph.network.focus",
    "impact": "sovgraph.impact",
    "network": "sovgraph.network",
    "plot": "sovgraph.tools.plot",
    "render": "sovgraph.network.render",
}

__all__ = [
    "InputError",
    "KnowledgeGraph",
    "MissingInputError",
    "OutputError",
    "ParseError",
    "QueryError",
    "SovgraphError",
    "UnsupportedFormatError",
    "ValidationError",
    "__version__",
    "analysis",
    "connect",
    "explain",
    "focus",
    "impact",
    "load",
    "network",
    "plot",
    "render",
]


def __getattr__(name: str) -> ModuleType:
    """Import a verb's module on first use (``sovgraph.analysis``, ``from sovgraph import render``...)."""
    if name in _VERBS:
        module = importlib.import_module(_VERBS[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'sovgraph' has no attribute {name!r}")
