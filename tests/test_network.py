"""Tests of the network projection (sovgraph.network.projection), the focused view (sovgraph.network.focus),
the exports (sovgraph.network.interchange) and the network commands (sovgraph.cli.network), over the invented
world of tests/fixtures/queries/world.ttl and the shipped views."""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import sovgraph
from sovgraph import cli
from sovgraph.cli import network as cli_network
from sovgraph.errors import OutputError, QueryError
from sovgraph.network import focus, interchange
from sovgraph.network import projection as network
from sovgraph.project import find_project
from sovgraph.sparql.library import read_query

SG = "https://w3id.org/sovgraph/id/"


def world_files(root: Path, fixtures: Path, *extra: str) -> list[Path]:
    return [
        *sorted((root / "ontology").glob("*.ttl")),
        fixtures / "queries" / "world.ttl",
        *(fixtures / e for e in extra),
    ]


def edges(graph: nx.MultiDiGraph, kind: str | None = None) -> set[tuple[str, str, str]]:
    """(source slug, target slug, kind) of every edge (of one kind)."""
    return {
        (u.removeprefix(SG), v.removeprefix(SG), a["kind"])
        for u, v, a in graph.edges(data=True)
        if kind is None or a["kind"] == kind
    }


# --- the views ----------------------------------------------------------------------------------------


def test_the_shipped_views_are_documented_and_take_as_of(kg: sovgraph.KnowledgeGraph) -> None:
    views = network.views(kg.project)
    assert {"dependencies", "decisions", "people"} <= set(views)
    for name, view in views.items():
        assert view.summary and view.description, name
        as_of = view.param("as_of")
        assert as_of is not None and as_of.default == "today", name
        select = re.search(r"SELECT(?: DISTINCT)?(.*?)WHERE", view.text, re.DOTALL)
        assert select, name
        selected = re.findall(r"\?(\w+)", select.group(1))
        assert selected == [column for column, _ in view.columns], name
        assert selected[:3] == ["source", "target", "kind"], name


def test_a_view_without_as_of_or_columns_is_refused(tmp_path: Path, root: Path) -> None:
    shutil.copytree(root / "ontology", tmp_path / "ontology")
    (tmp_path / "queries" / "views").mkdir(parents=True)
    bad = tmp_path / "queries" / "views" / "bad.rq"
    bad.write_text(
        "#+ summary: x\n#+ column source: a\n#+ column target: b\n#+ column kind: c\nSELECT * {}\n"
    )
    with pytest.raises(QueryError, match=r"queries/views/bad\.rq: a view must take '#\+ param as_of"):
        network.views(find_project(tmp_path))
    bad.write_text(
        "#+ summary: x\n#+ param as_of (date, default today): d\n#+ column source: a\nSELECT * {}\n"
    )
    with pytest.raises(QueryError, match="missing: target, kind"):
        network.views(find_project(tmp_path))


def test_a_new_view_needs_no_new_python(tmp_path: Path, root: Path, fixtures: Path) -> None:
    """A view of data flows, written only as a file, projects like the shipped ones."""
    shutil.copytree(root / "ontology", tmp_path / "ontology")
    shutil.copytree(root / "queries" / "rules", tmp_path / "queries" / "rules")
    (tmp_path / "queries" / "views").mkdir()
    (tmp_path / "queries" / "views" / "posts.rq").write_text(
        "#+ summary: Who holds a post where.\n"
        "#+ param as_of (date, default today): the day.\n"
        "#+ column source: the person.\n#+ column target: the organisation.\n#+ column kind: sov:Post.\n"
        "#+ column relation: the post.\n#+ column role: the role, kept as an edge attribute.\n"
        "SELECT ?source ?target ?kind ?relation ?role WHERE {\n"
        "    ?relation a sov:Post ; sov:member ?source ; sov:organisation ?target ; sov:role ?role .\n"
        "    BIND(sov:Post AS ?kind)\n"
        "    OPTIONAL { ?relation sov:inForceFrom ?from } OPTIONAL { ?relation sov:inForceUntil ?until }\n"
        "    FILTER(COALESCE(?from <= ?as_of, true) && COALESCE(?as_of <= ?until, true))\n}\n",
        encoding="utf-8",
    )
    kg = sovgraph.load(tmp_path, files=world_files(root, fixtures))
    graph = network.project_view(kg, as_of="2023-01-01")
    assert edges(graph) == {("alice", "cloudco", "sov:Post")}
    attrs = next(iter(graph.edges(data=True)))[2]
    assert (attrs["role"], attrs["view"], attrs["sources"]) == (
        "chief executive",
        "posts",
        ["https://example.org/atlas"],
    )
    assert edges(network.project_view(kg, as_of="2025-01-01")) == {("bob", "cloudco", "sov:Post")}


