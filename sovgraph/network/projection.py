"""Network views: the graph as a networkx ``MultiDiGraph``, projected by the edge lists of ``queries/views/``.

A view is a documented SELECT query (same ``#+`` header as the query library) that returns one row per edge:
``?source ?target ?kind`` (two IRIs and the term that names the edge), and optionally ``?qualifier`` (a short
text shown with the edge, e.g. the reach criterion), ``?relation`` (the relation node collapsed into the
edge), ``?evidence`` (the node whose sources support an edge that has no relation node), ``?start`` ``?end``
(from ``sov:inForceFrom`` / ``sov:inForceUntil``) and ``?confidence``. Any other column is kept as an edge
attribute. Every view takes ``as_of``; adding a view is adding a file, with no new Python.

Nodes are the entities (id: the IRI) with ``label`` (a short display name in the chosen language, falling
back to the other), ``name`` (the full label), ``label_fr``, ``label_en``, ``cls`` (the most specific class,
short), ``cls_label`` and ``classes`` (every ``sov:`` class of the node, superclasses included). Edges carry
``kind``, ``label`` (the kind's label), ``qualifier``, ``relation``, ``start``, ``end``, ``confidence``,
``sources`` (URLs or citations), ``derived`` (the relation node was derived by a rule) and ``view``.

>>> import sovgraph
>>> graph = project_view(sovgraph.load(), "dependencies", as_of="2024-06-01")
>>> graph.nodes["https://w3id.org/sovgraph/id/microsoft-corporation"]["label"]
'Microsoft Corporation'
>>> sorted({a["kind"] for _, _, a in graph.edges("https://w3id.org/sovgraph/id/emc2", data=True)})[:3]
['sov:Exposure', 'sov:authorisedBy', 'sov:location']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sovgraph.errors import QueryError
from sovgraph.namespaces import SOV, shorten
from sovgraph.sparql.bind import bind_values
from sovgraph.sparql.library import QueryFile, read_query
from sovgraph.sparql.params import day

if TYPE_CHECKING:
    import networkx as nx

    from sovgraph.graph import KnowledgeGraph
    from sovgraph.project import Project

__all__ = ["COLUMNS", "day", "display", "project_view", "view_names", "views"]

COLUMNS = ("source", "target", "kind", "qualifier", "relation", "evidence", "start", "end", "confidence")
"""The columns of a view that the projection interprets; any other column becomes an edge attribute."""

LANGS = ("en", "fr")
SHORT, LONG, MIN = 24, 40, 3  # names up to SHORT characters are shown whole, else shortened to LONG at most
_CHUNK = 500


def views(project: Project) -> dict[str, QueryFile]:
    """The views of ``queries/views/`` by name (file name without ``.rq``), each checked for its header."""
    folder = project.queries_dir / "views"
    found = {}
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        query = read_query(path, path.stem, path.relative_to(project.root).as_posix())
        columns = {name for name, _ in query.columns}
        missing = [c for c in ("source", "target", "kind") if c not in columns]
        if missing:
            raise QueryError(
                f"{path.relative_to(project.root).as_posix()}: a view documents at least the columns source, "
                f"target and kind ('#+ column NAME: meaning'); missing: {', '.join(missing)}."
            )
        if query.param("as_of") is None:
            raise QueryError(
                f"{path.relative_to(project.root).as_posix()}: a view must take '#+ param as_of (date, "
                "default today)' and keep only the edges in force that day."
            )
        found[path.stem] = query
    return found


def view_names(kg: KnowledgeGraph) -> list[str]:
    """The names of the project's views, sorted."""
    return sorted(views(kg.project))


