"""The static site (sovgraph.publish): its files, its links, its linked data, and hostile data kept inert.

The site of the shipped graph is built once (as of a fixed day) and shared with tests/test_site_browser.py
through :func:`built_site`.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
import rdflib.compare

import sovgraph
from sovgraph.cli import main
from sovgraph.errors import InputError, OutputError
from sovgraph.publish import build_site
from sovgraph.publish.addresses import base_of, concept_base, concept_page, page_of
from sovgraph.publish.catalogue import read
from sovgraph.publish.site import query_page_url

SG = "https://w3id.org/sovgraph/id/"
KIND = "https://w3id.org/sovgraph/kind/"
AS_OF = "2025-01-01"
QUERY_PAGE = "http://127.0.0.1:7878/"
"""The shipped site links to a query page (no server runs there in the tests); the hostile one does not."""
_BUILT: dict[str, Path] = {}


def built_site(kg: sovgraph.KnowledgeGraph, factory: pytest.TempPathFactory) -> Path:
    """The site of the shipped graph, built once per test session."""
    if "shipped" not in _BUILT:
        folder = factory.mktemp("site") / "public"
        build_site(kg, folder, as_of=AS_OF, query_page=QUERY_PAGE)
        _BUILT["shipped"] = folder
    return _BUILT["shipped"]


def hostile_kg(root: Path, fixtures: Path) -> sovgraph.KnowledgeGraph:
    files = [
        *sorted((root / "ontology").glob("*.ttl")),
        fixtures / "network" / "hostile.ttl",
        fixtures / "site" / "hostile-sources.ttl",
    ]
    return sovgraph.load(root, files=files)


def hostile_site(root: Path, fixtures: Path, factory: pytest.TempPathFactory) -> Path:
    if "hostile" not in _BUILT:
        folder = factory.mktemp("hostile-site") / "public"
        build_site(hostile_kg(root, fixtures), folder, as_of=AS_OF)
        _BUILT["hostile"] = folder
    return _BUILT["hostile"]


@pytest.fixture(scope="module")
def site(kg: sovgraph.KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(kg, tmp_path_factory)


class Links(HTMLParser):
    """Every tag with its attributes, and inline scripts' types."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: Path) -> list[tuple[str, dict[str, str | None]]]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser.tags


def curated(kg: sovgraph.KnowledgeGraph) -> set[pyoxigraph.Triple]:
    ontology = {p.resolve() for p in kg.project.ontology_files()}
    return {
        pyoxigraph.Triple(q.subject, q.predicate, q.object)
        for f in kg.files
        if f.path.resolve() not in ontology
        for q in kg.store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(f.graph))
    }


def triples(path: Path) -> set[pyoxigraph.Triple]:
    return {pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in pyoxigraph.parse(path=str(path))}


# --- the files -------------------------------------------------------------------------------------------


def test_every_entity_has_its_pages_and_data(kg: sovgraph.KnowledgeGraph, site: Path) -> None:
    catalogue = read(kg, AS_OF)
    assert len(catalogue.entities) > 300
    for iri in catalogue.entities:
        for lang in ("en", "fr"):
            assert (site / page_of(iri, lang)).is_file(), iri
        for extension in ("ttl", "jsonld"):
            assert (site / f"{base_of(iri)}.{extension}").is_file(), iri
    for name in ("index.html", "index.fr.html", "search.en.html", "search-index.json", "void.ttl"):
        assert (site / name).is_file(), name
    for name in ("timeline", "who-hosts-what", "ontology", "network/dependencies", "class/Platform"):
        assert (site / f"{name}.en.html").is_file() and (site / f"{name}.fr.html").is_file(), name
    for extension in ("trig", "nq", "jsonld"):
        assert (site / "dumps" / f"sovgraph.{extension}").stat().st_size > 10_000


