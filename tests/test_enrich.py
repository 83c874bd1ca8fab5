"""``sovgraph enrich wikidata`` against a local Oxigraph server holding a small Wikidata-shaped fixture."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from servers import oxigraph

import sovgraph
from sovgraph.cli import main as remote_main
from sovgraph.errors import OutputError
from sovgraph.exchange.enrich import ENRICH_GRAPH, QUERY, WDT, Enrichment, enrich, fetch, write
from sovgraph.exchange.server import Server, free_port
from sovgraph.namespaces import PREFIXES
from sovgraph.store.remote import Endpoint, EndpointUnreachable

WD = PREFIXES["wd"]
PROV = PREFIXES["prov"]
NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def wikidata(fixtures: Path) -> Iterator[Server]:
    """A Wikidata-like endpoint: everything in the default graph, as on the Wikidata Query Service."""
    with oxigraph(writable=True, union=True) as server:
        data = (fixtures / "wikidata" / "endpoint.ttl").read_bytes()
        Endpoint(server.query_url, graph_store_url=server.store_url).put_graph(
            "http://example.org/wikidata", data
        )
        yield server


@pytest.fixture(scope="module")
def matched(root: Path, fixtures: Path) -> sovgraph.KnowledgeGraph:
    """The world with skos:exactMatch links to Wikidata, not derived."""
    files = [
        *sorted((root / "ontology").glob("*.ttl")),
        fixtures / "queries" / "world.ttl",
        fixtures / "wikidata" / "matches.ttl",
    ]
    return sovgraph.load(root, files=files, derive=False)


def _triples(quads: list[pyoxigraph.Quad]) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in quads}


def test_enrichment_states_what_wikidata_says_about_matched_items_only(
    matched: sovgraph.KnowledgeGraph, wikidata: Server
) -> None:
    result = enrich(matched, Endpoint(wikidata.query_url), now=NOW)
    assert set(result.items) == {WD + f"Q999{n}" for n in ("00001", "00002", "00003", "00101", "00102")}
    triples = _triples(result.quads)
    assert (f"<{WD}Q99900001>", f"<{WDT}P856>", "<https://atlanticorp.example.org/>") in triples
    assert (f"<{WD}Q99900001>", f"<{WDT}P1278>", '"999900EXAMPLE0000001"') in triples
    assert (f"<{WD}Q99900002>", f"<{WDT}P1616>", '"999999999"') in triples
    assert (f"<{WD}Q99900003>", f"<{WDT}P749>", f"<{WD}Q99900999>") in triples
    assert (f"<{WD}Q99900999>", f"<{PREFIXES['rdfs']}label>", '"MegaCloud Holdings"@fr') in triples
    assert result.statements == 9
    subjects = {q.subject.value for q in result.quads}
    assert WD + "Q99900500" not in subjects  # matched by nobody
    assert not any(q.predicate.value == WDT + "P31" for q in result.quads)  # not asked for
    assert all(s.startswith(WD) or s.startswith(ENRICH_GRAPH) for s in subjects)  # never a curated subject
    assert {q.graph_name.value for q in result.quads} == {ENRICH_GRAPH}


def test_enrichment_records_its_provenance(matched: sovgraph.KnowledgeGraph, wikidata: Server) -> None:
    triples = _triples(enrich(matched, Endpoint(wikidata.query_url), now=NOW).quads)
    graph, activity, query = f"<{ENRICH_GRAPH}>", f"<{ENRICH_GRAPH}#retrieval>", f"<{ENRICH_GRAPH}#query>"
    stamp = f'"2026-01-02T03:04:05Z"^^<{PREFIXES["xsd"]}dateTime>'
    assert (graph, f"<{PROV}wasGeneratedBy>", activity) in triples
    assert (activity, f"<{PROV}used>", f"<{wikidata.query_url}>") in triples
    assert (activity, f"<{PROV}startedAtTime>", stamp) in triples
    assert (query, f"<{PREFIXES['rdf']}value>", str(pyoxigraph.Literal(QUERY))) in triples


def test_conflicts_with_curated_facts_are_reported(
    matched: sovgraph.KnowledgeGraph, wikidata: Server
) -> None:
    conflicts = enrich(matched, Endpoint(wikidata.query_url), now=NOW).conflicts
    assert [c.line() for c in conflicts] == [
        "sg:cloudco (wd:Q99900003): sovgraph says incorporated in sg:utopia (wd:Q99900102); "
        "Wikidata's P17 country is wd:Q99900101",
        "sg:cloudco (wd:Q99900003): sovgraph says controlled by sg:holdco (wd:Q99900002), sg:oldco; "
        "Wikidata's P749 parent organisation is wd:Q99900999",
    ]


def test_items_are_bound_with_values_never_formatted(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []

    def record(_self: Endpoint, text: str, **_kw: object) -> list[object]:
        sent.append(text)
        return []

    monkeypatch.setattr(Endpoint, "query", record)
    fetch(Endpoint("http://127.0.0.1:1/sparql"), [WD + "Q1", WD + "Q2"])
    assert sent == [QUERY.replace("WHERE {", f"WHERE {{ VALUES ?item {{ <{WD}Q1> <{WD}Q2> }} ", 1)]


def test_the_output_goes_anywhere_but_the_curated_folders(
    matched: sovgraph.KnowledgeGraph, tmp_path: Path
) -> None:
    result = Enrichment([], {}, 0, [])
    for folder in ("data", "ontology"):
        with pytest.raises(OutputError, match=f"inside {folder}/, which holds curated files"):
            write(matched, result, matched.project.root / folder / "wikidata.trig")
    write(matched, result, tmp_path / "out" / "wikidata.trig")
    assert (tmp_path / "out" / "wikidata.trig").is_file()


def test_the_enrich_command_writes_a_graph_that_loads_beside_the_curated_one(
    root: Path, fixtures: Path, tmp_path: Path, wikidata: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(root / "ontology", project / "ontology")
    (project / "data").mkdir()
    shutil.copy(fixtures / "queries" / "world.ttl", project / "data" / "world.ttl")
    shutil.copy(fixtures / "wikidata" / "matches.ttl", project / "data" / "matches.ttl")
    before = {p: p.read_bytes() for p in (project / "data").iterdir()}
    code = remote_main(["enrich", "wikidata", "--root", str(project), "--endpoint", wikidata.query_url])
    err = capsys.readouterr().err
    assert code == 0, err
    output = project / "data-enriched" / "wikidata.trig"
    assert f"wrote {output}: 9 statement(s) about 5 matched item(s)" in err
    assert err.count("conflict: sg:cloudco") == 2
    assert {p: p.read_bytes() for p in (project / "data").iterdir()} == before  # curated files untouched
    kg = sovgraph.load(project, extra=[output], derive=False)
    own = kg.graph_of(output)  # loaded, every quad of a file lands in the file's own graph
    assert pyoxigraph.NamedNode(ENRICH_GRAPH) not in set(kg.store.named_graphs())
    asked = f"ASK {{ GRAPH <{own}> {{ wd:Q99900002 <{WDT}P749> wd:Q99900001 }} }}"
    assert bool(kg.query(asked, union=False))


def test_an_unreachable_endpoint_fails_and_writes_nothing(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "wikidata.trig"
    url = f"http://127.0.0.1:{free_port()}/sparql"
    code = remote_main(["enrich", "wikidata", "--root", str(root), "--endpoint", url, "-o", str(output)])
    assert code == 3
    assert capsys.readouterr().err.startswith(f"sovgraph: error: the SPARQL endpoint {url} cannot be reached")
    assert not output.exists()
    assert issubclass(EndpointUnreachable, sovgraph.SovgraphError)
