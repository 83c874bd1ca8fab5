"""The command line: exit codes, one-paragraph errors without tracebacks, atomic output, help everywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sovgraph.cli import build_parser, main

COMMANDS = ["validate", "stats", "export", "queries", "query", "sparql", "explain", "check"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sovgraph.cli", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip().startswith("sovgraph ")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert f"usage: sovgraph {command}" in result.stdout
    assert "--root" in result.stdout


def test_every_command_is_listed_in_the_main_help_and_documented_in_the_readme(root: Path) -> None:
    help_text = run("--help").stdout
    readme = (root / "README.md").read_text(encoding="utf-8")
    subparsers = [a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction"]
    names = set(subparsers[0].choices)  # type: ignore[union-attr]
    assert set(COMMANDS) <= names
    for name in names:
        assert name in help_text
        assert f"sovgraph {name}" in readme, f"the README does not document 'sovgraph {name}'"


def test_starting_imports_nothing_heavy() -> None:
    code = (
        "import sys, sovgraph.cli;"
        "heavy = [m for m in ('pyoxigraph', 'rdflib', 'pyshacl', 'networkx', 'pyvis', 'SPARQLWrapper')"
        " if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_validate_the_shipped_graph_exits_0() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms (0 violation(s)" in result.stdout


def test_validate_exits_1_and_lists_violations(fixtures: Path) -> None:
    shapes = fixtures / "shapes"
    result = run("validate", "--data", str(shapes / "valid.ttl"), "--data", str(shapes / "dangling.ttl"))
    assert result.returncode == 1
    assert "dangling.ttl: violation: sg:hosting-dangling [sov:provider]" in result.stdout
    assert "does NOT conform" in result.stdout
    assert "Traceback" not in result.stderr


def test_validate_with_either_engine_prints_the_same_findings(fixtures: Path) -> None:
    shapes = fixtures / "shapes"
    data = ["--data", str(shapes / "valid.ttl"), "--data", str(shapes / "dangling.ttl"), "--no-cache"]
    fast, slow = run("validate", *data), run("validate", "--engine", "pyshacl", *data)
    assert fast.returncode == slow.returncode == 1
    assert fast.stdout == slow.stdout
    assert "sg:ghost-provider is declared nowhere" in fast.stdout


BROKEN = {
    "syntax.ttl": ('@prefix ex: <http://example.org/> .\nex:s ex:p "open .\n', "syntax.ttl:2:"),
    "prefix.ttl": (
        "@prefix ex: <http://example.org/> .\nex:s ex:p nope:o .\n",
        "nope: has not been declared",
    ),
    "notes.txt": ("not rdf at all\n", "not an RDF file sovgraph knows by its extension"),
    "binary.ttl": (b"\x89PNG\r\n\x1a\n\x00\x00", "binary.ttl:1"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_input_gives_one_paragraph_and_writes_nothing(tmp_path: Path, name: str) -> None:
    content, expected = BROKEN[name]
    bad = tmp_path / name
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    out = tmp_path / "export.trig"
    result = run("export", "--data", str(bad), "-o", str(out))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sovgraph: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_failed_export_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "graph.nq"
    out.write_text("previous content\n", encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text("not turtle", encoding="utf-8")
    result = run("export", "-f", "nq", "--data", str(bad), "-o", str(out))
    assert result.returncode == 2
    assert out.read_text(encoding="utf-8") == "previous content\n"


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nt", "nq", "jsonld", "rdf"])
def test_export_round_trips(tmp_path: Path, fmt: str, kg: object) -> None:
    import pyoxigraph

    out = tmp_path / f"graph.{fmt}"
    assert main(["export", "-f", fmt, "-o", str(out)]) == 0
    reread = pyoxigraph.Store()
    reread.load(path=str(out), format=pyoxigraph.RdfFormat.from_extension(fmt))
    triples = {(q.subject, q.predicate, q.object) for q in reread}
    original = {(q.subject, q.predicate, q.object) for q in kg.store}  # type: ignore[attr-defined]
    assert triples == original
    if fmt in ("trig", "nq", "jsonld"):
        assert set(reread.named_graphs()) == set(kg.store.named_graphs())  # type: ignore[attr-defined]


def test_stats_counts_classes_and_files() -> None:
    result = run("stats")
    assert result.returncode == 0
    assert "skos:Concept" in result.stdout
    assert "ontology/sovgraph.ttl" in result.stdout
    assert "data/hosting.ttl" in result.stdout


def test_no_command_prints_usage_and_exits_2() -> None:
    result = run()
    assert result.returncode == 2
    assert "usage: sovgraph" in result.stderr


def test_an_unknown_export_format_is_refused() -> None:
    result = run("export", "-f", "json")
    assert result.returncode == 2
    assert "invalid choice: 'json'" in result.stderr


def test_as_of_lists_no_qualification_before_its_scheme_version_is_published() -> None:
    """Issue 12: SecNumCloud 3.2 (published 2022-03-08) gives no qualification as of 2019."""
    result = run("query", "qualifications", "--param", "scheme=secnumcloud", "--as-of", "2019-01-01")
    assert result.returncode == 0, result.stderr
    assert "SecNumCloud 3.2" not in result.stdout, result.stdout


def test_query_prints_labels_and_writes_w3c_json_atomically(tmp_path: Path) -> None:
    table = run("query", "who-hosts-what", "--param", "platform=emc2", "--as-of", "2024-06-01")
    assert table.returncode == 0, table.stderr
    assert (
        "Microsoft Ireland" in table.stdout
    )  # EMC2's sources name only "Microsoft Ireland" (audit, issue 12)
    assert "CLOUD Act" in table.stdout
    out = tmp_path / "rows.json"
    result = run("query", "exposure", "-p", "platform=emc2", "--format", "json", "-o", str(out))
    assert result.returncode == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["head"]["vars"][0] == "platform"
    assert {b["law"]["value"].rsplit("/", 1)[-1] for b in doc["results"]["bindings"]} >= {
        "cloud-act",
        "fisa-702",
    }


def test_as_of_on_a_query_without_dates_is_refused() -> None:
    result = run("query", "claims", "--as-of", "2024-01-01")
    assert result.returncode == 2
    assert "query claims does not take --as-of" in result.stderr


def test_sparql_runs_ask_construct_and_select(tmp_path: Path) -> None:
    ask = subprocess.run(
        [sys.executable, "-m", "sovgraph.cli", "sparql", "-"],
        input="ASK { sg:emc2 a sov:Platform }",
        capture_output=True,
        text=True,
        check=False,
    )
    assert ask.stdout.strip() == "true"
    construct = tmp_path / "c.rq"
    construct.write_text(
        "CONSTRUCT { sg:emc2 rdfs:label ?l } WHERE { sg:emc2 rdfs:label ?l }", encoding="utf-8"
    )
    result = run("sparql", str(construct))
    assert "@prefix sg: <https://w3id.org/sovgraph/id/>" in result.stdout
    assert "sg:emc2 rdfs:label" in result.stdout
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT WHERE {", encoding="utf-8")
    bad = run("sparql", str(broken))
    assert bad.returncode == 2
    assert bad.stderr.startswith("sovgraph: error: the SPARQL query is not valid")


def test_explain_and_queries_commands() -> None:
    listing = run("queries")
    assert "who-hosts-what" in listing.stdout
    assert "--param as_of (date, default today)" in listing.stdout
    explained = run("explain", "sg:hosting-emc2-azure")
    assert explained.returncode == 0
    assert "derived by rule in-force" in explained.stdout


def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    import os

    out = tmp_path / "graph.ttl"
    previous = os.umask(0o022)
    try:
        assert main(["export", "-f", "ttl", "-o", str(out)]) == 0
    finally:
        os.umask(previous)
    assert out.stat().st_mode & 0o777 == 0o644  # as a new file under that umask, not mkstemp's 0600


def test_the_table_of_commands_is_what_each_family_registers() -> None:
    import argparse
    import importlib

    from sovgraph.cli import COMMANDS, command

    for family, names in COMMANDS.items():
        parser = argparse.ArgumentParser()
        commands = parser.add_subparsers()
        importlib.import_module(family).register(commands, command)
        assert tuple(commands.choices) == names, family


def test_a_command_is_parsed_by_its_familys_parser_and_mistakes_by_the_whole_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sovgraph.cli import _family_of, _parse

    assert _family_of(["query", "who-hosts-what"]) == ("sovgraph.cli.query", "query")
    # "chain" is --root's value
    assert _family_of(["--root", "chain", "stats"]) == ("sovgraph.cli.graph", "stats")
    assert _family_of(["--debug", "view", "x"]) == ("sovgraph.cli.network", "view")
    for words in (["--help", "query"], ["querry"], []):
        assert _family_of(words) == (None, None)
    args = _parse(["--ro", "query", "stats"])  # the guess (query) is wrong: the whole parser parses again
    assert args.command_name == "stats" and args.root == Path("query")
    assert _parse(["query", "claims", "--lang", "fr"]).command_name == "query"
    # only the command run is built: its family's other commands are not
    from sovgraph.cli import build_parser

    alone = build_parser(("sovgraph.cli.query",), only="search")
    (subparsers,) = [a for a in alone._actions if a.__class__.__name__ == "_SubParsersAction"]
    assert list(subparsers.choices) == ["search"]
    for words in (["search", "cnil", "--limit", "3"], ["--debug", "search", "x", "--lang", "fr"]):
        assert alone.parse_args(words).handler == build_parser().parse_args(words).handler
    with pytest.raises(SystemExit) as exit:
        _parse(["query"])  # the family's parser fails: the whole parser's message, once
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and "the following arguments are required: name" in err