def test_unknown_view_parameter_and_bad_rows_are_refused(world: sovgraph.KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="no view named nope; the views of queries/views/ are: decisions"):
        network.project_view(world, "nope")
    with pytest.raises(QueryError, match="no view takes the parameter colour"):
        network.project_view(world, "people", params={"colour": "red"})
    with pytest.raises(QueryError, match="not a date"):
        network.project_view(world, as_of="yesterday")
    view = read_query(world.project.queries_dir / "views" / "people.rq", "people")
    literal = view.text.replace("sov:organisation ?target", 'sov:organisation ?o . BIND("x" AS ?target)')
    broken = view._replace(text=literal)
    with pytest.raises(QueryError, match=r"row 1: \?target is .*not an IRI"):
        network._rows(world, broken, {"as_of": "2023-01-01"})


# --- the projection ---------------------------------------------------------------------------------


def test_projection_counts_and_node_attributes(world: sovgraph.KnowledgeGraph) -> None:
    graph = network.project_view(world, as_of="2023-01-01")
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (26, 43)
    assert graph.graph == {"views": "decisions, dependencies, people", "as_of": "2023-01-01", "lang": "en"}
    assert graph.nodes[SG + "holdco"] == {
        "label": "Holdco",
        "name": "Holdco",
        "label_fr": "Holdco",
        "label_en": "Holdco",
        "cls": "sov:Company",
        "cls_label": "Company",
        "classes": ["sov:Agent", "sov:Company", "sov:Organisation"],
    }
    assert graph.nodes[SG + "regulator"]["classes"] == [
        "sov:Agent",
        "sov:Authority",
        "sov:Organisation",
        "sov:PublicBody",
    ]
    assert graph.nodes[SG + "regulator"]["cls"] == "sov:Authority"
    counts = {
        view: sum(1 for *_, v in graph.edges(data="view") if v == view)
        for view in ("dependencies", "decisions", "people")
    }
    assert counts == {"dependencies": 22, "decisions": 20, "people": 1}


def test_relation_nodes_become_typed_edges_with_dates_and_sources(world: sovgraph.KnowledgeGraph) -> None:
    graph = network.project_view(world, "dependencies", as_of="2023-01-01")
    ((key, control),) = graph[SG + "cloudco"][SG + "holdco"].items()
    assert key == "dependencies|sov:controller|sg:control-holdco-cloudco|kind:subsidiary"
    assert control == {
        "kind": "sov:controller",
        "label": "controller",
        "qualifier": "subsidiary",
        "relation": SG + "control-holdco-cloudco",
        "start": "2021-07-01",
        "end": None,
        "confidence": "stated by the seed op-ed only",
        "sources": ["A. Writer, « Nuages », 2024"],
        "derived": False,
        "view": "dependencies",
    }
    exposure = next(a for a in graph[SG + "registry"][SG + "data-act"].values())
    assert (exposure["kind"], exposure["qualifier"], exposure["through"], exposure["derived"]) == (
        "sov:Exposure",
        "control",
        "CloudCo",
        True,
    )
    assert (
        "https://example.org/atlas" in exposure["sources"]
        and "https://example.org/gazette" in exposure["sources"]
    )
    incorporation = graph[SG + "holdco"][SG + "utopia"]
    assert [a["sources"] for a in incorporation.values()] == [["https://example.org/atlas"]]  # the evidence's


