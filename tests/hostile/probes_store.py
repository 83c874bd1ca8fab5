"""The loader's and the cache's hostile probes (issue 13), run by ``test_no_traceback.py``.

Each probe is ``(argv, stdin, expected exit code, expected message fragment)``; ``{root}`` is a copy of the
project, ``{tmp}`` a scratch folder (see ``probes.py``). The hostile files are small fixtures in
``tests/fixtures/hostile/`` (a literal over the limit is made by ``test_load_inputs.py`` instead).
"""

from __future__ import annotations

from pathlib import Path

R = ["--root", "{root}"]
FILES = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"


def data(name: str) -> list[str]:
    return [*R, "stats", "--no-cache", "--data", str(FILES / name)]


PROBES: list[tuple] = [
    # files refused before any parser reads them
    (data("empty.rdf"), None, 2, "empty.rdf: this file is not valid RDF/XML: the file is empty"),
    (data("nul.ttl"), None, 2, "nul.ttl:2: this file is not valid Turtle: a NUL character"),
    (data("laughs.rdf"), None, 2, "a DTD entity declaration (<!ENTITY) is refused"),
    (data("deep.rdf"), None, 2, "elements are nested more than 256 deep"),
    (data("hack.ttl"), None, 2, "only the files of ontology/ may define or describe sov: and kind: terms"),
    (
        [*R, "stats", "--data", str(FILES / "hack.ttl")],
        None,
        2,
        "<https://w3id.org/sovgraph/ontology#Company>",
    ),
    # accepted: a byte order mark is skipped
    (data("bom.ttl"), None, 0, "external/bom.ttl"),
    (data("bom.nt"), None, 0, "external/bom.nt"),
    # a named graph of a data file lands in the file's graph (where the shapes see it), not data/hosting.ttl's
    (
        [*R, "export", "--no-cache", "--format", "nq", "--data", str(FILES / "named.trig")],
        None,
        0,
        "<https://w3id.org/sovgraph/id/ghost-provider> <https://w3id.org/sovgraph/graph/external/named.trig>",
    ),
    # FROM is honoured (the count of one file, not of the union)
    ([*R, "sparql", "--no-cache", str(FILES / "from.rq")], None, 0, "(1 row)"),
    # cache folders that are not sovgraph's: refused, nothing deleted
    ([*R, "stats", "--cache-dir", "{root}/data"], None, 2, "a cache cannot live inside the project's data/"),
    ([*R, "stats", "--cache-dir", "{root}/ontology"], None, 2, "a cache cannot live inside the project's"),
    ([*R, "stats", "--cache-dir", "{tmp}"], None, 2, "is not a sovgraph cache"),
    ([*R, "stats", "--cache-dir", "{tmp}/target.ttl"], None, 2, "the cache must be a folder"),
    # a cache that cannot be written: in memory, with one warning
    ([*R, "stats", "--cache-dir", "{tmp}/target.ttl/cache"], None, 0, "loaded in memory instead"),
]
