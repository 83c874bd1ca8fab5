"""Documentation generated from the sources of truth: the query list from the ``#+`` headers.

``python -m sovgraph.docs`` rewrites ``queries/README.md``; a test fails when it is stale.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from sovgraph.library import QueryFile


def queries_markdown(queries: Mapping[str, QueryFile], rules: Sequence[QueryFile] = ()) -> str:
    """The query library as Markdown: one section per query, its parameters and result columns."""
    lines = [
        "# Query library",
        "",
        "Generated from the `#+` headers of the `.rq` files by `make docs` (`python -m sovgraph.docs`);",
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
            "Applied in this order into the graph `.../graph/derived`;",
            "",
        ]
        lines += ["| rule | file | what it derives | premises |", "|---|---|---|---|"]
        for rule in rules:
            premises = rule.extra.get("premises", "")
            lines.append(
                f"| `{rule.name}` | `rules/{rule.path.name}` | {rule.summary} {rule.description} "
                f"| {premises} |"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    from sovgraph.files import write_atomic
    from sovgraph.library import library, rules
    from sovgraph.project import find_project

    project = find_project()
    text = queries_markdown(
        library(project.queries_dir, project.root), rules(project.queries_dir / "rules", project.root)
    )
    write_atomic(project.queries_dir / "README.md", text.encode("utf-8"))
    print(f"wrote {project.queries_dir / 'README.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