def test_labels_follow_the_language_with_fallback(world: sovgraph.KnowledgeGraph) -> None:
    graph = network.project_view(world, "dependencies", as_of="2023-01-01", lang="fr")
    assert graph.nodes[SG + "registry"]["label"] == "Registre"
    assert graph.nodes[SG + "registry"]["label_en"] == "Registry"
    assert graph.nodes[SG + "registry"]["cls_label"] == "Plateforme ou projet"
    assert next(iter(graph[SG + "cloudco"][SG + "holdco"].values()))["label"] == "contrôlant"


def test_display_labels_are_short() -> None:
    assert (
        network.display("A very long name that has no alternative at all, none")
        == "A very long name that has no…"
    )
    assert network.display("A long name of more than twenty-four", ["Shorter one", "Short", "AB"]) == "Short"


def test_as_of_changes_the_edges(world: sovgraph.KnowledgeGraph) -> None:
    before = edges(network.project_view(world, "dependencies", as_of="2021-01-01"), "sov:controller")
    after = edges(network.project_view(world, "dependencies", as_of="2023-01-01"), "sov:controller")
    assert ("cloudco", "oldco", "sov:controller") in before - after  # Oldco's control ended in June 2021
    assert ("cloudco", "holdco", "sov:controller") in after - before
    assert ("holdco", "atlanticorp", "sov:controller") in before & after
    hosted = edges(network.project_view(world, "dependencies", as_of="2024-06-01"), "sov:service")
    assert hosted == {("registry", "nimbus", "sov:service")}  # the Archive's hosting ended in 2023
    authorised = edges(network.project_view(world, "dependencies", as_of="2024-06-01"), "sov:authorisedBy")
    assert authorised == set()  # the authorisation expired in April 2024
    decisions = edges(network.project_view(world, "decisions", as_of="2022-06-01"))
    assert ("ruling-registry", "authorisation-registry", "sov:challenges") not in decisions  # not yet decided


def test_shipped_dependencies_hold_the_emc2_chain(kg: sovgraph.KnowledgeGraph) -> None:
    graph = network.project_view(kg, "dependencies", as_of="2025-01-01")
    found = edges(graph)
    for edge in [
        ("emc2", "microsoft-azure", "sov:service"),
        ("microsoft-azure", "microsoft-ireland-operations", "sov:provider"),
        ("microsoft-ireland-operations", "microsoft-corporation", "sov:controller"),
        ("microsoft-corporation", "united-states", "sov:incorporatedIn"),
        ("microsoft-corporation", "cloud-act", "sov:Reach"),
        ("microsoft-corporation", "fisa-702", "sov:Reach"),
        ("emc2", "cnil-deliberation-2023-146", "sov:authorisedBy"),
        ("emc2", "cloud-act", "sov:Exposure"),
    ]:
        assert edge in found, edge


# --- the focused view --------------------------------------------------------------------------------


def test_focus_view_cuts_marks_and_labels(world: sovgraph.KnowledgeGraph) -> None:
    graph = network.project_view(world, as_of="2023-01-01")
    page = focus.focus_view(graph, "registry", depth=1)
    kept = {n.removeprefix(SG) for n in page}
    assert {"registry", "nimbus", "utopia", "authorisation-registry", "data-act", "privacy-law"} <= kept
    assert {"cloudco", "holdco", "atlanticorp", "union"} <= kept  # on the registry's chains, beyond depth 1
    assert "alice" not in kept and "archive" not in kept
    marked = {n.removeprefix(SG) for n, h in page.nodes(data="highlight") if h}
    assert marked == {
        "registry",
        "nimbus",
        "cloudco",
        "holdco",
        "atlanticorp",
        "atlantis",
        "data-act",
        "utopia",
        "union",
        "privacy-law",
    }
    assert [n for n, f in page.nodes(data="focus") if f] == [SG + "registry"]
    lit = {(u.removeprefix(SG), v.removeprefix(SG)) for u, v, h in page.edges(data="highlight") if h}
    assert ("nimbus", "cloudco") in lit and ("registry", "data-act") not in lit  # an exposure is not a hop
    assert not any(d and SG + "registry" not in (u, v) for u, v, d in page.edges(data="derived"))
    control = next(iter(page[SG + "cloudco"][SG + "holdco"].values()))
    assert control["label"] == "controller (subsidiary)"
    assert ("confidence", "stated by the seed op-ed only") in control["details"] and (
        "view",
        "dependencies",
    ) in control["details"]
    assert page.graph["title"] == "Registry — decisions, dependencies, people, as of 2023-01-01"
    assert page.graph["note"].startswith(f"{page.number_of_nodes()} nodes within 1 hop(s) of Registry")
    assert page.nodes[SG + "registry"]["details"] == [("in French", "Registre")]