def test_every_local_link_resolves_and_nothing_is_loaded_from_elsewhere(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 700
    for page in pages:
        found = tags(page)
        metas = [a for t, a in found if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert len(metas) == 1 and "default-src 'none'" in str(metas[0]["content"]), page
        for tag, attrs in found:
            for name in ("src", "href"):
                url = attrs.get(name)
                if url is None:
                    continue
                if re.match(r"(?i)https?:", url):
                    assert tag == "a", (page, tag, url)  # a link to follow, never a resource to load
                    continue
                assert not re.match(r"(?i)[a-z][a-z0-9+.-]*:|//", url), (page, url)
                target = url.split("#")[0]
                if target:
                    assert (page.parent / target).resolve().is_file(), (page, url)
            if tag == "script" and "src" not in attrs and "network/" not in page.as_posix():
                assert attrs.get("type") == "application/json", page  # no inline code on site pages


def test_the_entity_page_has_relations_dates_confidence_and_numbered_sources(site: Path) -> None:
    page = (site / "id" / "emc2.en.html").read_text(encoding="utf-8")
    assert "<h1>EMC2, multi-centre health-data warehouse</h1>" in page
    assert '<a href="microsoft-azure.en.html">Microsoft Azure</a>' in page
    assert 'class="badge confidence-verified-in-source"' in page
    assert "<time>2023-12-21</time>" in page
    assert 'href="https://www.legifrance.gouv.fr/cnil/id/CNILTEXT000049057224"' in page
    numbers = [int(n) for n in re.findall(r'<li id="source-(\d+)"', page)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 10
    for n in set(re.findall(r'href="#source-(\d+)"', page)):
        assert int(n) in numbers
    assert 'hreflang="fr" lang="fr">Version française</a>' in page
    assert '<link rel="alternate" type="text/turtle" href="emc2.ttl">' in page
    french = (site / "id" / "emc2.fr.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in french and "EMC2, entrepôt multicentrique de données de santé" in french


@pytest.mark.parametrize(
    ("entity", "queries"),
    [
        ("emc2", {"who-hosts-what", "chain", "exposure", "decisions"}),
        ("cloud-act", {"exposure"}),
        ("microsoft-corporation", {"chain", "ownership"}),
        ("amazon", {"ownership"}),
        ("secnumcloud", {"qualifications"}),
        ("cnil-deliberation-2023-146", {"decisions"}),
    ],
)
def test_class_sections_come_from_the_library(site: Path, entity: str, queries: set[str]) -> None:
    page = (site / "id" / f"{entity}.en.html").read_text(encoding="utf-8")
    assert queries <= set(re.findall(r'data-query="([^"]+)"', page))


def test_relations_are_shown_on_their_participants_pages(site: Path) -> None:
    page = (site / "id" / "microsoft-ireland.en.html").read_text(encoding="utf-8")
    assert 'href="hosting-emc2-azure.en.html"' in page  # the hosting node, on its provider's page
    relation = (site / "id" / "hosting-emc2-azure.en.html").read_text(encoding="utf-8")
    assert "<h1>EMC2 hosted on Microsoft Azure in France by Microsoft Ireland</h1>" in relation


def test_search_index_has_both_languages_and_alternative_labels(site: Path) -> None:
    data = json.loads((site / "search-index.json").read_text(encoding="utf-8"))
    emc2 = next(e for e in data["entries"] if e["iri"] == SG + "emc2")
    assert {"EMC2", "projet EMC2", "EMC2, entrepôt multicentrique de données de santé"} <= set(emc2["names"])
    assert emc2["page"] == {"en": "id/emc2.en.html", "fr": "id/emc2.fr.html"}
    assert not any(e["iri"] == SG + "hosting-emc2-azure" for e in data["entries"])  # relation nodes


def sections(page: str, query: str) -> list[str]:
    """The HTML of each section of a page that shows the answer of ``query``."""
    return re.findall(rf'<section[^>]*data-query="{query}">(.*?)</section>', page, re.S)


def rows(section: str) -> list[str]:
    return re.findall(r"<tr><td>(.*?)</tr>", section, re.S)


def test_a_company_page_shows_what_it_controls_indirectly_and_who_controls_it(site: Path) -> None:
    down, up = (
        sections((site / "id" / name).read_text(encoding="utf-8"), "ownership")
        for name in ("amazon.en.html", "aws-emea-sarl.en.html")
    )
    assert len(down) == 1 and "What it controls, directly and indirectly" in down[0]
    indirect = [r for r in rows(down[0]) if 'href="aws-emea-sarl.en.html"' in r]
    assert len(indirect) == 1 and indirect[0].startswith("2</td>")  # depth 2 ...
    assert 'href="amazon-web-services-inc.en.html"' in indirect[0]  # ... through AWS, Inc.
    assert re.search(r'href="#source-\d+"', indirect[0])  # with the sources of its links
    direct = [r for r in rows(down[0]) if r.startswith("1</td>")]
    assert any('href="amazon-web-services-inc.en.html"' in r for r in direct)
    # Haven's control ended in 2021: on its relations as ended, not among what Amazon controls on AS_OF
    amazon = (site / "id" / "amazon.en.html").read_text(encoding="utf-8")
    assert 'href="control-amazon-haven.en.html"' in amazon and "haven.en.html" not in down[0]
    assert len(up) == 1 and "Who controls it, up to the top" in up[0]
    tops = [r for r in rows(up[0]) if 'href="amazon.en.html"' in r]
    assert len(tops) == 1 and tops[0].startswith("2</td>")
    french = sections((site / "id" / "amazon.fr.html").read_text(encoding="utf-8"), "ownership")
    assert "Ce qu&#39;elle contrôle, directement ou indirectement" in french[0] and "contrôlée" in french[0]


def test_sections_asked_at_once_give_the_rows_of_the_bound_query(kg: sovgraph.KnowledgeGraph) -> None:
    """A section marked ``at_once`` is asked once for every entity and its rows split by the parameter's
    column: every entity of the section's classes gets exactly the rows the query bound to it gives (in
    the order of the query's ORDER BY; the order of rows it leaves tied is the engine's)."""
    from sovgraph.publish.pages import Site
    from sovgraph.publish.sections import SECTIONS

    catalogue = read(kg, AS_OF)
    site = Site(kg, catalogue, "test", AS_OF)
    sections = [s for s in SECTIONS if s.at_once]
    assert {(s.query, s.param) for s in sections} >= {
        ("ownership", "controller"),
        ("ownership", "controlled"),
        ("who-hosts-what", "platform"),
        ("who-hosts-what", "provider"),
    }
    checked = 0
    for section in sections:
        spec = kg.library()[section.query]
        day = {"as_of": AS_OF} if spec.param("as_of") is not None else {}
        for iri in sorted(catalogue.entities):
            if not catalogue.closure(iri) & set(section.classes):
                continue
            alone = kg.run(section.query, **{section.param: iri, **day})
            split = site.answer_for(section.query, "en", section.param, iri, AS_OF)
            assert split.columns == alone.columns
            assert sorted(map(_row_key, split.rows)) == sorted(map(_row_key, alone.rows)), (iri, section)
            checked += len(alone.rows)
    assert checked > 200


def _row_key(row: dict[str, object]) -> str:
    return repr(sorted((column, repr(cell)) for column, cell in row.items()))


def test_a_concept_of_a_controlled_list_has_its_page_data_and_uses(
    kg: sovgraph.KnowledgeGraph, site: Path
) -> None:
    catalogue = read(kg, AS_OF)
    used = {
        t.object.value for ts in catalogue.triples.values() for t in ts if t.object.value.startswith(KIND)
    }
    assert KIND + "subsidiary" in catalogue.concepts and used <= set(catalogue.concepts)
    unused = sorted(set(catalogue.concepts) - used)
    assert unused  # a concept nothing uses has its page too (its kind: IRI can be served), which says so
    assert "Nothing in the curated graph uses this concept." in (
        site / concept_page(unused[0], "en")
    ).read_text(encoding="utf-8")
    assert KIND + "ControlKinds" not in catalogue.concepts  # a list is not a concept
    for iri in catalogue.concepts:
        for lang in ("en", "fr"):
            assert (site / concept_page(iri, lang)).is_file(), iri
    page = (site / "kind" / "subsidiary.en.html").read_text(encoding="utf-8")
    assert "<h1>subsidiary</h1>" in page
    assert "The controlled company is a subsidiary (or brand) of the controlling one." in page
    assert '<a href="../ontology.en.html#kind-ControlKinds">Kinds of control</a>' in page
    assert 'href="../id/control-amazon-amazon-web-services-inc.en.html"' in page  # what uses it
    french = (site / "kind" / "subsidiary.fr.html").read_text(encoding="utf-8")
    assert "<h1>filiale</h1>" in french and "Employé par" in french
    # its data: what the ontology says about it, exactly
    ontology = {p.resolve() for p in kg.project.ontology_files()}
    own = {
        pyoxigraph.Triple(q.subject, q.predicate, q.object)
        for f in kg.files
        if f.path.resolve() in ontology
        for q in kg.store.quads_for_pattern(
            pyoxigraph.NamedNode(KIND + "subsidiary"), None, None, pyoxigraph.NamedNode(f.graph)
        )
    }
    assert len(own) >= 4
    assert triples(site / f"{concept_base(KIND + 'subsidiary')}.ttl") == own
    assert triples(site / "kind" / "subsidiary.jsonld") == own
    # every link to it points to its page: a relation's confidence badge, the facts of a relation node
    emc2 = (site / "id" / "control-amazon-amazon-web-services-inc.en.html").read_text(encoding="utf-8")
    assert 'href="../kind/subsidiary.en.html"' in emc2
    index = (site / "concepts.en.html").read_text(encoding="utf-8")
    assert 'href="kind/subsidiary.en.html"' in index and 'href="kind/verified-in-source.en.html"' in index
    search = json.loads((site / "search-index.json").read_text(encoding="utf-8"))
    entry = next(e for e in search["entries"] if e["iri"] == KIND + "subsidiary")
    assert entry["page"]["fr"] == "kind/subsidiary.fr.html" and entry["cls"]["en"] == "Kinds of control"
    assert "filiale" in entry["names"]


def test_an_entity_network_is_the_focus_view_cut_from_its_part_of_the_graph(
    kg: sovgraph.KnowledgeGraph,
) -> None:
    """The site cuts each entity's focus view from the part of the projection around it (much faster): the
    same nodes, edges, highlighted chains and attributes as from the whole projection."""
    from sovgraph.network.focus import focus_view
    from sovgraph.publish.networks import around, projections

    graph = projections(kg, AS_OF, ("en",))["en"]
    nodes = sorted(n for n in graph if graph.degree(n) > 0)
    hubs = [SG + name for name in ("emc2", "microsoft-azure", "microsoft-corporation", "cloud-act", "amazon")]
    chained = 0
    for node in [*nodes[::25], *hubs]:
        whole, part = focus_view(graph, node, depth=1), focus_view(around(graph, node), node, depth=1)
        assert dict(part.nodes(data=True)) == dict(whole.nodes(data=True)), node
        assert sorted(part.edges(keys=True, data=True), key=repr) == sorted(
            whole.edges(keys=True, data=True), key=repr
        ), node
        assert part.graph == whole.graph, node
        chained += any(attrs.get("highlight") for _, attrs in whole.nodes(data=True))
    assert chained > 5  # the comparison covers views with highlighted chains


# --- the link to a query page ----------------------------------------------------------------------------


def test_every_page_links_to_the_query_page_and_entity_pages_to_a_ready_query(site: Path) -> None:
    page = (site / "id" / "emc2.en.html").read_text(encoding="utf-8")
    href = f"{QUERY_PAGE}?entity=https%3A%2F%2Fw3id.org%2Fsovgraph%2Fid%2Femc2"
    assert f'<a class="query-entity" href="{href}" rel="external noopener noreferrer"' in page
    assert f'<a class="query-page" href="{QUERY_PAGE}" rel="external noopener noreferrer"' in page
    concept = (site / "kind" / "subsidiary.fr.html").read_text(encoding="utf-8")
    assert "?entity=https%3A%2F%2Fw3id.org%2Fsovgraph%2Fkind%2Fsubsidiary" in concept
    assert f'class="query-page" href="{QUERY_PAGE}"' in (site / "index.html").read_text(encoding="utf-8")


def test_without_a_query_page_there_is_no_link(
    root: Path, fixtures: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    site = hostile_site(root, fixtures, tmp_path_factory)  # built without query_page
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert "query-page" not in text and "query-entity" not in text and "?entity=" not in text, page
    assert "query-entity" in (
        hostile_site_with_link(root, fixtures, tmp_path_factory) / "id" / "evil-platform.en.html"
    ).read_text(encoding="utf-8")


def hostile_site_with_link(root: Path, fixtures: Path, factory: pytest.TempPathFactory) -> Path:
    if "hostile-linked" not in _BUILT:
        folder = factory.mktemp("hostile-linked") / "public"
        build_site(hostile_kg(root, fixtures), folder, as_of=AS_OF, networks=False, query_page=ODD_PAGE)
        _BUILT["hostile-linked"] = folder
    return _BUILT["hostile-linked"]


ODD_PAGE = "https://example.org:8443/q&a/query.html"
"""A query page whose address must be escaped in HTML (its ``&``)."""


def test_the_query_links_are_escaped(
    root: Path, fixtures: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    site = hostile_site_with_link(root, fixtures, tmp_path_factory)
    links = []
    for page in sorted(site.rglob("*.html")):
        for tag, attrs in tags(page):
            if tag == "a" and attrs.get("class") in ("query-page", "query-entity"):
                links.append(str(attrs["href"]))
        assert "q&a/" not in page.read_text(encoding="utf-8"), page  # only q&amp;a/ in the HTML
    assert ODD_PAGE in links
    entity = [link for link in links if link.startswith(ODD_PAGE + "?entity=")]
    assert entity and all(re.fullmatch(r"[A-Za-z0-9%._~-]+", link.split("?entity=")[1]) for link in entity)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://127.0.0.1/",
        "file:///etc/passwd",
        "//127.0.0.1:7878/",
        "http://",
        "http:///path",
        "http://127.0.0.1:7878/?query=x",
        "http://127.0.0.1:7878/#x",
        "http://user@127.0.0.1:7878/",
        "http://127.0.0.1:99999/",
        'http://127.0.0.1:7878/"><script>',
        "http://127.0.0.1:7878/ x",
    ],
)
def test_a_bad_query_page_is_refused_with_one_paragraph_naming_the_option(url: str) -> None:
    with pytest.raises(InputError) as refused:
        query_page_url(url)
    message = str(refused.value)
    assert "--query-page" in message and "http://127.0.0.1:7878/" in message and "\n" not in message


def test_the_command_refuses_a_bad_query_page_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "public"
    with pytest.raises(SystemExit) as stopped:
        main(["site", "-o", str(out), "--no-cache", "--query-page", "javascript:alert(1)"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "argument --query-page" in error and "not an http:// or https:// address" in error
    assert not out.exists()
    for good in ("http://127.0.0.1:7878/", "https://sparql.example.org/sovgraph/"):
        assert query_page_url(good) == good


# --- linked data -----------------------------------------------------------------------------------------


def test_the_entity_files_parse_and_their_union_is_the_curated_graph(
    kg: sovgraph.KnowledgeGraph, site: Path
) -> None:
    expected = curated(kg)
    union_ttl: set[pyoxigraph.Triple] = set()
    union_jsonld: set[pyoxigraph.Triple] = set()
    files = sorted(site.glob("id/*.ttl")) + sorted(site.glob("x/*.ttl"))
    assert len(files) == len({t.subject for t in expected})
    for ttl in files:
        union_ttl |= triples(ttl)
        union_jsonld |= triples(ttl.with_suffix(".jsonld"))
    assert union_ttl == expected
    assert union_jsonld == expected


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_the_entity_files_parse_with_rdflib_too(kg: sovgraph.KnowledgeGraph, site: Path) -> None:
    union = rdflib.Graph()
    for ttl in sorted(site.glob("id/*.ttl")):
        union.parse(ttl, format="turtle")
        union.parse(ttl.with_suffix(".jsonld"), format="json-ld")
    reference = rdflib.Graph()
    data = "\n".join(f"{t} ." for t in curated(kg))
    reference.parse(data=data, format="nt")
    assert rdflib.compare.isomorphic(union, reference)


def test_each_file_holds_the_triples_of_its_subject_only(site: Path) -> None:
    found = triples(site / "id" / "hosting-emc2-azure.ttl")
    assert {t.subject.value for t in found} == {SG + "hosting-emc2-azure"}
    document = json.loads((site / "id" / "emc2.jsonld").read_text(encoding="utf-8"))
    context = json.loads((site / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context["@context"]
    assert document["@graph"][0]["@id"] == "sg:emc2"


def test_the_dataset_description(kg: sovgraph.KnowledgeGraph, site: Path) -> None:
    graph = rdflib.Graph().parse(site / "void.ttl", format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/sovgraph/dataset")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dcterms = rdflib.Namespace("http://purl.org/dc/terms/")
    assert graph.value(dataset, dcterms.license) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert int(graph.value(dataset, void.triples)) == len(curated(kg))  # type: ignore[arg-type]
    assert len(list(graph.objects(dataset, dcterms.source))) == len(read(kg, AS_OF).sources)
    for dump in ("trig", "nq"):
        assert len(list(pyoxigraph.parse(path=str(site / "dumps" / f"sovgraph.{dump}")))) == len(kg)


# --- hostile data ----------------------------------------------------------------------------------------

IMG = '<img src=x onerror="window.__pwned=1;alert(1)">'
SCRIPT = "</script><script>window.__pwned=1;alert(1)</script>"


def test_hostile_labels_and_urls_stay_text(
    root: Path, fixtures: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    site = hostile_site(root, fixtures, tmp_path_factory)
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for raw in (IMG, SCRIPT, "<svg onload", "<b>co</b>", "<script>window.__pwned"):
            assert raw not in text, (page, raw)
        for tag, attrs in tags(page):
            for value in attrs.values():
                assert not (value or "").strip().lower().startswith("javascript:"), (page, tag, attrs)
    page = (site / "id" / "evil-platform.en.html").read_text(encoding="utf-8")
    assert '<code class="inert-url">javascript:window.__pwned=1;alert(1)</code>' in page
    assert "{{ 7*7 }}" in (site / "id" / "evil-cloud.en.html").read_text(encoding="utf-8")
    quoted = 'href="https://example.org/report?a=&#34;&gt;&lt;img src=x onerror=window.__pwned=1&gt;"'
    assert quoted in page


# --- the command -----------------------------------------------------------------------------------------


def test_the_command_builds_and_refuses_a_folder_it_did_not_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "public"
    assert main(["site", "-o", str(out), "--no-networks", "--no-cache", "--as-of", AS_OF]) == 0
    assert "entities" in capsys.readouterr().err
    assert (out / "id" / "emc2.fr.html").is_file() and not (out / "static" / "vis-network.min.js").exists()
    assert main(["site", "-o", str(out), "--no-networks", "--no-cache"]) == 0  # its own site: rebuilt
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["site", "-o", str(mine), "--no-cache"]) == 2
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
    with pytest.raises(OutputError):
        build_site(sovgraph.load(), mine, networks=False)


def test_the_build_shows_its_progress_through_the_entities(
    root: Path,
    fixtures: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A site of a big graph takes minutes: a bar counts the entities whose pages are written (on a terminal;
    # forced here).
    monkeypatch.setenv("SOVGRAPH_PROGRESS", "1")
    report = build_site(hostile_kg(root, fixtures), tmp_path / "public", as_of=AS_OF, networks=False)
    err = capsys.readouterr().err
    assert "site: entity pages" in err
    assert re.search(rf"site: entity pages: +\d+%\|[^|]*\| \d+/{report.entities} ", err), err
