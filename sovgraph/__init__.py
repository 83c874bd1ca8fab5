"""sovgraph: an open knowledge graph of digital sovereignty — who hosts what, under which law.

The public API::

    import sovgraph
    kg = sovgraph.load()                 # ontology + curated data in an embedded store
    kg.query("SELECT ...")               # SPARQL over the union of all files
    report = kg.validate()               # SHACL report; report.conforms, report.text()
    dataset = kg.to_rdflib()             # an rdflib Dataset copy, for interop

Importing the package is cheap: heavy libraries load on first use.
"""

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

__version__ = "0.1.0"

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
    "connect",
    "load",
]
