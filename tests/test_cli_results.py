"""Every command that prints results takes --format and -o; names work wherever an entity is asked for."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from sovgraph.cli import main

RESULTS = {
    "query": ["query", "who-hosts-what", "--param", "platform=EMC2"],
    "sparql": ["sparql", "QUERY"],
    "search": ["search", "emc2"],
    "who-hosts-what": ["who-hosts-what", "--platform", "EMC2"],
    "chain": ["chain", "EMC2"],
    "impact": ["impact", "Microsoft Azure", "--replace-with", "s3ns-premi3ns"],
    "concentration": ["concentration"],
    "centrality": ["centrality", "--top", "3"],
    "explain": ["explain", "--platform", "EMC2", "--law", "CLOUD Act"],
    "check": ["check"],
    "stats": ["stats"],
    "validate": ["validate", "--warnings"],
}


def _args(name: str, tmp_path: Path) -> list[str]:
    args = list(RESULTS[name])
    if "QUERY" in args:
        query = tmp_path / "q.rq"
        query.write_text("SELECT ?s WHERE { ?s a sov:Platform }", encoding="utf-8")
        args[args.index("QUERY")] = str(query)
    return args


@pytest.mark.parametrize("name", sorted(RESULTS))
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_every_results_command_writes_csv_and_json_to_a_file(
    name: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"out.{fmt}"
    assert main([*_args(name, tmp_path), "--format", fmt, "--labels", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    text = out.read_text(encoding="utf-8")
    empty = name == "validate"  # the shipped graph has no finding: only the header
    if fmt == "json":
        doc = json.loads(text)
        assert doc["head"]["vars"] and (empty or doc["results"]["bindings"]), name
    else:
        rows = list(csv.reader(text.splitlines()))
        assert rows[0] and (empty or len(rows) > 1), name


def test_query_csv_with_labels_is_readable(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert main(["query", "who-hosts-what", "--format", "csv", "--labels", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert "EMC2, multi-centre health-data warehouse" in {r["platform_label"] for r in rows}
    assert all(
        r["exposure"].startswith("https://w3id.org/sovgraph/id/derived/exposure-") for r in rows if r["law"]
    )


def test_the_exposure_of_a_row_is_what_explain_takes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    assert (
        main(
            ["query", "who-hosts-what", "-p", "platform=emc2", "-p", "law=gdpr", "-f", "json", "-o", str(out)]
        )
        == 0
    )
    exposure = json.loads(out.read_text())["results"]["bindings"][0]["exposure"]["value"]
    capsys.readouterr()
    assert main(["explain", exposure]) == 0
    assert "derived by rule exposure" in capsys.readouterr().out


def test_xlsx_opens_with_openpyxl(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "out.xlsx"
    assert main(["chain", "EMC2", "--format", "xlsx", "--labels", "-o", str(out)]) == 0
    header = [c.value for c in load_workbook(out).active[1]]
    assert header[:4] == ["chain", "hop", "source", "source_label"]


def test_who_hosts_what_in_brief_numbers_its_sources_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who-hosts-what", "--platform", "EMC2", "--as-of", "2024-06-01"]) == 0
    out = capsys.readouterr().out
    lines, _, sources = out.partition("\nSources:\n")
    assert len(lines.splitlines()) == 3  # CLOUD Act, FISA 702, GDPR
    numbered = sources.splitlines()
    assert numbered[0].startswith("[1] ") and len(set(numbered)) == len(numbered)


@pytest.mark.parametrize(
    "args",
    [
        ["chain", "EMC2"],
        ["view", "--focus", "Health Data Hub", "-o", "PAGE"],
        ["impact", "Microsoft Azure", "--platform", "HDH platform"],
    ],
)
def test_commands_take_names(args: list[str], tmp_path: Path) -> None:
    args = [str(tmp_path / "page.html") if a == "PAGE" else a for a in args]
    assert main(args) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "who-hosts-what", "--param", "platform=emc3"], "'emc3' names no entity"),
        (["chain", "emc3"], "The closest: EMC2"),
        (["view", "--focus", "entrepot", "-o", "x.html"], "'entrepot' names "),
        (["explain", "--platform", "EMC2"], "give a node, or a platform and a law"),
    ],
)
def test_unknown_and_ambiguous_names_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err
