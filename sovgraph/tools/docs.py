"""Documentation generated from the sources of truth: the query list from the ``#+`` headers, the ontology
reference from the ontology, the Python API reference from the docstrings.

``python -m sovgraph.tools.docs`` (``make docs``) rewrites ``queries/README.md``, ``ontology/README.md`` and
``docs/api.md``; a test fails when one of them is stale.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from sovgraph.sparql.library import QueryFile
from sovgraph.sparql.rules import is_recursive

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph


def queries_markdown(queries: Mapping[str, QueryFile], rules: Sequence[QueryFile] = ()) -> str:
    """The query library as Markdown: one section per query, its parameters and result columns."""
    lines = [
        "# Query library",
        "",
        "Generated from the `#+` headers of the `.rq` files by `make docs` "
        "(`python -m sovgraph.tools.docs`);",
        "do not edit by hand. Run a query with",
        "`sovgraph query NAME [--param NAME=VALUE ...] [--as-of DATE]`, or from Python with",
        "`kg.run(NAME, **params)`. Derivation rules are in `rules/`, each documented in its own header.",
        "",
        "**Bound variants.** A query may name another writing of itself for when some of its parameters are",
        "given, in a header line `#+ variant (PARAM[, PARAM...]): NAME@PARAMS.rq`: wherever the library",
        "runs the query (`sovgraph query`, `kg.run`, the site, the benchmarks), the first variant whose",
        "parameters are all bound is run instead of the query's own text. A variant gives the same rows",
        "(checked by `tests/test_scoped_queries.py` for every value of its parameters on the invented world",
        "and a synthetic graph); its header declares the query's parameters and columns, the same and in the",
        "same order (checked when the library is read, the error naming the file). It exists because one",
        "text rarely suits both a listing and one entity in Oxigraph 0.5 (see `benchmarks/README.md`,",
        '"Query shapes that do not scale"). Variants are not queries of their own and are not listed below.',
        "",
        "**Walks.** A query may also name a walk, `#+ walk (PARAM[, PARAM...]): MODULE`: the same question",
        "answered for one entity by index lookups in the embedded store (`sovgraph/sparql/walks/MODULE.py`),",
        "used there instead of any text when those parameters are bound, because Oxigraph 0.5 spends more",
        "planning and evaluating the text than the few lookups the answer needs. The text stays the",
        "definition of the question: a remote endpoint runs it, and the tests hold each walk to the text's",
        "rows for many entities and days on the invented world, the curated graph and a synthetic graph.",
        "",
        "| query | what it answers |",
        "|---|---|",
    ]
    lines += [f"| [`{name}`](#{name.replace('/', '')}) | {q.summary} |" for name, q in queries.items()]
    for name, query in queries.items():
        lines += ["", f"## {name}", "", f"`{query.path.name}` — {query.summary}", ""]
        if query.description:
            lines += [query.description, ""]
        for variant in query.variants:
            given = ", ".join(f"`{p}`" for p in sorted(variant.when))
            lines += [f"Bound variant: `{variant.query.path.name}`, run when {given} is given.", ""]
        for walk in query.walks:
            given = ", ".join(f"`{p}`" for p in sorted(walk.when))
            lines += [
                f"Walk: `sovgraph/sparql/walks/{walk.module}.py`, run on the embedded store when {given} is "
                "given.",
                "",
            ]
        if query.params:
            lines += ["| parameter | type | default | meaning |", "|---|---|---|---|"]
            for p in query.params:
                default = "required" if p.required else (p.default or "none (all)")
                lines.append(f"| `{p.name}` | {p.type} | {default} | {p.description} |")
            lines.append("")
        if query.columns:
            lines += ["| column | meaning |", "|---|---|"]
            lines += [f"| `{c}` | {meaning} |" for c, meaning in query.columns]
    if rules:
        lines += [
            "",
            "## Derivation rules",
            "",
            "Applied in this order into the graph `.../graph/derived`: a rule whose header says",
            "`#+ recursive: false` once, any other one again and again until it derives nothing new.",
            "",
        ]
        lines += ["| rule | file | what it derives | premises | applied |", "|---|---|---|---|---|"]
        for rule in rules:
            premises = rule.extra.get("premises", "")
            lines.append(
                f"| `{rule.name}` | `rules/{rule.path.name}` | {rule.summary} {rule.description} "
                f"| {premises} | {'to a fixpoint' if is_recursive(rule) else 'once'} |"
            )
    return "\n".join(lines) + "\n"


_TERMS = """
SELECT ?term ?kind ?label_en ?label_fr ?definition_en ?parent WHERE {
    ?term a ?kind .
    FILTER(STRSTARTS(STR(?term), "https://w3id.org/sovgraph/ontology#"))
    FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty))
    OPTIONAL { ?term rdfs:label ?label_en FILTER(LANG(?label_en) = "en") }
    OPTIONAL { ?term rdfs:label ?label_fr FILTER(LANG(?label_fr) = "fr") }
    OPTIONAL { ?term skos:definition ?definition_en FILTER(LANG(?definition_en) = "en") }
    OPTIONAL {
        ?term rdfs:subClassOf ?parent
        FILTER(STRSTARTS(STR(?parent), "https://w3id.org/sovgraph/ontology#"))
    }
} ORDER BY ?kind ?term
"""

_SCHEMES = """
SELECT ?scheme ?scheme_en ?concept ?label_en ?label_fr WHERE {
    ?scheme a skos:ConceptScheme ; skos:prefLabel ?scheme_en FILTER(LANG(?scheme_en) = "en")
    ?concept skos:inScheme ?scheme ; skos:prefLabel ?label_en , ?label_fr .
    FILTER(LANG(?label_en) = "en" && LANG(?label_fr) = "fr")
} ORDER BY ?scheme ?concept
"""


_EXAMPLES = """
SELECT ?term ?example WHERE {
    ?term skos:example ?example .
    FILTER(STRSTARTS(STR(?term), "https://w3id.org/sovgraph/ontology#"))
} ORDER BY ?term ?example
"""


def ontology_markdown(kg: KnowledgeGraph) -> str:
    """The ontology's classes, properties and controlled lists as Markdown tables (English and French), then
    each term's examples (``skos:example``, Turtle in the style of ``data/``)."""
    from sovgraph.namespaces import shorten

    sections: dict[str, list[str]] = {}
    for row in kg.select(_TERMS):
        kind = shorten(row["kind"].value)
        parent = f" (⊑ {shorten(row['parent'].value)})" if row["parent"] is not None else ""
        cells = [
            f"`{shorten(row['term'].value)}`{parent}",
            _text(row["label_en"]),
            _text(row["label_fr"]),
            _text(row["definition_en"]),
        ]
        sections.setdefault(kind, []).append("| " + " | ".join(cells) + " |")
    titles = {
        "owl:Class": "Classes",
        "owl:ObjectProperty": "Object properties",
        "owl:DatatypeProperty": "Data properties",
        "owl:AnnotationProperty": "Annotation properties",
    }
    lines = [
        "# The sovgraph ontology",
        "",
        "Generated from `ontology/sovgraph.ttl` and `ontology/kinds.ttl` by `make docs`; do not edit by",
        "hand. Every term also has a French definition in the ontology.",
    ]
    for kind, title in titles.items():
        if kind in sections:
            lines += ["", f"## {title}", "", "| term | label | libellé | definition |", "|---|---|---|---|"]
            lines += sorted(set(sections[kind]))
    lines += ["", "## Controlled lists (SKOS concept schemes)", ""]
    current = None
    for row in kg.select(_SCHEMES):
        if row["scheme"].value != current:
            current = row["scheme"].value
            lines += [
                "",
                f"### {row['scheme_en'].value} (`{shorten(current)}`)",
                "",
                "| concept | label | libellé |",
            ]
            lines.append("|---|---|---|")
        lines.append(
            f"| `{shorten(row['concept'].value)}` | {row['label_en'].value} | {row['label_fr'].value} |"
        )
    examples = [(shorten(r["term"].value), r["example"].value) for r in kg.select(_EXAMPLES)]
    if examples:
        lines += ["", "## Examples", "", "Where `sg:` is `https://w3id.org/sovgraph/id/`, as in `data/`."]
        for term, example in examples:
            lines += ["", f"### `{term}`", "", "```turtle", example.strip("\n"), "```"]
    return "\n".join(lines) + "\n"