def project_view(
    kg: KnowledgeGraph,
    view: str | Sequence[str] | None = None,
    *,
    as_of: object = None,
    lang: str = "en",
    params: Mapping[str, object] | None = None,
) -> nx.MultiDiGraph:
    """The graph as a ``MultiDiGraph`` through one view, several (their union) or, with ``None``, all of them.

    ``as_of`` (default today) is given to every view; ``params`` are given to the views that declare them.
    Raises :class:`~sovgraph.errors.QueryError` for an unknown view or parameter, or a row that is not an edge
    between two IRIs.
    """
    import networkx as nx

    chosen = _chosen(kg, view)
    when = day(as_of)
    extra = dict(params or {})
    unknown = sorted(n for n in extra if not any(q.param(n) for q in chosen.values()))
    if unknown:
        raise QueryError(f"views {', '.join(chosen)}: no view takes the parameter {', '.join(unknown)}.")
    rows: list[tuple[str, dict[str, Any]]] = []
    for name, query in chosen.items():
        given = {k: v for k, v in extra.items() if query.param(k) is not None}
        rows += [(name, row) for row in _rows(kg, query, {**given, "as_of": when})]
    graph = nx.MultiDiGraph(views=", ".join(chosen), as_of=when, lang=lang)
    nodes = sorted({row[c].value for _, row in rows for c in ("source", "target")})
    for node, attrs in _nodes(kg, nodes, lang).items():
        graph.add_node(node, **attrs)
    evidence = {_evidence(row) for _, row in rows} - {None}
    sources = _sources(kg, sorted(e for e in evidence if e))
    derived = _derived(kg, sorted({row["relation"].value for _, row in rows if row.get("relation")}))
    labels = _term_labels(kg, rows, lang)
    for name, row in rows:
        source, target = row["source"].value, row["target"].value
        key, attrs = _edge(name, row, labels, sources, derived)
        graph.add_edge(source, target, key=key, **attrs)
    return graph


# --- rows ---------------------------------------------------------------------------------------------------


def _chosen(kg: KnowledgeGraph, view: str | Sequence[str] | None) -> dict[str, QueryFile]:
    available = views(kg.project)
    names = sorted(available) if view is None else [view] if isinstance(view, str) else list(view)
    missing = [n for n in names if n not in available]
    if missing or not names:
        raise QueryError(
            f"no view named {', '.join(missing) or '(none given)'}; the views of queries/views/ are: "
            f"{', '.join(sorted(available)) or 'none'}."
        )
    return {n: available[n] for n in dict.fromkeys(names)}


def _rows(kg: KnowledgeGraph, query: QueryFile, params: Mapping[str, object]) -> list[dict[str, Any]]:
    """The view's rows as ``{column: term}`` (unbound columns left out), each checked to be an edge."""
    import pyoxigraph

    from sovgraph.sparql.params import bindings

    where = f"queries/views/{query.path.name}"
    solutions = kg.query(query.text, bindings(query, params))
    if not isinstance(solutions, pyoxigraph.QuerySolutions):
        raise QueryError(f"view {query.name} ({where}): a view must be a SELECT query.")
    columns = [v.value for v in solutions.variables]
    missing = [c for c in ("source", "target", "kind") if c not in columns]
    if missing:
        raise QueryError(f"view {query.name} ({where}): the query selects no ?{', ?'.join(missing)}.")
    rows = []
    for number, solution in enumerate(solutions, start=1):
        row = {c: solution[c] for c in columns if solution[c] is not None}
        for column in ("source", "target"):
            if not isinstance(row.get(column), pyoxigraph.NamedNode):
                raise QueryError(
                    f"view {query.name}: row {number}: ?{column} is {row.get(column)!r}, not an IRI; every "
                    "row of a view is an edge between two entities."
                )
        if "kind" not in row:
            raise QueryError(f"view {query.name}: row {number}: ?kind is unbound; every edge needs a kind.")
        rows.append(row)
    return rows


def _evidence(row: Mapping[str, Any]) -> str | None:
    node = row.get("evidence") or row.get("relation")
    return None if node is None else str(node.value)