def test_focus_view_of_a_provider_marks_the_chains_through_it(world: sovgraph.KnowledgeGraph) -> None:
    page = focus.focus_view(network.project_view(world, as_of="2023-01-01", lang="fr"), "holdco", depth=0)
    marked = {n.removeprefix(SG) for n, h in page.nodes(data="highlight") if h}
    assert {"registry", "nimbus", "cloudco", "holdco", "atlanticorp", "data-act"} <= marked
    assert page.graph["lang"] == "fr" and page.graph["title"].startswith("Holdco — ")


def test_focus_view_without_focus_keeps_everything(world: sovgraph.KnowledgeGraph) -> None:
    graph = network.project_view(world, as_of="2023-01-01")
    page = focus.focus_view(graph)
    assert (page.number_of_nodes(), page.number_of_edges()) == (
        graph.number_of_nodes(),
        graph.number_of_edges(),
    )
    assert not any(h for _, h in page.nodes(data="highlight"))
    with pytest.raises(QueryError, match="sg:nowhere: this entity has no edge"):
        focus.focus_view(graph, "sg:nowhere")


# --- exports ------------------------------------------------------------------------------------------


def test_graphml_and_gexf_round_trip(world: sovgraph.KnowledgeGraph, tmp_path: Path) -> None:
    graph = network.project_view(world, as_of="2023-01-01")
    expected = interchange.flat(graph)
    assert all(
        isinstance(v, str | int | float | bool) for _, a in expected.nodes(data=True) for v in a.values()
    )
    assert expected.nodes[SG + "holdco"]["classes"] == "sov:Agent ; sov:Company ; sov:Organisation"
    interchange.write_network(graph, "graphml", tmp_path / "w.graphml")
    back = nx.read_graphml(tmp_path / "w.graphml", force_multigraph=True)
    assert dict(back.nodes(data=True)) == dict(expected.nodes(data=True))
    assert {(u, v, k): a for u, v, k, a in back.edges(keys=True, data=True)} == {
        (u, v, k): a for u, v, k, a in expected.edges(keys=True, data=True)
    }
    interchange.write_network(graph, "gexf", tmp_path / "w.gexf")
    back = nx.read_gexf(tmp_path / "w.gexf")
    assert dict(back.nodes(data=True)) == dict(expected.nodes(data=True))
    gexf_edges = {
        (u, v, k): {n: x for n, x in a.items() if n != "id"}
        for u, v, k, a in back.edges(keys=True, data=True)
    }
    assert gexf_edges == {(u, v, k): a for u, v, k, a in expected.edges(keys=True, data=True)}


def test_csv_writes_nodes_and_edges_with_fixed_columns(
    world: sovgraph.KnowledgeGraph, tmp_path: Path
) -> None:
    graph = network.project_view(world, as_of="2023-01-01")
    written = interchange.write_network(graph, "csv", tmp_path / "world.csv")
    assert written == [tmp_path / "world-nodes.csv", tmp_path / "world-edges.csv"]
    with written[0].open(encoding="utf-8", newline="") as handle:
        nodes = list(csv.DictReader(handle))
    with written[1].open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert list(nodes[0]) == list(interchange.NODE_COLUMNS)
    assert reader.fieldnames == [*interchange.EDGE_COLUMNS, "through"]
    assert (len(nodes), len(rows)) == (graph.number_of_nodes(), graph.number_of_edges())
    control = next(r for r in rows if r["relation"] == SG + "control-holdco-cloudco")
    assert (control["source"], control["start"], control["end"], control["derived"]) == (
        SG + "cloudco",
        "2021-07-01",
        "",
        "false",
    )
    assert interchange.csv_paths(tmp_path / "x") == (tmp_path / "x-nodes.csv", tmp_path / "x-edges.csv")
    with pytest.raises(OutputError, match="unknown network format 'dot'"):
        interchange.write_network(graph, "dot", tmp_path / "x.dot")


