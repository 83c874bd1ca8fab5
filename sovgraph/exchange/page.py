"""sovgraph's query page, served by the guard of ``sovgraph serve`` at its root URL (issue 15).

A SPARQL editor (YASGUI, bundled in ``sovgraph/exchange/static/``: nothing is fetched from elsewhere), with
sovgraph's prefixes preloaded, the library's queries as ready examples (their parameters as ``VALUES``
blocks to edit) and a results table that shows labels (fetched from the same endpoint), IRIs in tooltips.
"""

from __future__ import annotations

import json
import mimetypes
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sovgraph.exchange.guard import Page
    from sovgraph.graph import KnowledgeGraph

STATIC = "static"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def config(kg: KnowledgeGraph) -> dict[str, object]:
    """What the page needs: the prefixes, and each library query with its summary and parameters."""
    from sovgraph.namespaces import PREFIXES

    examples = []
    for name, spec in sorted(kg.library().items()):
        if name.startswith("checks/"):
            continue
        examples.append(
            {
                "name": name,
                "summary": spec.summary,
                "query": example_text(kg, name),
            }
        )
    return {"prefixes": dict(PREFIXES), "examples": examples}


def example_text(kg: KnowledgeGraph, name: str) -> str:
    """A library query that runs as it stands: the prefixes, its parameters explained in comments, and bound
    by a ``VALUES`` block at the start of its ``WHERE`` (as ``sparql.bind`` binds them), holding each one's
    default value or ``UNDEF`` (not given) to edit."""
    import pyoxigraph

    from sovgraph.namespaces import PREFIXES
    from sovgraph.sparql.bind import bind
    from sovgraph.sparql.params import coerce

    spec = kg.library()[name]
    header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    if not spec.params:
        return header + "\n" + spec.text
    unset = {p.name: pyoxigraph.Literal(f"sovgraph-undef-{p.name}") for p in spec.params}
    terms: dict[str, object] = {}
    for param in spec.params:
        try:
            terms[param.name] = (
                coerce(spec, param, param.default, None) if param.default else unset[param.name]
            )
        except Exception:  # a default that cannot be given as a term here: left for the reader to fill
            terms[param.name] = unset[param.name]
    text = bind(spec.text, terms)
    for term in unset.values():
        text = text.replace(str(term), "UNDEF")
    helps = "".join(f"# ?{p.name} ({p.signature()}): {p.description}\n" for p in spec.params)
    return f"{header}\n# {spec.summary}\n# Parameters, in the VALUES block (UNDEF: not given):\n{helps}{text}"


def query_page(kg: KnowledgeGraph) -> Page:
    """The guard's page server: ``/`` (the page), ``/sovgraph-config.json`` and ``/static/…``."""
    blob = json.dumps(config(kg), ensure_ascii=False).encode("utf-8")
    folder = resources.files("sovgraph.exchange").joinpath(STATIC)

    def page(path: str) -> tuple[int, str, bytes] | None:
        if path in ("/", "/index.html"):
            return 200, "text/html; charset=utf-8", folder.joinpath("query.html").read_bytes()
        if path == "/sovgraph-config.json":
            return 200, "application/json", blob
        if path.startswith("/static/"):
            name = path.removeprefix("/static/")
            if "/" in name or name.startswith(".") or not folder.joinpath(name).is_file():
                return 404, "text/plain; charset=utf-8", b"Not found.\n"
            media = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if media.startswith("text/") or media == "application/javascript":
                media += "; charset=utf-8"
            return 200, media, folder.joinpath(name).read_bytes()
        return None

    return page
