"""Build the site: the conductor that reads the graph once and writes every page and file.

``build_site(kg, "public")`` writes, for every entity of the curated graph (see
:mod:`sovgraph.publish.catalogue`), ``id/NAME.en.html``, ``id/NAME.fr.html``, ``id/NAME.ttl`` and
``id/NAME.jsonld``; for every concept of a controlled list, ``kind/NAME.{en,fr}.html``, ``.ttl`` and
``.jsonld``, and their index ``concepts.{en,fr}.html``; index pages per class (``class/``), the decisions
timeline, the who-hosts-what table, a page per network view (``network/``), the search pages and
``search-index.json``, the ontology reference in both languages, the dumps (``dumps/``), the dataset
description (``void.ttl``) and the JSON-LD context.
Every page works from the file system and any static host: nothing is fetched from elsewhere. Given the
address of a ``sovgraph serve`` query page, the pages link to it (plain links: the site works without it).

The output folder must be new, empty, or a site this function built before (it holds ``.sovgraph-site``):
a folder with anything else in it is refused, so no one's files are overwritten by mistake.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph._version import __version__
from sovgraph.errors import OutputError
from sovgraph.namespaces import BASE, SOV
from sovgraph.publish.addresses import class_page, page_of, relative
from sovgraph.publish.words import LANGS, WORDS

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph
    from sovgraph.publish.catalogue import Catalogue
    from sovgraph.publish.pages import Site

MARKER = ".sovgraph-site"
STATIC = ("site.css", "search.js", "network.js", "view-links.js")


@dataclass(frozen=True)
class SiteReport:
    """What a build wrote."""

    folder: Path
    entities: int
    pages: int
    files: int
    seconds: float

    def line(self) -> str:
        return (
            f"wrote {self.folder}: {self.entities} entities, {self.pages} pages, {self.files} files "
            f"in {self.seconds:.1f} s"
        )


def build_site(
    kg: KnowledgeGraph,
    out_dir: Path | str,
    *,
    as_of: object = None,
    networks: bool = True,
    base_url: str = BASE,
    query_page: str | None = None,
) -> SiteReport:
    """Write the static site of ``kg`` into ``out_dir`` (see the module documentation).

    ``as_of`` (default today) is the day whose relations count as in force; ``networks=False`` leaves out
    the network drawings (faster); ``base_url`` is where the site will be served, for the dataset
    description's download links (default: the w3id.org address); ``query_page`` is the address of the
    query page of a ``sovgraph serve`` (see :func:`query_page_url`): every page then links to it, and each
    entity page opens it with a ready query about the entity (default: no link).
    """
    from sovgraph.progress import steps
    from sovgraph.publish.catalogue import read
    from sovgraph.publish.pages import Site
    from sovgraph.sparql.params import day

    started = time.perf_counter()
    query_page = None if query_page is None else query_page_url(query_page)
    folder = _prepare(Path(out_dir))
    when = day(as_of)
    built = dt.date.today().isoformat()
    catalogue = read(kg, when)
    site = Site(kg, catalogue, __version__, built, query_page=query_page)
    writer = _Writer(folder)
    _static(writer, networks)
    graphs = _projections(kg, when) if networks else {}
    pages = set(catalogue.entities)
    for iri in steps(catalogue.entities, "site: entity pages", unit="entity"):
        for lang in LANGS:
            network = None
            if lang in graphs and not catalogue.is_relation(iri) and not catalogue.is_source(iri):
                from sovgraph.publish.networks import entity_network

                network = entity_network(graphs[lang], iri, page_of(iri, lang), pages, lang)
            writer.page(page_of(iri, lang), site.entity_page(iri, lang, network))
    _concepts(writer, site, catalogue)
    _linked_data(writer, kg, catalogue, built, base_url)
    _indexes(writer, site, catalogue)
    _tables(writer, site)
    _search(writer, site, catalogue)
    _ontology(writer, kg, site)
    views = _views(writer, kg, site, when) if networks else []
    _home(writer, site, catalogue, views)
    (folder / MARKER).write_text("built by sovgraph publish\n", encoding="utf-8")
    return SiteReport(
        folder, len(catalogue.entities), writer.pages, writer.files, time.perf_counter() - started
    )


def query_page_url(text: str) -> str:
    """The address of a query page the site may link to: ``http(s)://host[:port]/path``, nothing else.

    >>> query_page_url("http://127.0.0.1:7878/")
    'http://127.0.0.1:7878/'
    >>> try:
    ...     query_page_url("javascript:alert(1)")
    ... except Exception as error:
    ...     print(type(error).__name__)
    InputError
    """
    from urllib.parse import urlsplit

    from sovgraph.errors import InputError

    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if (
        parts is None
        or not port_ok
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or any(c.isspace() or c in "<>\"'`" or ord(c) < 32 for c in text)
    ):
        raise InputError(
            f"the query page {text!r} (--query-page) is not an http:// or https:// address with a host and "
            "no query or fragment (nor user name, spaces or quotes); give the address of the query page of a "
            "running 'sovgraph serve', e.g. http://127.0.0.1:7878/. The site was not written."
        )
    return text


class _Writer:
    """Writes the files of the site and counts them."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.pages, self.files = folder, 0, 0

    def write(self, path: str, data: bytes) -> None:
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.files += 1

    def page(self, path: str, html: str) -> None:
        self.write(path, html.encode("utf-8"))
        self.pages += 1