def _text(term: object) -> str:
    value = getattr(term, "value", None)
    return str(value).replace("|", "\\|") if value is not None else ""


def api_markdown() -> str:
    """The reference of the public API (``docs/api.md``), from the docstrings of what ``sovgraph`` exports."""
    import importlib
    import inspect

    import sovgraph
    from sovgraph import errors

    lines = [
        "# Python API reference",
        "",
        "Generated from the docstrings by `make docs` (`python -m sovgraph.tools.docs`); do not edit by",
        "hand. The public API is what `sovgraph.__all__` lists; the layers below it are documented in their",
        "modules.",
        "",
        "## `import sovgraph`",
        "",
        _paragraph(sovgraph.__doc__),
        "",
    ]
    for name in ("load", "connect"):
        lines += _entry(f"sovgraph.{name}", getattr(sovgraph, name))
    lines += _entry("sovgraph.KnowledgeGraph", sovgraph.KnowledgeGraph)
    for name, member in _public(sovgraph.KnowledgeGraph):
        lines += _entry(f"KnowledgeGraph.{name}", member, level="-")
    lines += [
        "",
        "## Errors and exit codes",
        "",
        _paragraph(errors.__doc__),
        "",
        "| exception | is a | exit code | when |",
        "|---|---|---|---|",
    ]
    for name, cls in sorted(inspect.getmembers(errors, inspect.isclass)):
        if issubclass(cls, errors.SovgraphError):
            base = cls.__mro__[1].__name__
            lines.append(f"| `{name}` | `{base}` | {cls.exit_code} | {_first(cls.__doc__)} |")
    lines += ["", "## The verbs (sub-modules, imported on first use)", ""]
    for verb, target in sorted(sovgraph._VERBS.items()):
        module = importlib.import_module(target)
        lines += [f"### `sovgraph.{verb}` (`{target}`)", "", _paragraph(module.__doc__), ""]
        for name, member in _public(module):
            lines += _entry(f"{verb}.{name}", member, level="-")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _public(owner: object) -> list[tuple[str, object]]:
    """The public functions, classes and methods an object defines (its ``__all__`` if it has one)."""
    import inspect

    names = getattr(owner, "__all__", None)
    found = []
    for name, member in inspect.getmembers(owner):
        if name.startswith("_") or (names is not None and name not in names):
            continue
        if inspect.ismodule(owner):
            if not (inspect.isfunction(member) or inspect.isclass(member)):
                continue
            if names is None and getattr(member, "__module__", None) != owner.__name__:
                continue
        elif not (inspect.isfunction(member) or isinstance(member, property)):
            continue
        found.append((name, member))
    return found


