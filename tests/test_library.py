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


_MAIN = (
    "#+ summary: Things.\n"
    "#+ param who (iri, optional): someone.\n"
    "#+ variant (who): q@who.rq\n"
    "#+ column x: the thing.\n"
    "SELECT ?x WHERE { ?x ?p ?who }\n"
)
_VARIANT = (
    "#+ summary: Things of one someone.\n"
    "#+ param who (iri, optional): someone.\n"
    "#+ column x: the thing.\n"
    "SELECT ?x WHERE { ?who ^?p ?x }\n"
)


def test_a_bound_variant_is_read_with_its_query_and_picked_when_its_parameters_are_bound(
    tmp_path: Path,
) -> None:
    (tmp_path / "q@who.rq").write_text(_VARIANT, encoding="utf-8")
    query = read_query(_query(tmp_path, _MAIN), "q")
    assert [(sorted(v.when), v.query.path.name) for v in query.variants] == [(["who"], "q@who.rq")]
    assert query.text_for({"who"}) == _VARIANT
    assert query.text_for(set()) == _MAIN
    assert query.variant_for(["who", "other"]).path.name == "q@who.rq"
    assert "variant" not in query.extra
    assert list(library(tmp_path)) == ["q"], "a variant is not a query of its own"


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        (
            _VARIANT.replace("#+ column x", "#+ column y"),
            "q@who.rq: a variant of q must give the query's columns",
        ),
        (
            _VARIANT.replace("(iri, optional)", "(iri)"),
            "q@who.rq: a variant of q must declare the query's parameters",
        ),
        (None, "q@who.rq: cannot read this query file"),
        (_VARIANT.replace("#+ column", "#+ variant (who): q@who.rq\n#+ column"), "cannot declare variants"),
    ],
)
def test_a_variant_that_breaks_the_query_s_contract_is_refused_naming_its_file(
    tmp_path: Path, variant: str | None, message: str
) -> None:
    if variant is not None:
        (tmp_path / "q@who.rq").write_text(variant, encoding="utf-8")
    with pytest.raises(QueryError) as caught:
        read_query(_query(tmp_path, _MAIN), "q")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("#+ variant (nobody): q@who.rq", "q.rq:3: variant q@who.rq: nobody is not a parameter of the query"),
        ("#+ variant: q@who.rq", "q.rq:3: a variant reads"),
        ("#+ variant (who): sub/q@who.rq", "q.rq:3: a variant reads"),
    ],
)
def test_a_malformed_variant_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "q@who.rq").write_text(_VARIANT, encoding="utf-8")
    with pytest.raises(QueryError) as caught:
        read_query(_query(tmp_path, _MAIN.replace("#+ variant (who): q@who.rq", line)), "q")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("#+ walk (nobody): chain", "q.rq:3: walk chain: nobody is not a parameter of the query"),
        ("#+ walk ( , ): chain", "q.rq:3: walk chain names no parameter between its parentheses"),
        ("#+ walk: chain", "q.rq:3: a walk reads"),
        ("#+ walk (who): chain.py", "q.rq:3: a walk reads"),
        ("#+ walk (who): ../chain", "q.rq:3: a walk reads"),
        (
            "#+ walk (who): no_such_walk",
            "q.rq:3: walk no_such_walk: there is no module sovgraph/sparql/walks/",
        ),
    ],
)
def test_a_malformed_walk_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "q@who.rq").write_text(_VARIANT, encoding="utf-8")
    with pytest.raises(QueryError) as caught:
        read_query(_query(tmp_path, _MAIN.replace("#+ variant (who): q@who.rq", line)), "q")
    assert message in str(caught.value)


def test_the_library_reads_a_query_when_it_is_asked_for(tmp_path: Path) -> None:
    """One query asked for reads its file alone: a broken file elsewhere is reported only when it is read
    (by name, or by going through every query). Names are those of the listing: rules, views, variants,
    paths out of the folder and other spellings are not queries."""
    good = "#+ summary: Good.\n#+ column x: a thing.\nSELECT ?x WHERE { ?x ?p ?o }\n"
    for rel in ("good.rq", "sub/nested.rq", "rules/10-rule.rq", "views/view.rq", "good@x.rq", ".hidden/h.rq"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(good, encoding="utf-8")
    (tmp_path / "broken.rq").write_text("#+ summary Good.\nSELECT * {}\n", encoding="utf-8")
    found = library(tmp_path)
    assert found["good"].summary == "Good." and found.get("sub/nested") is not None
    others = ("rules/10-rule", "views/view", "good@x", "../good", "sub/../good", "Good", "good.rq", "none")
    for name in others:
        assert name not in found and found.get(name) is None, name
    assert sorted(found) == [".hidden/h", "broken", "good", "sub/nested"] and len(found) == 4
    assert found[".hidden/h"].summary == "Good."
    with pytest.raises(QueryError, match=r"broken\.rq:1"):
        dict(found.items())