# --- the commands -------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run a network command through a parser built as cli.py builds its own (the helper adds --root)."""
    parser = argparse.ArgumentParser(prog="sovgraph")
    cli_network.register(parser.add_subparsers(), cli._command)
    args = parser.parse_args(argv)
    code = args.handler(args)
    return code, capsys.readouterr().out


def test_chain_command_prints_readable_chains(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "chain", "emc2", "--as-of", "2025-01-01")
    assert code == 0
    assert (
        "EMC2 → Microsoft Azure → Microsoft Ireland → Microsoft Corporation → CLOUD Act "
        "(incorporation, service-provider status)"
    ) in out.splitlines()
    code, out = run(capsys, "chain", "emc2", "--as-of", "2025-01-01", "--sources")
    assert "  Microsoft Ireland → Microsoft Corporation: controller (subsidiary)" in out
    assert "      https://legalplanet.pro/health-data-hub-le-principe-de-precaution-exclu" in out


def test_impact_command_answers_the_secnumcloud_question(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys,
        "impact",
        "microsoft-azure",
        "--replace-with",
        "s3ns-premi3ns",
        "--platform",
        "health-data-hub-platform",
        "--as-of",
        "2026-11-29",
    )
    assert code == 0
    assert "replaced Microsoft Azure by PREMI3NS (S3NS offer)" in out and "provider: S3NS" in out
    # No unchanged exposure: the GDPR's territorial one rested on the 2020 Netherlands location read as the
    # location up to 2026 (audit, issue 12).
    assert (
        "Lost exposures (6):" in out and "Gained exposures: none" in out and "Unchanged exposures: 0" in out
    )


def test_concentration_centrality_view_and_export_commands(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = run(capsys, "concentration", "--by", "jurisdiction", "--as-of", "2025-01-01")
    assert code == 0 and re.search(r"United States\s+\|\s+11\s+\|\s+41 %", out), out
    code, out = run(capsys, "centrality", "--top", "1", "--as-of", "2025-01-01")
    assert code == 0 and "Solvinity" in out and "Microsoft Corporation" not in out  # --top 1
    page = tmp_path / "emc2.html"
    assert run(capsys, "view", "--focus", "emc2", "--as-of", "2025-01-01", "-o", str(page))[0] == 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (
        run(capsys, "export-network", "-f", "csv", "--view", "people", "-o", str(tmp_path / "people"))[0] == 0
    )
    assert (tmp_path / "people-edges.csv").is_file()


def test_cli_module_imports_nothing_heavy() -> None:
    heavy = "('networkx', 'pyvis', 'pyoxigraph')"
    code = f"import sys, sovgraph.cli.network; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_every_network_command_has_help() -> None:
    parser = argparse.ArgumentParser(prog="sovgraph")
    sub = parser.add_subparsers()
    cli_network.register(sub, cli._command)
    names = set(sub.choices)
    assert names == {"chain", "impact", "concentration", "centrality", "view", "export-network"}
    for name in names:
        text = sub.choices[name].format_help()
        assert "--root" in text and "--as-of" in text, name


def test_every_network_command_and_view_is_documented(root: Path, kg: sovgraph.KnowledgeGraph) -> None:
    text = (root / "docs" / "network.md").read_text(encoding="utf-8")
    parser = argparse.ArgumentParser(prog="sovgraph")
    sub = parser.add_subparsers()
    cli_network.register(sub, cli._command)
    for name in sub.choices:
        assert f"sovgraph {name}" in text, name
    for name in network.view_names(kg):
        assert f"| `{name}` |" in text, name
    assert (root / "docs" / "screenshot-emc2.png").read_bytes().startswith(b"\x89PNG")
