"""Documentation generated from the sources of truth: the query list from the ``#+`` headers.

``python -m sovgraph.tools.docs`` rewrites ``queries/README.md``; a test fails when it is stale.
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
        "| query | what it answers |",
        "|---|---|",
    ]
    lines += [f"| [`{name}`](#{name.replace('/', '')}) | {q.summary} |" for name, q in queries.items()]
    for name, query in queries.items():
        lines += ["", f"## {name}", "", f"`{query.path.name}` — {query.summary}", ""]
        if query.description:
            lines += [query.description, ""]
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


def ontology_markdown(kg: KnowledgeGraph) -> str:
    """The ontology's classes, properties and controlled lists as Markdown tables (English and French)."""
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
    return "\n".join(lines) + "\n"


def _text(term: object) -> str:
    value = getattr(term, "value", None)
    return str(value).replace("|", "\\|") if value is not None else ""


def main() -> int:
    from sovgraph.files import write_atomic
    from sovgraph.graph import load
    from sovgraph.project import find_project
    from sovgraph.sparql.library import library, rules

    project = find_project()
    text = queries_markdown(
        library(project.queries_dir, project.root), rules(project.queries_dir / "rules", project.root)
    )
    write_atomic(project.queries_dir / "README.md", text.encode("utf-8"))
    print(f"wrote {project.queries_dir / 'README.md'}", file=sys.stderr)
    ontology = load(project.root, files=project.ontology_files(), derive=False)
    write_atomic(project.ontology_dir / "README.md", ontology_markdown(ontology).encode("utf-8"))
    print(f"wrote {project.ontology_dir / 'README.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