def _edge(
    view: str,
    row: Mapping[str, Any],
    labels: Mapping[str, str],
    sources: Mapping[str, list[str]],
    derived: set[str],
) -> tuple[str, dict[str, Any]]:
    """The key and attributes of one edge."""

    def text(column: str) -> str | None:
        term = row.get(column)
        if term is None:
            return None
        return labels.get(term.value) or (shorten(term.value) if _is_iri(term) else str(term.value))

    kind = row["kind"]
    relation = row.get("relation")
    attrs: dict[str, Any] = {
        "kind": shorten(kind.value) if _is_iri(kind) else str(kind.value),
        "label": text("kind"),
        "qualifier": text("qualifier"),
        "relation": None if relation is None else relation.value,
        "start": None if "start" not in row else str(row["start"].value),
        "end": None if "end" not in row else str(row["end"].value),
        "confidence": text("confidence"),
        "sources": sources.get(_evidence(row) or "", []),
        "derived": relation is not None and relation.value in derived,
        "view": view,
    }
    for column in sorted(set(row) - set(COLUMNS)):
        attrs[column] = text(column)
    identity = ["relation", "evidence", "qualifier", *sorted(set(row) - set(COLUMNS))]
    parts = [view, attrs["kind"], *(shorten(str(row[c].value)) for c in identity if c in row)]
    return "|".join(parts), attrs


def _is_iri(term: Any) -> bool:
    import pyoxigraph

    return isinstance(term, pyoxigraph.NamedNode)


# --- what the projection looks up -------------------------------------------------------------------------

_NODE_LABELS = """
SELECT ?node ?property ?label WHERE {
    ?node ?property ?label .
    FILTER(?property IN (rdfs:label, skos:prefLabel, skos:altLabel) && isLITERAL(?label))
}"""
_NODE_CLASSES = "SELECT ?node ?cls WHERE { ?node a ?cls . FILTER(isIRI(?cls)) }"
_SUPERCLASSES = (
    "SELECT ?cls ?super WHERE { ?cls rdfs:subClassOf+ ?super . FILTER(isIRI(?cls) && isIRI(?super)) }"
)
# One path, not a UNION of the node's own sources and its premises': the ?node VALUES block would not
# reach the UNION's branches, and every chunk would read the sources of the whole graph.
_SOURCES = """
SELECT DISTINCT ?node ?text WHERE {
    ?node prov:wasDerivedFrom*/dcterms:source ?source .
    OPTIONAL { ?source schema:url ?url }
    OPTIONAL { ?source dcterms:bibliographicCitation ?citation }
    BIND(COALESCE(STR(?url), STR(?citation), STR(?source)) AS ?text)
}"""
_DERIVED = "SELECT ?node WHERE { ?node a sov:Derived }"


def _chunked(kg: KnowledgeGraph, query: str, iris: Sequence[str]) -> Iterable[Any]:
    """Solutions of ``query`` with ``?node`` bound to each IRI in turn (as terms, a few hundred at a time)."""
    import pyoxigraph

    for start in range(0, len(iris), _CHUNK):
        terms = [pyoxigraph.NamedNode(iri) for iri in iris[start : start + _CHUNK]]
        yield from kg.select(bind_values(query, "node", terms))


