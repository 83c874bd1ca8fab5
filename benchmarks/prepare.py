"""Make the files of one benchmark size, once: the synthetic graph, its derived graph, representative params.

Run by ``benchmarks/run.py`` in its own process::

    python benchmarks/prepare.py TRIPLES SEED CACHE_DIR NAME

writes ``NAME.nt`` and ``NAME.ttl`` (``sovgraph synth``: the same graph in both syntaxes), ``NAME-derived.nq``
(what the rules of ``queries/rules`` derive from it with the ontology, in the derived named graph, so that
every engine queries the same triples) and ``NAME-params.json`` (a platform exposed through a parent chain
of more than one link, the law with the most exposures, and how long generation and derivation took).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# A platform exposed through a control path of more than one link (a reach derived through control).
_PLATFORM = """
SELECT ?platform ?law (COUNT(*) AS ?n) WHERE {
    ?e a sov:Exposure ; sov:exposed ?platform ; sov:law ?law ; prov:wasDerivedFrom ?reach .
    ?reach a sov:Reach , sov:Derived ; sov:via ?path .
    ?path sov:hops ?hops .
    FILTER(?hops > 1)
} GROUP BY ?platform ?law ORDER BY DESC(?n) ?platform ?law LIMIT 1
"""
_LAW = """
SELECT ?law (COUNT(*) AS ?n) WHERE { ?e a sov:Exposure ; sov:law ?law }
GROUP BY ?law ORDER BY DESC(?n) ?law LIMIT 1
"""


def prepare(triples: int, seed: int, cache: Path, name: str) -> dict[str, object]:
    import pyoxigraph

    import sovgraph
    from sovgraph.sparql.library import rules
    from sovgraph.sparql.rules import DERIVED_GRAPH, materialise
    from sovgraph.tools import synth

    data = cache / f"{name}.nt"
    started = time.perf_counter()
    written = synth.write(data, triples, seed)
    generated = time.perf_counter() - started
    synth.write(cache / f"{name}.ttl", triples, seed)  # the same graph in Turtle, for the Turtle loads
    files = [*sorted((ROOT / "ontology").glob("*.ttl")), data]
    kg = sovgraph.load(ROOT, files=files, derive=False)
    started = time.perf_counter()
    runs = materialise(kg.store, rules(ROOT / "queries" / "rules", ROOT))
    derived = time.perf_counter() - started
    graph = pyoxigraph.NamedNode(DERIVED_GRAPH)
    quads = kg.store.quads_for_pattern(None, None, None, graph)
    (cache / f"{name}-derived.nq").write_bytes(
        pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS) or b""
    )
    found = list(kg.query(_PLATFORM))
    law = list(kg.query(_LAW))
    params = {
        "triples": written,
        "bytes": data.stat().st_size,
        "derived_triples": sum(r.triples for r in runs),
        "generate_seconds": round(generated, 3),
        "derive_seconds": round(derived, 3),
        "platform": found[0]["platform"].value if found else None,
        "platform_law": found[0]["law"].value if found else None,
        "law": law[0]["law"].value if law else None,
    }
    (cache / f"{name}-params.json").write_text(json.dumps(params, indent=1), encoding="utf-8")
    return params


if __name__ == "__main__":
    print(json.dumps(prepare(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])))