def _prepare(folder: Path) -> Path:
    """The output folder, emptied if it is a former site; refused if it holds anything else."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: not a folder; give a new or empty folder for the site.")
    if folder.is_dir() and any(folder.iterdir()):
        if not (folder / MARKER).is_file():
            raise OutputError(
                f"{folder}: the folder is not empty and holds no site built by sovgraph ({MARKER}); give a "
                "new or empty folder, so that nothing of yours is overwritten."
            )
        shutil.rmtree(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the site folder: {exc.strerror or exc}.") from None
    return folder


def _static(writer: _Writer, networks: bool) -> None:
    files = resources.files("sovgraph.publish") / "static"
    for name in STATIC:
        writer.write(f"static/{name}", (files / name).read_bytes())
    if networks:
        from sovgraph.publish.networks import vis_assets

        for name, data in vis_assets().items():
            writer.write(f"static/{name}", data)


def _projections(kg: KnowledgeGraph, when: str) -> dict[str, Any]:
    from sovgraph.publish.networks import projections

    return projections(kg, when, LANGS)


def _concepts(writer: _Writer, site: Site, catalogue: Catalogue) -> None:
    """A page per concept of a controlled list that the graph uses, its data beside it, and their index."""
    from sovgraph.publish.addresses import concept_base, concept_page
    from sovgraph.publish.linked_data import jsonld, turtle
    from sovgraph.publish.pages import Value

    for iri, triples in catalogue.concepts.items():
        for lang in LANGS:
            writer.page(concept_page(iri, lang), site.concept_page(iri, lang))
        writer.write(f"{concept_base(iri)}.ttl", turtle(triples))
        writer.write(f"{concept_base(iri)}.jsonld", jsonld(triples))
    for lang in LANGS:
        path = f"concepts.{lang}.html"
        items = sorted(
            (
                (
                    Value(catalogue.label(iri, lang), relative(path, concept_page(iri, lang))),
                    ", ".join(catalogue.label(s.value, lang) for s in catalogue.scheme_of(iri)),
                )
                for iri in catalogue.concepts
            ),
            key=lambda item: (item[1].casefold(), item[0].text.casefold()),
        )
        context = site.common(path, lang, WORDS[lang]["concepts"])
        context.update(items=items, intro=WORDS[lang]["concepts_intro"], note="")
        writer.page(path, site.render("list.html.j2", **context))


def _linked_data(
    writer: _Writer, kg: KnowledgeGraph, catalogue: Catalogue, built: str, base_url: str
) -> None:
    import pyoxigraph

    from sovgraph.exchange.export import serialize
    from sovgraph.formats import serialize as serialize_items
    from sovgraph.publish.linked_data import NAMESPACES, context, description, jsonld, partition, turtle

    parts = partition(catalogue)
    for base, triples in parts.items():
        writer.write(f"{base}.ttl", turtle(triples))
        writer.write(f"{base}.jsonld", jsonld(triples))
    writer.write("context.jsonld", (json.dumps(context(), indent=1) + "\n").encode("utf-8"))
    for extension in ("trig", "nq", "jsonld"):
        writer.write(f"dumps/sovgraph.{extension}", serialize(kg, extension))
    count = sum(len(t) for t in parts.values())
    about = description(catalogue, __version__, built, base_url, count)
    writer.write("void.ttl", serialize_items(about, pyoxigraph.RdfFormat.TURTLE, prefixes=NAMESPACES))


def _indexes(writer: _Writer, site: Site, catalogue: Catalogue) -> None:
    """One page per class with instances (superclasses gather their subclasses' instances)."""
    members: dict[str, list[str]] = defaultdict(list)
    for iri in catalogue.entities:
        for cls in catalogue.closure(iri):
            if cls.startswith(SOV):
                members[cls].append(iri)
    site.classes = {cls: len(found) for cls, found in members.items()}  # type: ignore[attr-defined]
    for cls, found in members.items():
        for lang in LANGS:
            path = class_page(cls, lang)
            items = sorted(
                (
                    (site.value(path, _node(iri), lang), _other_class(catalogue, iri, cls, lang))
                    for iri in found
                ),
                key=lambda item: item[0].text.casefold(),
            )
            title = catalogue.label(cls, lang)
            context = site.common(path, lang, title)
            context.update(items=items, intro=WORDS[lang]["class_index"], note="")
            writer.page(path, site.render("list.html.j2", **context))


def _other_class(catalogue: Catalogue, iri: str, cls: str, lang: str) -> str:
    main = catalogue.main_class(iri)
    return catalogue.label(main, lang) if main and main != cls else ""


def _node(iri: str) -> Any:
    import pyoxigraph

    return pyoxigraph.NamedNode(iri)


def _tables(writer: _Writer, site: Site) -> None:
    """The decisions timeline and the who-hosts-what table, from the library, as of the site's day."""
    from sovgraph.publish.pages import Notes

    for name, key, query in (
        ("timeline", "timeline", "decisions"),
        ("who-hosts-what", "who_hosts_what", "who-hosts-what"),
    ):
        if query not in site.library:
            continue
        for lang in LANGS:
            path = f"{name}.{lang}.html"
            notes = Notes(site, path, lang)
            result = site.kg.run(query, lang=lang, as_of=site.catalogue.as_of)
            context = site.common(path, lang, WORDS[lang][key])
            context.update(
                result=site.table(result, path, lang, notes) if result.rows else None,
                intro=site.library[query].summary if lang == "en" else "",  # headers are in English
                note=WORDS[lang]["as_of_note"].format(day=site.catalogue.as_of),
            )
            context["footnotes"] = notes.footnotes()
            writer.page(path, site.render("list.html.j2", **context))


def _search(writer: _Writer, site: Site, catalogue: Catalogue) -> None:
    from sovgraph.publish.pages import _json_block
    from sovgraph.publish.search_index import index

    data = index(catalogue)
    writer.write("search-index.json", (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8"))
    for lang in LANGS:
        path = f"search.{lang}.html"
        context = site.common(path, lang, WORDS[lang]["search"])
        context["index"] = _json_block(data)
        writer.page(path, site.render("search.html.j2", **context))


def _ontology(writer: _Writer, kg: KnowledgeGraph, site: Site) -> None:
    import pyoxigraph

    from sovgraph.formats import serialize
    from sovgraph.namespaces import PREFIXES
    from sovgraph.publish.vocabulary import reference

    for lang in LANGS:
        path = f"ontology.{lang}.html"
        context = site.common(path, lang, WORDS[lang]["ontology"])
        context.update(reference(kg, site, lang, path))
        writer.page(path, site.render("ontology.html.j2", **context))
    graphs = [pyoxigraph.NamedNode(f.graph) for f in kg.files if f.path.resolve() in _ontology_files(kg)]
    triples = [
        pyoxigraph.Triple(q.subject, q.predicate, q.object)
        for graph in graphs
        for q in kg.store.quads_for_pattern(None, None, None, graph)
    ]
    writer.write("ontology.ttl", serialize(triples, pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES))


def _ontology_files(kg: KnowledgeGraph) -> set[Path]:
    return {p.resolve() for p in kg.project.ontology_files()}


def _views(writer: _Writer, kg: KnowledgeGraph, site: Site, when: str) -> list[tuple[str, str]]:
    from sovgraph.network.projection import view_names
    from sovgraph.publish.networks import view_page

    names = view_names(kg)
    for name in names:
        for lang in LANGS:
            path = f"network/{name}.{lang}.html"
            writer.page(path, view_page(kg, name, when, lang, path, site.pages))
    return [(name, f"network/{name}") for name in names]


def _home(writer: _Writer, site: Site, catalogue: Catalogue, views: list[tuple[str, str]]) -> None:
    from sovgraph.publish.pages import Value

    counts: dict[str, int] = getattr(site, "classes", {})
    for lang in LANGS:
        path = f"index.{lang}.html"
        classes = sorted(
            (
                (Value(catalogue.label(c, lang), relative(path, class_page(c, lang))), n)
                for c, n in counts.items()
            ),
            key=lambda item: item[0].text.casefold(),
        )
        context = site.common(path, lang, WORDS[lang]["home"])
        context.update(
            classes=classes,
            views=[Value(name, f"{base}.{lang}.html") for name, base in views],
            dumps=[(f"dumps/sovgraph.{e}", e) for e in ("trig", "nq", "jsonld")],
        )
        html = site.render("home.html.j2", **context)
        writer.page(path, html)
        if lang == "en":
            writer.page(
                "index.html", html.replace('href="index.fr.html" hreflang', 'href="index.fr.html" hreflang')
            )
