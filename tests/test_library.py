"""Query files: '#+' headers parsed, malformed ones reported with file and line; every query documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovgraph.errors import QueryError
from sovgraph.sparql.library import library, read_query, rules


def _query(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_header_is_parsed_with_continuations(tmp_path: Path) -> None:
    path = _query(
        tmp_path,
        "#+ summary: Find things.\n"
        "#+ description: A long\n"
        "#+   description.\n"
        "#+ param when (date, default today): the day\n"
        "#+   to look at.\n"
        "#+ param who (iri, optional): someone.\n"
        "#+ param what (string): required text.\n"
        "#+ column x: the thing.\n"
        "#+ tags: demo\n"
        "SELECT ?x WHERE { ?x ?p ?o }\n",
    )
    query = read_query(path, "q")
    assert query.summary == "Find things."
    assert query.description == "A long description."
    assert [(p.name, p.type, p.required, p.default, p.description) for p in query.params] == [
        ("when", "date", False, "today", "the day to look at."),
        ("who", "iri", False, None, "someone."),
        ("what", "string", True, None, "required text."),
    ]
    assert query.columns == (("x", "the thing."),)
    assert query.extra == {"tags": "demo"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * { }", "has no '#+ summary:' header line"),
        ("#+ summary: s\n#+ param x (color): no\nSELECT * {}", "q.rq:2: parameter x: unknown type 'color'"),
        ("#+ summary: s\n#+ param x (iri, maybe): no\nSELECT * {}", "q.rq:2: parameter x: write 'optional'"),
        ("#+ summary: s\n#+ param x: no type\nSELECT * {}", "q.rq:2: a parameter reads"),
        ("#+ summary: s\n#+ this is not a header\nSELECT * {}", "q.rq:2: a header line must read"),
    ],
)
def test_malformed_headers_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        read_query(_query(tmp_path, text), "q")
    assert message in str(caught.value)


def test_every_shipped_query_is_documented(root: Path) -> None:
    queries = library(root / "queries", root)
    assert {"who-hosts-what", "chain", "exposure", "decisions", "qualifications", "actors", "sources"} <= set(
        queries
    )
    for name, query in queries.items():
        assert query.summary.endswith("."), name
        assert query.description, name
        assert query.columns, f"{name} documents no column"
        assert all(meaning for _, meaning in query.columns), name
        assert all(p.description for p in query.params), name
        selected = query.text.split("WHERE", 1)[0]
        for column, _ in query.columns:
            assert f"?{column}" in selected, f"{name}: documented column {column} is not selected"
        for param in query.params:
            assert f"?{param.name}" in query.text, f"{name}: parameter {param.name} is not used"


def test_checks_are_named_as_violations(root: Path) -> None:
    checks = [n for n in library(root / "queries", root) if n.startswith("checks/")]
    assert checks
    assert all(n.endswith("-violation") for n in checks)


def test_rules_apply_in_file_order_and_drop_the_number(root: Path) -> None:
    names = [r.name for r in rules(root / "queries" / "rules", root)]
    assert names == ["in-force", "control-path", "reach-through-control", "exposure"]


def test_the_query_docs_are_generated_from_the_headers(root: Path) -> None:
    from sovgraph.tools.docs import queries_markdown

    expected = queries_markdown(library(root / "queries", root), rules(root / "queries" / "rules", root))
    actual = (root / "queries" / "README.md").read_text(encoding="utf-8")
    assert actual == expected, "queries/README.md is stale: run 'make docs'"


def test_the_ontology_docs_are_generated_from_the_ontology(root: Path) -> None:
    import sovgraph
    from sovgraph.project import Project
    from sovgraph.tools.docs import ontology_markdown

    ontology = sovgraph.load(root, files=Project(root).ontology_files(), derive=False)
    actual = (root / "ontology" / "README.md").read_text(encoding="utf-8")
    assert actual == ontology_markdown(ontology), "ontology/README.md is stale: run 'make docs'"
    assert "| `sov:Hosting` (⊑ sov:Relation) | Hosting | Hébergement |" in actual