def _entry(title: str, member: object, level: str = "###") -> list[str]:
    summary = _first(getattr(member, "__doc__", None))
    if level == "-":
        return [f"- `{title}{_signature(member)}`: {summary}"]
    return [f"{level} `{title}{_signature(member)}`", "", summary, ""]


def _signature(member: object) -> str:
    """Parameters and their defaults, without annotations (stable across Python versions)."""
    import inspect

    if isinstance(member, property) or not callable(member):
        return ""
    try:
        signature = inspect.signature(member)
    except (TypeError, ValueError):
        return "(...)"
    parts, star = [], False
    for param in signature.parameters.values():
        if param.name == "self":
            continue
        if param.kind is param.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        prefix = (
            "*" if param.kind is param.VAR_POSITIONAL else "**" if param.kind is param.VAR_KEYWORD else ""
        )
        star = star or param.kind is param.VAR_POSITIONAL
        default = param.default
        if default is param.empty:
            parts.append(prefix + param.name)
        else:
            shown = "..." if callable(default) else repr(default)
            parts.append(f"{param.name}={shown}")
    return f"({', '.join(parts)})"


def _first(doc: str | None) -> str:
    """The summary of a docstring: its first sentence-paragraph, on one line."""
    return " ".join(_paragraph(doc).split()).replace("|", "\\|")


def _paragraph(doc: str | None) -> str:
    import inspect

    return inspect.cleandoc(doc or "").split("\n\n")[0].strip()


def main() -> int:
    from sovgraph.files import write_atomic
    from sovgraph.graph import load
    from sovgraph.project import find_project
    from sovgraph.sparql.library import library, rules

    project = find_project()
    text = queries_markdown(
        library(project.queries_dir, project.root), rules(project.rules_dir, project.root)
    )
    write_atomic(project.queries_dir / "README.md", text.encode("utf-8"))
    print(f"wrote {project.queries_dir / 'README.md'}", file=sys.stderr)
    ontology = load(project.root, files=project.ontology_files(), derive=False)
    write_atomic(project.ontology_dir / "README.md", ontology_markdown(ontology).encode("utf-8"))
    print(f"wrote {project.ontology_dir / 'README.md'}", file=sys.stderr)
    api = project.root / "docs" / "api.md"
    write_atomic(api, api_markdown().encode("utf-8"))
    print(f"wrote {api}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