def _nodes(kg: KnowledgeGraph, iris: Sequence[str], lang: str) -> dict[str, dict[str, Any]]:
    """Labels (both languages, display and full) and classes of each node."""
    from sovgraph.sparql.queries import label_terms

    names: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in _chunked(kg, _NODE_LABELS, iris):
        kind = "alt" if row["property"].value.endswith("altLabel") else "name"
        names[row["node"].value][f"{kind}@{row['label'].language or ''}"].append(str(row["label"].value))
    classes: dict[str, set[str]] = defaultdict(set)
    for row in _chunked(kg, _NODE_CLASSES, iris):
        classes[row["node"].value].add(row["cls"].value)
    supers: dict[str, set[str]] = defaultdict(set)
    for row in kg.select(_SUPERCLASSES):
        supers[row["cls"].value].add(row["super"].value)
    import pyoxigraph

    every_class = sorted({c for found in classes.values() for c in found})
    class_labels = label_terms(kg, (pyoxigraph.NamedNode(c) for c in every_class), lang)
    nodes = {}
    for iri in iris:
        cls = _most_specific(classes.get(iri, set()), supers)
        closure = set(classes.get(iri, set())).union(*(supers[c] for c in classes.get(iri, set())))
        nodes[iri] = {
            **_labels(iri, names.get(iri, {}), lang),
            "cls": shorten(cls) if cls else "",
            "cls_label": class_labels.get(cls, shorten(cls)) if cls else "",
            "classes": sorted(shorten(c) for c in closure if c.startswith(SOV)),
        }
    return nodes


def _most_specific(classes: set[str], supers: Mapping[str, set[str]]) -> str:
    """The node's class with the most superclasses, preferring the vocabulary's own; ties by IRI."""
    if not classes:
        return ""
    return min(classes, key=lambda c: (not c.startswith(SOV), -len(supers.get(c, ())), c))


def _labels(iri: str, found: Mapping[str, list[str]], lang: str) -> dict[str, str]:
    """``label`` (display), ``name`` (full), ``label_fr`` and ``label_en`` of one node."""
    other = next((code for code in LANGS if code != lang), "en")
    full = {code: sorted(found.get(f"name@{code}", [])) for code in LANGS}
    for code in (lang, other, ""):
        names = sorted(found.get(f"name@{code}", []))
        if names:
            name, alts = names[0], sorted(found.get(f"alt@{code}", []))
            break
    else:
        name, alts = shorten(iri), []
    return {
        "label": display(name, alts),
        "name": name,
        "label_fr": full["fr"][0] if full["fr"] else "",
        "label_en": full["en"][0] if full["en"] else "",
    }


def display(name: str, alternatives: Sequence[str] = ()) -> str:
    """A name short enough for a node: the name, its shortest alternative label, or the name cut at a word.

    Alternatives of fewer than three characters (``US``) are not used.

    >>> display("General Data Protection Regulation (GDPR)", ["GDPR"])
    'GDPR'
    >>> display("Microsoft Corporation", ["Microsoft"])
    'Microsoft Corporation'
    """
    if len(name) <= SHORT:
        return name
    shorter = [a for a in alternatives if MIN <= len(a) < len(name) and len(a) <= LONG]
    if shorter:
        return min(shorter, key=len)  # the first of the shortest: callers pass them sorted
    if len(name) <= LONG:
        return name
    return name[: LONG - 1].rsplit(" ", 1)[0].rstrip(" ,;:(") + "…"


def _sources(kg: KnowledgeGraph, iris: Sequence[str]) -> dict[str, list[str]]:
    """The sources (URL, else citation, else IRI) of each node and, for a derived node, of its premises."""
    found: dict[str, set[str]] = defaultdict(set)
    for row in _chunked(kg, _SOURCES, iris):
        found[row["node"].value].add(str(row["text"].value))
    return {iri: sorted(texts) for iri, texts in found.items()}


def _derived(kg: KnowledgeGraph, iris: Sequence[str]) -> set[str]:
    return {row["node"].value for row in _chunked(kg, _DERIVED, iris)}


def _term_labels(
    kg: KnowledgeGraph, rows: Sequence[tuple[str, Mapping[str, Any]]], lang: str
) -> dict[str, str]:
    """Labels in ``lang`` of the IRIs an edge shows as text (kind, qualifier, confidence, other columns)."""
    from sovgraph.sparql.queries import label_terms

    shown = {
        term
        for _, row in rows
        for column, term in row.items()
        if column not in ("source", "target", "relation", "evidence", "start", "end") and _is_iri(term)
    }
    return label_terms(kg, shown, lang)
